"""Jobs: lists of independent units whose logic is written once, without I/O.

A unit is a generator that yields effects (``Send``, ``Sleep``, ``Call``, ``Compute``) and
returns a ``UnitOutcome`` (:mod:`speedlab.jobs.effects`); the seam a job offers its models is
:mod:`speedlab.jobs.base`; a model runs it with its own tools (:mod:`speedlab.models`). The
jobs: :mod:`speedlab.jobs.github` (the lecture's downloader), :mod:`speedlab.jobs.sleep` (the
lecture's slow function) and :mod:`speedlab.jobs.primes` (its CPU-bound ``is_prime``).
"""

from __future__ import annotations

from speedlab.jobs.base import Job, SharedMemory

__all__ = ["Job", "SharedMemory"]
