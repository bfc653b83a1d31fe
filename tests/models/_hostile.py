"""A hostile HTTP server on 127.0.0.1 for the reliability tests: slow, huge and booby-trapped.

It speaks just enough HTTP/1.1 over raw sockets to misbehave on purpose. The behaviour is
chosen per request by the first path segment, or else by the first word of the ``q``
parameter (so a GitHub job's keywords choose it: ``speedlab github endless bomb --api URL``):

    drip-headers   the status line, then one header byte every ``interval`` seconds, forever
    drip-body      headers (Content-Length 1 MB), then one body byte every ``interval``
    big            announces Content-Length: 2 GB, then sends zeros for as long as it is read
    endless        no Content-Length (the body ends when the connection does): zeros, forever
    chunked        Transfer-Encoding: chunked, 64 KiB chunks of zeros, forever
    bomb           Content-Encoding: gzip: ``bomb_mb`` MiB of zeros in about a thousandth
    deflate-bomb   the same with Content-Encoding: deflate
    anything else  an empty GitHub search page (200)

Every request is counted per behaviour, and so are the bytes sent, so a test can check that a
client read no more than it should and did not retry what must not be retried. Closing the
server shuts every connection down and joins every thread.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import socket
import threading
import zlib
from collections import Counter
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

MODES = ("drip-headers", "drip-body", "big", "endless", "chunked", "bomb", "deflate-bomb")
_ZEROS = bytes(64 * 1024)
_EMPTY_PAGE = json.dumps({"total_count": 0, "incomplete_results": False, "items": []}).encode()


@functools.cache
def _bomb(megabytes: int, coding: str) -> bytes:
    data = bytes(megabytes * 2**20)
    if coding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    return zlib.compress(data, 9)


class HostileServer:
    """A raw-socket HTTP server with the behaviours above; a context manager.

    Args:
        interval: Seconds between two dripped bytes.
        bomb_mb: How many MiB a bomb inflates to.
    """

    def __init__(self, *, interval: float = 0.5, bomb_mb: int = 64) -> None:
        self.interval = interval
        self._bombs = {"bomb": _bomb(bomb_mb, "gzip"), "deflate-bomb": _bomb(bomb_mb, "deflate")}
        self.requests: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._clients: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="hostile-accept")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> HostileServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._acceptor.join()
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._clients.add(client)
            thread = threading.Thread(target=self._serve, args=(client,), name="hostile-conn")
            self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        try:
            with client:
                head = self._read_head(client)
                if head is not None:
                    self._answer(client, head)
        except OSError:
            pass  # the client gave up, or the server is closing
        finally:
            with self._lock:
                self._clients.discard(client)

    def _read_head(self, client: socket.socket) -> str | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = client.recv(4096)
            if not chunk:
                return None
            data += chunk
        return data.split(b"\r\n", 1)[0].decode("latin-1")

    def _mode(self, request_line: str) -> str:
        target = request_line.split(" ")[1] if " " in request_line else "/"
        parts = urlsplit(target)
        first = parts.path.strip("/").split("/")[0]
        if first in MODES:
            return first
        words = parse_qs(parts.query).get("q", [""])[0].split()
        return words[0] if words and words[0] in MODES else "page"

    def _send(self, client: socket.socket, mode: str, data: bytes) -> None:
        client.sendall(data)
        with self._lock:
            self.sent[mode] += len(data)

    def _answer(self, client: socket.socket, request_line: str) -> None:
        mode = self._mode(request_line)
        with self._lock:
            self.requests[mode] += 1
        ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        if mode == "drip-headers":
            self._send(client, mode, b"HTTP/1.1 200 OK\r\nX-Drip: ")
            self._drip(client, mode)
        elif mode == "drip-body":
            self._send(client, mode, f"{ok}Content-Length: 1000000\r\n\r\n".encode())
            self._drip(client, mode)
        elif mode == "big":
            self._send(client, mode, f"{ok}Content-Length: 2000000000\r\n\r\n".encode())
            self._flood(client, mode, b"")
        elif mode == "endless":
            self._send(client, mode, f"{ok}Connection: close\r\n\r\n".encode())
            self._flood(client, mode, b"")
        elif mode == "chunked":
            self._send(client, mode, f"{ok}Transfer-Encoding: chunked\r\n\r\n".encode())
            self._flood(client, mode, f"{len(_ZEROS):x}\r\n".encode())
        elif mode in self._bombs:
            body = self._bombs[mode]
            coding = "gzip" if mode == "bomb" else "deflate"
            head = f"{ok}Content-Encoding: {coding}\r\nContent-Length: {len(body)}\r\n\r\n"
            self._send(client, mode, head.encode() + body)
        else:
            head = f"{ok}Content-Length: {len(_EMPTY_PAGE)}\r\nConnection: close\r\n\r\n"
            self._send(client, mode, head.encode() + _EMPTY_PAGE)

    def _drip(self, client: socket.socket, mode: str) -> None:
        while not self._stop.wait(self.interval):
            self._send(client, mode, b"x")

    def _flood(self, client: socket.socket, mode: str, prefix: bytes) -> None:
        suffix = b"\r\n" if prefix else b""
        while not self._stop.is_set():
            self._send(client, mode, prefix + _ZEROS + suffix)
