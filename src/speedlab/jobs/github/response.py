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
from email.utils import parsedate_to_datetime
from typing import Literal, TypeAlias, TypeGuard
from urllib.parse import urljoin, urlsplit

from speedlab.jobs.effects import HttpResponse
from speedlab.jobs.github.query import GITHUB_API_VERSION

__all__ = [
    "Classified",
    "RateLimitInfo",
    "ResponseKind",
    "SearchPage",
    "classify",
    "header",
    "parse_link_header",
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
# Longest piece of a server message quoted in a reason.
_MESSAGE_LIMIT = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class SearchPage:
    """What one page of results gave us: owners' ids in result order, and the page's flags."""

    ids: tuple[int, ...]
    total_count: int
    incomplete_results: bool


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

    ``next_url`` and ``location`` are absolute (resolved against the response's URL).
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
    value = headers.get(name.lower())
    if value is not None:
        return value
    lowered = name.lower()
    for key, candidate in headers.items():
        if key.lower() == lowered:
            return candidate
    return None


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = header(headers, name)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def parse_rate_limit(headers: Mapping[str, str], now: float | None = None) -> RateLimitInfo:
    """Read ``x-ratelimit-*`` and ``Retry-After``.

    Args:
        headers: the response headers.
        now: the current epoch time, needed only for a ``Retry-After`` given as an HTTP date.

    Returns:
        The parsed values; ``retry_after`` is in seconds, never negative.
    """
    retry_after: float | None = None
    raw = header(headers, "retry-after")
    if raw is not None and raw.strip():
        text = raw.strip()
        try:
            retry_after = max(0.0, float(text))
            if retry_after != retry_after or retry_after == float("inf"):
                retry_after = None
        except ValueError:
            retry_after = _retry_after_date(text, now)
    resource = header(headers, "x-ratelimit-resource")
    return RateLimitInfo(
        limit=_int_header(headers, "x-ratelimit-limit"),
        remaining=_int_header(headers, "x-ratelimit-remaining"),
        used=_int_header(headers, "x-ratelimit-used"),
        reset=_int_header(headers, "x-ratelimit-reset"),
        resource=resource.strip() if resource is not None else None,
        retry_after=retry_after,
    )


def _retry_after_date(text: str, now: float | None) -> float | None:
    if now is None:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def parse_link_header(value: str | None) -> dict[str, str]:
    """Parse ``Link: <url>; rel="next", <url>; rel="last"`` into ``{"next": url, ...}``.

    The first link of each relation wins; unknown parameters are ignored.
    """
    links: dict[str, str] = {}
    if not value:
        return links
    for match in re.finditer(r"<([^>]*)>([^<]*)", value):
        url, params = match.group(1).strip(), match.group(2)
        for param in params.split(";"):
            key, _, raw = param.strip().strip(",").partition("=")
            if key.strip().lower() != "rel":
                continue
            for rel in raw.strip().strip(",").strip().strip('"').split():
                links.setdefault(rel.lower(), url)
    return links


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_search_body(body: bytes) -> SearchPage:
    """Read a 200 body: owners' ids (null or missing owners and ids skipped), count and flag.

    Duplicates are kept: one id per repository, like the lecture.

    Raises:
        ValueError: the body is not JSON of the documented shape (``malformed``).
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    total = data.get("total_count")
    incomplete = data.get("incomplete_results")
    items = data.get("items")
    if not _is_int(total):
        raise ValueError("total_count is missing or not an integer")
    if not isinstance(incomplete, bool):
        raise ValueError("incomplete_results is missing or not a boolean")
    if not isinstance(items, list):
        raise ValueError("items is missing or not a list")
    ids: list[int] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"items[{index}] is not an object")
        owner = item.get("owner")
        if owner is None:
            continue
        if not isinstance(owner, dict):
            raise ValueError(f"items[{index}].owner is not an object")
        owner_id = owner.get("id")
        if owner_id is None:
            continue
        if not _is_int(owner_id):
            raise ValueError(f"items[{index}].owner.id is not an integer")
        ids.append(owner_id)
    return SearchPage(tuple(ids), total, incomplete)


def server_message(body: bytes) -> str:
    """Return the server's one-line explanation: JSON ``message`` (plus ``errors``) or text."""
    text = ""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        message = data.get("message")
        text = message if isinstance(message, str) else ""
        errors = data.get("errors")
        if isinstance(errors, list):
            details = [_error_detail(error) for error in errors]
            details = [d for d in details if d and d not in text]
            if details:
                text = f"{text}: {'; '.join(details)}" if text else "; ".join(details)
    elif data is None:
        text = body.decode("utf-8", "replace")
        text = re.sub(r"<[^>]*>", " ", text)  # GitHub's 403 for a missing User-Agent is HTML
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
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


def classify(response: HttpResponse, now: float | None = None) -> Classified:
    """Say what a response means for the search (see the module's table).

    Example:
        >>> body = b'{"total_count": 0, "incomplete_results": false, "items": []}'
        >>> classify(HttpResponse(200, {}, body, "https://api.github.com/x")).kind
        'ok'

    Args:
        response: the response as the model received it (redirects not followed).
        now: the current epoch time, for a ``Retry-After`` HTTP date.

    Returns:
        The classification, with the parsed page for ``ok`` and absolute URLs for links.
    """
    status = response.status
    rate = parse_rate_limit(response.headers, now)

    if status in _REDIRECTS:
        location = header(response.headers, "location")
        if location and location.strip():
            absolute = urljoin(response.url, location.strip())
            return Classified(
                "redirect", status, f"HTTP {status} to {absolute}", rate, None, None, absolute
            )
        return Classified("fatal", status, f"HTTP {status} redirect without a Location", rate)

    if 200 <= status < 300:
        try:
            page = parse_search_body(response.body)
        except ValueError as exc:
            return Classified("malformed", status, f"malformed response ({exc})", rate)
        links = parse_link_header(header(response.headers, "link"))
        next_url = urljoin(response.url, links["next"]) if "next" in links else None
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
        path = urlsplit(response.url).path or "/"
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
