"""Move a unit's HTTP requests with ``aiohttp``: the transport of the asyncio model.

One :class:`AiohttpTransport` owns one ``ClientSession`` whose connector allows ``limit``
connections; more requests than that wait their turn before their timeout starts (the asyncio
model runs twice as many searches as connections). Like the requests transport it never follows
redirects, never resends a request on its own, keeps no cookies, ignores the environment, and
sends the URL exactly as the job encoded it. It bounds what a server can cost the same way too:

* ``ClientTimeout(total=request.timeout)`` covers the whole exchange, body included (aiohttp
  checks it on every read of the body, so a server dripping bytes is cut off in time);
* the body is read raw (``auto_decompress=False``) and fed to the shared
  :class:`~speedlab._body.BodyReader`, which decompresses it and stops at the first
  byte over ``request.max_bytes``;
* the request's ``admit`` is asked once the connection is open, before anything is written
  (a connector that checks it, :class:`_AdmittingConnector`).
"""

from __future__ import annotations

import asyncio
import contextvars
import ssl
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
from yarl import URL

from speedlab._body import ACCEPT_ENCODING, BodyError, BodyTooLarge, reader_for
from speedlab._constants import DEFAULT_MAX_RESPONSE_BYTES
from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError, lower_headers
from speedlab.models._neterrors import describe_failure, where

__all__ = ["AiohttpTransport"]

# The ``admit`` of the request the current task is sending (a context variable follows the
# task into the connector).
_admit: contextvars.ContextVar[Callable[[], float] | None] = contextvars.ContextVar(
    "speedlab_admit", default=None
)


class _Deferred(Exception):
    """The request's ``admit`` said to wait: nothing was written."""


class _AdmittingConnector(aiohttp.TCPConnector):
    """A connector that asks the request's ``admit`` once the connection is ready."""

    async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:
        connection = await super().connect(req, traces, timeout)
        admit = _admit.get()
        if admit is not None and admit() > 0:
            connection.release()  # nothing was written: the connection stays usable
            raise _Deferred
        return connection


class AiohttpTransport:
    """Send HttpRequests through one aiohttp session; an async context manager.

        async with AiohttpTransport(limit=10) as transport:
            reply = await transport.send(HttpRequest("GET", url, {}, timeout=5))

    Args:
        limit: The most connections open at once.
    """

    def __init__(self, *, limit: int) -> None:
        self._limit = limit
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None  # one per connection the pool allows
        self._ssl: dict[str, ssl.SSLContext] = {}  # --ca-file: one context per file

    async def open(self) -> None:
        """Create the session (must run on the loop that will use it)."""
        if self._session is None:
            session = aiohttp.ClientSession(
                connector=_AdmittingConnector(limit=self._limit),
                auto_decompress=False,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),  # an API client keeps no cookies
                headers={"Accept-Encoding": ACCEPT_ENCODING},
            )
            # aiohttp silently sends a GET again after a dropped connection. The unit decides
            # about retries (each request counts against a rate limit, and the model must count
            # what it sends), so switch that off, as aiohttp's own test client does.
            if hasattr(session, "_retry_connection"):
                session._retry_connection = False
            self._slots = asyncio.Semaphore(self._limit)
            self._session = session

    async def send(self, request: HttpRequest) -> HttpResponse | TransportError:
        """Perform ``request``; return the response, or why there is none."""
        await self.open()
        session, slots = self._session, self._slots
        assert session is not None
        assert slots is not None
        # More requests than connections wait here, not in aiohttp's pool, whose wait would
        # count against the request's timeout: a request that waited its turn for a connection
        # must not time out before it is sent.
        async with slots:
            return await self._send(session, request)

    async def _send(
        self, session: aiohttp.ClientSession, request: HttpRequest
    ) -> HttpResponse | TransportError:
        limit = request.max_bytes if request.max_bytes is not None else DEFAULT_MAX_RESPONSE_BYTES
        token = _admit.set(request.admit)
        try:
            async with session.request(
                request.method,
                URL(request.url, encoded=True),
                headers=dict(request.headers),
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=request.timeout),
                ssl=self._ssl_for(request.ca_file),
            ) as response:
                try:
                    body = await _read_body(response, limit)
                except BaseException:
                    response.close()  # never give a half-read connection back to the pool
                    raise
                return HttpResponse(
                    status=response.status,
                    headers=_headers(response.raw_headers),
                    body=body,
                    url=str(response.url),
                )
        except _Deferred:
            return TransportError("deferred", "held back: the rate limit paused meanwhile")
        except BodyTooLarge as exc:
            return TransportError("too_large", str(exc))
        except BodyError as exc:
            return TransportError("protocol", str(exc))
        except TimeoutError:  # asyncio.TimeoutError is TimeoutError since 3.11
            return TransportError(
                "timeout",
                f"no complete response from {where(request.url)} within {request.timeout:g} s",
            )
        except aiohttp.ClientConnectorError as exc:  # no connection made: nothing sent
            return TransportError("connection", describe_failure(exc, request.url), sent=False)
        except aiohttp.ClientConnectionError as exc:
            return TransportError("connection", describe_failure(exc, request.url))
        except (aiohttp.ClientError, ValueError) as exc:
            return TransportError("protocol", describe_failure(exc, request.url))
        finally:
            _admit.reset(token)

    def _ssl_for(self, ca_file: str | None) -> ssl.SSLContext | bool:
        """aiohttp's default verification, or a context that trusts ``ca_file`` only."""
        if ca_file is None:
            return True
        if ca_file not in self._ssl:
            self._ssl[ca_file] = ssl.create_default_context(cafile=ca_file)
        return self._ssl[ca_file]

    async def aclose(self) -> None:
        """Close the session and its connections (safe to call twice)."""
        session, self._session = self._session, None
        self._slots = None
        if session is not None:
            await session.close()
            # Let the transports' close callbacks run before the loop goes away.
            await asyncio.sleep(0)

    async def __aenter__(self) -> AiohttpTransport:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _headers(raw: tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    # As http.client decodes them (ISO-8859-1, one character per byte), so that both
    # transports hand the job the same text whatever bytes a server sends.
    return lower_headers([(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw])


async def _read_body(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """Read the raw body as it arrives, decompressing it within ``limit``."""
    reader = reader_for(response.headers, limit)
    content = response.content
    while chunk := await content.readany():
        reader.feed(chunk)
    return reader.finish()
