"""The GitHub search job: the lecture's downloader, sans-I/O, correct under every model.

    from speedlab.jobs.github import GitHubJob, SearchConfig, token_from_env
    job = GitHubJob(config=SearchConfig(token=token_from_env(), pages=2))

``query`` builds requests, ``response`` reads them, ``ratelimit`` paces the run, ``search`` is
one keyword's unit, ``storage`` names and writes files, ``job`` ties them into a ``Job``.
"""

from __future__ import annotations

from speedlab.jobs.github.job import DEFAULT_KEYWORDS, GitHubJob, SearchStatistics, utc_timestamp
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
from speedlab.jobs.github.ratelimit import RateGate, RateGateStatistics, limited_wait
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
from speedlab.jobs.github.search import MAX_REDIRECTS, SearchResult, search_keyword
from speedlab.jobs.github.storage import filename_for, is_saved, render, save_atomic

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
