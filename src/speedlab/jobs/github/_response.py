"""Read one search response and decide what it means, without deciding what to do about it.

Parsing and classification are pure functions of the response, so fakehub's answers and the
real API's can be checked against the same table (reference §2, §3.2, §4):

=====================  =========================================================  ==========
kind                   when                                                       next step
=====================  =========================================================  ==========
``ok``                 2xx with a well-formed body                                use it
``end_of_results``     422 "Only the first 1000 search results are available"     stop, done
``primary_limited``    403/429 with ``x-ratelimit-remaining: 0``                  wait reset
``secondary_limited``  403/429 with ``Retry-After`` or a "secondary rate" message wait
``redirect``           301/302/303/307/308 with ``Location``                      follow
``transient``          5xx, 408                                                   retry
``malformed``          2xx whose body is not the documented JSON                  retry
``fatal``              401, 404, 422, 400/410 (API version), other 403 and 4xx    fail
=====================  =========================================================  ==========

Messages never contain request headers, so they never contain a token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Literal, TypeAlias
from urllib.parse import urljoin, urlsplit

from speedlab._text import quote_unsafe
from speedlab.jobs.effects import HttpResponse, lower_headers
from speedlab.jobs.github._decode import SearchPage, decode_search_page
from speedlab.jobs.github._links import parse_link_header, resolve_link
from speedlab.jobs.github._query import GITHUB_API_VERSION, MAX_PER_PAGE

__all__ = [
    "MAX_EPOCH",
    "MAX_RATE_COUNT",
    "MAX_RETRY_AFTER",
    "Classified",
    "RateLimitInfo",
    "ResponseKind",
    "SearchPage",
    "classify",
    "header",
    "parse_rate_limit",
    "parse_search_body",
    "server_message",
]

ResponseKind: TypeAlias = Literal[
    "ok",
    "end_of_results",
    "primary_limited",
    "secondary_limited",
    "redirect",
    "transient",
    "malformed",
    "fatal",
]

# The 422 GitHub answers past the 1000-result cap (reference §2.3): the end, not an error.
_END_OF_RESULTS = "only the first 1000 search results are available"
# Secondary-limit wording that clients match on (octokit, githubkit, PyGithub; reference §3.2).
_SECONDARY = re.compile(
    r"\bsecondary rate\b"
    r"|please wait a few minutes before you try again\.?\s*$"
    r"|please retry your request again later\.?\s*$",
    re.IGNORECASE,
)
_PRIMARY_TEXT = re.compile(r"\brate limit exceeded\b", re.IGNORECASE)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Longest piece of server text (a message, a URL) quoted in a reason.
_MESSAGE_LIMIT = 200
# Only this much of an error body is read for its message (GitHub's are well under 1 KB).
_MESSAGE_SCAN = 64 * 1024
# Only the first entries of an error body's ``errors`` list are quoted.
_MAX_ERRORS = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")

# Numeric headers: a value outside these bounds is unreadable, so it is treated as absent.
#: Largest ``x-ratelimit-limit``/``-remaining``/``-used`` (GitHub's are at most thousands).
MAX_RATE_COUNT = 2**31 - 1
#: Largest ``x-ratelimit-reset``: 9999-12-31T23:59:59Z, the last second a date can name.
MAX_EPOCH = 253_402_300_799
#: Longest ``Retry-After`` honoured (a year); longer waits are cut to it, and --max-wait decides.
MAX_RETRY_AFTER = 366 * 86_400.0
# Longest header value read as a number or a date: 20 digits hold any int64, a date is ~30 chars.
_NUMBER_CHARS = 20
_DATE_CHARS = 64
_SECONDS = re.compile(rf"[+-]?[0-9]{{1,{_NUMBER_CHARS}}}(?:\.[0-9]{{1,9}})?")


@dataclass(frozen=True)
class RateLimitInfo:
    """The rate-limit headers of one response; None where a header is absent or unreadable."""

    limit: int | None = None
    remaining: int | None = None
    used: int | None = None
    reset: int | None = None
    resource: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class Classified:
    """One response, read: its kind, a message fit for a reason, and what it carried.

    ``next_url`` and ``location`` are absolute (resolved against the response's URL), with
    control characters, spaces and non-ASCII characters percent-encoded.
    """

    kind: ResponseKind
    status: int
    message: str
    rate: RateLimitInfo = field(default_factory=RateLimitInfo)
    page: SearchPage | None = None
    next_url: str | None = None
    location: str | None = None


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Return a header's value whatever the case of its name, or None."""
    return _lowered(headers).get(name.lower())


def _lowered(headers: Mapping[str, str]) -> Mapping[str, str]:
    """``headers`` itself when every name is lower-case already (as ``HttpResponse`` holds
    them: one pass, no copy), else a lower-cased copy (a response built by hand)."""
    if "".join(headers).islower():
        return headers
    return lower_headers(headers.items())


def _int_header(headers: Mapping[str, str], name: str, high: int) -> int | None:
    """Read a non-negative decimal header of lower-cased ``headers``; None when absent,
    unreadable or above ``high``."""
    value = headers.get(name)
    if value is None:
        return None
    text = value.strip()
    # What [0-9]{1,20} matches (isascii: no other script's digits), a third of its cost.
    if not (0 < len(text) <= _NUMBER_CHARS and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= high else None


def parse_rate_limit(headers: Mapping[str, str], now: float | None = None) -> RateLimitInfo:
    """Read ``x-ratelimit-*`` and ``Retry-After``, with bounds.

    A value that is not a plain decimal (or, for ``Retry-After``, an HTTP date), or that is out
    of range (see ``MAX_RATE_COUNT``, ``MAX_EPOCH``), is treated as absent: server text never
    raises here and never yields a number that breaks arithmetic later.

    Args:
        headers: the response headers.
        now: the current epoch time, needed only for a ``Retry-After`` given as an HTTP date.

    Returns:
        The parsed values; ``retry_after`` is in seconds, between 0 and ``MAX_RETRY_AFTER``.
    """
    headers = _lowered(headers)
    resource = headers.get("x-ratelimit-resource")
    return RateLimitInfo(
        limit=_int_header(headers, "x-ratelimit-limit", MAX_RATE_COUNT),
        remaining=_int_header(headers, "x-ratelimit-remaining", MAX_RATE_COUNT),
        used=_int_header(headers, "x-ratelimit-used", MAX_RATE_COUNT),
        reset=_int_header(headers, "x-ratelimit-reset", MAX_EPOCH),
        resource=resource.strip()[:_MESSAGE_LIMIT] if resource is not None else None,
        retry_after=_retry_after(headers.get("retry-after"), now),
    )


def _retry_after(raw: str | None, now: float | None) -> float | None:
    # RFC 9110 §10.2.3: delay-seconds or an HTTP date. Fractions and a sign are tolerated;
    # a negative delay or a past date means "now".
    if raw is None:
        return None
    text = raw.strip()
    if _SECONDS.fullmatch(text):
        return min(max(0.0, float(text)), MAX_RETRY_AFTER)
    if now is None or not text or len(text) > _DATE_CHARS:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if when.tzinfo is None:  # asctime form, or "-0000": an HTTP date is always GMT
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, when.timestamp() - now), MAX_RETRY_AFTER)


