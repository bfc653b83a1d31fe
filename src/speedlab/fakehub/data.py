"""Deterministic repositories: every query has the same answer on every machine, every run.

Nothing is stored: a query's result set (its ``total_count`` and the repository at every
position) is computed from a hash of the normalised query, so two servers -- whatever their seed --
answer the same query with the same bytes, and tests can assert exact ids. Only the first
:data:`POOL_LIMIT` results can ever be served (GitHub's 1000-result cap, rounded up to whole
pages), so only those are materialised, and ``sort=`` re-orders that pool.

Realism where clients can trip: ``total_count`` ranges from 0 to hundreds of thousands depending on
the keyword (so paging and the 1000 cap are exercised), owners are drawn from one shared pool with
a skewed distribution (the same login shows up under many keywords, always with the same id), a
small deterministic fraction of items has ``"owner": null``, and each item carries every required
field of GitHub's ``repo-search-result-item`` (about 5 KB of JSON, like the real thing).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import time
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from speedlab.fakehub.query import ParsedQuery

__all__ = [
    "OWNER_POOL_SIZE",
    "POOL_LIMIT",
    "SORT_KEYS",
    "Corpus",
    "ResultSet",
    "owner_for_index",
    "total_count",
]

# Positions that can be served: page ceil(1000/per_page) ends before 1100 for every per_page.
POOL_LIMIT = 1100

# Distinct owner logins shared by all queries (skewed, so popular owners recur across keywords).
OWNER_POOL_SIZE = 20_000

#: The ``sort=`` values GitHub accepts for repositories.
SORT_KEYS = ("stars", "forks", "help-wanted-issues", "updated")

# Fixed "now" so that timestamps never depend on the day the tests run (2026-09-01T00:00:00Z).
_NOW = 1_788_220_800
# Oldest creation date (2009-01-01T00:00:00Z).
_EPOCH = 1_230_768_000
# Result count of a query with no free text (roughly all public repositories of one kind).
_ALL_REPOSITORIES = 4_800_000
# Size of the set of forks relative to the sources (fork:true adds them, fork:only keeps them).
_FORK_SHARE = 0.12
# Result-set objects kept (each is a few tens of KB).
_RESULT_SET_CACHE = 512

_API = "https://api.github.com"
_WEB = "https://github.com"

_LANGUAGE_WEIGHTS: dict[str, float] = {
    "Python": 0.22,
    "JavaScript": 0.14,
    "TypeScript": 0.10,
    "Java": 0.07,
    "Jupyter Notebook": 0.06,
    "Go": 0.05,
    "C++": 0.05,
    "C": 0.03,
    "Rust": 0.03,
    "HTML": 0.03,
    "C#": 0.03,
    "PHP": 0.03,
    "Shell": 0.02,
    "Ruby": 0.02,
    "Kotlin": 0.015,
    "Swift": 0.01,
    "Dart": 0.01,
    "R": 0.01,
    "Vue": 0.01,
    "Scala": 0.005,
}
_LANGUAGES = tuple(_LANGUAGE_WEIGHTS)
_CUMULATIVE: list[float] = []
for _weight in _LANGUAGE_WEIGHTS.values():
    _CUMULATIVE.append((_CUMULATIVE[-1] if _CUMULATIVE else 0.0) + _weight)
# Any language outside the table gets this share of a keyword's repositories.
_RARE_LANGUAGE_SHARE = 0.004

_SYLLABLES = (
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "ba", "da", "fe", "gi", "ho", "ju",
    "ko", "ly", "mo", "nu", "pa", "qi", "ro", "su", "ta", "un", "ve", "wo", "xa", "yo", "zu",
)  # fmt: skip
_LOGIN_SUFFIXES = ("", "", "", "-dev", "-lab", "hq", "-io", "42", "7", "2024", "-py", "x")
_WORDS = (
    "kit", "lib", "tools", "api", "core", "lab", "hub", "cli", "server", "client", "utils",
    "engine", "bot", "flow", "box", "net", "app", "db", "sdk", "demo", "examples", "notes",
    "playground", "starter", "toolkit", "service", "pipeline", "tracker", "viewer", "builder",
)  # fmt: skip
_ADJECTIVES = (
    "fast", "simple", "tiny", "modern", "minimal", "robust", "lightweight", "async", "typed",
    "experimental", "practical", "friendly", "pure-python", "scalable", "extensible",
)  # fmt: skip
_PURPOSES = (
    "for data pipelines", "for the command line", "for researchers", "with batteries included",
    "built on asyncio", "for production use", "with a clean API", "for teaching and learning",
    "for web scraping", "that just works", "for large datasets", "for small teams",
)  # fmt: skip
_TOPICS = (
    "python", "machine-learning", "deep-learning", "api", "cli", "data-science", "web",
    "automation", "asyncio", "http", "testing", "visualization", "nlp", "computer-vision",
    "devops", "database", "scraping", "education", "tutorial", "framework", "library",
)  # fmt: skip
_LICENSES = (
    ("mit", "MIT License", "MIT", "MDc6TGljZW5zZTEz"),
    ("apache-2.0", "Apache License 2.0", "Apache-2.0", "MDc6TGljZW5zZTI="),
    ("gpl-3.0", "GNU General Public License v3.0", "GPL-3.0", "MDc6TGljZW5zZTk="),
    ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License', "BSD-3-Clause", "MDc6TGljZW5zZTU="),
    ("other", "Other", "NOASSERTION", "MDc6TGljZW5zZTA="),
)

# Hypermedia templates of a repository, in GitHub's order ("{r}" is the repository API URL).
_REPO_URLS = (
    ("forks_url", "{r}/forks"),
    ("keys_url", "{r}/keys{{/key_id}}"),
    ("collaborators_url", "{r}/collaborators{{/collaborator}}"),
    ("teams_url", "{r}/teams"),
    ("hooks_url", "{r}/hooks"),
    ("issue_events_url", "{r}/issues/events{{/number}}"),
    ("events_url", "{r}/events"),
    ("assignees_url", "{r}/assignees{{/user}}"),
    ("branches_url", "{r}/branches{{/branch}}"),
    ("tags_url", "{r}/tags"),
    ("blobs_url", "{r}/git/blobs{{/sha}}"),
    ("git_tags_url", "{r}/git/tags{{/sha}}"),
    ("git_refs_url", "{r}/git/refs{{/sha}}"),
    ("trees_url", "{r}/git/trees{{/sha}}"),
    ("statuses_url", "{r}/statuses/{{sha}}"),
    ("languages_url", "{r}/languages"),
    ("stargazers_url", "{r}/stargazers"),
    ("contributors_url", "{r}/contributors"),
    ("subscribers_url", "{r}/subscribers"),
    ("subscription_url", "{r}/subscription"),
    ("commits_url", "{r}/commits{{/sha}}"),
    ("git_commits_url", "{r}/git/commits{{/sha}}"),
    ("comments_url", "{r}/comments{{/number}}"),
    ("issue_comment_url", "{r}/issues/comments{{/number}}"),
    ("contents_url", "{r}/contents/{{+path}}"),
    ("compare_url", "{r}/compare/{{base}}...{{head}}"),
    ("merges_url", "{r}/merges"),
    ("archive_url", "{r}/{{archive_format}}{{/ref}}"),
    ("downloads_url", "{r}/downloads"),
    ("issues_url", "{r}/issues{{/number}}"),
    ("pulls_url", "{r}/pulls{{/number}}"),
    ("milestones_url", "{r}/milestones{{/number}}"),
    ("notifications_url", "{r}/notifications{{?since,all,participating}}"),
    ("labels_url", "{r}/labels{{/name}}"),
    ("releases_url", "{r}/releases{{/id}}"),
    ("deployments_url", "{r}/deployments"),
)


def _hash(*parts: object) -> int:
    """Return a 64-bit hash that, unlike ``hash()``, is the same in every process."""
    data = "\x1f".join(map(str, parts)).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def _fraction(*parts: object) -> float:
    return _hash(*parts) / 2.0**64


def _timestamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"{kind}{number}".encode()).decode()


def _slug(text: str) -> str:
    slug = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in text)
    return "-".join(part for part in slug.split("-") if part)[:60]


def total_count(query: ParsedQuery) -> int:
    """Return how many repositories match ``query`` (GitHub's uncapped ``total_count``).

    About 1 keyword in 10 finds fewer than 10 repositories, 1 in 7 a few hundred, the rest
    thousands to hundreds of thousands; more terms find fewer, a language keeps its share.

    Args:
        query: the parsed query.

    Returns:
        The count, a pure function of the query.
    """
    if query.matches_nothing:
        return 0
    text = " ".join(query.terms)
    if query.terms:
        kind, size = _fraction("kind", text), _fraction("size", text)
        if kind < 0.10:
            count = int(size * 10)
        elif kind < 0.25:
            count = int(10 * 100**size)
        else:
            count = int(1_000 * 400**size)
        count //= 4 ** (len(query.terms) - 1)
    else:
        count = _ALL_REPOSITORIES
    if query.languages:
        count = sum(
            round(
                count
                * _LANGUAGE_WEIGHTS.get(language, _RARE_LANGUAGE_SHARE)
                * (0.6 + 0.8 * _fraction("share", language, text))
            )
            for language in query.languages
        )
    count = round(count * 0.85 ** len(query.excluded))
    if query.fork == "true":
        count += round(count * _FORK_SHARE)
    elif query.fork == "only":
        count = round(count * _FORK_SHARE)
    return count


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
        self.seed = _hash("query", query)
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


@lru_cache(maxsize=8192)
def owner_for_index(index: int) -> dict[str, Any]:
    """Return the ``simple-user`` of owner number ``index`` in the shared pool.

    The login is a unique syllable spelling of ``index``, and the id a function of the index,
    so an owner's id is stable wherever the login appears.
    """
    number, syllables = index + len(_SYLLABLES), []
    while number:
        number, digit = divmod(number, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
    # Letters only before the suffix, and every suffix starts with a non-syllable character or is
    # empty, so different indices always give different logins.
    login = "".join(reversed(syllables)) + _LOGIN_SUFFIXES[_hash("suffix", index) % 12]
    if login[0].isdigit():  # cannot happen with syllables, kept as a guard for edits
        login = "u" + login
    user_id = 1_000 + index * 1_009 + (index * 7_919) % 1_009
    organization = _hash("org", index) % 7 == 3
    url = f"{_API}/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": _node_id("012:Organization" if organization else "04:User", user_id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{_WEB}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "Organization" if organization else "User",
        "user_view_type": "public",
        "site_admin": False,
    }


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
    rng = random.Random(_hash(result.seed, position))
    numbers = result.numbers(position)
    owner_index = int(OWNER_POOL_SIZE * rng.random() ** 2.5)
    owner = owner_for_index(owner_index)
    fields = query.in_fields or ("description", "name", "topics")
    slugs = [s for s in (_slug(t) for t in query.terms) if s]
    word = rng.choice(_WORDS)
    if fields == ("name",) and slugs:
        name = "-".join(slugs)
    elif slugs:
        name = rng.choice(("{t}", "{t}-{w}", "py{t}", "{w}-{t}", "{t}_{w}", "awesome-{t}"))
        name = name.format(t=slugs[0], w=word)
    else:
        name = f"{rng.choice(_ADJECTIVES)}-{word}"
    topics = sorted(set(rng.sample(_TOPICS, rng.randrange(0, 6))))
    adjective, noun, purpose = rng.choice(_ADJECTIVES), rng.choice(_WORDS), rng.choice(_PURPOSES)
    description: str | None
    if query.terms and "description" in fields:
        description = f"A {adjective} {' '.join(query.terms)} {noun} {purpose}."
    elif query.terms and "name" not in fields and "topics" in fields:
        topics = sorted(set(topics) | set(slugs))
        description = f"A {adjective} {noun} {purpose}."
    else:
        description = None if rng.random() < 0.05 else f"A {adjective} {noun} {purpose}."
    fork = query.fork == "only" or (query.fork == "true" and rng.random() < _FORK_SHARE)
    language = _pick_language(rng, query)
    license_draw = rng.random()
    license_info = None
    if license_draw < 0.75:
        key, license_name, spdx, license_node = _LICENSES[int(license_draw / 0.15)]
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
    repo_id = 10_000_000 + _hash("repo", result.seed, position) % 900_000_000
    api_url = f"{_API}/repos/{full_name}"
    html_url = f"{_WEB}/{full_name}"
    null_owner = _fraction("null-owner", result.seed, position) < null_owner_rate
    item: dict[str, Any] = {
        "id": repo_id,
        "node_id": _node_id("010:Repository", repo_id),
        "name": name,
        "full_name": full_name,
        "private": False,
        "owner": None if null_owner else owner,
        "html_url": html_url,
        "description": description,
        "fork": fork,
        "url": api_url,
    }
    for key, template in _REPO_URLS:
        item[key] = template.format(r=api_url)
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
        >>> from speedlab.fakehub.query import parse_query
        >>> corpus = Corpus()
        >>> result = corpus.result_set(parse_query("torch language:python"))
        >>> corpus.item(result, 0)["language"]
        'Python'
    """

    def __init__(self, *, null_owner_rate: float = 0.005) -> None:
        self.null_owner_rate = null_owner_rate
        self._results: OrderedDict[ParsedQuery, ResultSet] = OrderedDict()

    def result_set(self, query: ParsedQuery) -> ResultSet:
        """Return the (cached) result set of ``query``."""
        result = self._results.get(query)
        if result is None:
            result = ResultSet(query)
            self._results[query] = result
            if len(self._results) > _RESULT_SET_CACHE:
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
        return json.dumps(
            self.item(result, position), separators=(",", ":"), ensure_ascii=False
        ).encode()
