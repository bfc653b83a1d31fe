"""Worker threads for short blocking calls (a file write per unit), reused from call to call.

:func:`~speedlab.loop.run_in_thread` starts a thread and a socket pair per call: right for a
rare ``getaddrinfo``, but about 90 microseconds each here, ten times a small file write. A
:class:`WorkerThreads` keeps up to ``max_threads`` threads instead. Each owns a socket pair
and knocks on the kernel's door through it when its call is done, so the waiting task is an
ordinary readiness wait (the kernel needs no other wake-up, and a run where every task waits
on a thread is not mistaken for a deadlock).

A blocking call cannot be interrupted. A caller cancelled while its call runs waits for the
call to end before it lets the cancellation through: the call is short by contract and what
it did (a file written) is work done, not to be forgotten; a second cancellation stops even
that wait, and the thread then finishes on its own. ``close()`` joins every thread: nothing
outlives the pool.

    with WorkerThreads(max_threads=4) as threads:
        run(main, threads)   # main does: await threads.run(write_file, path, data)
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from speedlab._exceptions import LoopError
from speedlab.loop._io import wait_readable
from speedlab.loop._sync import Queue

__all__ = ["DEFAULT_MAX_THREADS", "ThreadStatistics", "WorkerThreads"]

T = TypeVar("T")

#: Threads a pool starts at most by default: as many calls at once as asyncio's default
#: executor allows on a small machine; more would only queue on the same disk.
DEFAULT_MAX_THREADS = 8

# A job for a worker thread: the function and its arguments; None tells the thread to end.
_Job = tuple[Callable[..., Any], tuple[Any, ...]] | None


@dataclass(frozen=True)
class ThreadStatistics:
    """What a pool has done so far."""

    calls: int  #: calls started
    threads: int  #: threads started (each lives until ``close``)
    busy: int  #: calls running now
    queued: int  #: calls that waited for a free thread


class _Worker:
    """One thread, its job queue, and the socket pair it rings when a call is done."""

    __slots__ = ("_jobs", "_writer", "done", "reader", "result", "thread")

    def __init__(self, name: str) -> None:
        self.reader, self._writer = socket.socketpair()
        self.reader.setblocking(False)
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.done = True  # written by the thread after ``result``
        self.result: tuple[bool, Any] = (True, None)
        self.thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self.thread.start()

    def submit(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.done = False
        self._jobs.put((fn, args))

    def stop(self) -> None:
        self._jobs.put(None)

    def _serve(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                fn, args = job
                try:
                    self.result = (True, fn(*args))
                except BaseException as exc:
                    self.result = (False, exc)
                self.done = True
                with contextlib.suppress(OSError):  # a full buffer: the task wakes anyway
                    self._writer.send(b"\0")
        finally:
            self._writer.close()

    async def wait_done(self) -> None:
        reader = self.reader
        while not self.done:
            await wait_readable(reader)
            with contextlib.suppress(OSError):  # BlockingIOError: a byte from an older call
                while reader.recv(4096):
                    pass

    def take(self) -> tuple[bool, Any]:
        result, self.result = self.result, (True, None)  # keep no reference to it
        return result


class WorkerThreads:
    """Up to ``max_threads`` reusable threads that run blocking calls for the loop's tasks.

    A context manager; ``close()`` (idempotent) joins every thread, waiting for calls in
    progress.

    Args:
        max_threads: The most threads (and calls at once); later calls wait for a free one.

    Raises:
        ValueError: ``max_threads`` is less than 1.
    """

    def __init__(self, *, max_threads: int = DEFAULT_MAX_THREADS) -> None:
        if isinstance(max_threads, bool) or not isinstance(max_threads, int) or max_threads < 1:
            raise ValueError(f"max_threads must be a positive integer, got {max_threads!r}")
        self.max_threads = max_threads
        self._workers: list[_Worker] = []
        self._idle: Queue[_Worker] = Queue()
        self._closed = False
        self._calls = self._busy = self._queued = self._started = 0

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Call ``fn(*args)`` in a worker thread and wait for it without blocking the loop.

        Args:
            fn: A short blocking function (a file write).
            args: Its arguments.

        Returns:
            What ``fn`` returned.

        Raises:
            LoopError: The pool is closed.
            BaseException: What ``fn`` raised.
        """
        if self._closed:
            raise LoopError("these worker threads are closed")
        worker = await self._acquire()
        self._calls += 1
        self._busy += 1
        worker.submit(fn, args)
        try:
            await worker.wait_done()
        except BaseException:
            try:
                await worker.wait_done()  # the call is running: let it end (see the module)
            except BaseException:
                self._busy -= 1
                raise  # cancelled twice: the thread finishes alone, close() joins it
            self._busy -= 1
            worker.take()
            await self._idle.put(worker)
            raise
        self._busy -= 1
        ok, value = worker.take()
        await self._idle.put(worker)  # unbounded: never blocks
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    async def _acquire(self) -> _Worker:
        idle = self._idle
        if idle.empty():
            if len(self._workers) < self.max_threads:
                worker = _Worker(f"speedlab-loop-worker-{self._started}")
                self._workers.append(worker)
                self._started += 1
                return worker
            self._queued += 1
        return await idle.get()

    def statistics(self) -> ThreadStatistics:
        """Return the counts so far."""
        return ThreadStatistics(
            calls=self._calls, threads=self._started, busy=self._busy, queued=self._queued
        )

    def close(self) -> None:
        """Stop and join every thread, after the calls in progress (safe to call twice)."""
        self._closed = True
        workers, self._workers = self._workers, []
        self._idle = Queue()
        for worker in workers:
            worker.stop()
        for worker in workers:
            worker.thread.join()
            worker.reader.close()

    def __enter__(self) -> WorkerThreads:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
