"""Sockets on the hand-made loop: readiness waits, a byte stream, TCP connect, a worker thread.

Everything here is non-blocking sockets plus two kernel requests, "wake me when this socket is
readable" and "... writable": try the system call, and on ``BlockingIOError`` wait for
readiness and try again. No callbacks, no transports, no protocols.

``getaddrinfo`` has no non-blocking form, so a host *name* is resolved in a worker thread
(:func:`run_in_thread`), which wakes its task through a socket pair, the only way a thread may
knock on the kernel's door. Numeric addresses are resolved in place, without DNS.

    stream = await open_tcp_stream("127.0.0.1", 8000, timeout=5.0)
    await stream.send_all(b"GET / HTTP/1.0\\r\\n\\r\\n")
    first = await stream.receive()
"""

from __future__ import annotations

import contextlib
import errno
import os
import selectors
import socket
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from speedlab.loop._time import timeout_after
from speedlab.loop._traps import trap_io

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_RECEIVE_SIZE",
    "SocketStream",
    "open_tcp_stream",
    "resolve",
    "run_in_thread",
    "wait_readable",
    "wait_writable",
]

T = TypeVar("T")

#: How long :func:`open_tcp_stream` may take by default, resolution included (seconds).
DEFAULT_CONNECT_TIMEOUT = 10.0

#: Bytes asked of ``recv`` at a time: large enough for a whole typical response.
DEFAULT_RECEIVE_SIZE = 256 * 1024

# connect_ex() answers for "in progress": wait until the socket is writable.
_IN_PROGRESS = {errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN}


def wait_readable(sock: Any) -> Awaitable[None]:
    """Suspend the task until ``sock`` (a socket or file descriptor) is readable.

    Bound it with :func:`~speedlab.loop.timeout_after`; only one task may wait per direction.
    """
    return trap_io(sock, selectors.EVENT_READ)


def wait_writable(sock: Any) -> Awaitable[None]:
    """Suspend the task until ``sock`` (a socket or file descriptor) is writable."""
    return trap_io(sock, selectors.EVENT_WRITE)


async def run_in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Call ``fn(*args)`` in a new thread and wait for it without blocking the loop.

    For short blocking calls only (``getaddrinfo``). If the waiting task is cancelled it
    stops waiting at once; the thread cannot be interrupted, finishes on its own (it is a
    daemon thread) and its result is dropped.

    Args:
        fn: The blocking function.
        args: Its arguments.

    Returns:
        What ``fn`` returned.

    Raises:
        BaseException: What ``fn`` raised.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    box: list[tuple[bool, Any]] = []

    def work() -> None:
        try:
            box.append((True, fn(*args)))
        except BaseException as exc:
            box.append((False, exc))
        finally:
            # The thread owns the writing end, so it never writes to a reused descriptor;
            # OSError: the task gave up and closed its end.
            with contextlib.suppress(OSError):
                writer.send(b"\0")
            writer.close()

    thread = threading.Thread(target=work, name=f"speedlab-loop-{fn.__name__}", daemon=True)
    with reader:
        thread.start()
        while not box:
            await wait_readable(reader)
    thread.join()  # it has stored its result: only its last lines are left
    ok, value = box[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


async def resolve(host: str, port: int, *, family: int = socket.AF_UNSPEC) -> list[Any]:
    """Return ``getaddrinfo`` results for a TCP connection to ``host:port``.

    A numeric address (``127.0.0.1``, ``::1``) is converted in place; a name is looked up in
    a worker thread so that the loop never blocks on DNS.

    Raises:
        OSError: ``socket.gaierror`` when the name does not resolve.
    """
    flags = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
    try:
        return socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, 0, flags)
    except socket.gaierror:
        pass
    infos: list[Any] = await run_in_thread(
        socket.getaddrinfo, host, port, family, socket.SOCK_STREAM
    )
    return infos


class SocketStream:
    """A connected non-blocking socket with ``send_all``/``receive`` that wait for readiness.

    Owns the socket: ``close()`` (idempotent) closes it; usable as an async context manager.
    """

    __slots__ = ("_replied", "_sock")

    def __init__(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self._sock = sock
        self._replied = True  # False right after a send: the answer cannot be there yet

    @property
    def socket(self) -> socket.socket:
        """The underlying socket."""
        return self._sock

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        """Send every byte of ``data``, waiting whenever the socket's buffer is full.

        Raises:
            OSError: The connection broke (``BrokenPipeError``, ``ConnectionResetError``...).
        """
        view = memoryview(data)
        sock = self._sock
        self._replied = False
        while view:
            try:
                sent = sock.send(view)
            except BlockingIOError:
                await wait_writable(sock)
            else:
                view = view[sent:]

    async def receive(self, max_bytes: int = DEFAULT_RECEIVE_SIZE) -> bytes:
        """Return the next bytes that arrive (at most ``max_bytes``); ``b""`` at end of stream.

        Raises:
            OSError: The connection broke.
        """
        sock = self._sock
        if not self._replied:  # skip a recv() that would only fail with EAGAIN
            self._replied = True
            await wait_readable(sock)
        while True:
            try:
                return sock.recv(max_bytes)
            except BlockingIOError:
                await wait_readable(sock)

    def is_readable(self) -> bool:
        """Return True if a read would not block: data, end of stream, or an error is waiting.

        An idle keep-alive connection that is readable was closed (or spoiled) by the server.
        """
        try:
            self._sock.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            return False
        except OSError:
            return True
        return True

    def close(self) -> None:
        """Close the socket (safe to call twice)."""
        self._sock.close()

    async def aclose(self) -> None:
        """Close the socket; the async spelling, for symmetry with TLS streams."""
        self.close()

    async def __aenter__(self) -> SocketStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()


async def _connect(info: Any) -> SocketStream:
    family, kind, proto, _, address = info
    sock = socket.socket(family, kind, proto)
    try:
        sock.setblocking(False)
        code = sock.connect_ex(address)
        if code in _IN_PROGRESS:
            await wait_writable(sock)
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code:
            raise OSError(code, f"connect to {address[0]} port {address[1]}: {os.strerror(code)}")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except BaseException:
        sock.close()
        raise
    return SocketStream(sock)


async def open_tcp_stream(
    host: str,
    port: int,
    *,
    timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
    family: int = socket.AF_UNSPEC,
) -> SocketStream:
    """Connect to ``host:port`` over TCP (IPv4 or IPv6), trying each address in turn.

    Args:
        host: A name or a numeric address (IPv6 without brackets).
        port: The TCP port.
        timeout: Seconds for resolution and every attempt together (None: no bound).
        family: ``socket.AF_INET`` or ``AF_INET6`` to insist on one (default: either).

    Returns:
        The connected stream.

    Raises:
        TimeoutExpired: No connection within ``timeout``.
        OSError: The name did not resolve or every address refused.
    """
    async with timeout_after(timeout):
        infos = await resolve(host, port, family=family)
        errors: list[OSError] = []
        for info in infos:
            try:
                return await _connect(info)
            except OSError as exc:
                errors.append(exc)
        if not errors:
            raise OSError(f"no address for {host!r}")
        if len(errors) == 1:
            raise errors[0]
        raise OSError(f"every address of {host!r} failed: " + "; ".join(map(str, errors)))