def parse_search_body(body: bytes, per_page: int = MAX_PER_PAGE) -> SearchPage:
    """Read a 200 body: owners' ids (null or missing owners and ids skipped), count and flag.

    Duplicates are kept: one id per repository, like the lecture. Only the fields used are
    decoded (see ``_decode``); ids must be int64 above 0, and the page at most ``per_page`` long.

    Args:
        body: the response body.
        per_page: the page size the request asked for (1..100).

    Returns:
        The page.

    Raises:
        ValueError: the body is not JSON of the documented shape (``malformed``).
    """
    return decode_search_page(body, per_page)


def server_message(body: bytes) -> str:
    """Return the server's one-line explanation: JSON ``message`` (plus ``errors``) or text.

    Only the first 64 KiB of the body are read and the result is at most 200 characters, so a
    hostile error body costs little and cannot flood a reason.
    """
    text = ""
    data: object = None
    if len(body) <= _MESSAGE_SCAN:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
    if isinstance(data, dict):
        message = data.get("message")
        text = message if isinstance(message, str) else ""
        errors = data.get("errors")
        if isinstance(errors, list):
            details = [_error_detail(error)[:_MESSAGE_LIMIT] for error in errors[:_MAX_ERRORS]]
            details = [d for d in details if d and d not in text]
            if details:
                text = f"{text}: {'; '.join(details)}" if text else "; ".join(details)
    elif data is None:
        text = body[:_MESSAGE_SCAN].decode("utf-8", "replace")
        text = re.sub(r"<[^>]*>", " ", text)  # GitHub's 403 for a missing User-Agent is HTML
    return _shorten(" ".join(_CONTROL.sub(" ", text).split()))


def _shorten(text: str) -> str:
    """Cut server text quoted in a reason to ``_MESSAGE_LIMIT`` characters."""
    if len(text) > _MESSAGE_LIMIT:
        return text[: _MESSAGE_LIMIT - 1] + "…"
    return text


