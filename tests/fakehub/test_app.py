"""The simulated ``GET /search/repositories`` through real HTTP (requests against 127.0.0.1)."""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from speedlab.fakehub import (
    SECONDARY_LIMIT_MESSAGE,
    FakeHub,
    FakeHubConfig,
    parse_query,
    total_count,
    user_id_for_token,
)
from tests.fakehub.client import MakeHub

SEARCH = "/search/repositories"


def get(
    hub: FakeHub,
    params: Any = None,
    *,
    headers: dict[str, Any] | None = None,
    raw_query: str | None = None,
    path: str = SEARCH,
) -> requests.Response:
    url = hub.url + path + ("" if raw_query is None else "?" + raw_query)
    return requests.get(url, params=params, headers=headers, timeout=10)


def get_without_user_agent(hub: FakeHub, path: str) -> tuple[int, str, str]:
    """GET with no User-Agent at all (requests and urllib3 always add one)."""
    host, port = hub.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers["Content-Type"], response.read().decode()
    finally:
        connection.close()


def keyword(predicate: Callable[[int], bool], suffix: str = " language:python") -> str:
    """The first ``kwN`` whose result count satisfies ``predicate`` (deterministic)."""
    for n in range(10_000):
        if predicate(total_count(parse_query(f"kw{n}{suffix}"))):
            return f"kw{n}"
    raise AssertionError("no such keyword")


# -- headers, routing, versions ---------------------------------------------------------------


def test_search_answers_with_githubs_headers(hub: FakeHub) -> None:
    response = get(hub, {"q": "torch language:python"})
    assert response.status_code == 200
    headers = response.headers
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    assert "ETag" not in headers
    assert headers["x-github-api-version-selected"] == "2022-11-28"
    assert headers["X-GitHub-Media-Type"] == "github.v3; format=json"
    assert headers["x-ratelimit-resource"] == "search"
    for name in ("limit", "remaining", "used", "reset"):
        assert headers[f"x-ratelimit-{name}"].isdigit()
    body = response.json()
    assert set(body) == {"total_count", "incomplete_results", "items"}
    assert body["total_count"] == total_count(parse_query("torch language:python"))
    assert body["incomplete_results"] is False


