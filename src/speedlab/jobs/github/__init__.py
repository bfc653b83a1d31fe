"""The GitHub search job: the lecture's downloader, sans-I/O, correct under every model.

    from speedlab.jobs.github import GitHubJob, SearchConfig, token_from_env
    job = GitHubJob(config=SearchConfig(token=token_from_env(), pages=2))

``query`` builds requests, ``response`` reads them, ``ratelimit`` paces the run, ``search`` is
one keyword's unit, ``storage`` names and writes files, ``job`` ties them into a ``Job``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from speedlab._lazy import lazy_exports

if TYPE_CHECKING:
    from speedlab.jobs.github.job import (
        DEFAULT_KEYWORDS,
        GitHubJob,
        SearchStatistics,
        utc_timestamp,
    )
    from speedlab.jobs.github.query import (
        DEFAULT_API_URL,
        DEFAULT_OUT_DIR,
        DEFAULT_USER_AGENT,
        GITHUB_API_VERSION,
        OutputFormat,
        SearchConfig,
        Secret,
        build_search_request,
        same_origin,
        search_query,
        token_from_env,
        validate_keyword,
    )
    from speedlab.jobs.github.ratelimit import (
        RateGate,
        RateGateStatistics,
        limited_wait,
    )
    from speedlab.jobs.github.response import (
        Classified,
        RateLimitInfo,
        ResponseKind,
        SearchPage,
        classify,
        parse_link_header,
        parse_rate_limit,
        parse_search_body,
    )
    from speedlab.jobs.github.search import (
        MAX_REDIRECTS,
        SearchResult,
        search_keyword,
    )
    from speedlab.jobs.github.storage import (
        filename_for,
        is_saved,
        render,
        save_atomic,
    )

# Imported on first use: the command line reads the defaults of ``query`` without paying for
# the page decoder (msgspec) or the rest of the job.
_EXPORTS = {
    "DEFAULT_KEYWORDS": "speedlab.jobs.github.query",
    "GitHubJob": "speedlab.jobs.github.job",
    "SearchStatistics": "speedlab.jobs.github.job",
    "utc_timestamp": "speedlab.jobs.github.job",
    "DEFAULT_API_URL": "speedlab.jobs.github.query",
    "DEFAULT_OUT_DIR": "speedlab.jobs.github.query",
    "DEFAULT_USER_AGENT": "speedlab.jobs.github.query",
    "GITHUB_API_VERSION": "speedlab.jobs.github.query",
    "OutputFormat": "speedlab.jobs.github.query",
    "SearchConfig": "speedlab.jobs.github.query",
    "Secret": "speedlab.jobs.github.query",
    "build_search_request": "speedlab.jobs.github.query",
    "same_origin": "speedlab.jobs.github.query",
    "search_query": "speedlab.jobs.github.query",
    "token_from_env": "speedlab.jobs.github.query",
    "validate_keyword": "speedlab.jobs.github.query",
    "RateGate": "speedlab.jobs.github.ratelimit",
    "RateGateStatistics": "speedlab.jobs.github.ratelimit",
    "limited_wait": "speedlab.jobs.github.ratelimit",
    "Classified": "speedlab.jobs.github.response",
    "RateLimitInfo": "speedlab.jobs.github.response",
    "ResponseKind": "speedlab.jobs.github.response",
    "SearchPage": "speedlab.jobs.github.response",
    "classify": "speedlab.jobs.github.response",
    "parse_link_header": "speedlab.jobs.github.response",
    "parse_rate_limit": "speedlab.jobs.github.response",
    "parse_search_body": "speedlab.jobs.github.response",
    "MAX_REDIRECTS": "speedlab.jobs.github.search",
    "SearchResult": "speedlab.jobs.github.search",
    "search_keyword": "speedlab.jobs.github.search",
    "filename_for": "speedlab.jobs.github.storage",
    "is_saved": "speedlab.jobs.github.storage",
    "render": "speedlab.jobs.github.storage",
    "save_atomic": "speedlab.jobs.github.storage",
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