def _error_detail(error: object) -> str:
    if isinstance(error, str):
        return error
    if not isinstance(error, dict):
        return ""
    message = error.get("message")
    if isinstance(message, str) and message:
        return message
    parts = [f"{key}={error[key]}" for key in ("field", "code") if isinstance(error.get(key), str)]
    return " ".join(parts)


def _with(prefix: str, message: str) -> str:
    return f"{prefix}: {message}" if message else prefix


def classify(
    response: HttpResponse,
    now: float | None = None,
    per_page: int = MAX_PER_PAGE,
    *,
    rate: RateLimitInfo | None = None,
) -> Classified:
    """Say what a response means for the search (see the module's table).

    Example:
        >>> body = b'{"total_count": 0, "incomplete_results": false, "items": []}'
        >>> classify(HttpResponse(200, {}, body, "https://api.github.com/x")).kind
        'ok'

    Args:
        response: the response as the model received it (redirects not followed).
        now: the current epoch time, for a ``Retry-After`` HTTP date.
        per_page: the page size the request asked for; a longer page is ``malformed``.
        rate: the response's rate-limit headers if the caller parsed them already
            (``parse_rate_limit(response.headers, now)``), so they are read once.

    Returns:
        The classification, with the parsed page for ``ok`` and absolute URLs for links.

    Raises:
        ValueError: ``per_page`` is outside 1..100 (a caller's mistake, not the server's).
    """
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be 1..{MAX_PER_PAGE}, got {per_page}")
    status = response.status
    headers = _lowered(response.headers)
    if rate is None:
        rate = parse_rate_limit(headers, now)

    if status in _REDIRECTS:
        location = headers.get("location")
        if location and location.strip():
            try:
                absolute = quote_unsafe(urljoin(response.url, location.strip()))
            except ValueError:  # "http://[::1": no URL at all
                shown = _shorten(quote_unsafe(location.strip()))
                return Classified("fatal", status, f"HTTP {status} to an unusable {shown}", rate)
            message = f"HTTP {status} to {_shorten(absolute)}"
            return Classified("redirect", status, message, rate, None, None, absolute)
        return Classified("fatal", status, f"HTTP {status} redirect without a Location", rate)

    if 200 <= status < 300:
        try:
            page = parse_search_body(response.body, per_page)
        except ValueError as exc:
            return Classified("malformed", status, f"malformed response ({exc})", rate)
        links = parse_link_header(headers.get("link"))
        try:
            next_url = (
                quote_unsafe(resolve_link(response.url, links["next"])) if "next" in links else None
            )
        except ValueError:
            shown = _shorten(quote_unsafe(links["next"]))
            return Classified("malformed", status, f"an unusable next page link {shown}", rate)
        return Classified("ok", status, f"HTTP {status}", rate, page, next_url)

    message = server_message(response.body)

    if status in (403, 429):
        if _SECONDARY.search(message):
            return Classified(
                "secondary_limited",
                status,
                _with(f"HTTP {status} secondary rate limit", message),
                rate,
            )
        if rate.remaining == 0:
            return Classified(
                "primary_limited", status, _with(f"HTTP {status} rate limit", message), rate
            )
        if rate.retry_after is not None or status == 429:
            return Classified(
                "secondary_limited", status, _with(f"HTTP {status} rate limit", message), rate
            )
        if _PRIMARY_TEXT.search(message):
            return Classified(
                "primary_limited", status, _with(f"HTTP {status} rate limit", message), rate
            )
        return Classified("fatal", status, _with(f"forbidden (HTTP {status})", message), rate)

    if status == 422:
        if message.lower().startswith(_END_OF_RESULTS):
            return Classified("end_of_results", status, message, rate)
        return Classified("fatal", status, _with("validation failed (HTTP 422)", message), rate)

    if status == 408 or 500 <= status < 600:
        return Classified("transient", status, _with(f"HTTP {status}", message), rate)

    if status == 401:
        return Classified(
            "fatal",
            status,
            _with("bad credentials (HTTP 401)", message)
            + "; check the token (GITHUB_TOKEN or --token-env)",
            rate,
        )
    if status == 404:
        path = _shorten(urlsplit(response.url).path or "/")
        return Classified(
            "fatal",
            status,
            _with(f"not found (HTTP 404) at {path}", message) + "; check --api",
            rate,
        )
    if status in (400, 410):
        hint = (
            f"does this server support API version {GITHUB_API_VERSION}?"
            if status == 400
            else f"API version {GITHUB_API_VERSION} is no longer supported here"
        )
        return Classified("fatal", status, _with(f"HTTP {status}", message) + f" ({hint})", rate)
    return Classified("fatal", status, _with(f"unexpected HTTP {status}", message), rate)
