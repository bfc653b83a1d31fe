"""What the dask model needs from ``dask.distributed``, in the shapes the executor family asks.

- :class:`ClusterStop`: the run's stop flag, a ``distributed.Event`` on the scheduler;
- :class:`ClusterExecutor`: ``client.get_executor()``, with the plan scattered once;
- :func:`dask_setup`: the local cluster's worker preload (workers ignore Ctrl-C);
- :func:`worker_label`, :func:`worker_cpu_seconds`: run on the workers;
- :func:`sigint_deferred`, :func:`close_nannies`: starting and killing a local cluster safely;
- :func:`probe_scheduler`: is anyone listening at a scheduler's address;
- :func:`quiet_loop`: distributed's event loop reports nothing to the terminal.

Nothing here imports dask at module level: ``distributed`` is imported where it is used, so
the model's module stays importable without the optional dependency.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from multiprocessing import resource_tracker
from typing import Any

from speedlab.models._worker import WorkerPlan

__all__ = [
    "CALL_TIMEOUT",
    "ClusterExecutor",
    "ClusterStop",
    "close_nannies",
    "dask_setup",
    "probe_scheduler",
    "quiet_loop",
    "sigint_deferred",
    "worker_cpu_seconds",
    "worker_label",
]

#: Seconds for a call to every worker (forget the run, read CPU time) or to the scheduler.
CALL_TIMEOUT = 10.0


def dask_setup(worker: object) -> None:
    """Worker preload of the local cluster: ignore Ctrl-C, the parent process decides.

    dask calls it in each worker process's main thread before the worker serves tasks.
    """
    del worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_label() -> str:
    """Name the current dask worker by its address (``tcp://10.0.0.5:40123``)."""
    from distributed import get_worker

    return str(get_worker().address)


def worker_cpu_seconds() -> float:
    """User + system CPU time of this (worker) process."""
    t = os.times()
    return t.user + t.system


class ClusterStop:
    """The run's stop flag: a ``distributed.Event`` on the scheduler.

    It is made before the client exists (the executor family asks for the flag first) and
    bound to the model's client once connected; a ``set()`` before that is remembered. On a
    worker it unpickles as a plain ``distributed.Event`` that finds the worker's client.
    """

    def __init__(self) -> None:
        self.name = f"speedlab-stop-{uuid.uuid4().hex}"
        self._client: Any = None
        self._set = False

    def bind(self, client: Any) -> None:
        """Use ``client`` to reach the scheduler from now on."""
        self._client = client
        if self._set:
            self._call("event_set")

    def _call(self, op: str, **kwargs: object) -> Any:
        client = self._client
        method = getattr(client.scheduler, op)
        return client.sync(method, name=self.name, callback_timeout=CALL_TIMEOUT, **kwargs)

    def set(self) -> None:
        """Ask every worker of the run to stop (best effort if the scheduler is gone)."""
        self._set = True
        if self._client is not None:
            # If the scheduler is gone, so are the tasks that could have seen the flag.
            with contextlib.suppress(OSError, TimeoutError):
                self._call("event_set")

    def is_set(self) -> bool:
        """True once ``set()`` was called here."""
        return self._set

    def wait(self, timeout: float | None = None) -> bool:
        """Wait on the scheduler's event (only the workers do)."""
        if self._set or self._client is None:
            return self._set
        return bool(self._call("event_wait", timeout=timeout))

    def forget(self) -> None:
        """Drop the event from the scheduler (a long-lived cluster keeps them otherwise)."""
        if self._client is not None:
            with contextlib.suppress(OSError, TimeoutError):
                self._call("event_clear")

    def __reduce__(self) -> tuple[Any, ...]:
        from distributed import Event

        return (Event, (self.name,))


class ClusterExecutor(Executor):
    """``client.get_executor()`` in the shape the executor family expects.

    The run's plan, passed as each task's handle, is replaced by its scattered copy, so it
    crosses the network once per worker instead of once per task; tasks are impure (each
    runs, even with the same arguments); ``shutdown(cancel_futures=True)`` cancels the rest.
    """

    def __init__(self, client: Any, plan: WorkerPlan) -> None:
        self._plan = plan
        self._inner: Executor = client.get_executor(pure=False)
        [self._scattered] = client.scatter([plan], broadcast=True, hash=False)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Submit ``fn(*args)`` as a task; the plan travels as its scattered copy."""
        args = tuple(self._scattered if arg is self._plan else arg for arg in args)
        return self._inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Cancel (``cancel_futures``) or wait for the tasks, then release the plan."""
        self._inner.shutdown(wait=wait and not cancel_futures)
        self._scattered.release()


@contextlib.contextmanager
def sigint_deferred() -> Iterator[list[bool]]:
    """Hold Ctrl-C back while a cluster's scheduler and client are made; say if it came.

    Two reasons, both about a local cluster:

    - a KeyboardInterrupt inside ``LocalCluster()`` or ``Client()`` would leave a half-made
      object (and its threads) that no one holds to close: a press is only remembered here,
      and the caller raises it once the object is in hand;
    - SIGINT is also *blocked* meanwhile, and a signal mask is inherited by the threads
      started now (the cluster's event loop) and from them by the threads and processes
      they start later, through ``exec``: the worker processes are born with SIGINT blocked,
      so a Ctrl-C pressed while they import cannot kill them half-started with tracebacks.
      (multiprocessing's resource tracker, when it starts, unblocks SIGINT in the thread
      that started it, so it is started first, here.)

    Only the main thread receives Ctrl-C and may set handlers; elsewhere this does nothing.
    """
    pressed: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return

    def remember(signum: int, frame: object) -> None:
        del signum, frame
        pressed.append(True)

    resource_tracker.ensure_running()
    previous = signal.signal(signal.SIGINT, remember)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield pressed
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending press arrives now
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def quiet_loop(loop: Any) -> None:
    """Keep the unobserved errors of distributed's own event loop off the user's terminal.

    A stop kills our own local workers on purpose; the scheduler's tasks that were talking to
    them (a scatter, a replicate) then fail with nobody awaiting them, and asyncio prints
    "Task exception was never retrieved" and a traceback through its default handler. Real
    failures reach the run anyway, as failed units or a ``ClusterError``.

    Args:
        loop: A tornado ``IOLoop`` (``cluster.loop``, ``client.loop``) or an asyncio loop.
    """
    asyncio_loop = getattr(loop, "asyncio_loop", loop)
    if isinstance(asyncio_loop, asyncio.AbstractEventLoop):
        asyncio_loop.set_exception_handler(_drop_report)


def _drop_report(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    del loop, context


def probe_scheduler(address: str, *, timeout: float) -> None:
    """Make sure a dask scheduler answers at ``address``, within ``timeout``; leave nothing.

    A ``Client`` that cannot connect raises after its timeout but leaves its event loop's
    thread running, with no object left to close it; and one that reaches a server that is not
    a scheduler (an HTTP server) waits for its handshake forever, or reads garbage as a frame
    length and runs out of memory. So the address is tried first: a TCP connection, then
    dask's own ``identity`` request, which a scheduler answers at once. Addresses of other
    protocols (tls://, ucx://) are left to the client.

    Raises:
        OSError: nothing answers at ``address``, or what answers is not a dask scheduler.
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme != "tcp":
        return
    host, port = parse_host_port(location, 8786)
    with socket.create_connection((host, port), timeout=timeout):
        pass
    answer: list[object] = []
    thread = threading.Thread(  # its own loop: the caller may be inside one
        target=lambda: answer.append(_identity(address, timeout)),
        name="speedlab-dask-probe",
        daemon=True,
    )
    thread.start()
    thread.join(timeout + 1.0)
    reply = answer[0] if answer else None
    if isinstance(reply, BaseException) or not isinstance(reply, dict):
        raise OSError(f"no dask scheduler answered within {timeout:g} s")
    if reply.get("type") != "Scheduler":
        raise OSError(f"what answers is a dask {reply.get('type')!s:.40}, not a scheduler")


def _identity(address: str, timeout: float) -> object:
    """Ask ``address`` who it is (dask's ``identity`` op); the reply, or what went wrong."""
    from distributed.comm.core import connect

    async def ask() -> object:
        comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)  # type: ignore[no-untyped-call]
        try:
            await asyncio.wait_for(comm.write({"op": "identity", "reply": True}), timeout)
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    try:
        return asyncio.run(ask())
    except (Exception, MemoryError) as exc:  # garbage read as a frame length, a timeout...
        return exc


async def close_nannies(nannies: list[Any], timeout: float) -> None:
    """Close a local cluster's nannies, killing each worker still busy after ``timeout``."""
    await asyncio.gather(*(nanny.close(timeout=timeout) for nanny in nannies))
