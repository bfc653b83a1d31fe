"""Deterministic repositories: every query has the same answer on every machine, every run.

A query's result set is its ``total_count`` (from :mod:`._population`) and the repository at every
position, drawn from a random source seeded with a hash of the normalised query -- so two servers,
whatever their seed, answer the same query with the same bytes, and tests can assert exact ids.
Only the first :data:`POOL_LIMIT` results can ever be served (GitHub's 1000-result cap, rounded up
to whole pages), so only those exist, and ``sort=`` re-orders that pool.

Cost is bounded whatever the query: positions are drawn lazily and in order (a best-match page 1,
the common request, draws 30 of them), a sort draws at most the pool, and the :class:`Corpus`
keeps a bounded number of result sets.

Realism where clients can trip: owners come from one shared, skewed pool (the same login shows
up under many keywords, always with the same id), every item carries every required field of
GitHub's ``repo-search-result-item`` (about 5 KB of JSON, like the real thing), and, only when
asked (``null_owner_rate``), some items have ``"owner": null`` as the schema allows.
"""

from __future__ import annotations

import functools
import random
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import msgspec

from speedlab.fakehub._config import DEFAULT_NULL_OWNER_RATE
from speedlab.fakehub._population import (
    FORK_SHARE,
    OWNER_POOL_SIZE,
    fraction,
    node_id,
    owner_for_index,
    stable_hash,
    total_count,
)
from speedlab.fakehub._query import ParsedQuery
from speedlab.fakehub._words import (
    ADJECTIVES,
    LANGUAGE_WEIGHTS,
    LICENSES,
    NOUNS,
    PURPOSES,
    REPO_URL_TEMPLATES,
    TOPICS,
)

__all__ = [
    "POOL_LIMIT",
    "RESULT_SET_CACHE",
    "SORT_KEYS",
    "Corpus",
    "ResultSet",
]

# Positions that can be served: page ceil(1000/per_page) ends before 1100 for every per_page.
POOL_LIMIT = 1100

#: The ``sort=`` values GitHub accepts for repositories.
SORT_KEYS = ("stars", "forks", "help-wanted-issues", "updated")

# Fixed "now" so that timestamps never depend on the day the tests run (2026-09-01T00:00:00Z).
_NOW = 1_788_220_800
# Oldest creation date (2009-01-01T00:00:00Z).
_EPOCH = 1_230_768_000
#: Result sets a :class:`Corpus` keeps (each at most a few hundred KB, usually a few KB).
RESULT_SET_CACHE = 512

_API = "https://api.github.com"
_WEB = "https://github.com"

_LANGUAGES = tuple(LANGUAGE_WEIGHTS)
_CUMULATIVE: list[float] = []
for _weight in LANGUAGE_WEIGHTS.values():
    _CUMULATIVE.append((_CUMULATIVE[-1] if _CUMULATIVE else 0.0) + _weight)


# Every repository URL is the repository's API URL and a fixed suffix: concatenated, not
# formatted, for a fresh page costs the server about 80 µs an item otherwise.
_REPO_URL_SUFFIXES = tuple((key, template.format(r="")) for key, template in REPO_URL_TEMPLATES)
assert all(template.startswith("{r}") for _, template in REPO_URL_TEMPLATES)

# Compact UTF-8 JSON, byte for byte what json.dumps(separators=(",", ":"), ensure_ascii=False)
# writes, several times faster.
_ENCODER = msgspec.json.Encoder()


def _timestamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _slug(text: str) -> str:
    slug = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in text)
    return "-".join(part for part in slug.split("-") if part)[:60]


@functools.lru_cache(maxsize=1024)
def _slugs(terms: tuple[str, ...]) -> tuple[str, ...]:
    """The terms' slugs, made once per query rather than once per item."""
    return tuple(s for s in map(_slug, terms) if s)


class _Numbers:
    """The numeric fields of one result, drawn first so that sorting needs nothing else."""

    __slots__ = ("created", "forks", "help_wanted", "open_issues", "pushed", "size", "stars")

    def __init__(self, rng: random.Random, position: int, total: int) -> None:
        top = 20 + min(int(total**0.8), 400_000)
        self.stars = int(top * (position + 1) ** -0.7 * rng.lognormvariate(0.0, 0.6))
        self.forks = int(self.stars * rng.uniform(0.03, 0.35))
        self.open_issues = int(rng.random() ** 3 * (self.stars * 0.05 + 5))
        self.help_wanted = int(self.open_issues * rng.random() ** 2 * 0.3)
        self.created = int(_EPOCH + rng.random() * (_NOW - _EPOCH - 86_400))
        self.pushed = int(self.created + rng.random() * (_NOW - self.created))
        self.size = int(rng.lognormvariate(7.0, 2.0))

    @property
    def updated(self) -> int:
        # GitHub bumps updated_at on pushes and on metadata changes such as stars.
        return min(_NOW, self.pushed + (self.stars % 86_400))


