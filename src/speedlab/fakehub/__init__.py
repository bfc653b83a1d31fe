"""fakehub: a local simulator of GitHub's repository search, for tests, demos and benchmarks.

It answers ``GET /search/repositories`` the way api.github.com does -- deterministic
repositories per keyword (common words find thousands), paging with ``Link`` headers and the
1000-result cap, the primary and secondary rate limits with GitHub's headers and messages,
``GET /rate_limit``, 401/403/404/422 errors -- and injects the faults a robust client must survive
(latency, 5xx, dropped connections, malformed bodies, incomplete results), all seedable. It serves
plain HTTP or HTTPS, on loopback only, and answers any malformed request with a 4xx. Rules and
sources: ``reference/github-search-api.md``.

Example:
    >>> import requests
    >>> from speedlab.fakehub import FakeHub, FakeHubConfig
    >>> with FakeHub(FakeHubConfig.realistic()) as hub:
    ...     q = {"q": "torch language:python"}
    ...     r = requests.get(f"{hub.url}/search/repositories", params=q)
    ...     r.headers["x-ratelimit-limit"], hub.statistics().requests
    ('10', 1)

The rate limiters (:class:`PrimaryLimiter`, :class:`InFlight`), the query parser and the data are
plain Python and import without aiohttp; the server classes (:class:`FakeHub`,
:class:`AsyncFakeHub`, :func:`serve`, :class:`SearchService`, :func:`create_app`) import it on
first use, so a virtual-time simulator can reuse GitHub's limits without loading a web server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from speedlab.fakehub._address import DEFAULT_HOST, check_loopback, load_tls_context
from speedlab.fakehub._config import (
    DEFAULT_NULL_OWNER_RATE,
    DEFAULT_SECONDARY_RETRY_AFTER,
    DEFAULT_WINDOW,
    REALISTIC_AUTHENTICATED_LIMIT,
    REALISTIC_UNAUTHENTICATED_LIMIT,
    SUPPORTED_API_VERSIONS,
    UNLIMITED,
    FakeHubConfig,
    check_public_url,
    parse_rate_limit,
)
from speedlab.fakehub._corpus import POOL_LIMIT, SORT_KEYS, Corpus, ResultSet
from speedlab.fakehub._gates import user_id_for_token
from speedlab.fakehub._limits import InFlight, PrimaryLimiter, RateDecision, WindowRecord
from speedlab.fakehub._paging import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    RESULT_CAP,
    link_header,
    parse_page,
    parse_per_page,
)
from speedlab.fakehub._population import (
    OWNER_POOL_SIZE,
    is_common,
    owner_for_index,
    total_count,
)
from speedlab.fakehub._query import ParsedQuery, QueryError, parse_query
from speedlab.fakehub._ratelimit import RATE_LIMIT_PATH, rate_limit_body
from speedlab.fakehub._stats import FakeHubStatistics
from speedlab.fakehub._words import COMMON_WORDS

if TYPE_CHECKING:
    from speedlab.fakehub._app import (
        SEARCH_PATH,
        SECONDARY_LIMIT_MESSAGE,
        SearchService,
        create_app,
    )
    from speedlab.fakehub._server import AsyncFakeHub, FakeHub, serve

__all__ = [
    "COMMON_WORDS",
    "DEFAULT_HOST",
    "DEFAULT_NULL_OWNER_RATE",
    "DEFAULT_PER_PAGE",
    "DEFAULT_SECONDARY_RETRY_AFTER",
    "DEFAULT_WINDOW",
    "MAX_PER_PAGE",
    "OWNER_POOL_SIZE",
    "POOL_LIMIT",
    "RATE_LIMIT_PATH",
    "REALISTIC_AUTHENTICATED_LIMIT",
    "REALISTIC_UNAUTHENTICATED_LIMIT",
    "RESULT_CAP",
    "SEARCH_PATH",
    "SECONDARY_LIMIT_MESSAGE",
    "SORT_KEYS",
    "SUPPORTED_API_VERSIONS",
    "UNLIMITED",
    "AsyncFakeHub",
    "Corpus",
    "FakeHub",
    "FakeHubConfig",
    "FakeHubStatistics",
    "InFlight",
    "ParsedQuery",
    "PrimaryLimiter",
    "QueryError",
    "RateDecision",
    "ResultSet",
    "SearchService",
    "WindowRecord",
    "check_loopback",
    "check_public_url",
    "create_app",
    "is_common",
    "link_header",
    "load_tls_context",
    "owner_for_index",
    "parse_page",
    "parse_per_page",
    "parse_query",
    "parse_rate_limit",
    "rate_limit_body",
    "serve",
    "total_count",
    "user_id_for_token",
]

# The names whose modules import aiohttp, and those modules: imported on first access.
_LAZY = {
    "SEARCH_PATH": "_app",
    "SECONDARY_LIMIT_MESSAGE": "_app",
    "SearchService": "_app",
    "create_app": "_app",
    "AsyncFakeHub": "_server",
    "FakeHub": "_server",
    "serve": "_server",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
