"""The sharing backends a model lends its job: the other half of ``SharedMemory``.

A job says what its workers share (a lock and a few numbers, for the GitHub job's rate gate);
the model says how, by passing one of these to ``job.new_shared_state``:

- :class:`LocalMemory`: workers are threads or tasks of one process: a ``threading.Lock`` and
  a plain list (sequential, threads, asyncio, the hand-made loop).
- :class:`ProcessMemory`: workers are processes started from one ``multiprocessing`` context:
  a context lock and an unsynchronised shared ``Array('d')``, made in the parent before the
  workers start and handed to them when they are created (they cannot be pickled later).
- :class:`NoSharedMemory`: workers may live on other machines (dask): asking for anything
  raises :class:`~speedlab._exceptions.CannotShare` with the model's reason.
"""

from __future__ import annotations

import threading
from collections.abc import MutableSequence
from contextlib import AbstractContextManager
from multiprocessing.context import BaseContext
from typing import Any

from speedlab._exceptions import CannotShare

__all__ = ["LocalMemory", "NoSharedMemory", "ProcessMemory"]


class LocalMemory:
    """Sharing between threads (or tasks) of this process."""

    kind = "local"

    def lock(self) -> AbstractContextManager[Any]:
        """Return a new ``threading.Lock``."""
        return threading.Lock()

    def array(self, size: int) -> MutableSequence[float]:
        """Return a list of ``size`` zeros."""
        return [0.0] * size


class ProcessMemory:
    """Sharing between worker processes of ``ctx``, through shared memory.

    Args:
        ctx: The multiprocessing context the workers are started from.
    """

    kind = "process"

    def __init__(self, ctx: BaseContext) -> None:
        self._ctx = ctx

    def lock(self) -> AbstractContextManager[Any]:
        """Return a new lock of the context (a semaphore in shared memory)."""
        return self._ctx.Lock()

    def array(self, size: int) -> MutableSequence[float]:
        """Return ``size`` zeroed doubles in shared memory, unsynchronised (guard with a lock)."""
        cells: MutableSequence[float] = self._ctx.Array("d", size, lock=False)
        return cells


class NoSharedMemory:
    """No sharing at all: every request for shared state is refused with ``reason``.

    Args:
        model: The model's name, for the message.
        reason: Why its workers cannot share ("its workers may run on other machines").
    """

    kind = "none"

    def __init__(self, model: str, reason: str) -> None:
        self._model = model
        self._reason = reason

    def _refuse(self) -> CannotShare:
        return CannotShare(
            f"the {self._model} model cannot run a job whose workers share state "
            f"({self._reason}); choose another model"
        )

    def lock(self) -> AbstractContextManager[Any]:
        """Refuse.

        Raises:
            CannotShare: always.
        """
        raise self._refuse()

    def array(self, size: int) -> MutableSequence[float]:  # noqa: ARG002 (the protocol's)
        """Refuse.

        Raises:
            CannotShare: always.
        """
        raise self._refuse()
