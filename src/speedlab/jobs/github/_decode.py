"""Decode one page of search results: the owners' ids and two flags, typed, bounded, nothing else.

A GitHub page of 30 repositories is about 160 KB of JSON, of which we keep 30 integers. Turning
all of it into dicts (``json.loads``) is most of the client's CPU per search, so the page is
decoded with msgspec ``Struct`` s that name only the fields we use: msgspec skips the rest
without building Python objects, and checks the types of what it keeps while decoding
(``benchmarks/parse.py`` measures it against ``json.loads`` and orjson).

The items are not decoded as a ``list``: msgspec checks a list's ``max_length`` only once the
whole list is built, so a hostile 10-million-item page would cost hundreds of MB before being
refused. They are decoded as an "array-like" struct with one field per allowed item that
forbids extra elements, so decoding stops at item ``per_page + 1`` (issue #7, point 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

import msgspec

from speedlab.jobs.github._query import MAX_PER_PAGE

__all__ = [
    "MAX_OWNER_ID",
    "MAX_TOTAL_COUNT",
    "SearchPage",
    "decode_search_page",
]

# GitHub documents ids and counts as int64; anything larger (or an id below 1) is not a GitHub id.
MAX_OWNER_ID = 2**63 - 1
MAX_TOTAL_COUNT = 2**63 - 1
# Longest description of a decoding error (it may quote nothing from the server, but stays short).
_REASON_LIMIT = 200
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SearchPage:
    """What one page of results gave us: owners' ids in result order, and the page's flags."""

    ids: tuple[int, ...]
    total_count: int
    incomplete_results: bool


class _Owner(msgspec.Struct, gc=False):
    # Missing or null: the owner is skipped, as before (an owner without an id).
    id: Annotated[int, msgspec.Meta(ge=1, le=MAX_OWNER_ID)] | None = None


class _Item(msgspec.Struct, gc=False):
    # Missing or null: the repository is skipped (``owner`` is nullable in GitHub's schema).
    owner: _Owner | None = None


@lru_cache(maxsize=MAX_PER_PAGE)
def _decoder(per_page: int) -> msgspec.json.Decoder[Any]:
    """Build (once per page size) the decoder of a page of at most ``per_page`` items."""
    # Element k of the JSON array fills field k; absent elements keep the default None, and an
    # element past the last field is an error raised as soon as it is reached.
    items = msgspec.defstruct(
        f"_Items{per_page}",
        [(f"i{k}", _Item, None) for k in range(per_page)],
        array_like=True,
        forbid_unknown_fields=True,
        gc=False,
    )
    page = msgspec.defstruct(
        f"_Page{per_page}",
        [
            ("total_count", Annotated[int, msgspec.Meta(ge=0, le=MAX_TOTAL_COUNT)]),
            ("incomplete_results", bool),
            ("items", items),
        ],
        gc=False,
    )
    return msgspec.json.Decoder(page)


def decode_search_page(body: bytes, per_page: int = MAX_PER_PAGE) -> SearchPage:
    """Decode a 200 body into a ``SearchPage`` (null or missing owners and ids skipped).

    Duplicates are kept: one id per repository, like the lecture.

    Example:
        >>> decode_search_page(b'{"total_count": 1, "incomplete_results": false,'
        ...                    b' "items": [{"owner": {"id": 7, "login": "x"}}]}').ids
        (7,)

    Args:
        body: the response body (UTF-8 JSON; a leading byte-order mark is ignored).
        per_page: the page size asked for; a page with more items is malformed.

    Returns:
        The page's ids in result order, its ``total_count`` and ``incomplete_results``.

    Raises:
        ValueError: the body is not JSON of the documented shape, or a value is out of range.
    """
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be 1..{MAX_PER_PAGE}, got {per_page}")
    data: bytes | memoryview = body
    if body.startswith(_UTF8_BOM):
        data = memoryview(body)[len(_UTF8_BOM) :]
    try:
        page = _decoder(per_page).decode(data)
    except msgspec.ValidationError as exc:
        if " - at `$" not in str(exc):
            # The top level is not an object: say "not JSON" if it is not JSON at all.
            _check_syntax(data)
        raise ValueError(_describe(str(exc), per_page)) from None
    except (msgspec.DecodeError, RecursionError, ValueError) as exc:
        raise ValueError(_not_json(exc)) from None
    # A field is None only past the array's end (a JSON null item is an error), so skipping
    # None fields is stopping at the end.
    ids = tuple(
        [
            owner.id
            for item in msgspec.structs.astuple(page.items)
            if item is not None and (owner := item.owner) is not None and owner.id is not None
        ]
    )
    return SearchPage(ids, page.total_count, page.incomplete_results)


def _check_syntax(data: bytes | memoryview) -> None:
    """Raise ``ValueError("not JSON ...")`` if ``data`` is not one JSON value (builds nothing)."""
    try:
        msgspec.json.decode(data, type=msgspec.Raw)
    except (msgspec.DecodeError, RecursionError, ValueError) as exc:
        raise ValueError(_not_json(exc)) from None


def _not_json(exc: BaseException) -> str:
    return _bounded(f"not JSON ({exc or type(exc).__name__})")


def _describe(error: str, per_page: int) -> str:
    """Reword msgspec's validation error: ``items[3].owner.id: expected int, got str``."""
    detail, _, where = error.partition(" - at `$")
    where = where.rstrip("`").lstrip(".")
    if "of at most length" in detail:
        return f"items has more than {per_page} entries (per_page {per_page})"
    if detail.startswith("Object missing required field"):
        return _bounded(f"{detail.rpartition(' ')[2].strip('`')} is missing")
    detail = detail.replace("`", "")
    if not where:
        detail = detail.replace("Expected object,", "expected a JSON object,")
        return _bounded(detail[:1].lower() + detail[1:])
    return _bounded(f"{where}: {detail[:1].lower()}{detail[1:]}")


def _bounded(text: str) -> str:
    return text if len(text) <= _REASON_LIMIT else text[: _REASON_LIMIT - 1] + "…"
