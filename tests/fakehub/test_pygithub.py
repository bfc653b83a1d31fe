"""A real GitHub client, PyGithub, against fakehub on 127.0.0.1: nothing here touches the internet.

PyGithub is what many users reach for; if it pages, sorts, and classifies errors and rate limits
on fakehub exactly as on api.github.com, fakehub is faithful where clients look. Every expected
value is computed from fakehub's own data functions, never written down.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import BadCredentialsException, RateLimitExceededException

from speedlab.fakehub import (
    RESULT_CAP,
    SECONDARY_LIMIT_MESSAGE,
    Corpus,
    FakeHub,
    parse_query,
    total_count,
)
from tests.fakehub.client import MakeHub

TOKEN = "ghp_fakehubTestToken"


@contextlib.contextmanager
def client(hub: FakeHub, token: str = TOKEN, **options: Any) -> Iterator[Github]:
    options.setdefault("retry", None)  # raise at once instead of PyGithub's sleeping retries
    options.setdefault("seconds_between_requests", 0)  # no client-side pacing: fakehub is local
    g = Github(base_url=hub.url, auth=Auth.Token(token), timeout=10, **options)
    try:
        yield g
    finally:
        g.close()


def expected_ids(query: str, count: int) -> list[int]:
    corpus = Corpus()
    result = corpus.result_set(parse_query(query))
    return [corpus.item(result, position)["id"] for position in range(count)]


def test_paging_follows_links_through_every_page(make_hub: MakeHub) -> None:
    hub = make_hub(tokens=frozenset({TOKEN}))
    total = total_count(parse_query("torch language:python"))
    assert total > RESULT_CAP  # a common word: thousands of repositories, as on GitHub
    with client(hub, per_page=50) as g:
        results = g.search_repositories("torch", language="python")
        # PyGithub reads the count from the last page of a per_page=1 request: GitHub's cap.
        assert results.totalCount == RESULT_CAP
        repositories = list(results[:120])
        assert results.totalCount == total  # then from the body of a page
    assert [r.id for r in repositories] == expected_ids("torch language:python", 120)
    assert all(r.language == "Python" and r.owner is not None for r in repositories)
    # 1 request for the count, then pages 1, 2 and 3 of 50 (found through Link rel="next").
    assert hub.statistics().by_status == {200: 4}


def test_the_last_page_before_the_cap_then_githubs_422(make_hub: MakeHub) -> None:
    hub = make_hub()
    with client(hub, per_page=100) as g:
        results = g.search_repositories("data")
        last = results.get_page(9)  # 0-based: results 901..1000
        assert [r.id for r in last] == expected_ids("data", 1000)[900:]
        with pytest.raises(GithubException) as refused:
            results.get_page(10)
    assert refused.value.status == 422
    assert refused.value.data["message"] == "Only the first 1000 search results are available"


@pytest.mark.parametrize(
    ("sort", "order"), [("stars", "desc"), ("forks", "asc"), ("updated", "desc")]
)
def test_sorting(make_hub: MakeHub, sort: str, order: str) -> None:
    hub = make_hub()
    with client(hub, per_page=100) as g:
        repositories = list(g.search_repositories("deep", sort=sort, order=order)[:150])
    key = {
        "stars": lambda r: r.stargazers_count,
        "forks": lambda r: r.forks_count,
        "updated": lambda r: r.updated_at,
    }[sort]
    values = [key(r) for r in repositories]
    assert len(values) == 150
    assert values == sorted(values, reverse=order == "desc")
    assert values != sorted(values, reverse=order != "desc")


def test_a_bad_token_is_bad_credentials(make_hub: MakeHub) -> None:
    hub = make_hub(tokens=frozenset({TOKEN}))
    with client(hub, token="ghp_wrong") as g, pytest.raises(BadCredentialsException) as refused:
        _ = g.search_repositories("torch").totalCount
    assert refused.value.status == 401
    with client(hub) as g:
        assert g.search_repositories("torch").totalCount == RESULT_CAP


def test_a_query_too_long_is_a_422(make_hub: MakeHub) -> None:
    hub = make_hub()
    with client(hub) as g, pytest.raises(GithubException) as refused:
        _ = g.search_repositories("a" * 257).totalCount
    assert refused.value.status == 422
    assert refused.value.data["errors"][0]["message"] == "The search is longer than 256 characters."


def test_the_primary_limit_and_get_rate_limit(make_hub: MakeHub) -> None:
    hub = make_hub(rate_limit=(3, 60))
    with client(hub) as g:
        assert g.get_rate_limit().resources.search.remaining == 3
        for _ in range(3):
            _ = g.search_repositories("torch").totalCount
        with pytest.raises(RateLimitExceededException) as limited:
            _ = g.search_repositories("torch").totalCount
        overview = g.get_rate_limit()  # still answered, and not counted
    assert limited.value.status == 403
    assert limited.value.headers is not None
    assert limited.value.headers["x-ratelimit-remaining"] == "0"
    search = overview.resources.search
    assert (search.limit, search.used, search.remaining) == (3, 3, 0)
    assert int(search.reset.timestamp()) == int(limited.value.headers["x-ratelimit-reset"])
    assert overview.rate.limit == overview.resources.core.limit == 5000
    assert hub.statistics().primary_limited == 1


def test_the_secondary_limit(make_hub: MakeHub) -> None:
    hub = make_hub(secondary_inflight=1, latency=0.5)
    holder = threading.Thread(
        target=requests.get,
        args=(hub.url + "/search/repositories",),
        kwargs={
            "params": {"q": "x"},
            "headers": {"Authorization": f"token {TOKEN}"},
            "timeout": 10,
        },
    )
    holder.start()
    try:
        deadline = time.monotonic() + 20
        while hub.statistics().in_flight < 1:
            assert time.monotonic() < deadline, "the first request never got in flight"
            time.sleep(0.005)
        with client(hub) as g, pytest.raises(RateLimitExceededException) as limited:
            _ = g.search_repositories("torch").totalCount
    finally:
        holder.join(30)
    assert limited.value.status == 403
    assert limited.value.data["message"] == SECONDARY_LIMIT_MESSAGE
    assert limited.value.headers is not None
    assert limited.value.headers["retry-after"] == "60"
    assert hub.statistics().secondary_limited == 1


@pytest.mark.slow
def test_pygithubs_own_retry_waits_for_the_advertised_reset(make_hub: MakeHub) -> None:
    """PyGithub's GithubRetry sleeps until x-ratelimit-reset (+1 s) and then succeeds."""
    # Windows start on a whole second: with 2 s ones, two searches a moment apart share one.
    hub = make_hub(rate_limit=(1, 2))
    with client(hub, retry=GithubRetry(total=3)) as g:
        _ = g.search_repositories("torch").totalCount
        assert g.search_repositories("deep").totalCount == RESULT_CAP  # after one 403 and a wait
    stats = hub.statistics()
    assert stats.primary_limited >= 1
    assert stats.by_status[200] == 2
