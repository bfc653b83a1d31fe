"""fakehub: a local simulator of GitHub's repository search, for tests, demos and benchmarks.

It answers ``GET /search/repositories`` the way api.github.com does -- deterministic
repositories per keyword, paging with ``Link`` headers and the 1000-result cap, the primary and
secondary rate limits with GitHub's headers and messages, 401/403/404/422 errors -- and injects
the faults a robust client must survive (latency, 5xx, dropped connections, malformed bodies,
incomplete results), all seedable. Rules and sources: ``reference/github-search-api.md``.

Example:
    >>> import requests
    >>> from speedlab.fakehub import FakeHub, FakeHubConfig
    >>> with FakeHub(FakeHubConfig.realistic()) as hub:
    ...     q = {"q": "torch language:python"}
    ...     r = requests.get(f"{hub.url}/search/repositories", params=q)
    ...     r.headers["x-ratelimit-limit"], hub.statistics().requests
    ('10', 1)
"""

from __future__ import annotations

from speedlab.fakehub.app import SECONDARY_LIMIT_MESSAGE, SearchService, create_app
from speedlab.fakehub.config import FakeHubConfig, parse_rate_limit
from speedlab.fakehub.limits import InFlight, PrimaryLimiter, RateDecision, WindowRecord
from speedlab.fakehub.server import AsyncFakeHub, FakeHub, check_loopback, serve
from speedlab.fakehub.stats import FakeHubStatistics

__all__ = [
    "SECONDARY_LIMIT_MESSAGE",
    "AsyncFakeHub",
    "FakeHub",
    "FakeHubConfig",
    "FakeHubStatistics",
    "InFlight",
    "PrimaryLimiter",
    "RateDecision",
    "SearchService",
    "WindowRecord",
    "check_loopback",
    "create_app",
    "parse_rate_limit",
    "serve",
]