def _sort_value(numbers: _Numbers, sort: str) -> int:
    if sort == "stars":
        return numbers.stars
    if sort == "forks":
        return numbers.forks
    if sort == "help-wanted-issues":
        return numbers.help_wanted
    return numbers.updated


class ResultSet:
    """The servable results of one query: its count and the order of every position.

    Positions are ``0 .. min(total_count, POOL_LIMIT) - 1`` in best-match order; ``sort=``
    orders the same positions by a numeric field, ties broken by best match.
    """

    __slots__ = ("_numbers", "_orders", "_pool", "_rng", "query", "seed", "total_count")

    def __init__(self, query: ParsedQuery) -> None:
        self.query = query
        self.seed = stable_hash("query", query)
        self.total_count = total_count(query)
        self._pool = min(self.total_count, POOL_LIMIT)
        # One generator for the whole pool: seeding a Random per position costs 10x more.
        # Positions are drawn lazily, in order, so a best-match page 1 (the common request)
        # draws 30 positions instead of the whole pool; the values do not depend on how far
        # the pool was drawn before.
        self._rng = random.Random(self.seed)
        self._numbers: list[_Numbers] = []
        self._orders: dict[tuple[str, str], Sequence[int]] = {}

    def __len__(self) -> int:
        return self._pool

    @property
    def drawn(self) -> int:
        """How many positions have been drawn so far (the cost of this set in memory)."""
        return len(self._numbers)

    def _draw_to(self, end: int) -> None:
        numbers, rng, total = self._numbers, self._rng, self.total_count
        for position in range(len(numbers), min(end, self._pool)):
            numbers.append(_Numbers(rng, position, total))

    def numbers(self, position: int) -> _Numbers:
        """Return the numeric fields (stars, forks, dates...) of ``position``."""
        if position >= len(self._numbers):
            self._draw_to(position + 1)
        return self._numbers[position]

    def order(self, sort: str | None, order: str = "desc") -> Sequence[int]:
        """Return positions in the order of ``sort`` (``None``: best match; ``order`` ignored)."""
        if sort not in SORT_KEYS:
            return range(self._pool)
        key = (sort, "asc" if order == "asc" else "desc")
        cached = self._orders.get(key)
        if cached is None:
            self._draw_to(self._pool)
            sign = 1 if key[1] == "asc" else -1
            values = [_sort_value(n, sort) for n in self._numbers]
            cached = tuple(sorted(range(len(values)), key=lambda p: (sign * values[p], p)))
            self._orders[key] = cached
        return cached

    def page(self, page: int, per_page: int, sort: str | None, order: str) -> Sequence[int]:
        """Return the positions shown on ``page`` (1-based); empty past the data."""
        start = (page - 1) * per_page
        return self.order(sort, order)[start : start + per_page]


def _pick_language(rng: random.Random, query: ParsedQuery) -> str | None:
    if query.languages:
        return rng.choice(query.languages)
    draw = rng.random()
    for language, bound in zip(_LANGUAGES, _CUMULATIVE, strict=True):
        if draw < bound:
            return language
    return None


