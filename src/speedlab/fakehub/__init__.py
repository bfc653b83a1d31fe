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

from typing import TYPE_CHECKING

from speedlab._lazy import lazy_exports

if TYPE_CHECKING:
    from speedlab.fakehub._address import (
        DEFAULT_HOST,
        check_loopback,
        load_tls_context,
    )
    from speedlab.fakehub._app import (
        SEARCH_PATH,
        SECONDARY_LIMIT_MESSAGE,
        SearchService,
        create_app,
    )
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
    from speedlab.fakehub._corpus import (
        POOL_LIMIT,
        SORT_KEYS,
        Corpus,
        ResultSet,
    )
    from speedlab.fakehub._gates import (
        user_id_for_token,
    )
    from speedlab.fakehub._limits import (
        InFlight,
        PrimaryLimiter,
        RateDecision,
        WindowRecord,
    )
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
    from speedlab.fakehub._query import (
        ParsedQuery,
        QueryError,
        parse_query,
    )
    from speedlab.fakehub._ratelimit import (
        RATE_LIMIT_PATH,
        rate_limit_body,
    )
    from speedlab.fakehub._server import (
        AsyncFakeHub,
        FakeHub,
        serve,
    )
    from speedlab.fakehub._stats import (
        FakeHubStatistics,
    )
    from speedlab.fakehub._words import (
        COMMON_WORDS,
    )

# Each public name and the module that defines it, imported on first use (``speedlab --help``
# must not pay for what only a command's run needs).
_EXPORTS = {
    "DEFAULT_HOST": "speedlab.fakehub._address",
    "check_loopback": "speedlab.fakehub._address",
    "load_tls_context": "speedlab.fakehub._address",
    "DEFAULT_NULL_OWNER_RATE": "speedlab.fakehub._config",
    "DEFAULT_SECONDARY_RETRY_AFTER": "speedlab.fakehub._config",
    "DEFAULT_WINDOW": "speedlab.fakehub._config",
    "REALISTIC_AUTHENTICATED_LIMIT": "speedlab.fakehub._config",
    "REALISTIC_UNAUTHENTICATED_LIMIT": "speedlab.fakehub._config",
    "SUPPORTED_API_VERSIONS": "speedlab.fakehub._config",
    "UNLIMITED": "speedlab.fakehub._config",
    "FakeHubConfig": "speedlab.fakehub._config",
    "check_public_url": "speedlab.fakehub._config",
    "parse_rate_limit": "speedlab.fakehub._config",
    "POOL_LIMIT": "speedlab.fakehub._corpus",
    "SORT_KEYS": "speedlab.fakehub._corpus",
    "Corpus": "speedlab.fakehub._corpus",
    "ResultSet": "speedlab.fakehub._corpus",
    "user_id_for_token": "speedlab.fakehub._gates",
    "InFlight": "speedlab.fakehub._limits",
    "PrimaryLimiter": "speedlab.fakehub._limits",
    "RateDecision": "speedlab.fakehub._limits",
    "WindowRecord": "speedlab.fakehub._limits",
    "DEFAULT_PER_PAGE": "speedlab.fakehub._paging",
    "MAX_PER_PAGE": "speedlab.fakehub._paging",
    "RESULT_CAP": "speedlab.fakehub._paging",
    "link_header": "speedlab.fakehub._paging",
    "parse_page": "speedlab.fakehub._paging",
    "parse_per_page": "speedlab.fakehub._paging",
    "OWNER_POOL_SIZE": "speedlab.fakehub._population",
    "is_common": "speedlab.fakehub._population",
    "owner_for_index": "speedlab.fakehub._population",
    "total_count": "speedlab.fakehub._population",
    "ParsedQuery": "speedlab.fakehub._query",
    "QueryError": "speedlab.fakehub._query",
    "parse_query": "speedlab.fakehub._query",
    "RATE_LIMIT_PATH": "speedlab.fakehub._ratelimit",
    "rate_limit_body": "speedlab.fakehub._ratelimit",
    "FakeHubStatistics": "speedlab.fakehub._stats",
    "COMMON_WORDS": "speedlab.fakehub._words",
    "SEARCH_PATH": "speedlab.fakehub._app",
    "SECONDARY_LIMIT_MESSAGE": "speedlab.fakehub._app",
    "SearchService": "speedlab.fakehub._app",
    "create_app": "speedlab.fakehub._app",
    "AsyncFakeHub": "speedlab.fakehub._server",
    "FakeHub": "speedlab.fakehub._server",
    "serve": "speedlab.fakehub._server",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

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
