"""Response bodies of search pages, rendered once and kept in a byte-bounded cache.

Benchmarks send 10,000 requests at a concurrency of 100, so the server must not re-render a
30-item page (about 150 KB of JSON) for each: a page's body, and its gzip once a client asks for
it, are cached by ``(query, page, per_page, sort, order)`` in an LRU bounded by bytes, not entries,
so memory stays under the configured budget whatever mix of pages clients ask for.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from speedlab.fakehub._corpus import Corpus
from speedlab.fakehub._query import ParsedQuery

__all__ = ["GZIP_MIN_BYTES", "Page", "PageCache", "PageStore", "accepts_gzip", "page_body"]

#: Bodies smaller than this are sent uncompressed (gzip would not pay for itself).
GZIP_MIN_BYTES = 1024

# zlib level for pages: the fastest. A fresh 30-item page costs 0.54 ms at level 1 (10.6x
# smaller) against 0.94 ms at level 5 (12.3x): at 10,000 fresh keywords a benchmark would
# measure the server's compression instead of the client.
_GZIP_LEVEL = 1


def _weight(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0  # an unreadable weight accepts nothing
            return weight if 0.0 <= weight <= 1.0 else 0.0  # NaN and out of range too
    return 1.0


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value accepts gzip (RFC 9110 §12.5.3).

    ``gzip;q=0`` refuses it, ``*`` accepts it unless gzip is named, and a coding is a whole
    token: ``nogzip`` is not gzip.

    >>> accepts_gzip("gzip, deflate"), accepts_gzip("gzip;q=0"), accepts_gzip("nogzip")
    (True, False, False)
    >>> accepts_gzip("*;q=0.5"), accepts_gzip("*, gzip;q=0"), accepts_gzip(None)
    (True, False, False)
    """
    if not header:
        return False
    anything: bool | None = None
    for part in header.split(","):
        coding, _, params = part.partition(";")
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            return _weight(params) > 0.0
        if coding == "*":
            anything = _weight(params) > 0.0
    return bool(anything)


def page_body(total: int, items: Sequence[bytes], incomplete: bool = False) -> bytes:
    """Return a search response body from already-encoded items, without re-encoding them.

    >>> page_body(2, [b'{"id":1}'], incomplete=True)
    b'{"total_count":2,"incomplete_results":true,"items":[{"id":1}]}'
    """
    flag = b"true" if incomplete else b"false"
    return b'{"total_count":%d,"incomplete_results":%s,"items":[%s]}' % (
        total,
        flag,
        b",".join(items),
    )


@dataclass(slots=True)
class Page:
    """One rendered page: its count, the positions it shows, its body (and its gzip, if made)."""

    total: int
    positions: Sequence[int]
    body: bytes
    #: The cache key the page is stored under (``None``: not cached).
    key: Hashable = None
    gzipped: bytes | None = None

    @property
    def size(self) -> int:
        """Bytes this page costs in the cache."""
        # The items are not kept apart from the body: a cached page costs its body and its
        # gzip, so a 200-keyword benchmark fits in the cache instead of thrashing it.
        return len(self.body) + len(self.gzipped or b"")


class PageCache:
    """Least-recently-used pages, bounded by their total size in bytes.

    Example:
        >>> cache = PageCache(max_bytes=10)
        >>> cache.put("a", Page(0, (), b"12345678"))
        >>> cache.bytes
        8
        >>> cache.put("a", Page(0, (), b"12345678"))
        >>> cache.put("b", Page(0, (), b"12345678"))
        >>> cache.get("a") is None, cache.get("b") is not None
        (True, True)
    """

    def __init__(self, max_bytes: int) -> None:
        """Create an empty cache holding at most ``max_bytes`` of pages."""
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()
        self._bytes = 0

    @property
    def bytes(self) -> int:
        """Bytes held now (never more than :attr:`max_bytes`)."""
        return self._bytes

    def get(self, key: Hashable) -> Page | None:
        """Return the page cached under ``key`` (and mark it recently used), or ``None``."""
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
        return page

    def put(self, key: Hashable, page: Page) -> None:
        """Cache ``page`` under ``key``, evicting the least recently used pages to make room."""
        if page.size > self.max_bytes:
            return
        old = self._pages.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._pages[key] = page
        self._bytes += page.size
        self._shrink()

    def grew(self, key: Hashable, page: Page, extra: int) -> None:
        """Account for ``extra`` bytes added to ``page`` (its gzip) after it was cached.

        A page evicted in the meantime is not counted: its bytes are no longer held here.
        """
        if self._pages.get(key) is page:
            self._bytes += extra
            self._shrink()

    def _shrink(self) -> None:
        while self._bytes > self.max_bytes and self._pages:
            _, page = self._pages.popitem(last=False)
            self._bytes -= page.size

    def clear(self) -> None:
        """Forget every page."""
        self._pages.clear()
        self._bytes = 0


PageKey = tuple[ParsedQuery, int, int, str | None, str]


class PageStore:
    """Renders the pages of searches from a :class:`~._corpus.Corpus` and caches them.

    Example:
        >>> from speedlab.fakehub import parse_query
        >>> store = PageStore(Corpus(), max_bytes=1_000_000)
        >>> page = store.page(parse_query("torch"), 1, 5, None, "desc")
        >>> len(page.positions), store.page(parse_query("torch"), 1, 5, None, "desc") is page
        (5, True)
    """

    def __init__(self, corpus: Corpus, *, max_bytes: int) -> None:
        """Create a store over ``corpus`` whose cache holds at most ``max_bytes``."""
        self.corpus = corpus
        self.cache = PageCache(max_bytes)

    def page(
        self, query: ParsedQuery, page: int, per_page: int, sort: str | None, order: str
    ) -> Page:
        """Return page ``page`` (1-based) of ``query``: from the cache, or rendered and cached.

        Args:
            query: the parsed query.
            page: the page number, within GitHub's cap.
            per_page: the page size (1..100).
            sort: a sort key, or ``None`` for best match.
            order: ``"asc"`` or ``"desc"`` (only used with ``sort``).

        Returns:
            The page; past the data it has no items.
        """
        key: PageKey = (query, page, per_page, sort, order)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        result = self.corpus.result_set(query)
        positions = result.page(page, per_page, sort, order)
        items = [self.corpus.item_json(result, p) for p in positions]
        built = Page(result.total_count, positions, page_body(result.total_count, items), key)
        self.cache.put(key, built)
        return built

    def gzipped(self, page: Page) -> bytes:
        """Return the gzip of ``page``'s body, compressed once and then cached with the page."""
        if page.gzipped is None:
            page.gzipped = gzip.compress(page.body, compresslevel=_GZIP_LEVEL, mtime=0)
            self.cache.grew(page.key, page, len(page.gzipped))
        return page.gzipped

    def incomplete(self, query: ParsedQuery, page: Page, kept: int) -> bytes:
        """Return ``page`` with only its first ``kept`` items and ``incomplete_results: true``."""
        result = self.corpus.result_set(query)
        items = [self.corpus.item_json(result, p) for p in page.positions[:kept]]
        return page_body(page.total, items, incomplete=True)
