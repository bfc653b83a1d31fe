"""Move a unit's HTTP requests with ``requests``: the transport of the blocking models.

One :class:`RequestsTransport` (one ``requests.Session``, so one connection pool) belongs to
one thread or one process; sessions are not shared between threads. The transport adds
nothing to the request but transport details (``Accept-Encoding``, ``Connection``), never
follows redirects (the unit decides, so credentials stay with their origin), keeps no cookies,
and ignores the environment (no proxies or ``.netrc`` credentials slipped in), so that every
model sends the same request. It hands the prepared request straight to the session's
adapter: ``Session.send`` would parse a redirect's ``Location`` even when not following it,
and fail on one that is not UTF-8.

What ``requests`` does not bound, the transport does:

* **Time.** ``requests`` times out each socket operation, not the response, so a server that
  drips its headers or body a byte at a time holds a read forever. An
  :class:`~speedlab.models._watchdog.Alarm` is armed for ``request.timeout`` around the whole
  exchange (connect, headers, body); at its deadline the watchdog calls ``abort()``.
* **Size.** The body is read raw, off the connection, and fed to a
  :class:`~speedlab._body.BodyReader` that decompresses it itself and stops at the
  first byte over ``request.max_bytes`` (received or decompressed).
* **Stopping.** A blocked read or connect cannot be interrupted from another thread by
  anything requests offers, so the transport's pools use connection classes that note the
  socket each thread is using, from before it connects (urllib3's documented ``ConnectionCls``
  and ``pool_classes_by_scheme`` hooks); ``abort()`` shuts that socket down, which ends the
  connect or the read at once.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from types import TracebackType
from typing import Any

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
import urllib3.util.connection

from speedlab._body import ACCEPT_ENCODING, BodyError, BodyTooLarge, reader_for
from speedlab._constants import DEFAULT_MAX_RESPONSE_BYTES
from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError, lower_headers
from speedlab.models._neterrors import describe_failure, where
from speedlab.models._watchdog import WATCHDOG

__all__ = ["READ_CHUNK", "RequestsTransport"]

#: Bytes asked of the connection per read of a body.
READ_CHUNK = 64 * 1024


class _Deferred(Exception):
    """The request's ``admit`` said to wait: nothing was written."""


class _Overdue(Exception):
    """The body was still arriving at the request's deadline."""


class _Flight:
    """The request one thread is sending: the socket ``abort()`` breaks, the last ``admit``."""

    __slots__ = ("aborted", "admit", "sock")

    def __init__(self, request: HttpRequest) -> None:
        self.admit = request.admit
        self.sock: socket.socket | None = None
        self.aborted = False  # abort() broke it: whatever came back is not the response


# The request each thread is sending, so that its connection can find it.
_flights: dict[int, _Flight] = {}


def _open_socket(
    address: tuple[str, int],
    timeout: Any,
    source_address: tuple[str, int] | None,
    options: Any,
    flight: _Flight,
) -> socket.socket:
    """urllib3's ``create_connection``, but ``abort()`` knows each socket before it connects."""
    host, port = address
    error: OSError | None = None
    family = urllib3.util.connection.allowed_gai_family()
    for af, kind, proto, _, sockaddr in socket.getaddrinfo(
        host.strip("[]"), port, family, socket.SOCK_STREAM
    ):
        sock = socket.socket(af, kind, proto)
        try:
            for option in options or ():
                sock.setsockopt(*option)
            if isinstance(timeout, int | float):  # else urllib3's "default" sentinel
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            flight.sock = sock
            sock.connect(sockaddr)
        except OSError as exc:
            error = exc
            sock.close()
            continue
        except BaseException:  # Ctrl-C in the middle of a connect: no socket left open
            sock.close()
            raise
        return sock
    raise error or OSError("getaddrinfo returned no address")


class _Tracking:
    """Mixed into urllib3's connection classes: track the socket, ask ``admit`` last."""

    sock: socket.socket | None
    host: str
    port: int
    timeout: Any
    source_address: tuple[str, int] | None
    socket_options: Any
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        flight = _flights.get(threading.get_ident())
        if flight is None:
            conn: socket.socket = super()._new_conn()  # type: ignore[misc]
            return conn
        # The same errors as urllib3's own _new_conn, so requests maps them the same way.
        try:
            return _open_socket(
                (self._dns_host, self.port),
                self.timeout,
                self.source_address,
                self.socket_options,
                flight,
            )
        except socket.gaierror as exc:
            raise urllib3.exceptions.NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        except TimeoutError as exc:
            raise urllib3.exceptions.ConnectTimeoutError(
                self, f"Connection to {self.host} timed out"
            ) from exc
        except OSError as exc:
            raise urllib3.exceptions.NewConnectionError(
                self,  # type: ignore[arg-type]
                f"Failed to establish a new connection: {exc}",
            ) from exc

    def request(self, *args: Any, **kwargs: Any) -> None:
        flight = _flights.get(threading.get_ident())
        if flight is not None:
            if self.sock is None:
                self.connect()  # type: ignore[attr-defined]
            flight.sock = self.sock
            if flight.admit is not None and flight.admit() > 0:
                raise _Deferred
        super().request(*args, **kwargs)  # type: ignore[misc]


class _Connection(_Tracking, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Tracking, urllib3.connection.HTTPSConnection):
    pass


