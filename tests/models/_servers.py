"""Tiny local HTTP servers for the model tests: they answer by path and record every request.

Routes (``<key>`` is any text without a slash):
    /item/<key>          200, body ``{"key": "<key>"}``
    /flaky/<key>         500 for the first ``fail`` requests of that key, then 200
    /slow/<key>          waits ``delay`` seconds (or until the server closes), then 200
    /drop/<key>          closes the connection without an answer
    /redirect/<rest>     307 to ``target`` + ``/<rest>`` (the query string kept)
    /landing/<key>       200
    /search/repositories 200 with an empty search result (for the GitHub job)
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from types import TracebackType
from typing import TypeVar
from urllib.parse import urlsplit

ServerT = TypeVar("ServerT", bound=HTTPServer)


def send_json(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer ``status`` with a JSON ``body`` and ``headers``; a client gone is fine."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):  # the client gave up: fine
        handler.close_connection = True


@contextlib.contextmanager
def serving(server: ServerT) -> Iterator[ServerT]:
    """Serve ``server`` from a thread while inside; shut it down and join everything after."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every handler thread
    block_on_close = True
    owner: RecordingServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        send_json(self, status, body, headers)

    def do_GET(self) -> None:
        owner = self.server.owner
        path = urlsplit(self.path).path
        owner.record(self.path, {k.lower(): v for k, v in self.headers.items()})
        parts = path.strip("/").split("/")
        route, key = parts[0], (parts[1] if len(parts) > 1 else "")
        if path == "/search/repositories":
            body = {"total_count": 0, "incomplete_results": False, "items": []}
            self._reply(200, json.dumps(body).encode())
        elif route in ("item", "landing"):
            self._reply(200, json.dumps({"key": key}).encode())
        elif route == "flaky":
            if owner.count(f"/flaky/{key}") <= owner.fail:
                self._reply(500, b'{"message": "Server Error"}')
            else:
                self._reply(200, json.dumps({"key": key}).encode())
        elif route == "slow":
            owner.released.wait(owner.delay)
            self._reply(200, json.dumps({"key": key}).encode())
        elif route == "drop":
            self.close_connection = True
        elif route == "redirect":
            rest = self.path.removeprefix("/redirect")
            self._reply(307, b"", {"Location": f"{owner.target}{rest}"})
        else:
            self._reply(404, b'{"message": "Not Found"}')


class RecordingServer:
    """A ThreadingHTTPServer on 127.0.0.1, port 0, in a thread; a context manager.

    Args:
        fail: how many times ``/flaky/<key>`` fails before it succeeds.
        delay: seconds ``/slow/<key>`` waits.
        target: the base URL ``/redirect/<key>`` points at.
    """

    def __init__(self, *, fail: int = 0, delay: float = 30.0, target: str = "") -> None:
        self.fail = fail
        self.delay = delay
        self.target = target
        self.released = threading.Event()
        self._lock = threading.Lock()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="test-http"
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((path, headers))

    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for p, _ in self.requests if urlsplit(p).path == path)

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
