"""The hand-made client as the engine's transport: ``send(HttpRequest)`` -> response or error.

The GitHub job speaks in :mod:`speedlab.jobs.effects` values; the asyncio model answers them
with aiohttp, and the ``handmade`` model answers them with :class:`HandmadeTransport` on this
loop. Like the other transports it never follows redirects (the job decides, so credentials
never leave their origin), never retries, and turns every failure into a ``TransportError``
of kind ``timeout``, ``connection``, ``too_large``, ``protocol`` or ``deferred``: an outcome, not an
exception.

A request that names a ``ca_file`` is sent through a client whose TLS context trusts that
file; there is one client (one context, one keep-alive pool) per file, so a connection
verified against one set of CAs never carries a request that asked for another.

    async with HandmadeTransport(pool_size=10) as transport:
        reply = await transport.send(HttpRequest("GET", url, {}, timeout=5.0))
"""

from __future__ import annotations

from speedlab._exceptions import (
    HttpCannotConnect,
    HttpConnectError,
    HttpError,
    HttpTimeout,
    HttpTooLarge,
)
from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError
from speedlab.loop._client import HttpClient, RequestDeferred
from speedlab.loop._pool import DEFAULT_POOL_SIZE
from speedlab.models._neterrors import describe_failure, where

__all__ = ["HandmadeTransport"]


class HandmadeTransport:
    """Send the job's ``HttpRequest``s through :class:`HttpClient`\\ s, one per CA file.

    Args:
        pool_size: Idle connections kept per origin (give the run's concurrency).
        ca_file: A PEM bundle to trust, for requests that name none (None: the system store).
        client: Use this client for requests that name no CA file instead of making one
            (it is closed with the transport).
    """

    def __init__(
        self,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        ca_file: str | None = None,
        client: HttpClient | None = None,
    ) -> None:
        self._pool_size = pool_size
        self._ca_file = ca_file
        self.client = client or HttpClient(pool_size=pool_size, ca_file=ca_file)
        self._by_ca: dict[str, HttpClient] = {}

    def _client_for(self, ca_file: str | None) -> HttpClient:
        if ca_file is None or ca_file == self._ca_file:
            return self.client
        client = self._by_ca.get(ca_file)
        if client is None:
            client = self._by_ca[ca_file] = HttpClient(pool_size=self._pool_size, ca_file=ca_file)
        return client

    async def send(self, request: HttpRequest) -> HttpResponse | TransportError:
        """Perform ``request``; return the response, or why there is none."""
        try:
            response = await self._client_for(request.ca_file).request(
                request.method,
                request.url,
                headers=request.headers,
                timeout=request.timeout,
                max_bytes=request.max_bytes,
                follow_redirects=False,
                admit=request.admit,
            )
        except RequestDeferred:
            return TransportError("deferred", "held back: the rate limit paused meanwhile")
        except HttpTimeout:
            # The same words as every other model's transport, for the same failure.
            return TransportError(
                "timeout",
                f"no complete response from {where(request.url)} within {request.timeout:g} s",
            )
        except HttpCannotConnect as exc:  # nothing left this machine
            return TransportError("connection", describe_failure(exc, request.url), sent=False)
        except HttpConnectError as exc:
            return TransportError("connection", describe_failure(exc, request.url))
        except HttpTooLarge as exc:
            return TransportError("too_large", str(exc))
        except (HttpError, ValueError) as exc:
            return TransportError("protocol", f"{type(exc).__name__}: {exc}")
        return HttpResponse(response.status, response.headers, response.body, response.url)

    def close(self) -> None:
        """Close the clients and their idle connections (safe to call twice)."""
        self.client.close()
        for client in self._by_ca.values():
            client.close()

    async def aclose(self) -> None:
        """Close the clients (see :meth:`close`)."""
        self.close()

    async def __aenter__(self) -> HandmadeTransport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
