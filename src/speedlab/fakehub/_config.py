"""Every knob of the simulator in one frozen value, validated once.

A test, a benchmark and the ``speedlab fakehub`` command all describe the server they want with a
:class:`FakeHubConfig`; the server never reads anything else, so a run is reproducible from its
config (plus, for faults, the order in which requests arrive).

Rate limits, decided:

* ``rate_limit=None`` (the default) means *effectively unlimited*: every identity gets
  :data:`UNLIMITED` requests per :data:`DEFAULT_WINDOW` seconds. The limit is still enforced and
  reported in the ``x-ratelimit-*`` headers, so a client that paces itself from the headers is never
  slowed down, and the headers never lie.
* ``rate_limit=(N, W)`` gives every identity N requests per fixed W-second window -- authenticated
  tokens and unauthenticated clients alike, unless ``unauthenticated_limit`` sets a separate N for
  the latter.
* :meth:`FakeHubConfig.realistic` is GitHub's search limit: 30 per 60 s with a token, 10 without.
"""

from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from typing import Any

from speedlab._exceptions import UsageError

__all__ = [
    "DEFAULT_NULL_OWNER_RATE",
    "DEFAULT_SECONDARY_RETRY_AFTER",
    "DEFAULT_WINDOW",
    "REALISTIC_AUTHENTICATED_LIMIT",
    "REALISTIC_UNAUTHENTICATED_LIMIT",
    "SUPPORTED_API_VERSIONS",
    "TOKEN_RE",
    "UNLIMITED",
    "FakeHubConfig",
    "check_public_url",
    "parse_rate_limit",
]

# The length of GitHub's fixed search rate-limit window, in seconds (reference §3.1).
DEFAULT_WINDOW = 60

# "No limit": large enough that a 10,000-request benchmark never comes near it.
UNLIMITED = 1_000_000

# GitHub's search limit per minute with a token, and without one (reference §3.1).
REALISTIC_AUTHENTICATED_LIMIT = 30
REALISTIC_UNAUTHENTICATED_LIMIT = 10

# GitHub's Retry-After on a secondary-limit response, and octokit's fallback (reference §3.2).
DEFAULT_SECONDARY_RETRY_AFTER = 60

# No item has ``"owner": null`` unless asked: the schema allows it, but real search results are not
# seen to have it (issue #7). ``null_owner_rate`` turns it on to test a client's defences.
DEFAULT_NULL_OWNER_RATE = 0.0

# The API versions GitHub serves today; the first is the default (reference §1.3).
SUPPORTED_API_VERSIONS = ("2022-11-28", "2026-03-10")

# Rendered response bodies (plain and gzipped) kept in memory, in bytes: a 30-item page costs
# about 0.2 MB, so a benchmark's few hundred keywords stay cached across its repeats.
_DEFAULT_CACHE_BYTES = 256 * 1024 * 1024

# ``http(s)://host[:port]`` with a DNS name, an IPv4 address or a bracketed IPv6 address.
_PUBLIC_URL_RE = re.compile(
    r"(?P<scheme>https?)://(?P<host>\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)"
    r"(?::(?P<port>[0-9]{1,5}))?/?",
    re.IGNORECASE,
)

#: What a token can be: visible ASCII, no spaces (GitHub's tokens and JWTs all are). Anything else
#: in an ``Authorization`` header is "Bad credentials".
TOKEN_RE = re.compile(r"[\x21-\x7e]+")

_RATE_LIMIT_RE = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*(?:s|sec|seconds?)?\s*")


def parse_rate_limit(text: str) -> tuple[int, int]:
    """Parse ``"N/SECONDS"`` (e.g. ``"30/60"``) into ``(limit, window_seconds)``.

    Args:
        text: the limit and the window length in whole seconds, separated by a slash.

    Returns:
        The pair ``(limit, window)``, both positive.

    Raises:
        UsageError: the text is not of that form, or a number is zero.

    >>> parse_rate_limit("10/2")
    (10, 2)
    """
    match = _RATE_LIMIT_RE.fullmatch(text)
    if match is None:
        raise UsageError(f"rate limit must look like N/SECONDS (e.g. 30/60), got {text!r}")
    limit, window = int(match.group(1)), int(match.group(2))
    if limit < 1 or window < 1:
        raise UsageError(f"rate limit needs N >= 1 and SECONDS >= 1, got {text!r}")
    return limit, window