class _Pool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _Connection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _HTTPSPool}


def _read_body(response: requests.Response, max_bytes: int, deadline: float) -> bytes:
    """Read the raw body off the connection, decompressing it within ``max_bytes``.

    ``read1`` returns what one read of the socket gave, so the deadline is checked between
    reads (a clock read per chunk); the watchdog covers a read that never returns.
    """
    reader = reader_for(response.headers, max_bytes)
    raw = response.raw
    while chunk := raw.read1(READ_CHUNK, decode_content=False):
        reader.feed(chunk)
        if time.monotonic() > deadline:
            raise _Overdue
    return reader.finish()


_TIMEOUTS = (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)
_BROKEN = (
    requests.ConnectionError,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.NewConnectionError,
    OSError,
)
_FAILURES = (
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
    ValueError,
)


def _overdue(request: HttpRequest) -> TransportError:
    return TransportError(
        "timeout", f"no complete response from {where(request.url)} within {request.timeout:g} s"
    )


def _never_connected(exc: BaseException) -> bool:
    """Whether ``exc`` (requests wraps urllib3 wraps the socket's) says no connection was made."""
    seen: set[int] = set()
    current: object = exc
    while isinstance(current, BaseException) and id(current) not in seen:
        if isinstance(current, urllib3.exceptions.NewConnectionError):  # and NameResolution
            return True
        seen.add(id(current))
        reason = getattr(current, "reason", None)
        inner = current.args[0] if current.args else None
        current = next(
            (c for c in (reason, inner, current.__cause__) if isinstance(c, BaseException)),
            None,
        )
    return False


class RequestsTransport:
    """Send HttpRequests through one requests session; a context manager, ``close()`` idempotent.

    with RequestsTransport() as transport:
        reply = transport.send(HttpRequest("GET", url, {}, timeout=5))
    """

    def __init__(self) -> None:
        self._session = requests.Session()
        self._session.trust_env = False
        # Only the codings BodyReader undoes (requests would add br and zstd when installed).
        self._session.headers["Accept-Encoding"] = ACCEPT_ENCODING
        adapter = self._adapter = _Adapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._closed = False
        self._flight: _Flight | None = None  # the request being sent right now
        self._alarm = WATCHDOG.alarm(self.abort)

    def abort(self) -> None:
        """Break the request in flight, if any (from another thread): its connect or read ends."""
        flight = self._flight
        if flight is None:
            return
        # Marked first: a socket shut down mid-headers can look like a complete (empty)
        # response to http.client, and must not be taken for one.
        flight.aborted = True
        sock = flight.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # not connected yet, or already closed
                sock.shutdown(socket.SHUT_RDWR)

    def send(self, request: HttpRequest) -> HttpResponse | TransportError:
        """Perform ``request``; return the response, or why there is none."""
        thread = threading.get_ident()
        flight = self._flight = _flights[thread] = _Flight(request)
        alarm = self._alarm
        alarm.arm(request.timeout)
        try:
            reply = self._send(request)
            if flight.aborted and isinstance(reply, HttpResponse):
                return self._failure(request, None)
            return reply
        finally:
            alarm.disarm()
            self._flight = None
            _flights.pop(thread, None)

    def _send(self, request: HttpRequest) -> HttpResponse | TransportError:
        limit = request.max_bytes if request.max_bytes is not None else DEFAULT_MAX_RESPONSE_BYTES
        deadline = time.monotonic() + request.timeout
        response: requests.Response | None = None
        try:
            prepared = self._session.prepare_request(
                requests.Request(request.method, request.url, headers=dict(request.headers))
            )
            response = self._adapter.send(
                prepared,
                stream=True,
                timeout=request.timeout,
                verify=request.ca_file or True,  # --ca-file: trust that PEM file instead
            )
            body = _read_body(response, limit, deadline)
        except _Deferred:
            return TransportError("deferred", "held back: the rate limit paused meanwhile")
        except _Overdue:
            return _overdue(request)
        except BodyTooLarge as exc:
            return TransportError("too_large", str(exc))
        except BodyError as exc:
            return TransportError("protocol", str(exc))
        except _FAILURES as exc:
            return self._failure(request, exc)
        finally:
            if response is not None:
                response.close()  # a body not read to its end closes the connection
        return HttpResponse(
            status=response.status_code,
            headers=lower_headers(response.headers.items()),
            body=body,
            url=response.url,
        )

    def _failure(self, request: HttpRequest, exc: BaseException | None) -> TransportError:
        if self._alarm.fired:
            return _overdue(request)
        if exc is None or (self._flight is not None and self._flight.aborted):
            return TransportError("connection", "broken off: the run is stopping")
        if isinstance(exc, _TIMEOUTS):
            return TransportError(
                "timeout", f"no answer from {where(request.url)} within {request.timeout:g} s"
            )
        if isinstance(exc, _BROKEN):
            message = describe_failure(exc, request.url)
            return TransportError("connection", message, sent=not _never_connected(exc))
        return TransportError("protocol", describe_failure(exc, request.url))

    def close(self) -> None:
        """Close the session's connections (safe to call twice)."""
        if not self._closed:
            self._closed = True
            self._session.close()
            self._alarm.close()

    def __enter__(self) -> RequestsTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
