"""GitHub's search API in miniature, for unit tests and the simulator: replies and a server.

The reply builders make ``HttpResponse`` objects shaped like GitHub's (``ok``, ``error``,
``rate_headers``, ``search_body``), so a unit test scripts a conversation in a few lines.
:class:`SearchServer` answers ``GET /search/repositories`` in virtual time with the same
fixed-window limiter fakehub uses (:class:`speedlab.fakehub.PrimaryLimiter`, given the
simulation's clock), so the simulator and the real simulator count the limit alike; it can
also refuse chosen requests with a secondary limit and inject faults.

    server = SearchServer(limit=10, window=60, pages=2)
    log = simulate(units, server, clock, concurrency=8, rng=random.Random(0))
    assert server.limited == []          # the pacing held: not one 403
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from speedlab.fakehub import PrimaryLimiter
from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError
from speedlab.testing._drive import Reply

__all__ = [
    "GITHUB_API",
    "SearchServer",
    "error",
    "ok",
    "rate_headers",
    "search_body",
]

#: The real API's origin, as the job's default ``--api``.
GITHUB_API = "https://api.github.com"
_SEARCH_URL = GITHUB_API + "/search/repositories?q=x"
_SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


def search_body(
    ids: Iterable[int | None],
    *,
    total: int | None = None,
    incomplete: bool = False,
    null_owner: Iterable[int] = (),
) -> bytes:
    """Return a search page's JSON, one item per owner id (None: an owner without an id).

    Args:
        ids: Owner ids, one per item.
        total: ``total_count`` (default: the number of items).
        incomplete: ``incomplete_results``.
        null_owner: Indexes of items whose ``owner`` is null.
    """
    nulls = set(null_owner)
    items: list[dict[str, Any]] = []
    for index, owner_id in enumerate(ids):
        item: dict[str, Any] = {"id": 1000 + index, "name": f"repo{index}"}
        if index in nulls:
            item["owner"] = None
        elif owner_id is None:
            item["owner"] = {"login": "x"}
        else:
            item["owner"] = {"login": f"user{owner_id}", "id": owner_id, "type": "User"}
        items.append(item)
    count = len(items) if total is None else total
    document = {"total_count": count, "incomplete_results": incomplete, "items": items}
    return json.dumps(document).encode()


def rate_headers(
    remaining: int, reset: int, limit: int = 10, used: int | None = None
) -> dict[str, str]:
    """Return the ``x-ratelimit-*`` headers of the search resource."""
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-used": str(limit - remaining if used is None else used),
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-resource": "search",
    }


def ok(
    ids: Iterable[int | None],
    *,
    url: str = _SEARCH_URL,
    headers: Mapping[str, str] | None = None,
    next_url: str | None = None,
    **body: Any,
) -> HttpResponse:
    """Return a 200 search page (with a ``Link`` to ``next_url`` when given)."""
    all_headers = {"content-type": "application/json; charset=utf-8", **(headers or {})}
    if next_url is not None:
        all_headers["link"] = f'<{next_url}>; rel="next", <{next_url}>; rel="last"'
    return HttpResponse(200, all_headers, search_body(ids, **body), url)


def error(
    status: int,
    message: str,
    /,
    *,
    headers: Mapping[str, str] | None = None,
    url: str = _SEARCH_URL,
    **extra: Any,
) -> HttpResponse:
    """Return an error response with GitHub's ``message``/``documentation_url`` body."""
    payload = {"message": message, "documentation_url": "https://docs.github.com/rest", **extra}
    return HttpResponse(status, dict(headers or {}), json.dumps(payload).encode(), url)


@dataclass
class SearchServer:
    """GitHub's search limit in miniature: ``limit`` requests per fixed window of ``window`` s.

    The window starts at the first request after the previous reset, on a whole second, and
    ends at the epoch ``reset`` the headers report (fakehub's :class:`PrimaryLimiter`). Each
    keyword has ``pages`` pages of ``per_page`` owner ids derived from the keyword.

    Attributes:
        secondary_at: Request numbers (1-based) refused with a secondary limit and
            ``Retry-After: secondary_retry_after``; they are not counted.
        fault_rate: The share of counted requests answered by a dropped connection, a bare
            502 or a 502 with rate headers, drawn from ``faults``.
        served: ``(time, window reset)`` of every request served.
        limited: The time of every request refused by the primary limit.
        requests: Every request received.
    """

    limit: int = 10
    window: int = 60
    pages: int = 2
    per_page: int = 3
    secondary_at: set[int] = field(default_factory=set)
    secondary_retry_after: int = 20
    fault_rate: float = 0.0
    faults: random.Random = field(default_factory=lambda: random.Random(0))
    served: list[tuple[float, int]] = field(default_factory=list)
    limited: list[float] = field(default_factory=list)
    requests: int = 0
    _now: float = field(default=0.0, repr=False)
    _limiter: PrimaryLimiter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._limiter = PrimaryLimiter(window=self.window, clock=lambda: self._now)

    def handle(self, request: HttpRequest, now: float) -> Reply:
        """Answer ``request`` received at virtual time ``now``."""
        self._now = now
        self.requests += 1
        if self.requests in self.secondary_at:
            state = self._limiter.peek("client", self.limit)
            headers = {"retry-after": str(self.secondary_retry_after), **state.headers()}
            return error(403, _SECONDARY, headers=headers, url=request.url)
        decision = self._limiter.acquire("client", self.limit)
        if not decision.allowed:
            self.limited.append(now)
            return error(
                403,
                "API rate limit exceeded for 127.0.0.1.",
                headers=decision.headers(),
                url=request.url,
            )
        self.served.append((now, decision.reset))
        if self.faults.random() < self.fault_rate:
            kind = self.faults.choice(["drop", "bare", "headers"])
            if kind == "drop":
                return TransportError("connection", "connection reset by peer")
            headers = decision.headers() if kind == "headers" else {}
            return error(502, "Server Error", headers=headers, url=request.url)
        return self._page(request, decision.headers())

    def _page(self, request: HttpRequest, headers: dict[str, str]) -> HttpResponse:
        parts = urlsplit(request.url)
        query = parse_qs(parts.query)
        keyword = query["q"][0].split()[0]
        page = int(query.get("page", ["1"])[0])
        base = sum(map(ord, keyword)) * 100
        ids = [base + page * 10 + i for i in range(self.per_page)]
        next_url = None
        if page < self.pages:
            params = {"q": query["q"][0], "per_page": query["per_page"][0], "page": page + 1}
            next_url = f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(params)}"
        return ok(
            ids,
            url=request.url,
            next_url=next_url,
            headers=headers,
            total=self.per_page * self.pages,
        )