def check_public_url(url: str) -> str:
    """Validate the URL fakehub advertises in ``Link`` headers and return it normalised.

    Only a scheme, a host and a port are allowed -- no user, path, query or fragment -- so nothing
    a client sends can end up in the URLs the server tells it to follow.

    Args:
        url: ``http://host[:port]`` or ``https://host[:port]``.

    Returns:
        The URL in lower case, without a trailing slash.

    Raises:
        UsageError: the URL has another form.

    >>> check_public_url("HTTPS://Hub.Example:8443/")
    'https://hub.example:8443'
    """
    match = _PUBLIC_URL_RE.fullmatch(url) if isinstance(url, str) else None
    port = match.group("port") if match else None
    host = match.group("host") if match else ""
    valid = match is not None and (port is None or 1 <= int(port) <= 65535)
    if valid and host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            valid = False
    if not valid:
        raise UsageError(
            f"public URL must look like http(s)://HOST[:PORT] with nothing after it, got {url!r}"
        )
    return url.lower().rstrip("/")


def _check_probability(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
        raise UsageError(f"{name} must be a probability in [0, 1], got {value!r}")


def _check_seconds(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise UsageError(f"{name} must be a non-negative number of seconds, got {value!r}")


@dataclass(frozen=True)
class FakeHubConfig:
    """How the simulated ``GET /search/repositories`` behaves.

    Fault probabilities (``drop_rate``, ``error_rate``, ``malformed_rate``, ``incomplete_rate``) are
    exclusive: one uniform draw per request picks at most one fault, so their sum must be <= 1.
    All randomness comes from ``random.Random(seed)`` in request-arrival order; the repositories
    themselves are a pure function of the query and do not depend on the seed.

    Example:
        >>> cfg = FakeHubConfig(rate_limit=(10, 2), latency=0.05)
        >>> cfg.limits()
        (10, 10, 2)
    """

    #: Fixed delay added to every search response, in seconds (``asyncio.sleep``, never blocking).
    latency: float = 0.0
    #: Extra uniform random delay in ``[0, jitter]`` seconds on top of ``latency``.
    jitter: float = 0.0
    #: ``(limit, window_seconds)`` per identity, or ``None`` for effectively unlimited.
    rate_limit: tuple[int, int] | None = None
    #: Limit for clients without a token; ``None`` means the same as ``rate_limit``'s.
    unauthenticated_limit: int | None = None
    #: Status of a rate-limited response: 403 (GitHub's usual) or 429.
    limit_status: int = 403
    #: More than this many requests in flight per identity get a secondary-limit response.
    secondary_inflight: int | None = None
    #: The ``Retry-After`` seconds sent with a secondary-limit response.
    secondary_retry_after: int = DEFAULT_SECONDARY_RETRY_AFTER
    #: Probability that a secondary-limit response has no ``Retry-After`` (GitHub does this).
    no_retry_after_rate: float = 0.0
    #: Probability of a 5xx "Server Error" response.
    error_rate: float = 0.0
    #: Extra delay before a 5xx response (GitHub times out after 10 s), in seconds.
    error_delay: float = 0.0
    #: The 5xx statuses to choose from, uniformly.
    error_statuses: tuple[int, ...] = (502, 503)
    #: Probability of closing the connection without any response.
    drop_rate: float = 0.0
    #: Probability of a 200 whose JSON body is cut short.
    malformed_rate: float = 0.0
    #: Probability of a 200 with ``incomplete_results: true`` and only some of the page's items.
    incomplete_rate: float = 0.0
    #: Fraction of items whose ``owner`` is ``null`` (deterministic per item; 0, the default,
    #: disables it).
    null_owner_rate: float = DEFAULT_NULL_OWNER_RATE
    #: The ``http(s)://host[:port]`` put in ``Link`` headers (e.g. behind a proxy); ``None``: the
    #: address the server is bound to. Never taken from a request's ``Host`` header.
    public_url: str | None = None
    #: Accepted tokens; ``None`` accepts any non-empty token, others get 401 "Bad credentials".
    tokens: frozenset[str] | None = None
    #: Seed of the fault and latency random source.
    seed: int = 0
    #: Memory budget of the rendered-page cache, in bytes.
    cache_bytes: int = field(default=_DEFAULT_CACHE_BYTES, repr=False)

    def __post_init__(self) -> None:
        _check_seconds("latency", self.latency)
        _check_seconds("jitter", self.jitter)
        _check_seconds("error_delay", self.error_delay)
        if self.rate_limit is not None and (
            not isinstance(self.rate_limit, tuple)
            or len(self.rate_limit) != 2
            or not all(isinstance(v, int) and v >= 1 for v in self.rate_limit)
        ):
            raise UsageError(
                "rate_limit must be (limit, window_seconds) with two integers >= 1, "
                f"got {self.rate_limit!r}"
            )
        if self.unauthenticated_limit is not None and not (
            isinstance(self.unauthenticated_limit, int) and self.unauthenticated_limit >= 1
        ):
            raise UsageError(
                f"unauthenticated limit must be an integer >= 1, got {self.unauthenticated_limit!r}"
            )
        if self.limit_status not in (403, 429):
            raise UsageError(f"limit status must be 403 or 429, got {self.limit_status!r}")
        if self.secondary_inflight is not None and not (
            isinstance(self.secondary_inflight, int) and self.secondary_inflight >= 1
        ):
            raise UsageError(
                "secondary in-flight limit must be an integer >= 1, "
                f"got {self.secondary_inflight!r}"
            )
        if not (isinstance(self.secondary_retry_after, int) and self.secondary_retry_after >= 0):
            raise UsageError(
                "secondary Retry-After must be a whole number of seconds >= 0, "
                f"got {self.secondary_retry_after!r}"
            )
        for name in (
            "no_retry_after_rate",
            "error_rate",
            "drop_rate",
            "malformed_rate",
            "incomplete_rate",
            "null_owner_rate",
        ):
            _check_probability(name.replace("_", " "), getattr(self, name))
        total = self.drop_rate + self.error_rate + self.malformed_rate + self.incomplete_rate
        if total > 1.0 + 1e-9:
            raise UsageError(
                "drop, error, malformed and incomplete rates are exclusive and must sum to <= 1, "
                f"got {total:g}"
            )
        if not self.error_statuses or not all(
            isinstance(s, int) and 500 <= s <= 599 for s in self.error_statuses
        ):
            raise UsageError(f"error statuses must be 5xx codes, got {self.error_statuses!r}")
        if self.tokens is not None:
            tokens = frozenset(self.tokens)
            if not all(isinstance(t, str) and TOKEN_RE.fullmatch(t) for t in tokens):
                raise UsageError("tokens must be non-empty strings of visible ASCII characters")
            object.__setattr__(self, "tokens", tokens)
        if self.public_url is not None:
            object.__setattr__(self, "public_url", check_public_url(self.public_url))
        if not isinstance(self.seed, int):
            raise UsageError(f"seed must be an integer, got {self.seed!r}")
        if not (isinstance(self.cache_bytes, int) and self.cache_bytes >= 0):
            raise UsageError(f"cache size must be an integer >= 0, got {self.cache_bytes!r}")

    @classmethod
    def realistic(cls, **overrides: Any) -> FakeHubConfig:
        """Return GitHub's real search limits: 30/60 s with a token, 10/60 s without.

        Args:
            **overrides: any other field of the config.

        Returns:
            A config with ``rate_limit=(30, 60)`` and ``unauthenticated_limit=10``.

        >>> FakeHubConfig.realistic(limit_status=429).limits()
        (30, 10, 60)
        """
        settings: dict[str, Any] = {
            "rate_limit": (REALISTIC_AUTHENTICATED_LIMIT, DEFAULT_WINDOW),
            "unauthenticated_limit": REALISTIC_UNAUTHENTICATED_LIMIT,
        }
        settings.update(overrides)
        return cls(**settings)

    def replace(self, **changes: Any) -> FakeHubConfig:
        """Return a copy with some fields changed (validated again)."""
        return _replace(self, **changes)

    def limits(self) -> tuple[int, int, int]:
        """Return ``(authenticated_limit, unauthenticated_limit, window_seconds)`` in force."""
        if self.rate_limit is None:
            limit, window = UNLIMITED, DEFAULT_WINDOW
        else:
            limit, window = self.rate_limit
        unauthenticated = self.unauthenticated_limit
        return limit, (limit if unauthenticated is None else unauthenticated), window

    def describe(self) -> str:
        """Return a one-line human summary of the limits and faults in force."""
        auth, unauth, window = self.limits()
        if self.rate_limit is None and self.unauthenticated_limit is None:
            limits = "rate limit: none"
        else:
            limits = f"rate limit: {auth}/{window}s with a token, {unauth}/{window}s without"
            limits += f" (status {self.limit_status})"
        parts = [limits]
        if self.secondary_inflight is not None:
            parts.append(f"secondary: > {self.secondary_inflight} in flight")
        if self.latency or self.jitter:
            parts.append(f"latency {self.latency:g}s + U[0, {self.jitter:g}]s")
        faults = [
            f"{name} {rate:g}"
            for name, rate in (
                ("errors", self.error_rate),
                ("drops", self.drop_rate),
                ("malformed", self.malformed_rate),
                ("incomplete", self.incomplete_rate),
            )
            if rate
        ]
        if faults:
            parts.append("faults: " + ", ".join(faults))
        if self.null_owner_rate:
            parts.append(f"null owners {self.null_owner_rate:g}")
        if self.tokens is not None:
            parts.append(f"{len(self.tokens)} token(s) accepted")
        if self.public_url is not None:
            parts.append(f"public URL {self.public_url}")
        parts.append(f"seed {self.seed}")
        return "; ".join(parts)
