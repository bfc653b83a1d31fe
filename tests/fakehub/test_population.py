"""How many repositories a query finds, and who owns them: pure, stable, realistic."""

from __future__ import annotations

import subprocess
import sys

from speedlab.fakehub import (
    COMMON_WORDS,
    OWNER_POOL_SIZE,
    RESULT_CAP,
    Corpus,
    FakeHub,
    is_common,
    owner_for_index,
    parse_query,
    total_count,
)
from speedlab.fakehub._corpus import RESULT_SET_CACHE
from speedlab.fakehub._population import COMMON_MIN, term_count
from speedlab.jobs.github import DEFAULT_KEYWORDS
from tests.fakehub.client import get

# "Many thousands", as the lecture's keywords find on GitHub.
THOUSANDS = 2_000


def test_the_lectures_keywords_find_thousands_of_python_repositories() -> None:
    assert len(DEFAULT_KEYWORDS) == 8
    for keyword in DEFAULT_KEYWORDS:
        assert is_common(keyword), keyword
        assert total_count(parse_query(f"{keyword} language:python")) >= THOUSANDS, keyword


def test_torch_is_served_with_thousands_and_pages_up_to_the_cap(hub: FakeHub) -> None:
    first = get(hub.url, {"q": "torch language:python", "per_page": 100})
    body = first.json()
    assert body["total_count"] == total_count(parse_query("torch language:python"))
    assert body["total_count"] >= THOUSANDS
    assert len(body["items"]) == 100
    last = get(hub.url, {"q": "torch language:python", "per_page": 100, "page": 10})
    assert len(last.json()["items"]) == 100  # results 901..1000 exist
    assert first.links["last"]["url"].endswith("page=10")


def test_every_common_word_and_phrase_of_them_is_common() -> None:
    for word in COMMON_WORDS:
        assert term_count(word) >= COMMON_MIN, word
        assert term_count(word.upper()) == term_count(word) or is_common(word.upper())
    assert is_common("machine learning")
    assert term_count("deep learning") >= COMMON_MIN // 4
    # The lecture's bug: a literal plus keeps the whole string one (uncommon) term.
    assert not is_common("torch+language:python")
    assert not is_common("")


def test_other_words_keep_their_spread() -> None:
    counts = [total_count(parse_query(f"word{n}")) for n in range(400)]
    few = sum(c < 10 for c in counts)
    hundreds = sum(10 <= c < 1000 for c in counts)
    thousands = sum(c >= 1000 for c in counts)
    assert 20 <= few <= 70
    assert 30 <= hundreds <= 100
    assert thousands >= 250
    assert max(counts) > 100_000


def test_and_finds_fewer_than_the_rarest_term() -> None:
    for a, b in [("torch", "vision"), ("torch", "kw17"), ("deep", "data")]:
        both = total_count(parse_query(f"{a} {b}"))
        assert both <= min(total_count(parse_query(a)), total_count(parse_query(b)))


def test_narrower_queries_find_fewer() -> None:
    for n in range(50):
        everything = total_count(parse_query(f"kw{n}"))
        assert total_count(parse_query(f"kw{n} language:python")) <= everything
        assert total_count(parse_query(f"kw{n} fork:only")) <= everything
        assert total_count(parse_query(f"kw{n} fork:true")) >= everything
    assert total_count(parse_query("x language:klingon")) == 0


def test_total_count_is_a_pure_function_of_the_query_in_a_fresh_process() -> None:
    code = (
        "from speedlab.fakehub import total_count, Corpus, parse_query as p;"
        "c = Corpus(); r = c.result_set(p('torch language:python'));"
        "print(total_count(p('deep')), c.item(r, 0)['id'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    ).stdout.split()
    corpus = Corpus()
    result = corpus.result_set(parse_query("torch language:python"))
    assert out == [str(total_count(parse_query("deep"))), str(corpus.item(result, 0)["id"])]


def test_many_keywords_stay_cheap_first_pages_draw_only_what_they_show() -> None:
    """A benchmark asks page 1 of 10,000 keywords: memory and work stay bounded."""
    corpus = Corpus()
    words = sorted(COMMON_WORDS)
    for n in range(2 * RESULT_SET_CACHE):
        keyword = words[n % len(words)] if n % 2 else f"topic{n:05d}"
        result = corpus.result_set(parse_query(f"{keyword} language:python"))
        shown = result.page(1, 30, None, "desc")
        assert len(shown) == min(30, result.total_count)
        if shown:
            assert corpus.item(result, shown[-1])["language"] == "Python"
        assert result.drawn == len(shown)  # lazily: not the 1000-result pool
        assert len(corpus) <= RESULT_SET_CACHE
    sorted_set = corpus.result_set(parse_query("torch"))
    sorted_set.page(1, 30, "stars", "desc")
    assert sorted_set.drawn == len(sorted_set) == min(total_count(parse_query("torch")), 1100)
    assert len(sorted_set) >= RESULT_CAP


def test_owner_pool_logins_are_unique() -> None:
    logins = {owner_for_index(i)["login"] for i in range(OWNER_POOL_SIZE)}
    assert len(logins) == OWNER_POOL_SIZE
    assert owner_for_index(5)["id"] == owner_for_index(5)["id"]
