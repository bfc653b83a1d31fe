"""One keyword's unit, driven with scripted replies in virtual time."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from speedlab._exceptions import UsageError
from speedlab.jobs.effects import HttpRequest, HttpResponse, Send, Sleep, TransportError
from speedlab.jobs.github._query import SearchConfig, Secret
from speedlab.jobs.github._ratelimit import RateGate
from speedlab.jobs.github._search import SearchResult, search_keyword
from speedlab.testing import GITHUB_API as API
from speedlab.testing import VIRTUAL_EPOCH as START
from speedlab.testing import Trace, VirtualClock, drive, error, ok, rate_headers
from tests.jobs.github.driver import TOKEN

PAGE2 = API + "/search/repositories?q=torch+language%3Apython&per_page=3&page=2"
PAGE3 = API + "/search/repositories?q=torch+language%3Apython&per_page=3&page=3"


def run(
    replies: Any,
    *,
    keyword: str = "torch",
    gate: RateGate | None = None,
    clock: VirtualClock | None = None,
    seed: int = 0,
    **options: Any,
) -> tuple[SearchResult, Trace]:
    clock = clock or VirtualClock()
    config = SearchConfig(**{"reset_margin": 1.0, **options})
    gate = gate or RateGate.local(
        assumed_limit=config.assumed_limit, reset_margin=config.reset_margin
    )
    gen = search_keyword(keyword, config, gate, clock=clock, rng=random.Random(seed))
    result, trace = drive(gen, replies, clock)
    assert gate.statistics().in_flight == 0  # every reservation was ended
    return result, trace


def test_one_page() -> None:
    result, trace = run([ok([3, 1, 2], total=100)])
    assert result == SearchResult(
        keyword="torch",
        query="torch language:python",
        ids=(3, 1, 2),
        total_count=100,
        incomplete_results=False,
        pages=1,
        status="done",
        reason="",
        attempts=1,
        retries=0,
        waited=0.0,
    )
    assert [r.url for r in trace.requests] == [
        API + "/search/repositories?q=torch+language%3Apython&per_page=30"
    ]
    assert trace.sleeps == []


def test_follows_next_links_up_to_the_pages_limit() -> None:
    replies = [ok([1, 2, 3], next_url=PAGE2), ok([4, 5, 6], next_url=PAGE3)]
    result, trace = run(replies, pages=2, per_page=3)
    assert result.ids == (1, 2, 3, 4, 5, 6)
    assert result.pages == 2
    assert trace.requests[1].url == PAGE2
    assert result.status == "done"


def test_stops_when_there_is_no_next_link() -> None:
    result, trace = run([ok([1], next_url=PAGE2), ok([2])], pages=10)
    assert (result.ids, result.pages, len(trace.requests)) == ((1, 2), 2, 2)


def test_422_past_the_cap_is_the_end_not_a_failure() -> None:
    replies = [
        ok([1], next_url=PAGE2),
        error(422, "Only the first 1000 search results are available", status="422"),
    ]
    result, _ = run(replies, pages=5)
    assert (result.status, result.ids, result.pages, result.reason) == ("done", (1,), 1, "")


def test_incomplete_results_is_kept_if_any_page_says_so() -> None:
    result, _ = run([ok([1], next_url=PAGE2, incomplete=True), ok([2])], pages=2)
    assert result.incomplete_results is True
    result, _ = run([ok([1], next_url=PAGE2), ok([2])], pages=2)
    assert result.incomplete_results is False


def test_null_owner_and_missing_id_are_skipped() -> None:
    result, _ = run([ok([7, None, 8, 7], null_owner=[2])])
    assert result.ids == (7, 7)


def test_malformed_json_is_retried_then_succeeds() -> None:
    bad = HttpResponse(200, {}, b'{"total_count": 1, "items": [', API)
    result, trace = run([bad, ok([9])])
    assert (result.status, result.ids, result.attempts, result.retries) == ("done", (9,), 2, 1)
    assert trace.sleeps[0].reason.startswith("malformed, retry 1/5 in ")


def backoff_bounds(k: int, base: float = 0.5, cap: float = 30.0) -> float:
    return min(cap, base * 2.0**k)


def test_5xx_and_transport_errors_are_retried_with_jittered_backoff() -> None:
    replies = [
        error(502, "Server Error"),
        TransportError("timeout", "read timed out"),
        TransportError("connection", "connection refused"),
        error(503, "unavailable"),
        ok([1]),
    ]
    result, trace = run(replies)
    assert (result.status, result.attempts, result.retries) == ("done", 5, 4)
    assert len(trace.sleeps) == 4
    for k, sleep in enumerate(trace.sleeps):
        assert 0 < sleep.seconds <= backoff_bounds(k)
    assert result.waited == pytest.approx(sum(s.seconds for s in trace.sleeps))
    assert trace.sleeps[0].reason.startswith("HTTP 502, retry 1/5 in ")
    assert trace.sleeps[1].reason.startswith("timeout, retry 2/5 in ")
    assert trace.sleeps[2].reason.startswith("connection, retry 3/5 in ")
    assert trace.sleeps[3].reason.endswith(f"in {trace.sleeps[3].seconds:.1f} s")


def test_backoff_is_capped_and_deterministic_for_a_seed() -> None:
    replies = [error(500, "x")] * 6 + [ok([1])]
    result, trace = run(replies, retries=6, backoff_base=1.0, backoff_cap=4.0, seed=5)
    assert result.status == "done"
    assert all(s.seconds <= 4.0 for s in trace.sleeps)
    _, trace2 = run(replies, retries=6, backoff_base=1.0, backoff_cap=4.0, seed=5)
    assert [s.seconds for s in trace.sleeps] == [s.seconds for s in trace2.sleeps]
    _, trace3 = run(replies, retries=6, backoff_base=1.0, backoff_cap=4.0, seed=6)
    assert [s.seconds for s in trace.sleeps] != [s.seconds for s in trace3.sleeps]


def test_retries_run_out_with_a_reason() -> None:
    result, trace = run([error(502, "Server Error")] * 3, retries=2)
    assert result.status == "failed"
    assert result.reason == "HTTP 502: Server Error (gave up after 2 retries)"
    assert (result.attempts, result.retries, len(trace.sleeps)) == (3, 2, 2)
    result, _ = run([TransportError("timeout", "read timed out")], retries=0)
    assert result.reason == "read timed out"  # no retries allowed: nothing to give up
    refused = TransportError("connection", "connection refused by 127.0.0.1:9")
    result, _ = run([refused] * 2, retries=1)
    assert result.reason == "connection refused by 127.0.0.1:9 (gave up after 1 retry)"


def test_a_failure_on_a_later_page_says_which_page() -> None:
    result, _ = run([ok([1], next_url=PAGE2), error(404, "Not Found")], pages=3)
    assert result.status == "failed"
    assert result.reason.startswith("page 2: not found (HTTP 404)")
    assert result.ids == (1,)


@pytest.mark.parametrize(
    ("response", "start"),
    [
        (error(401, f"Bad credentials {TOKEN}"), "bad credentials (HTTP 401)"),
        (error(404, "Not Found"), "not found (HTTP 404)"),
        (
            error(
                422,
                "Validation Failed",
                errors=[{"message": "The search is longer than 256 characters."}],
            ),
            "validation failed (HTTP 422): Validation Failed: The search is longer",
        ),
        (error(400, "bad version"), "HTTP 400: bad version"),
        (error(403, "Forbidden"), "forbidden (HTTP 403): Forbidden"),
    ],
)
def test_fatal_answers_are_not_retried_and_never_show_the_token(
    response: HttpResponse, start: str
) -> None:
    result, trace = run([response], token=Secret(TOKEN))
    assert result.status == "failed"
    assert result.reason.startswith(start)
    assert (result.attempts, result.retries, trace.sleeps) == (1, 0, [])
    assert trace.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    for text in (result.reason, repr(result), str(result), repr(trace.requests[0])):
        assert TOKEN not in text


def test_transport_messages_and_sleep_reasons_never_show_the_token() -> None:
    replies = [TransportError("protocol", f"bad header Authorization: Bearer {TOKEN}")] * 2
    result, trace = run(replies, token=Secret(TOKEN), retries=1)
    assert TOKEN not in result.reason
    assert "********" in result.reason
    assert all(TOKEN not in s.reason for s in trace.sleeps)


# --- rate limits ------------------------------------------------------------------------


def test_primary_limit_waits_until_reset_plus_margin() -> None:
    clock = VirtualClock()
    reset = int(START) + 40
    limited = error(
        403, "API rate limit exceeded for user ID 1.", headers=rate_headers(0, reset, limit=10)
    )
    result, trace = run(
        [limited, ok([1], headers=rate_headers(9, reset + 60))], clock=clock, reset_margin=0.05
    )
    assert result.status == "done"
    assert [s.seconds for s in trace.sleeps] == [pytest.approx(40.05)]
    assert trace.sleeps[0].reason == "rate limited, resuming in 40 s"
    second_send_time = [t for t, e in trace.effects if isinstance(e, Send)][1]
    assert second_send_time == pytest.approx(reset + 0.05)
    assert (result.attempts, result.retries) == (2, 1)


def test_retry_after_is_honoured() -> None:
    limited = error(403, "You have exceeded a secondary rate limit.", headers={"retry-after": "17"})
    result, trace = run([limited, ok([1])])
    assert [s.seconds for s in trace.sleeps] == [pytest.approx(17.0)]
    assert result.status == "done"


def test_without_headers_a_limit_waits_60_s() -> None:
    result, trace = run([error(429, "Too Many Requests"), ok([1])])
    assert [s.seconds for s in trace.sleeps] == [pytest.approx(60.0)]
    assert result.status == "done"


def test_repeated_limits_back_off_exponentially() -> None:
    limited = error(403, "You have exceeded a secondary rate limit.", headers={"retry-after": "10"})
    result, trace = run([limited] * 4 + [ok([1])])
    waits = [s.seconds for s in trace.sleeps]
    assert waits[0] == pytest.approx(10)
    for k in (1, 2, 3):
        assert 10 * 2**k <= waits[k] <= 10 * 2**k * 1.25
    assert result.status == "done"
    assert result.retries == 4


def test_max_wait_exceeded_fails_with_a_clear_reason() -> None:
    limited = error(
        403, "You have exceeded a secondary rate limit.", headers={"retry-after": "3600"}
    )
    result, trace = run([limited], max_wait=900)
    assert result.status == "failed"
    assert result.reason.startswith(
        "rate limited: would wait 3600 s, more than --max-wait 900 s (last: HTTP 403"
    )
    assert trace.sleeps == []


def test_max_wait_counts_every_wait_of_the_unit() -> None:
    limited = error(403, "secondary rate limit", headers={"retry-after": "40"})
    result, trace = run([limited, limited], max_wait=100)
    # 40 s, then 80 s+ (doubled): the second would pass 100 s in total.
    assert [s.seconds for s in trace.sleeps] == [pytest.approx(40)]
    assert result.status == "failed"
    assert re.match(
        r"rate limited: would wait (8\d|9\d|100) s more after 40 s, more than "
        r"--max-wait 100 s \(last: HTTP 403 ",
        result.reason,
    ), result.reason


def test_a_limit_pauses_other_units_of_the_run() -> None:
    clock = VirtualClock()
    config = SearchConfig(reset_margin=1.0)
    gate = RateGate.local(assumed_limit=10)
    first = search_keyword("a", config, gate, clock=clock, rng=random.Random(0))
    second = search_keyword("b", config, gate, clock=clock, rng=random.Random(1))
    assert isinstance(next(first), Send)
    limited = error(403, "secondary rate limit", headers={"retry-after": "30"})
    effect = first.send(limited)
    assert isinstance(effect, Sleep)
    assert effect.seconds == pytest.approx(30)
    # b has not sent anything yet, and must wait too.
    effect_b = next(second)
    assert isinstance(effect_b, Sleep)
    assert effect_b.seconds == pytest.approx(30)
    assert effect_b.reason == "rate limited, resuming in 30 s"
    first.close()
    second.close()
    assert gate.statistics().in_flight == 0


def test_closing_a_unit_while_in_flight_ends_its_reservation() -> None:
    gate = RateGate.local(assumed_limit=10)
    gen = search_keyword("a", SearchConfig(), gate, clock=VirtualClock(), rng=random.Random(0))
    assert isinstance(next(gen), Send)
    assert gate.statistics().in_flight == 1
    gen.close()
    assert gate.statistics().in_flight == 0


def test_a_wrong_reply_type_is_a_type_error() -> None:
    gate = RateGate.local()
    gen = search_keyword("a", SearchConfig(), gate, clock=VirtualClock(), rng=random.Random(0))
    next(gen)
    with pytest.raises(TypeError, match="HttpResponse or TransportError"):
        gen.send(None)
    assert gate.statistics().in_flight == 0


def test_an_empty_keyword_is_a_usage_error() -> None:
    gen = search_keyword(" ", SearchConfig(), RateGate.local(), rng=random.Random(0))
    with pytest.raises(UsageError):
        next(gen)


# --- redirects --------------------------------------------------------------------------


def redirect(
    status: int, location: str, url: str = API + "/search/repositories?q=x"
) -> HttpResponse:
    return HttpResponse(status, {"location": location}, b"", url)


def test_redirect_to_another_origin_drops_authorization() -> None:
    other = "https://mirror.example.com/search/repositories?q=torch"
    replies = [redirect(301, other), ok([1], url=other)]
    result, trace = run(replies, token=Secret(TOKEN))
    assert result.status == "done"
    assert trace.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert trace.requests[1].url == other
    assert "Authorization" not in trace.requests[1].headers
    assert trace.requests[1].headers["User-Agent"] == trace.requests[0].headers["User-Agent"]


def test_redirect_within_the_origin_keeps_authorization() -> None:
    replies = [redirect(307, "/search/repositories?q=torch&moved=1"), ok([1])]
    result, trace = run(replies, token=Secret(TOKEN))
    assert result.status == "done"
    assert trace.requests[1].url == API + "/search/repositories?q=torch&moved=1"
    assert trace.requests[1].headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_redirect_loop_fails_after_five() -> None:
    replies = [redirect(302, "/search/repositories?q=loop")] * 6
    result, trace = run(replies)
    assert result.status == "failed"
    assert result.reason.startswith("too many redirects (more than 5)")
    assert len(trace.requests) == 6


def test_five_redirects_are_followed() -> None:
    replies: list[Any] = [redirect(302, f"/hop{i}") for i in range(5)] + [ok([4])]
    result, _ = run(replies)
    assert (result.status, result.ids, result.attempts) == ("done", (4,), 6)


def test_redirect_to_a_non_http_scheme_is_refused() -> None:
    result, _ = run([redirect(302, "file:///etc/passwd")])
    assert result.status == "failed"
    assert result.reason.startswith("refused to follow a redirect")


def test_next_link_to_another_origin_gets_no_token() -> None:
    elsewhere = "https://elsewhere.example/search/repositories?page=2"
    result, trace = run(
        [ok([1], next_url=elsewhere), ok([2], url=elsewhere)], pages=2, token=Secret(TOKEN)
    )
    assert result.ids == (1, 2)
    assert "Authorization" not in trace.requests[1].headers


def test_requests_are_built_by_the_query_module() -> None:
    _, trace = run([ok([1])], per_page=100, token=Secret(TOKEN))
    request = trace.requests[0]
    assert isinstance(request, HttpRequest)
    assert request.url.endswith("per_page=100")
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"


def test_backoff_with_zero_base_retries_without_sleeping() -> None:
    result, trace = run([error(500, "x"), error(500, "x"), ok([1])], backoff_base=0.0)
    assert (result.status, result.attempts, result.retries) == ("done", 3, 2)
    assert trace.sleeps == []


def test_an_unusable_location_fails_the_keyword_and_ends_its_reservation() -> None:
    # urljoin raises on "http://[::1": once a leaked reservation hung the whole run.
    result, trace = run([redirect(302, "http://[::1")])
    assert result.status == "failed"
    assert result.reason == "HTTP 302 to an unusable http://[::1"
    assert len(trace.requests) == 1


def test_an_unusable_next_link_is_a_malformed_page_retried_then_failed() -> None:
    result, trace = run(lambda request: ok([1, 2], next_url="http://[::1/x"), pages=2)
    assert result.status == "failed"
    assert "an unusable next page link http://[::1/x" in result.reason
    assert len(trace.requests) > 1  # retried like any malformed answer


@pytest.mark.parametrize("sent", [True, False])
def test_a_request_that_never_reached_the_server_spends_no_slot_of_the_limit(sent: bool) -> None:
    # Offline (no DNS, refused): counting such tries against 10 a minute once made a run
    # wait out "rate limits" no server had announced.
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    failure = TransportError("connection", "cannot connect", sent=sent)
    result, _ = run([failure, failure, ok([1], headers=rate_headers(9, START + 60))], gate=gate)
    assert result.status == "done"
    assert gate.statistics().remaining == (9 - 2 if sent else 9)
