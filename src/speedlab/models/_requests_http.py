"""Move a unit's HTTP requests with ``requests``: the transport of the blocking models.

One :class:`RequestsTransport` (one ``requests.Session``, so one connection pool) belongs to
one thread or one process; sessions are not shared between threads. The transport adds
nothing to the request but transport details (``Accept-Encoding``, ``Connection``), never
follows redirects (the unit decides, so credentials stay with their origin), and ignores the
environment (no proxies or ``.netrc`` credentials slipped in), so that every model sends the
same request.
"""

from __future__ import annotations

import http.client
from types import TracebackType

import requests
import urllib3.exceptions

from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError

__all__ = ["RequestsTransport", "lower_headers"]


def lower_headers(items: list[tuple[str, str]]) -> dict[str, str]:
    """Return headers with lower-case names; repeated headers are joined with ", "."""
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


class RequestsTransport:
    """Send HttpRequests through one requests session; a context manager, ``close()`` idempotent.

    with RequestsTransport() as transport:
        reply = transport.send(HttpRequest("GET", url, {}, timeout=5))
    """

    def __init__(self) -> None:
        self._session = requests.Session()
        self._session.trust_env = False
        self._closed = False

    def send(self, request: HttpRequest) -> HttpResponse | TransportError:
        """Perform ``request``; return the response, or why there is none."""
        try:
            response = self._session.request(
                request.method,
                request.url,
                headers=dict(request.headers),
                timeout=request.timeout,
                allow_redirects=False,
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
