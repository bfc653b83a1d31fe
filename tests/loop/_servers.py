"""Small, scripted, sometimes hostile HTTP servers on loopback for the client's tests.

A :class:`ScriptedServer` accepts connections in a thread and runs ``handler(conn, server)``
for each in a thread of its own; it counts connections, records request heads, can speak
TLS, and on exit shuts every socket down and joins every thread.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import ssl
import threading
import zlib
from collections.abc import Callable
from types import TracebackType

Handler = Callable[[socket.socket, "ScriptedServer"], None]


class ScriptedServer:
    """A TCP server on ``host`` port 0 running ``handler`` per connection; a context manager."""

    def __init__(
        self,
        handler: Handler,
        *,
        host: str = "127.0.0.1",
        tls: ssl.SSLContext | None = None,
        url_host: str | None = None,
    ) -> None:
        self.handler = handler
        self.tls = tls
        self.stopped = threading.Event()
        self.requests: list[bytes] = []
        self.connections = 0
        self.closed = 0  # connections this side has closed
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.bind((host, 0))
        self._listener.listen(64)
        port = self._listener.getsockname()[1]
        shown = url_host or (f"[{host}]" if ":" in host else host)
        self.url = f"{'https' if tls else 'http'}://{shown}:{port}"
        self._acceptor = threading.Thread(target=self._accept, name="test-server")

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), name="test-conn")
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
                with self._lock:
                    self._conns.append(conn)
            self.handler(conn, self)
        except (OSError, ssl.SSLError):
            pass  # the client went away or refused our certificate: fine
        finally:
            conn.close()
            with self._lock:
                self.closed += 1

    def record(self, head: bytes) -> None:
        with self._lock:
            self.requests.append(head)

    def __enter__(self) -> ScriptedServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopped.set()
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        self._acceptor.join(10)
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(10)


def read_request(conn: socket.socket, server: ScriptedServer) -> bytes:
    """Read one request head (GET only: no body); b"" if the client closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0]
    server.record(head)
    return head


def header(head: bytes, name: str) -> str | None:
    """The value of header ``name`` in a request head, or None."""
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower().encode():
            return value.strip().decode("latin-1")
    return None


def response(status: str, body: bytes = b"", headers: list[tuple[str, str]] | None = None) -> bytes:
    """A whole HTTP/1.1 response with a Content-Length."""
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers or []]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def keep_alive(body: bytes, headers: list[tuple[str, str]] | None = None) -> Handler:
    """Answer every request on the connection with 200 and ``body``."""

    def handle(conn: socket.socket, server: ScriptedServer) -> None:
        while read_request(conn, server):
            conn.sendall(response("200 OK", body, headers))

    return handle


def once(raw: bytes, *, then_close: bool = True) -> Handler:
    """Answer the first request with ``raw`` bytes, then close (or keep reading)."""

    def handle(conn: socket.socket, server: ScriptedServer) -> None:
        if read_request(conn, server):
            conn.sendall(raw)
            while not then_close and read_request(conn, server):
                conn.sendall(raw)

    return handle


def chunked(*pieces: bytes) -> bytes:
    """A 200 response whose body is sent in chunks."""
    body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body


def gzipped(body: bytes) -> bytes:
    """A 200 response with a gzip-encoded body and a repeated header."""
    data = gzip.compress(body)
    return response(
        "200 OK",
        data,
        [("Content-Encoding", "gzip"), ("X-Repeated", "one"), ("X-Repeated", "two")],
    )


def drop(conn: socket.socket, server: ScriptedServer) -> None:
    """Read the request and close without a word."""
    read_request(conn, server)


def trickle(interval: float, size: int = 100) -> Handler:
    """Send the head at once, then the body one byte per ``interval`` seconds."""

    def handle(conn: socket.socket, server: ScriptedServer) -> None:
        if not read_request(conn, server):
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
        for _ in range(size):
            if server.stopped.wait(interval):
                return
            conn.sendall(b"x")

    return handle


def endless(*, chunks: bool) -> Handler:
    """Send a body that never ends (close-delimited or chunked) until the client leaves."""

    def handle(conn: socket.socket, server: ScriptedServer) -> None:
        if not read_request(conn, server):
            return
        if chunks:
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            piece = b"%x\r\n%s\r\n" % (65536, b"z" * 65536)
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            piece = b"z" * 65536
        while not server.stopped.is_set():
            conn.sendall(piece)

    return handle


def gzip_bomb(decompressed: int) -> bytes:
    """A 200 response whose small gzip body inflates to ``decompressed`` zero bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(decompressed >> 20)]
    data = b"".join(parts) + packer.flush()
    return response("200 OK", data, [("Content-Encoding", "gzip")])


def redirect_to(location: str, status: str = "302 Found") -> Handler:
    """Answer every request with a redirect to ``location``."""

    def handle(conn: socket.socket, server: ScriptedServer) -> None:
        while read_request(conn, server):
            conn.sendall(response(status, b"", [("Location", location)]))

    return handle


def close_after_each(body: bytes) -> Handler:
    """Answer one request as if keeping the connection, then close it (a stale pool entry)."""

    def handle(conn: socket.socket, server: ScriptedServer) -> None:
        if read_request(conn, server):
            conn.sendall(response("200 OK", body))

    return handle
