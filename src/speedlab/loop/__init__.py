"""speedlab.loop: the hand-made event loop, a microkernel in the spirit of curio.

The lecture's runner (generators yielding a request, answered through ``send``) grown into a
real loop: tasks, time, synchronisation and sockets, then TLS and an HTTP/1.1 client on top.

- the kernel: :func:`run`, :class:`Kernel` and its :class:`KernelStatistics`;
- tasks: :func:`spawn`, :class:`Task` (``join``, ``cancel``), :func:`current_task`, :func:`gather`;
- from synchronous code on the kernel's thread: :func:`spawn_nowait`, ``Task.cancel_nowait``,
  ``Event.set_nowait``; from any thread: ``Kernel.call_threadsafe`` (the kernel's doorbell);
- time: :func:`sleep`, :func:`timeout_after`, :func:`timeout_at`, the clocks;
- sync: :class:`Event`, :class:`Queue`;
- sockets: :func:`wait_readable`, :func:`wait_writable`, :func:`open_tcp_stream`,
  :class:`SocketStream`, :class:`TlsStream` (``ssl.SSLObject`` over memory buffers);
- threads: :func:`run_in_thread` (one call), :class:`WorkerThreads` (reused threads);
- HTTP/1.1: :class:`HttpClient` (h11 framing, keep-alive pool, gzip, caps, deadlines,
  optional redirects) and :class:`HandmadeTransport`, the engine's transport on top of it.

Cancellation raises asyncio's own ``CancelledError`` (re-exported here), so code that only
awaits other coroutines and ``sleep(0)`` runs unchanged under both loops.

    >>> from speedlab.loop import run, sleep, VirtualClock
    >>> async def main() -> str:
    ...     await sleep(100.0)  # in virtual time: no real waiting
    ...     return "done"
    >>> run(main, clock=VirtualClock())
    'done'
"""

from __future__ import annotations

from asyncio import CancelledError

from speedlab.loop._client import DEFAULT_REQUEST_TIMEOUT, ClientStatistics, HttpClient
from speedlab.loop._http11 import (
    DEFAULT_MAX_RESPONSE_BYTES,
    MAX_REDIRECTS,
    Response,
)
from speedlab.loop._io import (
    DEFAULT_CONNECT_TIMEOUT,
    SocketStream,
    open_tcp_stream,
    run_in_thread,
    wait_readable,
    wait_writable,
)
from speedlab.loop._pool import DEFAULT_KEEPALIVE_EXPIRY, DEFAULT_POOL_SIZE, PoolStatistics
from speedlab.loop._run import Kernel, KernelStatistics, run
from speedlab.loop._sync import Event, Queue, gather
from speedlab.loop._task import Task, current_task, spawn, spawn_nowait
from speedlab.loop._threads import DEFAULT_MAX_THREADS, ThreadStatistics, WorkerThreads
from speedlab.loop._time import (
    Clock,
    MonotonicClock,
    TaskTimeout,
    TimeoutScope,
    VirtualClock,
    current_time,
    sleep,
    sleep_until,
    timeout_after,
    timeout_at,
)
from speedlab.loop._tls import TlsStream, create_ssl_context
from speedlab.loop._transport import HandmadeTransport

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_KEEPALIVE_EXPIRY",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_THREADS",
    "DEFAULT_POOL_SIZE",
    "DEFAULT_REQUEST_TIMEOUT",
    "MAX_REDIRECTS",
    "CancelledError",
    "ClientStatistics",
    "Clock",
    "Event",
    "HandmadeTransport",
    "HttpClient",
    "Kernel",
    "KernelStatistics",
    "MonotonicClock",
    "PoolStatistics",
    "Queue",
    "Response",
    "SocketStream",
    "Task",
    "TaskTimeout",
    "ThreadStatistics",
    "TimeoutScope",
    "TlsStream",
    "VirtualClock",
    "WorkerThreads",
    "create_ssl_context",
    "current_task",
    "current_time",
    "gather",
    "open_tcp_stream",
    "run",
    "run_in_thread",
    "sleep",
    "sleep_until",
    "spawn",
    "spawn_nowait",
    "timeout_after",
    "timeout_at",
    "wait_readable",
    "wait_writable",
]
