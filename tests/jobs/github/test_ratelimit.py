"""The shared rate gate: pacing from headers, one pause for all, local and process storage."""

from __future__ import annotations

import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor

import pytest

from speedlab.jobs.github._query import SearchConfig
from speedlab.jobs.github._ratelimit import DEFAULT_POLL, RateGate, limited_wait
from speedlab.jobs.github._response import RateLimitInfo
from speedlab.jobs.github._search import search_keyword
from speedlab.models._sharing import ProcessMemory
from speedlab.testing import VIRTUAL_EPOCH as START
from speedlab.testing import SearchServer, SimulationLog, VirtualClock, rate_headers, simulate
from tests.jobs.github import driver

T = START
RESET = int(T) + 60


def grants(gate: RateGate, now: float, tries: int) -> int:
    return sum(1 for _ in range(tries) if gate.reserve(now) == 0.0)


def test_before_any_response_the_documented_limit_is_assumed() -> None:
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    assert grants(gate, T, 25) == 10
    stats = gate.statistics()
    assert (stats.reserved, stats.in_flight, stats.remaining, stats.limit) == (10, 10, 0, None)
    # Requests are in flight and will tell the real window: poll briefly, do not wait 60 s.
    assert gate.reserve(T + 1) == pytest.approx(DEFAULT_POLL)


def test_with_nothing_in_flight_an_exhausted_guess_waits_for_its_end() -> None:
    gate = RateGate.local(assumed_limit=2, reset_margin=1.0)
    assert grants(gate, T, 2) == 2
    gate.release()
    gate.release()  # both timed out: no headers ever came
    assert gate.reserve(T + 10) == pytest.approx(60 + 1 - 10)
    assert gate.reserve(T + 61) == 0.0  # a new guessed window


def test_observe_adopts_the_window_and_subtracts_requests_in_flight() -> None:
    gate = RateGate.local(assumed_limit=30, reset_margin=1.0)
    assert grants(gate, T, 3) == 3
    gate.observe(T + 0.5, rate_headers(remaining=9, reset=RESET, limit=10))
    # 9 left on the server, 2 of ours still in flight that it may not have counted yet.
    stats = gate.statistics()
    assert (stats.limit, stats.remaining, stats.in_flight, stats.reset) == (10, 7, 2, RESET)
    assert grants(gate, T + 1, 10) == 7
    assert gate.reserve(T + 2) == pytest.approx(RESET + 1.0 - (T + 2))


def test_the_minimum_is_kept_within_a_window_and_answers_give_counted_slots_back() -> None:
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    grants(gate, T, 3)
    gate.observe(T + 1, rate_headers(5, RESET))  # someone else used the token too
    assert gate.statistics().remaining == 5 - 2  # two of ours may still be uncounted
    # An answer counted earlier (remaining 9 > 5): the floor stays 5, and that request was
    # inside the 5 already, so its slot comes back.
    gate.observe(T + 1, rate_headers(9, RESET))
    assert gate.statistics().remaining == 5 - 1
    gate.observe(T + 1, rate_headers(9, RESET - 60))  # counted in a previous window
    assert gate.statistics().remaining == 5
    assert gate.statistics().in_flight == 0
    gate.observe(T + 2, rate_headers(4, RESET))  # a lower floor wins
    assert gate.statistics().remaining == 4


def test_lost_requests_are_assumed_counted() -> None:
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    grants(gate, T, 4)
    gate.observe(T + 1, rate_headers(9, RESET))  # floor 9, three in flight
    gate.release()  # a timeout: maybe counted
    gate.observe(T + 2, {"content-type": "text/html"})  # no rate headers: maybe counted
    stats = gate.statistics()
    assert (stats.in_flight, stats.remaining) == (1, 9 - 1 - 2)


def test_a_later_reset_starts_a_new_window() -> None:
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    grants(gate, T, 10)
    gate.observe(T + 1, rate_headers(0, RESET))
    assert gate.reserve(T + 30) == pytest.approx(RESET + 1 - (T + 30))
    # Past reset + margin: a fresh window of the known limit, minus what is still in flight.
    assert grants(gate, RESET + 1, 20) == 10 - 9
    gate.observe(RESET + 2, rate_headers(9, RESET + 62))
    assert gate.statistics().reset == RESET + 62
    assert gate.statistics().remaining == 9 - 9  # nine still in flight


def test_pause_until_has_max_semantics_and_stops_everyone() -> None:
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    gate.pause_until(T + 30)
    gate.pause_until(T + 10)  # never shortens
    assert gate.paused_until() == T + 30
    assert gate.reserve(T) == pytest.approx(30)
    assert gate.reserve(T + 29) == pytest.approx(1)
    assert gate.reserve(T + 30) == 0.0
    assert gate.statistics().pauses == 1


def test_release_never_goes_below_zero() -> None:
    gate = RateGate.local()
    gate.release()
    assert gate.statistics().in_flight == 0


