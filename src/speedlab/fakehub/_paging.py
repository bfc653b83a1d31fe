"""Search pagination exactly as GitHub does it: lenient parameters, a hard cap, ``Link`` URLs.

Clients are told to follow ``Link: rel="next"`` and never build page URLs, so the ``Link`` header
must be right to the byte, and must point only where the server says: its base URL is fakehub's
own address, never the request's ``Host`` header; the client's parameters are percent-encoded, so
none of them can close a ``<...>`` or add a relation. Page numbers are read leniently, as GitHub
does, and never crash the server however long they are.

Exactly as GitHub: the client's own parameters in the client's order, ``page`` replaced,
``q`` re-encoded with ``+`` for a space and ``%3A`` for a colon, ``per_page`` only if the client
sent it, and ``last`` capped where the 1000-result cap ends (reference §2.3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import urlencode

__all__ = [
    "DEFAULT_PER_PAGE",
    "MAX_PER_PAGE",
    "RESULT_CAP",
    "beyond_cap",
    "last_page",
    "link_header",
    "parse_page",
    "parse_per_page",
]

# Page size when the client sends none or a bad one.
DEFAULT_PER_PAGE = 30
# Larger page sizes are silently clamped to this.
MAX_PER_PAGE = 100
# Only this many results of a search can ever be fetched.
RESULT_CAP = 1000

# Longest number read from ``page``/``per_page``; longer ones count as this large value.
_MAX_DIGITS = 9
_SATURATED = 1_000_000_000


def _positive(raw: str | None) -> int | None:
    """Read a positive decimal number; ``None`` if it is not one; huge ones saturate.

    ``int()`` is never given more than :data:`_MAX_DIGITS` digits: CPython refuses to convert more
    than 4300 (a 500 in the server before), and a number that long is past every cap anyway.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        return None
    digits = text.lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return _SATURATED
    return int(digits) if digits else None


def parse_per_page(raw: str | None) -> int:
    """Return the page size GitHub uses for the ``per_page`` value ``raw``.

    Missing, non-numeric or non-positive values give 30; values above 100 (however many digits
    they have) give 100.

    >>> parse_per_page("500"), parse_per_page("x"), parse_per_page(None), parse_per_page("9" * 5000)
    (100, 30, 30, 100)
    """
    value = _positive(raw)
    return DEFAULT_PER_PAGE if value is None else min(value, MAX_PER_PAGE)


def parse_page(raw: str | None) -> int:
    """Return the page number for ``raw``: missing, non-numeric or non-positive values give 1.

    A number too long to read is a page past the 1000-result cap (GitHub answers 422 for it).

    >>> parse_page("3"), parse_page("-2"), beyond_cap(parse_page("9" * 5000), 100)
    (3, 1, True)
    """
    value = _positive(raw)
    return 1 if value is None else value


def beyond_cap(page: int, per_page: int) -> bool:
    """Whether ``page`` starts at or after result 1000 (GitHub answers 422 then).

    >>> beyond_cap(10, 100), beyond_cap(11, 100), beyond_cap(34, 30), beyond_cap(35, 30)
    (False, True, False, True)
    """
    return (page - 1) * per_page >= RESULT_CAP


def last_page(total: int, per_page: int) -> int:
    """Return the ``rel="last"`` page: the data's last page, but never past the 1000 cap.

    >>> last_page(132_844_603, 2), last_page(846, 100), last_page(0, 30)
    (500, 9, 0)
    """
    return min(math.ceil(total / per_page), math.ceil(RESULT_CAP / per_page))


def link_header(
    base_url: str, params: Sequence[tuple[str, str]], page: int, per_page: int, total: int
) -> str | None:
    """Build GitHub's ``Link`` header for ``page`` of a search, or ``None`` if there is one page.

    Args:
        base_url: scheme, host and path of the endpoint, e.g. ``http://127.0.0.1:8000/search/...``:
            the server's own validated address, never anything taken from the request (a
            crafted ``Host`` header would otherwise add links of its own).
        params: the client's decoded query parameters, in the client's order.
        page: the page being served.
        per_page: the effective page size.
        total: the search's ``total_count``.

    Returns:
        ``<url>; rel="prev", <url>; rel="next", <url>; rel="last", <url>; rel="first"`` (the
        relations that apply, in GitHub's order), or ``None`` when all results fit on one page.

    >>> link_header("http://h/s", [("q", "a b:c"), ("page", "2")], 2, 30, 61)
    '<http://h/s?q=a+b%3Ac&page=1>; rel="prev", <http://h/s?q=a+b%3Ac&page=3>; rel="next", \
<http://h/s?q=a+b%3Ac&page=3>; rel="last", <http://h/s?q=a+b%3Ac&page=1>; rel="first"'
    """
    last = last_page(total, per_page)
    if last <= 1:
        return None

    # Encode the client's parameters once; only the page number differs between the links.
    before: list[tuple[str, str]] = []
    after: list[tuple[str, str]] = []
    seen_page = False
    for key, value in params:
        if key == "page":
            seen_page = True
        else:
            (after if seen_page else before).append((key, value))
    head = f"<{base_url}?{urlencode(before)}{'&' if before else ''}page="
    tail = f"&{urlencode(after)}>" if after else ">"

    def url(number: int) -> str:
        return f"{head}{number}{tail}"

    links: list[str] = []
    if page > 1:
        links.append(f'{url(min(page - 1, last))}; rel="prev"')
    if page < last:
        links.append(f'{url(page + 1)}; rel="next"')
    if page != last:
        links.append(f'{url(last)}; rel="last"')
    if page > 1:
        links.append(f'{url(1)}; rel="first"')
    return ", ".join(links)
