"""Say what to search for and build the exact HTTP request for it, without sending anything.

Everything a run of the GitHub job needs to know lives in one frozen, picklable
``SearchConfig`` (it travels to worker processes). The request is built here once, so that every
concurrency model sends byte-for-byte the same thing.

**The lecture's bug.** The lecture builds ``params={'q': f'{query}+language:python'}``. A ``+``
means a space only inside an *already encoded* query string; passed through ``params=`` it is
encoded as ``%2B`` and GitHub receives a literal plus, so ``language:python`` stops being a
qualifier and the search returns other repositories (PyGithub #1185: 111 instead of 286
results). We build ``q`` with a real space, ``f"{keyword} language:python"``, and encode it with
``urllib.parse.urlencode`` and its default ``quote_via=quote_plus``: a space becomes ``+`` and
``:`` becomes ``%3A``, exactly how GitHub's own ``Link`` URLs are encoded, and
``urllib.parse.parse_qs`` on the server side gives back ``"<keyword> language:python"``.

A keyword with spaces (``web scraping``) becomes several AND-ed search terms, as on github.com.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias
from urllib.parse import quote_plus, urlsplit

from speedlab._constants import DEFAULT_MAX_RESPONSE_BYTES
from speedlab._exceptions import UsageError
from speedlab._trust import check_ca_file
from speedlab._version import __version__
from speedlab.jobs.effects import HttpRequest
from speedlab.jobs.github._origin import same_origin

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_KEYWORDS",
    "DEFAULT_OUT_DIR",
    "DEFAULT_USER_AGENT",
    "GITHUB_API_VERSION",
    "OutputFormat",
    "SearchConfig",
    "Secret",
    "build_search_request",
    "request_for",
    "request_headers",
    "search_query",
    "token_from_env",
    "validate_keyword",
]

_VERSION = __version__

# The lecture's KEYWORDS, in its order.
DEFAULT_KEYWORDS: tuple[str, ...] = (
    "search",
    "torch",
    "tensorflow",
    "requests",
    "alice",
    "data",
    "deep",
    "ML",
)

# The real API; --api points the job at fakehub or a GitHub Enterprise server instead.
DEFAULT_API_URL = "https://api.github.com"
# The limit assumed for a server other than api.github.com until it sends its own headers.
UNDOCUMENTED_LIMIT = 1_000_000
# The lecture's BASE_DIR.
DEFAULT_OUT_DIR = Path("github_downloads")
# GitHub rejects requests without a User-Agent and asks for one that names the application.
DEFAULT_USER_AGENT = f"speedlab/{_VERSION} (+https://pypi.org/project/speedlab/)"
# The REST API version we were written against (still the default after 2026-03-10 appeared).
GITHUB_API_VERSION = "2022-11-28"
# GitHub's default page size for search.
DEFAULT_PER_PAGE = 30
# The API serves at most 100 items a page (it silently clamps larger values).
MAX_PER_PAGE = 100
# GitHub ends any request that takes more than 10 s ("Server Error"), so waiting longer is moot.
DEFAULT_TIMEOUT = 10.0
# Upper bounds of --timeout and --max-wait: past them a wait is a mistake (and past about
# 10**8 s, threading's and the OS's timeouts overflow).
MAX_TIMEOUT = 3600.0
MAX_WAIT = 7 * 86_400.0
# Upper bound of --max-bytes (1 TiB): past it, the cap is a typo.
MAX_RESPONSE_LIMIT = 2**40
# Retries for one request after timeouts, dropped connections, 5xx and malformed bodies.
DEFAULT_RETRIES = 5
# The most one keyword may spend waiting (rate limits, backoff) before it gives up.
DEFAULT_MAX_WAIT = 900.0
# First backoff step for retries: base * 2**k seconds, with full jitter.
DEFAULT_BACKOFF_BASE = 0.5
# The longest single retry backoff.
DEFAULT_BACKOFF_CAP = 30.0
# Wait until x-ratelimit-reset plus this much: octokit's "+1 s", retry *after* the reset.
DEFAULT_RESET_MARGIN = 1.0
# Search terms are joined with this qualifier, as in the lecture.
LANGUAGE_QUALIFIER = "language:python"
# Keywords that quote_plus leaves unchanged (ASCII letters, digits and "_.-~"), and the
# qualifier as it appears after one in a query string.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")
_QUOTED_QUALIFIER = quote_plus(f" {LANGUAGE_QUALIFIER}")

OutputFormat: TypeAlias = Literal["list", "json"]

_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class Secret:
    """A token that never shows itself in ``repr``, ``str``, logs or tracebacks.

    >>> Secret("ghp_abc")
    Secret('********')
    >>> Secret("ghp_abc").reveal()
    'ghp_abc'
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret value, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        # Worker processes need the token; pickling is not logging.
        return (Secret, (self._value,))


