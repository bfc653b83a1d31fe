"""The simulated population of GitHub: how many repositories a query finds, and who owns them.

Nothing is stored. A query's ``total_count`` is a pure function of the query, and an owner is a
pure function of its index in one shared pool, computed with a hash that (unlike ``hash()``) is the
same in every process. So two servers -- whatever their seed -- agree on every count and owner, and
tests can assert exact values by calling these functions.

How counts are drawn, term by term (a term is a word or a quoted phrase):

* a term made only of :data:`~._words.COMMON_WORDS` (``torch``, ``data``, ``ml`` ...) finds
  :data:`COMMON_MIN` to ``COMMON_MIN * COMMON_SPREAD`` repositories, as such words do on GitHub;
* any other term finds few (1 in 10 finds fewer than 10), hundreds (1 in 7) or thousands to
  hundreds of thousands (the rest), so that paging and the 1000-result cap are exercised;
* several terms are AND-ed: the rarest term's count, divided by :data:`AND_DIVISOR` per extra term;
* a ``language:`` keeps that language's share, ``-term`` removes some, ``fork:`` adds or keeps the
  forks.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from speedlab.fakehub._query import ParsedQuery
from speedlab.fakehub._words import (
    COMMON_WORDS,
    LANGUAGE_WEIGHTS,
    LOGIN_SUFFIXES,
    RARE_LANGUAGE_SHARE,
    SYLLABLES,
)

__all__ = [
    "ALL_REPOSITORIES",
    "AND_DIVISOR",
    "COMMON_MIN",
    "COMMON_SPREAD",
    "FORK_SHARE",
    "OWNER_POOL_SIZE",
    "fraction",
    "is_common",
    "node_id",
    "owner_for_index",
    "stable_hash",
    "term_count",
    "total_count",
]

#: Fewest repositories a common term finds (before a language filter takes its share).
COMMON_MIN = 20_000
#: A common term finds between ``COMMON_MIN`` and this many times as many repositories.
COMMON_SPREAD = 100
#: Each extra AND-ed term divides the count of the rarest one by this.
AND_DIVISOR = 4
#: Result count of a query with no free text (roughly all public repositories of one kind).
ALL_REPOSITORIES = 4_800_000
#: Size of the set of forks relative to the sources (``fork:true`` adds them, ``fork:only`` keeps
#: them).
FORK_SHARE = 0.12
#: Distinct owner logins shared by all queries (skewed, so popular owners recur across keywords).
OWNER_POOL_SIZE = 20_000

# Each excluded term (``-word``, ``NOT word``) keeps this share of the results.
_EXCLUDED_SHARE = 0.85
# A language's share of a keyword varies by this much either side of its global share.
_LANGUAGE_SHARE_SPREAD = 0.4

_API = "https://api.github.com"
_WEB = "https://github.com"


def stable_hash(*parts: object) -> int:
    """Return a 64-bit hash of ``parts`` that is the same in every process and on every machine.

    >>> stable_hash("a", 1) == stable_hash("a", 1) != stable_hash("a", 2)
    True
    """
    data = "\x1f".join(map(str, parts)).encode(errors="surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def fraction(*parts: object) -> float:
    """Return a stable number in ``[0, 1)`` for ``parts`` (see :func:`stable_hash`)."""
    return stable_hash(*parts) / 2.0**64


def node_id(kind: str, number: int) -> str:
    """Return a GitHub-style ``node_id`` (base64 of the kind and the number)."""
    return base64.b64encode(f"{kind}{number}".encode()).decode()


def is_common(term: str) -> bool:
    """Whether every word of ``term`` is a common word (see :data:`~._words.COMMON_WORDS`).

    >>> is_common("torch"), is_common("deep learning"), is_common("kw17")
    (True, True, False)
    """
    words = term.lower().split()
    return bool(words) and all(word in COMMON_WORDS for word in words)


def term_count(term: str) -> int:
    """Return how many repositories mention ``term`` (a word or a phrase), in any language.

    >>> term_count("torch") >= COMMON_MIN
    True
    """
    size = fraction("size", term)
    if is_common(term):
        divisor: int = AND_DIVISOR ** (len(term.split()) - 1)
        return int(COMMON_MIN * COMMON_SPREAD**size) // divisor
    kind = fraction("kind", term)
    if kind < 0.10:
        return int(size * 10)
    if kind < 0.25:
        return int(10 * 100**size)
    return int(1_000 * 400**size)


def total_count(query: ParsedQuery) -> int:
    """Return how many repositories match ``query`` (GitHub's uncapped ``total_count``).

    Args:
        query: the parsed query.

    Returns:
        The count, a pure function of the query.
    """
    if query.matches_nothing:
        return 0
    if query.terms:
        count = min(term_count(term) for term in query.terms)
        count //= AND_DIVISOR ** (len(query.terms) - 1)
    else:
        count = ALL_REPOSITORIES
    text = " ".join(query.terms)
    if query.languages:
        count = sum(
            round(
                count
                * LANGUAGE_WEIGHTS.get(language, RARE_LANGUAGE_SHARE)
                * (1 + _LANGUAGE_SHARE_SPREAD * (2 * fraction("share", language, text) - 1))
            )
            for language in query.languages
        )
    count = round(count * _EXCLUDED_SHARE ** len(query.excluded))
    if query.fork == "true":
        count += round(count * FORK_SHARE)
    elif query.fork == "only":
        count = round(count * FORK_SHARE)
    return count


@lru_cache(maxsize=8192)
def owner_for_index(index: int) -> dict[str, Any]:
    """Return the ``simple-user`` of owner number ``index`` in the shared pool.

    The login is a unique syllable spelling of ``index``, and the id a function of the index,
    so an owner's id is stable wherever the login appears.

    Args:
        index: ``0 <= index < OWNER_POOL_SIZE`` (any non-negative index works).

    Returns:
        GitHub's ``simple-user`` object, every required field filled.
    """
    number, syllables = index + len(SYLLABLES), []
    while number:
        number, digit = divmod(number, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
    # Letters only before the suffix, and every suffix starts with a non-syllable character or is
    # empty, so different indices always give different logins.
    login = "".join(reversed(syllables)) + LOGIN_SUFFIXES[stable_hash("suffix", index) % 12]
    user_id = 1_000 + index * 1_009 + (index * 7_919) % 1_009
    organization = stable_hash("org", index) % 7 == 3
    url = f"{_API}/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": node_id("012:Organization" if organization else "04:User", user_id),
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
