"""The aiohttp application: GitHub's ``GET /search/repositories``, its errors and its faults.

One :class:`SearchService` holds the state of a running simulator (limits, data, caches, the fault
random source, statistics); :func:`create_app` wires it into an ``aiohttp.web.Application``.
A request goes through the same gates, in the same order, as on GitHub as far as it is known:

1. ``User-Agent`` missing -> 403 ``text/html``; a path or method other than ``GET``/``HEAD``
   ``/search/repositories`` -> 404 JSON;
2. ``Authorization`` with an unknown token -> 401 "Bad credentials";
3. ``X-GitHub-Api-Version`` not served -> 400;
4. secondary limit (too many in flight) -> 403/429 with ``Retry-After``;
5. primary limit (fixed window, counted here) -> 403/429 with ``x-ratelimit-remaining: 0``;
6. injected latency, then an injected fault (drop, 5xx, malformed, incomplete) if one is drawn;
7. ``q`` and paging validation -> 422; else 200 with the page and its ``Link``.

Speed matters (benchmarks send 10,000 requests at concurrency 100): rendered pages are cached
in a byte-bounded LRU, gzip is computed once per cached page, and no access log is written.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import random
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from speedlab.fakehub.config import SUPPORTED_API_VERSIONS, FakeHubConfig
from speedlab.fakehub.data import SORT_KEYS, Corpus
from speedlab.fakehub.limits import InFlight, PrimaryLimiter, RateDecision
from speedlab.fakehub.paging import beyond_cap, link_header, parse_page, parse_per_page
from speedlab.fakehub.query import ParsedQuery, QueryError, parse_query
from speedlab.fakehub.stats import FakeHubStatistics, StatisticsRecorder

__all__ = [
    "SEARCH_PATH",
    "SECONDARY_LIMIT_MESSAGE",
    "SearchService",
    "create_app",
    "user_id_for_token",
]

#: The one route the simulator serves.
SEARCH_PATH = "/search/repositories"

#: GitHub's secondary-limit message, word for word (clients match on it).
SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)

_USER_AGENT_MESSAGE = (
    b"Request forbidden by administrative rules. "
    b"Please make sure your request has a User-Agent header.\n"
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
_JSON = "application/json; charset=utf-8"
# Bodies smaller than this are not worth compressing.
_GZIP_MIN = 1024


def user_id_for_token(token: str) -> int:
    """Return the stable GitHub user id the simulator assigns to ``token``.

    >>> user_id_for_token("abc") == user_id_for_token("abc")
    True
    """
    digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
    return 1_000_000 + int.from_bytes(digest, "big") % 90_000_000


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass(slots=True)
class _Page:
    total: int
    positions: Sequence[int]
    body: bytes
    gzipped: bytes | None = None

    @property
    def size(self) -> int:
        # The items are not kept apart from the body: a cached page costs its body and its
        # gzip, so a 200-keyword benchmark fits in the cache instead of thrashing it.
        return len(self.body) + len(self.gzipped or b"")


def _page_body(total: int, items: tuple[bytes, ...], incomplete: bool = False) -> bytes:
    flag = b"true" if incomplete else b"false"
    return b'{"total_count":%d,"incomplete_results":%s,"items":[%s]}' % (
        total,
        flag,
        b",".join(items),
    )


class _PageCache:
    """Least-recently-used pages, bounded by their total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple[Any, ...], _Page] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[Any, ...]) -> _Page | None:
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
        return page

    def put(self, key: tuple[Any, ...], page: _Page) -> None:
        if page.size > self.max_bytes:
            return
        self._pages[key] = page
        self._bytes += page.size
        self._shrink()

    def grow(self, extra: int) -> None:
        self._bytes += extra
        self._shrink()

    def _shrink(self) -> None:
        while self._bytes > self.max_bytes and self._pages:
            _, page = self._pages.popitem(last=False)
            self._bytes -= page.size

    def clear(self) -> None:
        self._pages.clear()
        self._bytes = 0