@dataclass(frozen=True)
class SearchConfig:
    """How to search: server, credentials, paging, patience and output, checked on creation.

    Example:
        >>> config = SearchConfig(per_page=100, pages=2, token=token_from_env())
        >>> config.api
        'https://api.github.com'

    Raises:
        UsageError: a value is out of range (the message names the command-line option).
    """

    api: str = DEFAULT_API_URL
    token: Secret | None = None
    per_page: int = DEFAULT_PER_PAGE
    pages: int = 1
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    max_wait: float = DEFAULT_MAX_WAIT
    backoff_base: float = DEFAULT_BACKOFF_BASE
    backoff_cap: float = DEFAULT_BACKOFF_CAP
    reset_margin: float = DEFAULT_RESET_MARGIN
    format: OutputFormat = "list"
    out_dir: Path = DEFAULT_OUT_DIR
    user_agent: str = DEFAULT_USER_AGENT
    seed: int = 0
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.token, str):  # be forgiving at run time; the type says Secret
            object.__setattr__(self, "token", Secret(self.token))
        if not isinstance(self.out_dir, Path):
            object.__setattr__(self, "out_dir", Path(self.out_dir))
        if self.ca_file is not None:  # a PathLike is fine; requests wants a str
            object.__setattr__(self, "ca_file", check_ca_file(os.fspath(self.ca_file)))
        _check_api(self.api)
        if self.token is not None:
            value = self.token.reveal()
            if not value or _CONTROL.search(value) or not value.isascii():
                # Never echo the value, nor a part of it: it is a credential.
                raise UsageError(
                    "the token is empty or contains spaces, control or non-ASCII characters"
                )
        _check_int("--per-page", self.per_page, 1, MAX_PER_PAGE)
        _check_int("--pages", self.pages, 1, None)
        _check_int("--retries", self.retries, 0, None)
        _check_int("--max-bytes", self.max_response_bytes, 1, MAX_RESPONSE_LIMIT)
        _check_number("--timeout", self.timeout, positive=True, high=MAX_TIMEOUT)
        _check_number("--max-wait", self.max_wait, positive=False, high=MAX_WAIT)
        _check_number("--backoff-base", self.backoff_base, positive=False)
        _check_number("--backoff-cap", self.backoff_cap, positive=False)
        _check_number("--reset-margin", self.reset_margin, positive=False)
        if self.backoff_cap < self.backoff_base:
            raise UsageError(
                f"--backoff-cap ({self.backoff_cap:g}) must not be less than "
                f"--backoff-base ({self.backoff_base:g})"
            )
        if self.format not in ("list", "json"):
            raise UsageError(f"--format must be 'list' or 'json', got {self.format!r}")
        if not self.user_agent.strip() or re.search(r"[\x00-\x1f\x7f]", self.user_agent):
            raise UsageError("the User-Agent must be non-empty text without control characters")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise UsageError(f"--seed must be an integer, got {self.seed!r}")

    @property
    def assumed_limit(self) -> int:
        """The search limit to assume until the first response tells the real one.

        For api.github.com it is GitHub's documented limit, 30 a minute with a token and 10
        without, so the first burst never exceeds it. Any other server (fakehub, a GitHub
        Enterprise host, a proxy) documents nothing we know of: guessing GitHub's numbers
        there would hold all but 10 workers back for a round trip for no reason, so the
        limit is learnt from the first responses instead (a burst larger than the real limit
        can then be refused in the first window only; the shared pause recovers from it).
        """
        if urlsplit(self.api).hostname == urlsplit(DEFAULT_API_URL).hostname:
            return 30 if self.token is not None else 10
        return UNDOCUMENTED_LIMIT


