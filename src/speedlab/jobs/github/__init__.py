"""The GitHub search job: the lecture's downloader, sans-I/O, correct under every model.

    from speedlab.jobs.github import GitHubJob, SearchConfig, token_from_env
    job = GitHubJob(config=SearchConfig(token=token_from_env(), pages=2))

``_query`` builds requests, ``_response`` reads them, ``_ratelimit`` paces the run, ``_search``
is one keyword's unit, ``_storage`` names and writes files, ``_job`` ties them into a ``Job``;
``_decode`` is the typed page decoder. The modules are private: import from this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from speedlab._lazy import lazy_exports

if TYPE_CHECKING:
    from speedlab.jobs.github._job import (
        DEFAULT_KEYWORDS,
        GitHubJob,
        SearchStatistics,
        utc_timestamp,
    )
    from speedlab.jobs.github._links import parse_link_header
    from speedlab.jobs.github._origin import same_origin
    from speedlab.jobs.github._query import (
        DEFAULT_API_URL,
        DEFAULT_OUT_DIR,
        DEFAULT_USER_AGENT,
        GITHUB_API_VERSION,
        OutputFormat,
        SearchConfig,
        Secret,
        build_search_request,
        search_query,
        token_from_env,
        validate_keyword,
    )
    from speedlab.jobs.github._ratelimit import (
        RateGate,
        RateGateStatistics,
        limited_wait,
    )
    from speedlab.jobs.github._response import (
        Classified,
        RateLimitInfo,
        ResponseKind,
        SearchPage,
        classify,
        parse_rate_limit,
        parse_search_body,
    )
    from speedlab.jobs.github._search import (
        MAX_REDIRECTS,
        SearchResult,
        search_keyword,
    )
    from speedlab.jobs.github._storage import (
        filename_for,
        is_saved,
        render,
        save_atomic,
    )

# Imported on first use: the command line reads the defaults of ``_query`` without paying for
# the page decoder (msgspec) or the rest of the job.
_EXPORTS = {
    "DEFAULT_KEYWORDS": "speedlab.jobs.github._query",
    "GitHubJob": "speedlab.jobs.github._job",
    "SearchStatistics": "speedlab.jobs.github._job",
    "utc_timestamp": "speedlab.jobs.github._job",
    "DEFAULT_API_URL": "speedlab.jobs.github._query",
    "DEFAULT_OUT_DIR": "speedlab.jobs.github._query",
    "DEFAULT_USER_AGENT": "speedlab.jobs.github._query",
    "GITHUB_API_VERSION": "speedlab.jobs.github._query",
    "OutputFormat": "speedlab.jobs.github._query",
    "SearchConfig": "speedlab.jobs.github._query",
    "Secret": "speedlab.jobs.github._query",
    "build_search_request": "speedlab.jobs.github._query",
    "same_origin": "speedlab.jobs.github._origin",
    "search_query": "speedlab.jobs.github._query",
    "token_from_env": "speedlab.jobs.github._query",
    "validate_keyword": "speedlab.jobs.github._query",
    "RateGate": "speedlab.jobs.github._ratelimit",
    "RateGateStatistics": "speedlab.jobs.github._ratelimit",
    "limited_wait": "speedlab.jobs.github._ratelimit",
    "Classified": "speedlab.jobs.github._response",
    "RateLimitInfo": "speedlab.jobs.github._response",
    "ResponseKind": "speedlab.jobs.github._response",
    "SearchPage": "speedlab.jobs.github._response",
    "classify": "speedlab.jobs.github._response",
    "parse_link_header": "speedlab.jobs.github._links",
    "parse_rate_limit": "speedlab.jobs.github._response",
    "parse_search_body": "speedlab.jobs.github._response",
    "MAX_REDIRECTS": "speedlab.jobs.github._search",
    "SearchResult": "speedlab.jobs.github._search",
    "search_keyword": "speedlab.jobs.github._search",
    "filename_for": "speedlab.jobs.github._storage",
    "is_saved": "speedlab.jobs.github._storage",
    "render": "speedlab.jobs.github._storage",
    "save_atomic": "speedlab.jobs.github._storage",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_KEYWORDS",
    "DEFAULT_OUT_DIR",
    "DEFAULT_USER_AGENT",
    "GITHUB_API_VERSION",
    "MAX_REDIRECTS",
    "Classified",
    "GitHubJob",
    "OutputFormat",
    "RateGate",
    "RateGateStatistics",
    "RateLimitInfo",
    "ResponseKind",
    "SearchConfig",
    "SearchPage",
    "SearchResult",
    "SearchStatistics",
    "Secret",
    "build_search_request",
    "classify",
    "filename_for",
    "is_saved",
    "limited_wait",
    "parse_link_header",
    "parse_rate_limit",
    "parse_search_body",
    "render",
    "same_origin",
    "save_atomic",
    "search_keyword",
    "search_query",
    "token_from_env",
    "utc_timestamp",
    "validate_keyword",
]