@dataclass(frozen=True, slots=True)
class _Identity:
    bucket: str
    limit: int
    user_id: int | None
    ip: str


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
        self._corpus = Corpus(null_owner_rate=config.null_owner_rate)
        self._cache = _PageCache(config.cache_bytes)
        self._rng = random.Random(config.seed)
        self._recorder = StatisticsRecorder()
        self._request_number = 0

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

    # -- helpers ------------------------------------------------------------------------------

    def _headers(self, version: str, rate: RateDecision | None) -> dict[str, str]:
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
            headers.update(rate.headers())
        return headers

    def _respond(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        kind: str | None = None,
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

    def _not_found(self) -> web.Response:
        body = {"message": "Not Found", "documentation_url": _DOCS, "status": "404"}
        return self._json(404, body, SUPPORTED_API_VERSIONS[0], None)

    def _identify(self, request: web.Request) -> _Identity | None:
        ip = request.remote or "unknown"
        authorization = request.headers.get("Authorization")
        if authorization is None:
            return _Identity(f"ip:{ip}", self._anon_limit, None, ip)
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        tokens = self.config.tokens
        if (
            scheme.lower() not in ("bearer", "token")
            or not token
            or (tokens is not None and token not in tokens)
        ):
            return None
        user_id = user_id_for_token(token)
        return _Identity(f"user:{user_id}", self._auth_limit, user_id, ip)

    def _draw(self) -> _Draws:
        r = self._rng.random
        return _Draws(r(), r(), r(), r(), r())

    def _page(
        self, query: ParsedQuery, page: int, per_page: int, sort: str | None, order: str
    ) -> _Page:
        key = (query, page, per_page, sort, order)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._corpus.result_set(query)
        positions = result.page(page, per_page, sort, order)
        items = tuple(self._corpus.item_json(result, p) for p in positions)
        built = _Page(result.total_count, positions, _page_body(result.total_count, items))
        self._cache.put(key, built)
        return built

    def _gzipped(self, page: _Page) -> bytes:
        if page.gzipped is None:
            page.gzipped = gzip.compress(page.body, compresslevel=5, mtime=0)
            self._cache.grow(len(page.gzipped))
        return page.gzipped

    # -- handlers -----------------------------------------------------------------------------

    async def handle_other(self, request: web.Request) -> web.StreamResponse:
        """Answer any path other than the search route: 403 without a User-Agent, else 404."""
        self._recorder.request()
        if not request.headers.get("User-Agent", "").strip():
            return self._forbidden_user_agent()
        return self._not_found()

    def _forbidden_user_agent(self) -> web.Response:
        headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}
        return self._respond(403, _USER_AGENT_MESSAGE, headers)

    async def handle_search(self, request: web.Request) -> web.StreamResponse:
        """Answer ``GET /search/repositories`` like GitHub (see the module docstring)."""
        self._recorder.request()
        if not request.headers.get("User-Agent", "").strip():
            return self._forbidden_user_agent()
        if request.method not in ("GET", "HEAD"):
            return self._not_found()
        identity = self._identify(request)
        default_version = SUPPORTED_API_VERSIONS[0]
        if identity is None:
            rate = self._limiter.peek(f"ip:{request.remote}", self._anon_limit)
            body = {"message": "Bad credentials", "documentation_url": _DOCS, "status": "401"}
            return self._json(401, body, default_version, rate)
        version = request.headers.get("X-GitHub-Api-Version", default_version).strip()
        if version not in SUPPORTED_API_VERSIONS:
            rate = self._limiter.peek(identity.bucket, identity.limit)
            body = {
                "message": f"Unsupported 'X-GitHub-Api-Version' header value: {version!r}.",
                "documentation_url": f"{_DOCS}/about-the-rest-api/api-versions",
                "status": "400",
            }
            return self._json(400, body, default_version, rate)
        draws = self._draw()
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
        self, identity: _Identity, version: str, rate: RateDecision
    ) -> web.Response:
        status = self.config.limit_status
        if identity.user_id is None:
            message = _UNAUTHENTICATED_MESSAGE.format(ip=identity.ip)
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
        fault -= config.error_rate
        malformed = fault < config.malformed_rate
        fault -= config.malformed_rate
        incomplete = not malformed and fault < config.incomplete_rate

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
        page = self._page(query, page_number, per_page, sort, order)

        headers = self._headers(version, rate)
        link = link_header(
            f"{request.scheme}://{request.host}{request.path}",
            params,
            page_number,
            per_page,
            page.total,
        )
        if link is not None:
            headers["Link"] = link
        if malformed:
            cut = max(1, int(len(page.body) * (0.1 + 0.8 * draws.part)))
            return self._respond(200, page.body[:cut], headers, "malformed")
        if incomplete:
            result = self._corpus.result_set(query)
            kept_positions = page.positions[: int(len(page.positions) * draws.part)]
            kept = tuple(self._corpus.item_json(result, p) for p in kept_positions)
            return self._respond(200, _page_body(page.total, kept, True), headers, "incomplete")
        served = page.body
        if len(served) >= _GZIP_MIN and "gzip" in request.headers.get("Accept-Encoding", ""):
            served = self._gzipped(page)
            headers["Content-Encoding"] = "gzip"
        return self._respond(200, served, headers)

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
    app.router.add_route("*", "/{tail:.*}", service.handle_other)
    return app
