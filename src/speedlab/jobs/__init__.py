"""Jobs: lists of independent units whose logic is written once, without I/O.

A unit is a generator that yields effects (``Send``, ``Sleep``) and returns a ``UnitOutcome``
(:mod:`speedlab.jobs.effects`); a model runs it with its own tools (:mod:`speedlab.models`).
The jobs: :mod:`speedlab.jobs.github` (the lecture's downloader) and :mod:`speedlab.jobs.sleep`
(the lecture's slow function).
"""

from __future__ import annotations

from speedlab.jobs.base import Job, SharingKind

__all__ = ["Job", "SharingKind"]
