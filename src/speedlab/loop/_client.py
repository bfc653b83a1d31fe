"""The hand-made HTTP/1.1 client: the sans-I/O pieces driven over the loop's sockets and TLS.

:mod:`speedlab.loop._http11` knows HTTP and :mod:`speedlab.loop._pool` knows which idle
connection to reuse; this module only moves bytes between them and the network, under one
deadline for the whole response (connect, TLS handshake, request, headers and body, redirects
included) and a size cap applied while reading. Every failure is one of the package's
``HttpError`` family; nothing is retried behind the caller's back (a request may count against
a rate limit, so the caller decides), and redirects are followed only when asked.

    async with HttpClient(timeout=10.0) as client:
        response = await client.request("GET", "https://api.github.com/zen")
        print(response.status, response.headers["content-type"], len(response.body))
"""

from __future__ import annotations

import math
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from speedlab._exceptions import (
    HttpCannotConnect,
    HttpConnectError,
    HttpError,
    HttpProtocolError,
    HttpTimeout,
    HttpTlsError,
    TimeoutExpired,
)
from speedlab.loop._http11 import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_USER_AGENT,
    MAX_REDIRECTS,
    Http11Connection,
    Origin,
    PreparedRequest,
    Response,
    prepare_request,
    redirect_target,
)
from speedlab.loop._io import open_tcp_stream
from speedlab.loop._pool import (
    DEFAULT_KEEPALIVE_EXPIRY,
    DEFAULT_POOL_SIZE,
    ConnectionPool,
    PoolStatistics,
)
from speedlab.loop._time import current_time, timeout_after
from speedlab.loop._tls import Stream, TlsStream, create_ssl_context

__all__ = [
    "DEFAULT_REQUEST_TIMEOUT",
    "ClientStatistics",
    "HttpClient",
    "RequestDeferred",
]

#: Seconds for a whole response (connect, headers and body) unless the caller says otherwise.
DEFAULT_REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True)
class ClientStatistics:
    """What a client has done so far."""

    requests: int  #: calls to ``request`` (a redirect chain counts once)
    responses: int  #: responses returned to the caller
    exchanges: int  #: HTTP exchanges on the wire (redirect hops included)
    connections_opened: int  #: TCP connections made (TLS or not)
    redirects: int  #: redirects followed
    failures: int  #: requests that ended with an ``HttpError`` (timeouts included)
    pool: PoolStatistics  #: keep-alive reuse


class _Connection:
    """A stream and its HTTP state: what the pool keeps."""

    __slots__ = ("http", "stream")

    def __init__(self, stream: Stream, http: Http11Connection) -> None:
        self.stream = stream
        self.http = http

    def close(self) -> None:
        self.stream.close()


class RequestDeferred(Exception):
    """``admit`` said to wait: the request was not sent, its connection kept."""


