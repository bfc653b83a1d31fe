"""The seam between jobs and models: what a job must offer so that any model can run it.

A **job** is a list of independent **units** and a way to run one of them without any I/O of
its own:

- ``units()`` lists the keys still to run, ``skipped()`` the ones an earlier run finished;
- ``unit(key, shared)`` builds the unit's generator, which yields effects (``Send``, ``Sleep``,
  ``Call``, ``Compute``: :mod:`speedlab.jobs.effects`) and returns a ``UnitOutcome``;
- ``new_shared_state(memory)`` builds the one object all units of a run share (the GitHub
  job's rate gate), out of the primitives the **model** supplies in ``memory``.

The job decides *what* it shares; the model decides *how*: one process shares a
``threading.Lock`` and a list (sequential, threads, asyncio, the hand-made loop), worker
processes share a ``multiprocessing`` lock and shared memory created before they start, and a
model whose workers live on other machines (dask) cannot share at all and refuses with
:class:`~speedlab._exceptions.CannotShare`. So jobs never import ``multiprocessing``, asyncio
or a client library. A job whose units share nothing just returns None without touching
``memory``.

A job must be picklable (plain frozen data): the processes and dask models send it to their
workers. Adding a job is one new module under ``speedlab/jobs/``.

    @dataclass(frozen=True)
    class SquareJob:
        numbers: tuple[int, ...]
        name: str = "square"

        def units(self): return [str(n) for n in self.numbers]
        def skipped(self): return []
        def new_shared_state(self, memory): return None
        def unit(self, key, shared):
            reply = yield Compute(pow, int(key), 2)
            return UnitOutcome(key, "done", data={"value": reply.value})
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from speedlab.jobs.effects import UnitGenerator, UnitOutcome

__all__ = ["Job", "SharedMemory"]


class SharedMemory(Protocol):
    """The sharing primitives a model lends a job for its run's shared state.

    ``kind`` names the backend (``"local"``, ``"process"``, ...). ``lock()`` and ``array(n)``
    must be called while the job builds its shared state (before any worker starts); the
    objects they return may then be used from every worker of the run.
    """

    @property
    def kind(self) -> str:
        """The backend's name, for messages."""
        ...

    def lock(self) -> AbstractContextManager[Any]:
        """Return a new lock every worker of the run can hold (briefly: never across a wait).

        Raises:
            CannotShare: this model's workers cannot share state.
        """
        ...

    def array(self, size: int) -> MutableSequence[float]:
        """Return ``size`` zeroed floats that every worker of the run reads and writes.

        Raises:
            CannotShare: this model's workers cannot share state.
        """
        ...


class Job(Protocol):
    """A list of independent units and how to run one of them, without any I/O of its own."""

    @property
    def name(self) -> str:
        """A short name for reports ("github")."""
        ...

    def units(self) -> Sequence[str]:
        """The keys of the units still to run, in order (already-done ones are left out).

        Models call it once, before any unit runs: the place to check what the job needs
        (its output directory) and refuse the whole run early.

        Raises:
            SpeedlabError: the job cannot run at all (e.g. ``UnusableOutput``).
        """
        ...

    def skipped(self) -> Sequence[UnitOutcome]:
        """Outcomes of the units left out of ``units()`` (e.g. resumed from a previous run)."""
        ...

    def new_shared_state(self, memory: SharedMemory) -> object:
        """Create the state all workers of one run share, from ``memory``'s primitives.

        Raises:
            CannotShare: the job needs shared state and the model cannot provide it.
        """
        ...

    def unit(self, key: str, shared: object) -> UnitGenerator:
        """The sans-I/O generator for one unit; it may save its result before returning."""
        ...
