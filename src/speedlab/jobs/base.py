"""What a model needs from a job: its units, its shared state, and one generator per unit.

A job is picklable (the processes model sends it to its workers). Its shared state is made by
the model, of the kind the model needs: ``"local"`` (threads, asyncio, the hand-made loop share
one object guarded by a ``threading.Lock``) or ``"process"`` (shared memory and a
``multiprocessing`` lock, created before the workers start and handed to them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, TypeAlias

from speedlab.jobs.effects import UnitGenerator, UnitOutcome

__all__ = ["Job", "SharingKind"]

SharingKind: TypeAlias = Literal["local", "process"]


class Job(Protocol):
    """A list of independent units and how to run one of them, without any I/O of its own."""

    @property
    def name(self) -> str:
        """A short name for reports ("github")."""
        ...

    def units(self) -> Sequence[str]:
        """The keys of the units still to run, in order (already-done ones are left out)."""
        ...

    def skipped(self) -> Sequence[UnitOutcome]:
        """Outcomes of the units left out of ``units()`` (e.g. resumed from a previous run)."""
        ...

    def new_shared_state(self, kind: SharingKind) -> object:
        """Create the state all workers of one run share (e.g. the rate-limit gate)."""
        ...

    def unit(self, key: str, shared: object) -> UnitGenerator:
        """The sans-I/O generator for one unit; it may save its result before returning."""
        ...