def test_gzip_when_accepted_and_identical_content(hub: FakeHub) -> None:
    q = {"q": "deep", "per_page": 50}
    zipped = get(hub, q, headers={"Accept-Encoding": "gzip"})
    plain = get(hub, q, headers={"Accept-Encoding": "identity"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert int(zipped.headers["Content-Length"]) < len(plain.content) / 3
    assert zipped.json() == plain.json()


@pytest.mark.parametrize("path", ["/search/repositories/", "/search/respositories", "/", "/x"])
def test_other_paths_are_404_json(hub: FakeHub, path: str) -> None:
    response = get(hub, {"q": "x"}, path=path)
    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"


def test_other_methods_are_404(hub: FakeHub) -> None:
    response = requests.post(hub.url + SEARCH, params={"q": "x"}, timeout=10)
    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"


@pytest.mark.parametrize("path", [SEARCH + "?q=x", "/elsewhere"])
def test_missing_user_agent_is_403_html(hub: FakeHub, path: str) -> None:
    status, content_type, text = get_without_user_agent(hub, path)
    assert status == 403
    assert content_type.startswith("text/html")
    assert "User-Agent" in text
    assert "Request forbidden by administrative rules" in text
    assert hub.statistics().by_status == {403: 1}


@pytest.mark.parametrize("version", ["2022-11-28", "2026-03-10"])
def test_api_versions_are_echoed(hub: FakeHub, version: str) -> None:
    response = get(hub, {"q": "x"}, headers={"X-GitHub-Api-Version": version})
    assert response.status_code == 200
    assert response.headers["x-github-api-version-selected"] == version


def test_unknown_api_version_is_400(hub: FakeHub) -> None:
    response = get(hub, {"q": "x"}, headers={"X-GitHub-Api-Version": "2021-01-01"})
    assert response.status_code == 400
    assert "2021-01-01" in response.json()["message"]


# -- authentication and the primary limit -----------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "token", "bearer"])
def test_known_token_is_authenticated(make_hub: MakeHub, scheme: str) -> None:
    hub = make_hub(tokens=frozenset({"good"}), rate_limit=(5, 60), unauthenticated_limit=2)
    response = get(hub, {"q": "x"}, headers={"Authorization": f"{scheme} good"})
    assert response.status_code == 200
    assert response.headers["x-ratelimit-limit"] == "5"


@pytest.mark.parametrize("authorization", ["Bearer bad", "Bearer ", "token", "Basic Z29vZA=="])
def test_bad_credentials_are_401(make_hub: MakeHub, authorization: str) -> None:
    hub = make_hub(tokens=frozenset({"good"}))
    response = get(hub, {"q": "x"}, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json()["message"] == "Bad credentials"
    assert response.headers["x-ratelimit-resource"] == "search"  # headers on every response
    assert hub.statistics().by_status == {401: 1}


def test_any_token_is_accepted_without_a_token_set(make_hub: MakeHub) -> None:
    hub = make_hub(rate_limit=(5, 60), unauthenticated_limit=2)
    assert get(hub, {"q": "x"}, headers={"Authorization": "Bearer whatever"}).status_code == 200
    assert get(hub, {"q": "x"}, headers={"Authorization": "Bearer "}).status_code == 401
    assert get(hub, {"q": "x"}).headers["x-ratelimit-limit"] == "2"


def test_unauthenticated_limit_message_and_headers(make_hub: MakeHub) -> None:
    hub = make_hub(rate_limit=(2, 60))
    statuses = [get(hub, {"q": "x"}).status_code for _ in range(2)]
    refused = get(hub, {"q": "x"})
    assert statuses == [200, 200]
    assert refused.status_code == 403
    assert "Retry-After" not in refused.headers
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert refused.headers["x-ratelimit-used"] == "2"
    assert refused.json()["message"] == (
        "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated "
        "requests get a higher rate limit. Check out the documentation for more details.)"
    )


def test_authenticated_limit_is_per_token_with_the_user_id(make_hub: MakeHub) -> None:
    hub = make_hub(rate_limit=(1, 60), limit_status=429)
    alice = {"Authorization": "Bearer alice"}
    assert get(hub, {"q": "x"}, headers=alice).status_code == 200
    refused = get(hub, {"q": "x"}, headers=alice)
    assert refused.status_code == 429
    assert refused.json()["message"] == (
        f"API rate limit exceeded for user ID {user_id_for_token('alice')}."
    )
    assert get(hub, {"q": "x"}, headers={"Authorization": "Bearer bob"}).status_code == 200
    assert get(hub, {"q": "x"}).status_code == 200  # the unauthenticated bucket is separate
    stats = hub.statistics()
    assert (stats.primary_limited, stats.secondary_limited, stats.limited) == (1, 0, 1)


def test_reset_is_the_window_end_and_waiting_for_it_is_enough(make_hub: MakeHub) -> None:
    hub = make_hub(rate_limit=(3, 2))
    # Windows start on a whole second: begin early in one so that the four requests below
    # share a window even on a slow machine.
    time.sleep(1.0 - time.time() % 1.0)
    first = [get(hub, {"q": "x"}) for _ in range(3)]
    refused = get(hub, {"q": "x"})
    reset = int(refused.headers["x-ratelimit-reset"])
    assert [r.status_code for r in first] == [200, 200, 200]
    assert [r.headers["x-ratelimit-remaining"] for r in first] == ["2", "1", "0"]
    assert {r.headers["x-ratelimit-reset"] for r in first} == {str(reset)}
    assert refused.status_code == 403
    while time.time() < reset:  # wait exactly until the advertised reset
        time.sleep(min(0.05, max(0.0, reset - time.time())))
    fresh = get(hub, {"q": "x"})
    assert fresh.status_code == 200
    assert fresh.headers["x-ratelimit-used"] == "1"
    assert int(fresh.headers["x-ratelimit-reset"]) >= reset + 1
    windows = hub.statistics().windows
    assert [(w.accepted, w.limited) for w in windows] == [(3, 1), (1, 0)]
    assert windows[0].reset == reset == windows[0].start + 2
    assert all(t < reset for t in hub.statistics().limited_times)


def test_rate_limit_window_in_virtual_time() -> None:
    now = [2_000.25]
    with FakeHub(FakeHubConfig(rate_limit=(2, 10)), clock=lambda: now[0]) as hub:
        assert get(hub, {"q": "x"}).headers["x-ratelimit-reset"] == "2010"
        now[0] = 2_009.9
        assert get(hub, {"q": "x"}).status_code == 200
        refused = get(hub, {"q": "x"})
        assert refused.status_code == 403
        now[0] = 2_010.0
        fresh = get(hub, {"q": "x"})
        assert (fresh.status_code, fresh.headers["x-ratelimit-reset"]) == (200, "2020")
        assert hub.statistics().limited_times == (2_009.9,)


# -- the secondary limit ----------------------------------------------------------------------


def _hold_two_in_flight(hub: FakeHub) -> tuple[list[threading.Thread], list[int]]:
    statuses: list[int] = []

    def request() -> None:
        statuses.append(get(hub, {"q": "x"}).status_code)

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while hub.statistics().in_flight < 2:
        assert time.monotonic() < deadline, "the two requests never got in flight"
        time.sleep(0.005)
    return threads, statuses


def test_secondary_limit_on_requests_in_flight(make_hub: MakeHub) -> None:
    hub = make_hub(secondary_inflight=2, latency=0.6, rate_limit=(30, 60))
    threads, statuses = _hold_two_in_flight(hub)
    try:
        refused = get(hub, {"q": "x"})
    finally:
        for thread in threads:
            thread.join(30)
    assert statuses == [200, 200]
    assert refused.status_code == 403
    assert refused.headers["Retry-After"] == "60"
    assert refused.headers["x-ratelimit-remaining"] != "0"
    assert refused.json()["message"] == SECONDARY_LIMIT_MESSAGE
    stats = hub.statistics()
    assert (stats.secondary_limited, stats.primary_limited, stats.in_flight_peak) == (1, 0, 3)
    assert stats.in_flight == 0
    assert len(stats.limited_times) == 1


def test_secondary_limit_can_omit_retry_after_and_use_429(make_hub: MakeHub) -> None:
    hub = make_hub(
        secondary_inflight=2, latency=0.6, no_retry_after_rate=1.0, limit_status=429,
        secondary_retry_after=5,
    )  # fmt: skip
    threads, _ = _hold_two_in_flight(hub)
    try:
        refused = get(hub, {"q": "x"})
    finally:
        for thread in threads:
            thread.join(30)
    assert refused.status_code == 429
    assert "Retry-After" not in refused.headers
    assert "secondary rate limit" in refused.json()["message"]


# -- faults -------------------------------------------------------------------------------------


def test_drop_is_a_connection_error(make_hub: MakeHub) -> None:
    hub = make_hub(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        get(hub, {"q": "x"})
    stats = hub.statistics()
    assert (stats.requests, stats.dropped, stats.by_status) == (1, 1, {})


def test_malformed_is_invalid_json(make_hub: MakeHub) -> None:
    hub = make_hub(malformed_rate=1.0)
    response = get(hub, {"q": "deep"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.content.startswith(b'{"total_count":')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert hub.statistics().malformed == 1


def test_errors_are_502_or_503(make_hub: MakeHub) -> None:
    hub = make_hub(error_rate=1.0, seed=3)
    responses = [get(hub, {"q": "x"}) for _ in range(12)]
    assert {r.status_code for r in responses} == {502, 503}
    for response in responses:
        body = response.json()
        if response.status_code == 502:
            assert body == {"message": "Server Error"}
        else:
            assert body["message"] == "Service Unavailable"
        assert response.headers["x-ratelimit-resource"] == "search"
    assert hub.statistics().server_errors == 12


def test_error_statuses_can_be_chosen(make_hub: MakeHub) -> None:
    hub = make_hub(error_rate=1.0, error_statuses=(504,))
    assert [get(hub, {"q": "x"}).status_code for _ in range(3)] == [504, 504, 504]


def test_incomplete_results_keep_the_count_and_drop_items(make_hub: MakeHub) -> None:
    full = get(make_hub(), {"q": "deep", "per_page": 40}).json()
    hub = make_hub(incomplete_rate=1.0)
    partial = get(hub, {"q": "deep", "per_page": 40}).json()
    assert partial["incomplete_results"] is True
    assert partial["total_count"] == full["total_count"]
    assert len(partial["items"]) < 40
    assert partial["items"] == full["items"][: len(partial["items"])]
    assert hub.statistics().incomplete == 1


def test_faults_are_repeatable_with_the_same_seed(make_hub: MakeHub) -> None:
    def run(seed: int) -> list[tuple[int, bytes]]:
        hub = make_hub(error_rate=0.3, malformed_rate=0.2, incomplete_rate=0.2, seed=seed)
        out = []
        for n in range(16):
            r = get(hub, {"q": f"deep{n % 3}", "per_page": 5})
            out.append((r.status_code, r.content))
        return out

    first, again, other = run(11), run(11), run(12)
    assert first == again
    assert first != other
    statuses = {status for status, _ in first}
    assert 200 in statuses
    assert statuses & {502, 503}


def test_latency_delays_without_blocking_other_requests(make_hub: MakeHub) -> None:
    hub = make_hub(latency=0.3)
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(get(hub, {"q": "x"}).status_code))
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [200] * 20
    assert hub.statistics().in_flight_peak >= 2  # they were served concurrently


# -- q ----------------------------------------------------------------------------------------


def test_raw_plus_is_a_space_and_qualifies(hub: FakeHub) -> None:
    body = get(hub, raw_query="q=django+language:python&per_page=50").json()
    assert body["total_count"] == total_count(parse_query("django language:python"))
    assert {item["language"] for item in body["items"]} == {"Python"}


def test_encoded_plus_is_free_text_without_a_language_filter(hub: FakeHub) -> None:
    body = get(hub, {"q": "django+language:python", "per_page": 50}).json()  # sends %2B
    assert body["total_count"] == total_count(parse_query("django+language:python"))
    assert body["total_count"] != total_count(parse_query("django language:python"))
    assert all("django+language:python" in item["description"] for item in body["items"])
    assert {item["language"] for item in body["items"]} != {"Python"}


def test_language_qualifier_is_case_insensitive(hub: FakeHub) -> None:
    upper = get(hub, {"q": "deep language:PYTHON"}).json()
    lower = get(hub, {"q": "deep language:python"}).json()
    assert upper == lower


def test_free_text_and_forks(hub: FakeHub) -> None:
    body = get(hub, {"q": "torch vision", "per_page": 100}).json()
    for item in body["items"]:
        text = " ".join([item["name"], item["description"] or "", *item["topics"]])
        assert "torch" in text
        assert "vision" in text
        assert item["fork"] is False
    only = get(hub, {"q": "deep fork:only"}).json()
    assert only["items"]
    assert all(item["fork"] for item in only["items"])


@pytest.mark.parametrize("raw_query", ["", "q=", "q=+++", "per_page=5"])
def test_missing_q_is_422(hub: FakeHub, raw_query: str) -> None:
    response = get(hub, raw_query=raw_query)
    assert response.status_code == 422
    assert response.json() == {
        "message": "Validation Failed",
        "errors": [{"resource": "Search", "field": "q", "code": "missing"}],
        "documentation_url": "https://docs.github.com/v3/search",
        "status": "422",
    }


def test_long_and_operator_heavy_queries_are_422(hub: FakeHub) -> None:
    assert get(hub, {"q": "a" * 256 + " language:python"}).status_code == 200
    too_long = get(hub, {"q": "a" * 257})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["message"] == "The search is longer than 256 characters."
    operators = get(hub, {"q": "a AND b AND c AND d AND e AND f AND g"})
    assert operators.status_code == 422
    assert operators.json()["errors"][0]["code"] == "invalid"


# -- paging -----------------------------------------------------------------------------------


def test_per_page_default_clamp_and_fallback(hub: FakeHub) -> None:
    kw = keyword(lambda total: total > 2_000)
    q = f"{kw} language:python"
    assert len(get(hub, {"q": q}).json()["items"]) == 30
    assert len(get(hub, {"q": q, "per_page": 500}).json()["items"]) == 100
    assert len(get(hub, {"q": q, "per_page": "abc"}).json()["items"]) == 30
    assert get(hub, {"q": q, "page": "0"}).json() == get(hub, {"q": q}).json()


@pytest.mark.parametrize(("per_page", "last_ok"), [(100, 10), (30, 34)])
def test_the_1000_result_cap(hub: FakeHub, per_page: int, last_ok: int) -> None:
    q = f"{keyword(lambda total: total > 2_000)} language:python"
    served = get(hub, {"q": q, "per_page": per_page, "page": last_ok})
    assert served.status_code == 200
    assert len(served.json()["items"]) == per_page
    assert served.json()["total_count"] > 2_000  # uncapped
    refused = get(hub, {"q": q, "per_page": per_page, "page": last_ok + 1})
    assert refused.status_code == 422
    assert refused.json() == {
        "message": "Only the first 1000 search results are available",
        "documentation_url": "https://docs.github.com/v3/search/",
        "status": "422",
    }


def test_pages_past_the_data_are_empty_below_the_cap(hub: FakeHub) -> None:
    kw = keyword(lambda total: 100 < total < 800)
    q = f"{kw} language:python"
    total = total_count(parse_query(q))
    last = math.ceil(total / 100)
    on_last = get(hub, {"q": q, "per_page": 100, "page": last}).json()["items"]
    assert len(on_last) == total - (last - 1) * 100
    past = get(hub, {"q": q, "per_page": 100, "page": last + 1})
    assert past.status_code == 200
    assert past.json()["items"] == []
    assert past.json()["total_count"] == total


def test_link_header_exact(hub: FakeHub) -> None:
    kw = keyword(lambda total: total > 2_000)
    base = f"{hub.url}{SEARCH}?q={kw}+language%3Apython"
    first = get(hub, {"q": f"{kw} language:python"})
    assert first.headers["Link"] == (f'<{base}&page=2>; rel="next", <{base}&page=34>; rel="last"')
    middle = get(hub, {"q": f"{kw} language:python", "per_page": 100, "page": 4})
    assert middle.headers["Link"] == (
        f'<{base}&per_page=100&page=3>; rel="prev", <{base}&per_page=100&page=5>; rel="next", '
        f'<{base}&per_page=100&page=10>; rel="last", <{base}&per_page=100&page=1>; rel="first"'
    )
    last = get(hub, {"q": f"{kw} language:python", "page": 34, "sort": "stars"})
    assert last.headers["Link"] == (
        f'<{base}&page=33&sort=stars>; rel="prev", <{base}&page=1&sort=stars>; rel="first"'
    )


def test_following_next_links_walks_every_page(hub: FakeHub) -> None:
    kw = keyword(lambda total: 130 < total < 200)
    url: str | None = f"{hub.url}{SEARCH}?q={kw}+language:python&per_page=50"
    ids: list[int] = []
    pages = 0
    while url is not None:
        response = requests.get(url, timeout=10)
        ids += [item["id"] for item in response.json()["items"]]
        url = response.links.get("next", {}).get("url")
        pages += 1
    total = total_count(parse_query(f"{kw} language:python"))
    assert pages == math.ceil(total / 50)
    assert len(ids) == len(set(ids)) == total


def test_no_link_for_one_page(hub: FakeHub) -> None:
    kw = keyword(lambda total: 0 < total <= 30)
    response = get(hub, {"q": f"{kw} language:python"})
    assert "Link" not in response.headers
    assert 0 < len(response.json()["items"]) <= 30


def test_sorting(hub: FakeHub) -> None:
    q = f"{keyword(lambda total: total > 2_000)} language:python"
    stars = [
        item["stargazers_count"]
        for page in (1, 2)
        for item in get(hub, {"q": q, "sort": "stars", "order": "desc", "page": page}).json()[
            "items"
        ]
    ]
    assert stars == sorted(stars, reverse=True)
    ascending = get(hub, {"q": q, "sort": "forks", "order": "asc"}).json()["items"]
    forks = [item["forks_count"] for item in ascending]
    assert forks == sorted(forks)
    updated = [i["updated_at"] for i in get(hub, {"q": q, "sort": "updated"}).json()["items"]]
    assert updated == sorted(updated, reverse=True)
    best = get(hub, {"q": q}).json()
    assert get(hub, {"q": q, "order": "asc"}).json() == best  # order needs sort
    assert get(hub, {"q": q, "sort": "stars"}).json() != best


def test_null_owners_can_be_forced_or_disabled(make_hub: MakeHub) -> None:
    forced = get(make_hub(null_owner_rate=1.0), {"q": "deep", "per_page": 10}).json()
    assert [item["owner"] for item in forced["items"]] == [None] * 10
    none = get(make_hub(null_owner_rate=0.0), {"q": "deep", "per_page": 100}).json()
    assert all(item["owner"] is not None for item in none["items"])


# -- determinism and statistics ---------------------------------------------------------------


def test_two_servers_answer_identically(make_hub: MakeHub) -> None:
    one, two = make_hub(seed=5), make_hub(seed=99)
    for params in ({"q": "deep"}, {"q": "ml language:python", "per_page": 100, "page": 3}):
        a, b = get(one, params), get(two, params)
        assert a.content == b.content  # data does not depend on the seed
        assert a.headers["Link"].replace(one.url, "") == b.headers["Link"].replace(two.url, "")


def test_statistics_count_what_was_served(make_hub: MakeHub) -> None:
    hub = make_hub(rate_limit=(2, 60))
    get(hub, {"q": "x"})
    get(hub, {"q": ""})
    get(hub, {"q": "x"})
    get(hub, {"q": "x"}, path="/nope")
    get_without_user_agent(hub, SEARCH + "?q=x")
    stats = hub.statistics()
    assert stats.requests == 5
    assert stats.by_status == {200: 1, 403: 2, 404: 1, 422: 1}
    assert stats.primary_limited == 1
    assert stats.bytes_sent > 0
    assert "5 requests (200: 1, 403: 2, 404: 1, 422: 1)" in stats.summary()
    hub.reset_statistics()
    cleared = hub.statistics()
    assert (cleared.requests, cleared.by_status, cleared.limited_times) == (0, {}, ())
    assert get(hub, {"q": "x"}).status_code == 403  # the window itself is not reset