def _render(result: ResultSet, position: int, null_owner_rate: float) -> dict[str, Any]:
    query = result.query
    rng = random.Random(stable_hash(result.seed, position))
    numbers = result.numbers(position)
    owner_index = int(OWNER_POOL_SIZE * rng.random() ** 2.5)
    owner = owner_for_index(owner_index)
    fields = query.in_fields or ("description", "name", "topics")
    slugs = _slugs(query.terms)
    word = rng.choice(NOUNS)
    if fields == ("name",) and slugs:
        name = "-".join(slugs)
    elif slugs:
        name = rng.choice(("{t}", "{t}-{w}", "py{t}", "{w}-{t}", "{t}_{w}", "awesome-{t}"))
        name = name.format(t=slugs[0], w=word)
    else:
        name = f"{rng.choice(ADJECTIVES)}-{word}"
    topics = sorted(set(rng.sample(TOPICS, rng.randrange(0, 6))))
    adjective, noun, purpose = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(PURPOSES)
    description: str | None
    if query.terms and "description" in fields:
        description = f"A {adjective} {' '.join(query.terms)} {noun} {purpose}."
    elif query.terms and "name" not in fields and "topics" in fields:
        topics = sorted(set(topics) | set(slugs))
        description = f"A {adjective} {noun} {purpose}."
    else:
        description = None if rng.random() < 0.05 else f"A {adjective} {noun} {purpose}."
    fork = query.fork == "only" or (query.fork == "true" and rng.random() < FORK_SHARE)
    language = _pick_language(rng, query)
    license_draw = rng.random()
    license_info = None
    if license_draw < 0.75:
        key, license_name, spdx, license_node = LICENSES[int(license_draw / 0.15)]
        license_info = {
            "key": key,
            "name": license_name,
            "spdx_id": spdx,
            "url": None if key == "other" else f"{_API}/licenses/{key}",
            "node_id": license_node,
        }
    homepage_draw = rng.random()
    full_name = f"{owner['login']}/{name}"
    homepage = (
        f"https://{owner['login']}.github.io/{name}/"
        if homepage_draw < 0.3
        else ""
        if homepage_draw < 0.4
        else None
    )
    repo_id = 10_000_000 + stable_hash("repo", result.seed, position) % 900_000_000
    api_url = f"{_API}/repos/{full_name}"
    html_url = f"{_WEB}/{full_name}"
    null_owner = fraction("null-owner", result.seed, position) < null_owner_rate
    item: dict[str, Any] = {
        "id": repo_id,
        "node_id": node_id("010:Repository", repo_id),
        "name": name,
        "full_name": full_name,
        "private": False,
        "owner": None if null_owner else owner,
        "html_url": html_url,
        "description": description,
        "fork": fork,
        "url": api_url,
    }
    for key, suffix in _REPO_URL_SUFFIXES:
        item[key] = api_url + suffix
    item.update(
        {
            "created_at": _timestamp(numbers.created),
            "updated_at": _timestamp(numbers.updated),
            "pushed_at": _timestamp(numbers.pushed),
            "git_url": f"git://github.com/{full_name}.git",
            "ssh_url": f"git@github.com:{full_name}.git",
            "clone_url": f"{html_url}.git",
            "svn_url": html_url,
            "homepage": homepage,
            "size": numbers.size,
            "stargazers_count": numbers.stars,
            "watchers_count": numbers.stars,
            "language": language,
            "has_issues": True,
            "has_projects": rng.random() < 0.8,
            "has_downloads": True,
            "has_wiki": rng.random() < 0.7,
            "has_pages": homepage_draw < 0.3,
            "has_discussions": rng.random() < 0.15,
            "forks_count": numbers.forks,
            "mirror_url": None,
            "archived": rng.random() < 0.03,
            "disabled": False,
            "open_issues_count": numbers.open_issues,
            "license": license_info,
            "allow_forking": True,
            "is_template": rng.random() < 0.02,
            "web_commit_signoff_required": False,
            "topics": topics,
            "visibility": "public",
            "forks": numbers.forks,
            "open_issues": numbers.open_issues,
            "watchers": numbers.stars,
            "default_branch": "main" if rng.random() < 0.7 else "master",
            "score": 1.0,
        }
    )
    return item


class Corpus:
    """Result sets and rendered items for the queries a server sees, with a bounded cache.

    Example:
        >>> from speedlab.fakehub import parse_query
        >>> corpus = Corpus()
        >>> result = corpus.result_set(parse_query("torch language:python"))
        >>> corpus.item(result, 0)["language"]
        'Python'
    """

    def __init__(self, *, null_owner_rate: float = DEFAULT_NULL_OWNER_RATE) -> None:
        """Create an empty corpus.

        Args:
            null_owner_rate: fraction of items whose ``owner`` is ``null`` (0: none, GitHub's way).
        """
        self.null_owner_rate = null_owner_rate
        self._results: OrderedDict[ParsedQuery, ResultSet] = OrderedDict()

    def __len__(self) -> int:
        """How many result sets are cached (at most a fixed number, whatever the traffic)."""
        return len(self._results)

    def result_set(self, query: ParsedQuery) -> ResultSet:
        """Return the (cached) result set of ``query``."""
        result = self._results.get(query)
        if result is None:
            result = ResultSet(query)
            self._results[query] = result
            if len(self._results) > RESULT_SET_CACHE:
                self._results.popitem(last=False)
        else:
            self._results.move_to_end(query)
        return result

    def item(self, result: ResultSet, position: int) -> dict[str, Any]:
        """Return the ``repo-search-result-item`` at ``position`` of ``result``."""
        if not 0 <= position < len(result):
            raise IndexError(f"position {position} outside 0..{len(result) - 1}")
        return _render(result, position, self.null_owner_rate)

    def item_json(self, result: ResultSet, position: int) -> bytes:
        """Return the item at ``position`` as compact UTF-8 JSON, as GitHub sends it."""
        return _ENCODER.encode(self.item(result, position))