class HttpClient:
    """An HTTP/1.1 client on the hand-made loop, with a keep-alive pool; an async context manager.

    Args:
        timeout: Default deadline in seconds for each whole response (``math.inf``: none).
        max_bytes: Default size cap for a body, on the wire and again decompressed.
        follow_redirects: Follow 3xx responses by default (at most :data:`MAX_REDIRECTS`,
            ``Authorization`` dropped when the origin changes). Off: the caller decides.
        pool_size: Idle keep-alive connections kept per origin (0: close after each request).
        keepalive_expiry: Seconds an idle connection may be reused.
        ssl_context: The TLS context (default: :func:`create_ssl_context` with ``ca_file``).
        ca_file: A PEM bundle to trust instead of the system store (ignored with a context).
        user_agent: The ``User-Agent`` sent when a request does not set one.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        follow_redirects: bool = False,
        pool_size: int = DEFAULT_POOL_SIZE,
        keepalive_expiry: float = DEFAULT_KEEPALIVE_EXPIRY,
        ssl_context: ssl.SSLContext | None = None,
        ca_file: str | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        _check_limits(timeout, max_bytes)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.follow_redirects = follow_redirects
        self.user_agent = user_agent
        self._ssl_context = ssl_context
        self._ca_file = ca_file
        self._pool: ConnectionPool[_Connection] = ConnectionPool(
            max_idle=pool_size, expiry=keepalive_expiry
        )
        self._closed = False
        self._requests = self._responses = self._exchanges = self._opened = 0
        self._redirects = self._failures = 0

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        timeout: float | None = None,
        max_bytes: int | None = None,
        follow_redirects: bool | None = None,
        admit: Callable[[], float] | None = None,
    ) -> Response:
        """Send one request and return the whole response.

        Args:
            method: ``GET``, ``POST``...
            url: An absolute http(s) URL, its query already encoded (sent as given).
            headers: Request headers (a token in ``Authorization`` never follows a redirect
                to another origin).
            body: The request body.
            timeout: Deadline for the whole response, redirects included (default: the
                client's).
            max_bytes: Size cap for the body (default: the client's).
            follow_redirects: Override the client's choice for this request.
            admit: Asked once the connection is open, right before the first byte is
                written: 0 to send, or seconds still to wait (a rate limit's pause began
                meanwhile), and then nothing is sent and ``RequestDeferred`` is raised.

        Returns:
            Status, headers (lower-case names, repeats joined with ", "), decoded body and
            the final URL.

        Raises:
            HttpTimeout: No whole response within ``timeout``.
            HttpConnectError: Could not connect, or the connection broke (``HttpTlsError``:
                the certificate or host name did not verify).
            HttpProtocolError: A malformed response, or too many redirects.
            HttpTooLarge: The body passed ``max_bytes``.
            RequestDeferred: ``admit`` said to wait; nothing was sent.
            ValueError: A bad URL or header.
        """
        if self._closed:
            raise HttpError("the client is closed")
        limit = self.timeout if timeout is None else timeout
        cap = self.max_bytes if max_bytes is None else max_bytes
        _check_limits(limit, cap)
        follow = self.follow_redirects if follow_redirects is None else follow_redirects
        self._requests += 1
        prepared = prepare_request(method, url, headers, body, user_agent=self.user_agent)
        try:
            async with timeout_after(None if math.isinf(limit) else limit):
                for hop in range(MAX_REDIRECTS + 1):
                    response = await self._exchange(prepared, cap, admit if hop == 0 else None)
                    target = redirect_target(prepared, response) if follow else None
                    if target is None:
                        self._responses += 1
                        return response
                    if hop == MAX_REDIRECTS:
                        raise HttpProtocolError(f"more than {MAX_REDIRECTS} redirects")
                    self._redirects += 1
                    method, url, redirected, body = target
                    prepared = prepare_request(
                        method, url, redirected, body, user_agent=self.user_agent
                    )
        except TimeoutExpired:
            self._failures += 1
            raise HttpTimeout(f"no whole response within {limit:g} s: {url}") from None
        except HttpError:
            self._failures += 1
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def get(self, url: str, **options: object) -> Response:
        """``request("GET", url, ...)``: same options, same errors."""
        return await self.request("GET", url, **options)  # type: ignore[arg-type]

    async def _exchange(
        self,
        request: PreparedRequest,
        max_bytes: int,
        admit: Callable[[], float] | None = None,
    ) -> Response:
        """One request and response on a pooled or new connection; reuse it if it stays open."""
        connection = await self._connection(request.origin)
        if admit is not None and admit() > 0:
            # Unused: it goes back to the pool as it came out.
            for extra in self._pool.put(request.origin, connection, await current_time()):
                extra.close()
            raise RequestDeferred("held back: the rate limit paused meanwhile")
        self._exchanges += 1
        try:
            http, stream = connection.http, connection.stream
            await stream.send_all(http.start(request, max_bytes=max_bytes))
            while not http.receive(await stream.receive()):
                pass
            response = http.response()
        except BaseException as exc:
            connection.close()  # half-used: never back to the pool
            if isinstance(exc, OSError):
                raise HttpConnectError(f"{request.origin}: {_describe(exc)}") from exc
            raise
        if http.reusable and not self._closed:
            for extra in self._pool.put(request.origin, connection, await current_time()):
                extra.close()
        else:
            connection.close()
        return response

    async def _connection(self, origin: Origin) -> _Connection:
        now = await current_time()
        while True:
            idle, stale = self._pool.take(origin, now)
            for old in stale:
                old.close()
            if idle is None:
                break
            if not idle.stream.is_readable():  # readable while idle: the server closed it
                return idle
            idle.close()
        return _Connection(await self._open(origin), Http11Connection(origin))

    async def _open(self, origin: Origin) -> Stream:
        try:
            tcp = await open_tcp_stream(origin.host, origin.port, timeout=None)
        except OSError as exc:
            raise HttpCannotConnect(f"cannot connect to {origin}: {_describe(exc)}") from exc
        self._opened += 1
        if origin.scheme == "http":
            return tcp
        try:
            if self._ssl_context is None:
                self._ssl_context = create_ssl_context(ca_file=self._ca_file)
        except OSError as exc:  # ssl.SSLError too: a CA file without a certificate
            tcp.close()
            raise HttpTlsError(
                f"cannot use the CA file {self._ca_file!r}: {_describe(exc)}"
            ) from exc
        try:
            return await TlsStream.wrap(tcp, self._ssl_context, origin.host)
        except ssl.SSLError as exc:
            raise HttpTlsError(f"TLS with {origin} failed: {_describe(exc)}") from exc
        except OSError as exc:
            raise HttpConnectError(f"{origin}: {_describe(exc)}") from exc

    def statistics(self) -> ClientStatistics:
        """Return the counts so far."""
        return ClientStatistics(
            requests=self._requests,
            responses=self._responses,
            exchanges=self._exchanges,
            connections_opened=self._opened,
            redirects=self._redirects,
            failures=self._failures,
            pool=self._pool.statistics(),
        )

    def close(self) -> None:
        """Close idle connections now, in-flight ones when their request ends (idempotent)."""
        self._closed = True
        for connection in self._pool.drain():
            connection.close()

    async def aclose(self) -> None:
        """Close the client (see :meth:`close`)."""
        self.close()

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()


def _check_limits(timeout: float, max_bytes: int) -> None:
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if not (isinstance(max_bytes, int) and max_bytes > 0):
        raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate not accepted: {exc.verify_message or exc.reason}"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"
