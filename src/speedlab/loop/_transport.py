"""The hand-made client as the engine's transport: ``send(HttpRequest)`` -> response or error.

The GitHub job speaks in :mod:`speedlab.jobs.effects` values; the asyncio model answers them
with aiohttp, and a ``handmade`` model answers them with :class:`HandmadeTransport` on this
loop. Like the other transports it never follows redirects (the job decides, so credentials
never leave their origin), never retries, and turns every failure into a ``TransportError``
of kind ``timeout``, ``connection`` or ``protocol``: a unit's outcome, not an exception.

    async with HandmadeTransport(pool_size=10) as transport:
        reply = await transport.send(HttpRequest("GET", url, {}, timeout=5.0))
"""

from __future__ import annotations

from speedlab._exceptions import HttpConnectError, HttpError, HttpTimeout
from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError
from speedlab.loop._client import HttpClient
from speedlab.loop._pool import DEFAULT_POOL_SIZE

__all__ = ["HandmadeTransport"]


class HandmadeTransport:
    """Send the job's ``HttpRequest``s through one :class:`HttpClient`.

    Args:
        pool_size: Idle connections kept per origin (give the run's concurrency).
        ca_file: A PEM bundle to trust instead of the system store.
        client: Use this client instead of making one (it is closed with the transport).
    """

    def __init__(
        self,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        ca_file: str | None = None,
        client: HttpClient | None = None,
    ) -> None:
        self.client = client or HttpClient(pool_size=pool_size, ca_file=ca_file)

    async def send(self, request: HttpRequest) -> HttpResponse | TransportError:
        """Perform ``request``; return the response, or why there is none."""
        try:
            response = await self.client.request(
                request.method,
                request.url,
                headers=request.headers,
                timeout=request.timeout,
                follow_redirects=False,
            )
        except HttpTimeout as exc:
            return TransportError("timeout", str(exc))
        except HttpConnectError as exc:
            return TransportError("connection", str(exc))
        except (HttpError, ValueError) as exc:
            return TransportError("protocol", f"{type(exc).__name__}: {exc}")
        return HttpResponse(response.status, response.headers, response.body, response.url)

    def close(self) -> None:
        """Close the client and its idle connections (safe to call twice)."""
        self.client.close()

    async def aclose(self) -> None:
        """Close the client (see :meth:`close`)."""
        self.close()

    async def __aenter__(self) -> HandmadeTransport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