def _check_api(api: str) -> None:
    try:
        parts = urlsplit(api)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        raise UsageError(f"--api is not a valid URL ({exc}): {api!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--api must be an http:// or https:// URL, got {api!r}")
    if parts.username is not None or parts.password is not None:
        raise UsageError("--api must not contain credentials; pass a token with --token-env")
    if parts.query or parts.fragment:
        raise UsageError(f"--api must not have a query or fragment, got {api!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise UsageError(f"--api has an invalid port: {api!r}") from None


def _check_int(name: str, value: int, low: int, high: int | None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise UsageError(f"{name} must be {bounds}, got {value}")


def _check_number(name: str, value: float, *, positive: bool, high: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageError(f"{name} must be a number, got {value!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise UsageError(f"{name} must be a finite number, got {value}")
    if positive and value <= 0:
        raise UsageError(f"{name} must be more than 0, got {value:g}")
    if value < 0:
        raise UsageError(f"{name} must not be negative, got {value:g}")
    if high is not None and value > high:
        raise UsageError(f"{name} must be at most {high:g}, got {value:g}")


def token_from_env(
    var: str = "GITHUB_TOKEN", environ: Mapping[str, str] | None = None
) -> Secret | None:
    """Read a token from an environment variable; unset or blank means no token.

    Example:
        >>> token_from_env("NO_SUCH_VARIABLE_HERE") is None
        True

    Args:
        var: the variable's name (``--token-env``).
        environ: where to look; ``os.environ`` by default.

    Returns:
        The token wrapped in ``Secret``, or None.
    """
    value = (os.environ if environ is None else environ).get(var, "").strip()
    return Secret(value) if value else None


def validate_keyword(keyword: str) -> str:
    """Check that ``keyword`` can be searched for and return it unchanged.

    Raises:
        UsageError: the keyword is empty, only whitespace, or not encodable text.
    """
    if not isinstance(keyword, str):
        raise UsageError(f"a keyword must be text, got {type(keyword).__name__}")
    if not keyword.strip():
        raise UsageError(f"a keyword must not be empty or only whitespace, got {keyword!r}")
    try:
        keyword.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"keyword {keyword!r} is not valid text (lone surrogates)") from None
    return keyword


def search_query(keyword: str) -> str:
    """Return the ``q`` value for a keyword: ``"<keyword> language:python"``, with a space."""
    return f"{validate_keyword(keyword)} {LANGUAGE_QUALIFIER}"


def request_headers(config: SearchConfig, url: str) -> dict[str, str]:
    """Return the headers for a request to ``url``: Authorization only on the API's own origin.

    Credentials never leave their origin, whether the URL came from a redirect or from a
    ``Link`` header.
    """
    headers = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": GITHUB_API_VERSION,
        "User-Agent": config.user_agent,
    }
    if config.token is not None and same_origin(url, config.api):
        headers["Authorization"] = f"Bearer {config.token.reveal()}"
    return headers


def build_search_request(
    keyword: str, config: SearchConfig, page_url: str | None = None
) -> HttpRequest:
    """Build the request for one page of one keyword's search.

    Page 1 is built from parameters; later pages use the ``Link rel="next"`` URL as given
    (GitHub says not to construct pagination URLs).

    Example:
        >>> request = build_search_request("torch", SearchConfig(per_page=5))
        >>> request.url
        'https://api.github.com/search/repositories?q=torch+language%3Apython&per_page=5'

    Args:
        keyword: the search keyword, e.g. ``"torch"``.
        config: the run's configuration.
        page_url: the absolute URL of a later page, or None for page 1.

    Returns:
        The request, with headers and timeout.

    Raises:
        UsageError: the keyword is empty or only whitespace.
    """
    if page_url is None:
        # What urlencode({"q": ..., "per_page": ...}) gives, without its generic machinery.
        if _UNRESERVED.fullmatch(keyword):  # quote_plus leaves it as it is
            query = keyword + _QUOTED_QUALIFIER
        else:
            query = quote_plus(search_query(keyword))
        url = f"{config.api.rstrip('/')}/search/repositories?q={query}&per_page={config.per_page}"
    else:
        url = page_url
    return request_for(url, config)


def request_for(url: str, config: SearchConfig) -> HttpRequest:
    """Return the GET of ``url`` with the run's headers (the token only for the API's origin),
    timeout, size cap and CA file."""
    return HttpRequest(
        "GET",
        url,
        request_headers(config, url),
        timeout=config.timeout,
        max_bytes=config.max_response_bytes,
        ca_file=config.ca_file,
    )