def test_headers_without_rate_limit_end_the_reservation_as_counted() -> None:
    gate = RateGate.local(assumed_limit=3)
    grants(gate, T, 1)
    gate.observe(T + 1, {"content-type": "application/json"})
    stats = gate.statistics()
    assert (stats.in_flight, stats.observed, stats.remaining) == (0, 1, 2)


# --- the wait decision for a limited response (reference §3.2) ---------------------------


def test_limited_wait_order() -> None:
    rng = random.Random(1)
    both = RateLimitInfo(remaining=0, reset=RESET, retry_after=7.0)
    assert limited_wait(both, T, repeat=0, reset_margin=1.0, rng=rng) == 7.0
    primary = RateLimitInfo(remaining=0, reset=RESET)
    assert limited_wait(primary, T + 20, repeat=0, reset_margin=1.0, rng=rng) == 41.0
    assert limited_wait(RateLimitInfo(), T, repeat=0, reset_margin=1.0, rng=rng) == 60.0
    assert (
        limited_wait(
            RateLimitInfo(remaining=3, reset=RESET), T, repeat=0, reset_margin=1.0, rng=rng
        )
        == 60.0
    )
    # A reset already past (clock skew) or Retry-After 0 never means "retry at once".
    assert limited_wait(primary, RESET + 50.0, repeat=0, reset_margin=1.0, rng=rng) == 1.0
    assert (
        limited_wait(RateLimitInfo(retry_after=0.0), T, repeat=0, reset_margin=1.0, rng=rng) == 1.0
    )


def test_limited_wait_doubles_with_bounded_jitter_on_repeats() -> None:
    rng = random.Random(3)
    info = RateLimitInfo(retry_after=10.0)
    for repeat in range(1, 6):
        low = 10.0 * 2**repeat
        waits = [limited_wait(info, T, repeat=repeat, reset_margin=1.0, rng=rng) for _ in range(50)]
        assert all(low <= wait <= low * 1.25 for wait in waits)
        assert len(set(waits)) > 1  # jittered


# --- many workers in virtual time against a model of the server ---------------------------


def run_keywords(
    server: SearchServer,
    *,
    keywords: int,
    concurrency: int,
    pages: int,
    seed: int,
    token: bool = False,
) -> tuple[SimulationLog, RateGate]:
    clock = VirtualClock()
    config = SearchConfig(
        pages=pages,
        reset_margin=1.0,
        token="t" if token else None,  # type: ignore[arg-type]
        max_wait=10_000,
        retries=10,
    )
    gate = RateGate.local(assumed_limit=config.assumed_limit, reset_margin=1.0)
    units = {
        f"kw{i}": (
            lambda key=f"kw{i}": search_keyword(
                key, config, gate, clock=clock, rng=random.Random(key)
            )
        )
        for i in range(keywords)
    }
    log = simulate(units, server, clock, concurrency=concurrency, rng=random.Random(seed))
    return log, gate


@pytest.mark.parametrize("seed", range(4))
def test_many_workers_never_exceed_the_limit(seed: int) -> None:
    server = SearchServer(limit=10, window=60, pages=2)
    log, gate = run_keywords(server, keywords=30, concurrency=8, pages=2, seed=seed)
    assert all(result.status == "done" for result in log.results.values())
    assert all(result.pages == 2 and len(result.ids) == 6 for result in log.results.values())
    assert server.limited == []  # not one 403: the pacing held
    per_window: dict[int, int] = {}
    for _, reset in server.served:
        per_window[reset] = per_window.get(reset, 0) + 1
    assert max(per_window.values()) <= 10
    # 60 requests at 10 per window: not slower than one window per 10 requests, plus slack.
    assert log.end - START < (60 / 10 + 1) * 62
    assert gate.statistics().in_flight == 0


@pytest.mark.parametrize("seed", range(4))
def test_faults_never_make_the_pacing_overshoot(seed: int) -> None:
    # Counted requests that come back as drops or 502s (with or without headers) are assumed
    # counted: the limit still holds in every window.
    server = SearchServer(limit=10, window=60, pages=2, fault_rate=0.3, faults=random.Random(seed))
    log, gate = run_keywords(server, keywords=20, concurrency=8, pages=2, seed=seed)
    assert all(result.status == "done" for result in log.results.values())
    assert server.limited == []
    assert sum(r.retries for r in log.results.values()) > 0  # the faults did happen
    assert gate.statistics().in_flight == 0


@pytest.mark.parametrize("seed", range(3))
def test_a_wrong_assumption_is_only_tolerated_in_the_first_window(seed: int) -> None:
    # We assume 10 (no token), the server allows 4: the first burst may be limited, never later.
    server = SearchServer(limit=4, window=60, pages=1)
    log, _ = run_keywords(server, keywords=16, concurrency=8, pages=1, seed=seed)
    assert all(result.status == "done" for result in log.results.values())
    first_window_end = server.served[0][1]
    assert server.limited, "the scenario should provoke limits in the first window"
    assert all(when < first_window_end for when in server.limited)


