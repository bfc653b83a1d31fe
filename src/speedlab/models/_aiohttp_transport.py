"""Move a unit's HTTP requests with ``aiohttp``: the transport of the asyncio model.

One :class:`AiohttpTransport` owns one ``ClientSession`` whose connector allows as many
connections as the run's concurrency. Like the requests transport it never follows
redirects, never resends a request on its own, ignores the environment, decompresses bodies,
and sends the URL exactly as the job encoded it.
"""

from __future__ import annotations

import asyncio
import ssl
from types import TracebackType

import aiohttp
from yarl import URL

from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError, lower_headers

__all__ = ["AiohttpTransport"]


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
        self._ssl: dict[str, ssl.SSLContext] = {}  # --ca-file: one context per file

    async def open(self) -> None:
        """Create the session (must run on the loop that will use it)."""
        if self._session is None:
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit),
                auto_decompress=True,
                trust_env=False,
            )
            # aiohttp silently sends a GET again after a dropped connection. The unit decides
            # about retries (each request counts against a rate limit, and the model must count
            # what it sends), so switch that off, as aiohttp's own test client does.
            if hasattr(session, "_retry_connection"):
                session._retry_connection = False
            self._session = session

    async def send(self, request: HttpRequest) -> HttpResponse | TransportError:
        """Perform ``request``; return the response, or why there is none."""
        await self.open()
        session = self._session
        assert session is not None
        try:
            async with session.request(
                request.method,
                URL(request.url, encoded=True),
                headers=dict(request.headers),
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=request.timeout),
                ssl=self._ssl_for(request.ca_file),
            ) as response:
                body = await response.read()
                return HttpResponse(
                    status=response.status,
                    headers=lower_headers(list(response.headers.items())),
                    body=body,
                    url=str(response.url),
                )
        except TimeoutError as exc:  # asyncio.TimeoutError is TimeoutError since 3.11
            return TransportError("timeout", _message(exc, "no response within the timeout"))
        except aiohttp.ClientConnectionError as exc:
            return TransportError("connection", _message(exc))
        except (aiohttp.ClientError, ValueError) as exc:
            return TransportError("protocol", _message(exc))

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


def _message(exc: BaseException, default: str = "") -> str:
    text = str(exc) or default or type(exc).__name__
    return f"{type(exc).__name__}: {text}"
