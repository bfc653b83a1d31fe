"""The aiohttp application: GitHub's ``GET /search/repositories`` and ``GET /rate_limit``.

One :class:`SearchService` holds the state of a running simulator (limits, pages, the fault
random source, statistics); :func:`create_app` wires it into an ``aiohttp.web.Application``.
A search goes through the same gates, in the same order, as on GitHub as far as it is known:

1. ``User-Agent`` missing -> 403 ``text/html``; a path or method other than ``GET``/``HEAD``
   of a served route -> 404 JSON;
2. ``Authorization`` malformed or with an unknown token -> 401 "Bad credentials";
3. ``X-GitHub-Api-Version`` not served -> 400;
4. secondary limit (too many in flight) -> 403/429 with ``Retry-After``;
5. primary limit (fixed window, counted here) -> 403/429 with ``x-ratelimit-remaining: 0``;
6. injected latency, then an injected fault (drop, 5xx, malformed, incomplete) if one is drawn;
7. ``q`` and paging validation -> 422; else 200 with the page and its ``Link``.

Whatever a client sends, the answer is a status below 500 unless a 5xx fault was asked for: every
value read from the request goes through a parser that has a 4xx (or a lenient default) for
anything it cannot read. ``Link`` URLs are built on the server's own address (:attr:`origin`),
never on the request's ``Host`` header.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from speedlab.fakehub import _gates
from speedlab.fakehub._config import FakeHubConfig
from speedlab.fakehub._corpus import SORT_KEYS, Corpus
from speedlab.fakehub._gates import DEFAULT_API_VERSION, Identity
from speedlab.fakehub._limits import InFlight, PrimaryLimiter, RateDecision
from speedlab.fakehub._pages import GZIP_MIN_BYTES, PageStore, accepts_gzip
from speedlab.fakehub._paging import beyond_cap, link_header, parse_page, parse_per_page
from speedlab.fakehub._query import QueryError, parse_query
from speedlab.fakehub._ratelimit import RATE_LIMIT_PATH, core_decision, rate_limit_body
from speedlab.fakehub._stats import FakeHubStatistics, StatisticsRecorder

__all__ = ["SEARCH_PATH", "SECONDARY_LIMIT_MESSAGE", "SearchService", "create_app"]

#: The search route.
SEARCH_PATH = "/search/repositories"

#: GitHub's secondary-limit message, word for word (clients match on it).
SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)

_UNAUTHENTICATED_MESSAGE = (
    "API rate limit exceeded for {ip}. (But here's the good news: Authenticated requests get a "
    "higher rate limit. Check out the documentation for more details.)"
)
_DOCS = "https://docs.github.com/rest"
_RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
_CAP_BODY = {
    "message": "Only the first 1000 search results are available",
    "documentation_url": "https://docs.github.com/v3/search/",
    "status": "422",
}
_NOT_FOUND_BODY = {"message": "Not Found", "documentation_url": _DOCS, "status": "404"}
_JSON = "application/json; charset=utf-8"
_SERVED_METHODS = ("GET", "HEAD")


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class _Draws:
    """The random numbers of one request: always five, so the sequence depends only on order."""

    jitter: float
    fault: float
    kind: float
    retry_after: float
    part: float


class SearchService:
    """The state and the request handlers of one simulator.

    Example:
        >>> service = SearchService(FakeHubConfig())
        >>> app = create_app(service)
    """

    def __init__(
        self, config: FakeHubConfig | None = None, *, clock: Callable[[], float] = time.time
    ) -> None:
        """Create the service.

        Args:
            config: the behaviour; the defaults when ``None``.
            clock: epoch seconds now, for the rate-limit windows (tests inject virtual time).
        """
        self.config = config = config or FakeHubConfig()
        self._clock = clock
        self._auth_limit, self._anon_limit, window = config.limits()
        self._limiter = PrimaryLimiter(window=window, clock=clock)
        self._in_flight = InFlight(config.secondary_inflight)
        self._pages = PageStore(
            Corpus(null_owner_rate=config.null_owner_rate), max_bytes=config.cache_bytes
        )
        self._rng = random.Random(config.seed)
        self._recorder = StatisticsRecorder()
        self._request_number = 0
        #: ``scheme://host:port`` put in ``Link`` headers: the configured public URL, else the
        #: address the server bound (set by the server once it listens). ``None``: the local
        #: address each connection arrived on.
        self.origin: str | None = config.public_url

    # -- statistics ---------------------------------------------------------------------------

    def statistics(self) -> FakeHubStatistics:
        """Return what has been served so far (safe to call from any thread)."""
        return self._recorder.snapshot(
            in_flight=self._in_flight.current,
            in_flight_peak=self._in_flight.peak,
            windows=self._limiter.windows(),
        )

    def reset_statistics(self) -> None:
        """Forget the counters (rate-limit windows and caches are kept: they are state)."""
        self._recorder.reset()
        self._in_flight.reset_peak()

    # -- responses ----------------------------------------------------------------------------

    def _headers(
        self, version: str, rate: RateDecision | None, resource: str = "search"
    ) -> dict[str, str]:
        self._request_number += 1
        number = self._request_number
        headers = {
            "Content-Type": _JSON,
            "Cache-Control": "no-cache",
            "Vary": "Accept, Accept-Encoding, Accept, X-Requested-With",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "x-github-api-version-selected": version,
            "X-GitHub-Request-Id": f"FA4E:{self.config.seed & 0xFFFF:X}:{number:X}:{number * 7:X}",
        }
        if rate is not None:
            headers.update(rate.headers(resource))
        return headers

    def _respond(
        self, status: int, body: bytes, headers: dict[str, str], kind: str | None = None
    ) -> web.Response:
        self._recorder.response(status, len(body), kind)
        return web.Response(status=status, body=body, headers=headers)

    def _json(
        self,
        status: int,
        payload: dict[str, Any],
        version: str,
        rate: RateDecision | None,
        kind: str | None = None,
    ) -> web.Response:
        return self._respond(status, _dumps(payload), self._headers(version, rate), kind)

    def _forbidden_user_agent(self) -> web.Response:
        headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}
        return self._respond(403, _gates.USER_AGENT_MESSAGE, headers)

    def _link_base(self, request: web.Request) -> str:
        if self.origin is not None:
            return self.origin + SEARCH_PATH
        # No configured or bound address (a bare create_app under a test server): the address
        # the connection arrived on, which the kernel reports, not the client.
        transport = request.transport
        sockname = transport.get_extra_info("sockname") if transport is not None else None
        scheme = "https" if request.secure else "http"
        if not isinstance(sockname, tuple) or len(sockname) < 2:
            return f"{scheme}://127.0.0.1{SEARCH_PATH}"
        host, port = str(sockname[0]), int(sockname[1])
        host = f"[{host}]" if ":" in host else host
        return f"{scheme}://{host}:{port}{SEARCH_PATH}"

    # -- gates --------------------------------------------------------------------------------

    def _admit(self, request: web.Request) -> web.Response | tuple[Identity, str]:
        """Run the gates shared by every route: a refusal, or the identity and API version."""
        self._recorder.request()
        if not _gates.has_user_agent(request.headers.get("User-Agent")):
            return self._forbidden_user_agent()
        if request.method not in _SERVED_METHODS:
            return self._json(404, _NOT_FOUND_BODY, DEFAULT_API_VERSION, None)
        identity = _gates.identify(
            request.headers.get("Authorization"),
            request.remote,
            tokens=self.config.tokens,
            authenticated_limit=self._auth_limit,
            unauthenticated_limit=self._anon_limit,
        )
        if identity is None:
            rate = self._limiter.peek(f"ip:{request.remote or 'unknown'}", self._anon_limit)
            return self._json(401, _gates.BAD_CREDENTIALS_BODY, DEFAULT_API_VERSION, rate)
        raw_version = request.headers.get("X-GitHub-Api-Version")
        version = _gates.select_version(raw_version)
        if version is None:
            rate = self._limiter.peek(identity.bucket, identity.limit)
            body = _gates.unsupported_version_body(raw_version or "")
            return self._json(400, body, DEFAULT_API_VERSION, rate)
        return identity, version

    # -- handlers -----------------------------------------------------------------------------

    async def handle_other(self, request: web.Request) -> web.StreamResponse:
        """Answer any other path: 403 without a User-Agent, else 404."""
        self._recorder.request()
        if not _gates.has_user_agent(request.headers.get("User-Agent")):
            return self._forbidden_user_agent()
        return self._json(404, _NOT_FOUND_BODY, DEFAULT_API_VERSION, None)

    async def handle_rate_limit(self, request: web.Request) -> web.StreamResponse:
        """Answer ``GET /rate_limit`` (see :mod:`._ratelimit`); it counts against no limit."""
        admitted = self._admit(request)
        if isinstance(admitted, web.Response):
            return admitted
        identity, version = admitted
        now = self._clock()
        authenticated = identity.user_id is not None
        search = self._limiter.peek(identity.bucket, identity.limit)
        body = rate_limit_body(search, authenticated=authenticated, now=now)
        headers = self._headers(
            version, core_decision(authenticated=authenticated, now=now), "core"
        )
        return self._respond(200, _dumps(body), headers)

    async def handle_search(self, request: web.Request) -> web.StreamResponse:
        """Answer ``GET /search/repositories`` like GitHub (see the module docstring)."""
        admitted = self._admit(request)
        if isinstance(admitted, web.Response):
            return admitted
        identity, version = admitted
        r = self._rng.random
        draws = _Draws(r(), r(), r(), r(), r())
        config = self.config
        delay = config.latency + config.jitter * draws.jitter
        within_flight = self._in_flight.enter(identity.bucket)
        try:
            if not within_flight:
                rate = self._limiter.peek(identity.bucket, identity.limit)
                if delay:
                    await asyncio.sleep(delay)
                return self._secondary_limited(version, rate, draws)
            rate = self._limiter.acquire(identity.bucket, identity.limit)
            if delay:
                await asyncio.sleep(delay)
            if not rate.allowed:
                return self._primary_limited(identity, version, rate)
            return await self._serve(request, version, rate, draws)
        finally:
            self._in_flight.leave(identity.bucket)

    def _secondary_limited(self, version: str, rate: RateDecision, draws: _Draws) -> web.Response:
        status = self.config.limit_status
        headers = self._headers(version, rate)
        if draws.retry_after >= self.config.no_retry_after_rate:
            headers["Retry-After"] = str(self.config.secondary_retry_after)
        body = {
            "message": SECONDARY_LIMIT_MESSAGE,
            "documentation_url": f"{_RATE_DOCS}#about-secondary-rate-limits",
            "status": str(status),
        }
        self._recorder.limited(self._clock())
        return self._respond(status, _dumps(body), headers, "secondary_limited")

    def _primary_limited(
        self, identity: Identity, version: str, rate: RateDecision
    ) -> web.Response:
        status = self.config.limit_status
        if identity.user_id is None:
            message = _UNAUTHENTICATED_MESSAGE.format(ip=_gates.printable(identity.ip))
        else:
            message = f"API rate limit exceeded for user ID {identity.user_id}."
        body = {
            "message": message,
            "documentation_url": f"{_RATE_DOCS}#about-primary-rate-limits",
            "status": str(status),
        }
        self._recorder.limited(self._clock())
        return self._json(status, body, version, rate, "primary_limited")

    async def _serve(
        self, request: web.Request, version: str, rate: RateDecision, draws: _Draws
    ) -> web.StreamResponse:
        config = self.config
        fault = draws.fault
        if fault < config.drop_rate:
            return self._drop(request)
        fault -= config.drop_rate
        if fault < config.error_rate:
            return await self._server_error(version, rate, draws)
        fault -= config.error_rate
        malformed = fault < config.malformed_rate
        fault -= config.malformed_rate
        incomplete = not malformed and fault < config.incomplete_rate

        # parse_qsl decodes with errors="replace": any bytes give text, never an exception.
        params = parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True)
        first: dict[str, str] = {}
        for key, value in params:
            first.setdefault(key, value)
        try:
            query = parse_query(first.get("q"))
        except QueryError as exc:
            return self._json(422, exc.body, version, rate)
        per_page = parse_per_page(first.get("per_page"))
        page_number = parse_page(first.get("page"))
        if beyond_cap(page_number, per_page):
            return self._json(422, _CAP_BODY, version, rate)
        sort = first.get("sort")
        sort = sort if sort in SORT_KEYS else None
        order = "asc" if sort is not None and first.get("order") == "asc" else "desc"
        page = self._pages.page(query, page_number, per_page, sort, order)

        headers = self._headers(version, rate)
        link = link_header(self._link_base(request), params, page_number, per_page, page.total)
        if link is not None:
            headers["Link"] = link
        if malformed:
            cut = max(1, int(len(page.body) * (0.1 + 0.8 * draws.part)))
            return self._respond(200, page.body[:cut], headers, "malformed")
        if incomplete:
            kept = int(len(page.positions) * draws.part)
            body = self._pages.incomplete(query, page, kept)
            return self._respond(200, body, headers, "incomplete")
        served = page.body
        if len(served) >= GZIP_MIN_BYTES and accepts_gzip(request.headers.get("Accept-Encoding")):
            served = self._pages.gzipped(page)
            headers["Content-Encoding"] = "gzip"
        return self._respond(200, served, headers)

    async def _server_error(self, version: str, rate: RateDecision, draws: _Draws) -> web.Response:
        config = self.config
        if config.error_delay:
            await asyncio.sleep(config.error_delay)
        statuses = config.error_statuses
        status = statuses[min(int(draws.kind * len(statuses)), len(statuses) - 1)]
        body: dict[str, Any] = {"message": "Server Error"}
        if status == 503:
            body = {
                "code": "service_unavailable",
                "message": "Service Unavailable",
                "documentation_url": _DOCS,
            }
        return self._json(status, body, version, rate, "server_error")

    def _drop(self, request: web.Request) -> web.StreamResponse:
        # Closing the transport makes aiohttp's write of the response fail, which it treats as
        # a client disconnect: the client sees the connection close with no response at all.
        self._recorder.event("dropped")
        transport = request.transport
        if transport is not None:
            transport.close()
        return web.Response(status=499)


def create_app(service: SearchService) -> web.Application:
    """Return an ``aiohttp.web.Application`` serving ``service``.

    Args:
        service: the simulator state and handlers.

    Returns:
        The application, ready for an ``AppRunner``.

    Example:
        >>> app = create_app(SearchService())
    """
    app = web.Application()
    app.router.add_route("*", SEARCH_PATH, service.handle_search)
    app.router.add_route("*", RATE_LIMIT_PATH, service.handle_rate_limit)
    app.router.add_route("*", "/{tail:.*}", service.handle_other)
    return app