def test_one_limited_response_pauses_every_worker() -> None:
    server = SearchServer(limit=30, window=60, pages=3, secondary_at={5}, secondary_retry_after=20)
    log, gate = run_keywords(server, keywords=12, concurrency=6, pages=3, seed=7, token=True)
    assert all(result.status == "done" for result in log.results.values())
    pause_end = gate.paused_until()
    assert pause_end > START
    pause_start = pause_end - 20
    # Nobody sent anything while the pause lasted (the limited answer arrived at pause_start).
    assert not [t for t in log.sends if pause_start < t < pause_end - 1e-9]
    # and several workers waited for it, each saying why.
    waiting = [
        s
        for t, s in log.sleeps
        if pause_start <= t < pause_end and s.reason.startswith("rate limited, resuming in")
    ]
    assert len(waiting) >= 3


# --- process storage: real processes share one gate ---------------------------------------


def test_shared_gate_across_real_processes() -> None:
    ctx = multiprocessing.get_context("spawn")
    gate = RateGate.in_memory(ProcessMemory(ctx), assumed_limit=12, reset_margin=1.0)
    with ProcessPoolExecutor(
        max_workers=2, mp_context=ctx, initializer=driver.install_gate, initargs=(gate,)
    ) as pool:
        granted = [
            f.result(timeout=30) for f in [pool.submit(driver.take_slots, 10, T) for _ in range(2)]
        ]
        assert sum(granted) == 12  # one budget for both processes
        stats = gate.statistics()  # the parent sees the children's writes
        assert (stats.reserved, stats.in_flight, stats.remaining) == (12, 12, 0)
        pool.submit(driver.observe_many, 12, T + 1, 0, RESET).result(timeout=30)
        assert gate.statistics().in_flight == 0
        assert gate.statistics().reset == RESET
        wait = pool.submit(driver.wait_for_slot, T + 2).result(timeout=30)
        assert wait == pytest.approx(RESET + 1 - (T + 2))
        gate.pause_until(RESET + 100)
        wait = pool.submit(driver.wait_for_slot, RESET + 50).result(timeout=30)
        assert wait == pytest.approx(50)


def test_local_and_shared_gates_agree_step_by_step() -> None:
    shared = RateGate.in_memory(
        ProcessMemory(multiprocessing.get_context("spawn")), assumed_limit=5
    )
    local = RateGate.local(assumed_limit=5)
    steps: list[tuple[str, float]] = [("reserve", T)] * 7 + [("observe", T + 1)] * 3
    steps += [("pause", T + 20), ("reserve", T + 5), ("reserve", RESET + 2)]
    for action, now in steps:
        if action == "reserve":
            assert local.reserve(now) == shared.reserve(now)
        elif action == "observe":
            local.observe(now, rate_headers(2, RESET))
            shared.observe(now, rate_headers(2, RESET))
        else:
            local.pause_until(now)
            shared.pause_until(now)
        assert local.statistics() == shared.statistics()


def test_a_short_server_window_is_learnt_for_later_guesses() -> None:
    gate = RateGate.local(assumed_limit=2, reset_margin=0.05)
    grants(gate, T, 1)
    gate.observe(T + 0.1, rate_headers(1, int(T) + 3, limit=2))  # a 3 s window (a simulator)
    assert grants(gate, T + 4, 5) == 2  # rolled over: a new window, its end guessed
    gate.release()
    gate.release()  # both lost: no response will tell the real reset
    # The guess uses the 3 s seen, not GitHub's 60 s.
    assert gate.reserve(T + 4.5) == pytest.approx(3 + 0.05 - 0.5)


def test_shared_gate_holds_under_contention_between_processes() -> None:
    ctx = multiprocessing.get_context("spawn")
    gate = RateGate.in_memory(ProcessMemory(ctx), assumed_limit=60_000)
    go = ctx.Event()
    results = ctx.Queue()
    workers = [
        ctx.Process(target=driver.contend, args=(gate, go, 40_000, T, results)) for _ in range(2)
    ]
    try:
        for worker in workers:
            worker.start()
        go.set()
        granted = [results.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
            assert worker.exitcode == 0
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join(timeout=5)
        results.close()
        results.join_thread()
    assert sum(granted) == 60_000  # exactly the budget: no lost update between processes
    stats = gate.statistics()
    assert (stats.reserved, stats.observed, stats.in_flight) == (60_000, 60_000, 0)


def test_headers_of_another_resource_are_not_the_search_limit() -> None:
    gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
    grants(gate, T, 1)
    core = {**rate_headers(4999, int(T) + 3600, limit=5000), "x-ratelimit-resource": "core"}
    gate.observe(T + 1, core)
    stats = gate.statistics()
    assert (stats.limit, stats.reset, stats.remaining, stats.in_flight) == (None, None, 9, 0)
