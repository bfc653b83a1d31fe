"""Move a unit's HTTP requests with ``requests``: the transport of the blocking models.

One :class:`RequestsTransport` (one ``requests.Session``, so one connection pool) belongs to
one thread or one process; sessions are not shared between threads. The transport adds
nothing to the request but transport details (``Accept-Encoding``, ``Connection``), never
follows redirects (the unit decides, so credentials stay with their origin), and ignores the
environment (no proxies or ``.netrc`` credentials slipped in), so that every model sends the
same request.

A blocked read cannot be interrupted from another thread by anything requests offers, so the
transport's pools use connection classes that note which connection each thread is using
(urllib3's documented ``ConnectionCls`` and ``pool_classes_by_scheme`` hooks); ``abort()``
shuts that connection's socket down, which ends the read at once.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from types import TracebackType
from typing import Any

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions

from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError, lower_headers

__all__ = ["RequestsTransport"]

# The connection each thread is sending on, so that another thread can break its read.
_in_flight: dict[int, urllib3.connection.HTTPConnection] = {}


class _TrackedConnection(urllib3.connection.HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _in_flight[threading.get_ident()] = self
        super().request(*args, **kwargs)


class _TrackedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _in_flight[threading.get_ident()] = self
        super().request(*args, **kwargs)


class _Pool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _TrackedConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class _Adapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _HTTPSPool}


class RequestsTransport:
    """Send HttpRequests through one requests session; a context manager, ``close()`` idempotent.

    with RequestsTransport() as transport:
        reply = transport.send(HttpRequest("GET", url, {}, timeout=5))
    """

    def __init__(self) -> None:
        self._session = requests.Session()
        self._session.trust_env = False
        adapter = _Adapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._closed = False
        self._thread: int | None = None  # the thread sending right now

    def abort(self) -> None:
        """Break the request in flight, if any (from another thread): its read ends at once."""
        thread = self._thread
        connection = _in_flight.get(thread) if thread is not None else None
        sock = getattr(connection, "sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def send(self, request: HttpRequest) -> HttpResponse | TransportError:
        """Perform ``request``; return the response, or why there is none."""
        thread = self._thread = threading.get_ident()
        try:
            return self._send(request)
        finally:
            self._thread = None
            _in_flight.pop(thread, None)

    def _send(self, request: HttpRequest) -> HttpResponse | TransportError:
        try:
            response = self._session.request(
                request.method,
                request.url,
                headers=dict(request.headers),
                timeout=request.timeout,
                allow_redirects=False,
                verify=request.ca_file or True,  # --ca-file: trust that PEM file instead
            )
            body = response.content
        except requests.Timeout as exc:
            return TransportError("timeout", _message(exc))
        except requests.ConnectionError as exc:
            return TransportError("connection", _message(exc))
        except (
            requests.RequestException,
            urllib3.exceptions.HTTPError,
            http.client.HTTPException,
            OSError,
            ValueError,
        ) as exc:
            return TransportError("protocol", _message(exc))
        return HttpResponse(
            status=response.status_code,
            headers=lower_headers(list(response.headers.items())),
            body=body,
            url=response.url,
        )

    def close(self) -> None:
        """Close the session's connections (safe to call twice)."""
        if not self._closed:
            self._closed = True
            self._session.close()

    def __enter__(self) -> RequestsTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _message(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"
