"""Rendered pages and their byte-bounded cache: exact accounting, whatever the order of events."""

from __future__ import annotations

import gzip
import json

import pytest

from speedlab.fakehub import Corpus, FakeHub, parse_query, total_count
from speedlab.fakehub._pages import Page, PageCache, PageStore, accepts_gzip, page_body
from tests.fakehub.client import SEARCH, raw_request


def test_page_body_joins_encoded_items() -> None:
    body = page_body(3, [b'{"id":1}', b'{"id":2}'])
    assert json.loads(body) == {"total_count": 3, "incomplete_results": False,
                                "items": [{"id": 1}, {"id": 2}]}  # fmt: skip


def test_the_cache_evicts_the_least_recently_used_first() -> None:
    cache = PageCache(max_bytes=30)
    for key in "abc":
        cache.put(key, Page(0, (), b"x" * 10, key))
    assert cache.get("a") is not None  # now the most recent
    cache.put("d", Page(0, (), b"x" * 10, "d"))
    assert [key for key in "abcd" if cache.get(key) is not None] == ["a", "c", "d"]
    assert cache.bytes == 30
    cache.put("huge", Page(0, (), b"x" * 31, "huge"))  # larger than the budget: not kept
    assert cache.get("huge") is None
    assert cache.bytes == 30


def test_a_key_cached_twice_is_counted_once() -> None:
    cache = PageCache(max_bytes=100)
    cache.put("a", Page(0, (), b"x" * 10, "a"))
    cache.put("a", Page(0, (), b"y" * 20, "a"))
    assert cache.bytes == 20


def _held(store: PageStore, keys: list[tuple[object, ...]]) -> int:
    pages = [store.cache.get(key) for key in keys]
    return sum(page.size for page in pages if page is not None)


def test_gzipping_an_evicted_page_does_not_inflate_the_accounting() -> None:
    """A page evicted before its gzip was made must not be charged for it (it drifted before)."""
    store = PageStore(Corpus(), max_bytes=1)  # bodies are computed, but nothing stays
    first = store.page(parse_query("torch"), 1, 5, None, "desc")
    assert store.cache.bytes == 0
    zipped = store.gzipped(first)
    assert gzip.decompress(zipped) == first.body
    assert store.cache.bytes == 0  # nothing is held, nothing is counted


def test_the_accounting_matches_what_is_held() -> None:
    query = parse_query("deep")
    keys = [(query, n, 10, None, "desc") for n in range(1, 9)]
    one = len(PageStore(Corpus(), max_bytes=10**9).page(query, 1, 10, None, "desc").body)
    store = PageStore(Corpus(), max_bytes=one * 4)
    for number in range(1, 9):
        page = store.page(query, number, 10, None, "desc")
        if number % 2:
            store.gzipped(page)
        earlier = store.cache.get(keys[0])
        if earlier is not None and earlier.gzipped is None:
            store.gzipped(earlier)
        assert store.cache.bytes == _held(store, keys) <= store.cache.max_bytes


def test_an_incomplete_page_keeps_a_prefix_of_the_items() -> None:
    store = PageStore(Corpus(), max_bytes=10**9)
    page = store.page(parse_query("data"), 1, 10, None, "desc")
    full = json.loads(page.body)
    partial = json.loads(store.incomplete(parse_query("data"), page, 4))
    assert partial["incomplete_results"] is True
    assert partial["total_count"] == full["total_count"]
    assert partial["items"] == full["items"][:4]


@pytest.mark.parametrize(
    ("header", "gzip_ok"),
    [("gzip", True), ("GZIP", True), ("deflate, gzip;q=0.5", True), ("x-gzip", True),
     ("*", True), ("gzip;q=0", False), ("gzip; q=0.000", False), ("nogzip", False),
     ("identity", False), ("*, gzip;q=0", False), ("gzip;q=nan", False), ("gzip;q=2", False),
     ("gzip;q=abc", False), ("", False), (None, False), ("gzip;level=1", True)],
)  # fmt: skip
def test_accept_encoding_is_parsed_not_searched(header: str | None, gzip_ok: bool) -> None:
    assert accepts_gzip(header) is gzip_ok


@pytest.mark.parametrize(
    ("header", "zipped"), [("gzip;q=0", False), ("nogzip", False), ("gzip", True)]
)
def test_the_server_compresses_only_when_gzip_is_accepted(
    hub: FakeHub, header: str, zipped: bool
) -> None:
    response = raw_request(
        hub.url, SEARCH.encode() + b"?q=torch", [(b"Accept-Encoding", header.encode())]
    )
    assert response.status == 200
    assert (response.headers.get("Content-Encoding") == "gzip") is zipped
    body = gzip.decompress(response.body) if zipped else response.body
    assert json.loads(body)["total_count"] == total_count(parse_query("torch"))
