"""speedlab.testing: virtual time, scripted drives, the simulated search API."""

from __future__ import annotations

import random
from collections.abc import Generator
from typing import Any

import pytest

from speedlab.jobs.effects import Compute, HttpRequest, HttpResponse, Send, Sleep
from speedlab.jobs.github._query import SearchConfig, build_search_request
from speedlab.testing import (
    VIRTUAL_EPOCH,
    SearchServer,
    VirtualClock,
    drive,
    ok,
    simulate,
)


def test_the_clock_moves_only_forward_and_only_when_told() -> None:
    clock = VirtualClock()
    assert clock() == VIRTUAL_EPOCH
    clock.advance(3600)
    assert clock() == VIRTUAL_EPOCH + 3600
    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance(-1)


def _unit(url: str) -> Generator[Any, Any, str]:
    reply = yield Send(HttpRequest("GET", url, {}, 5))
    assert isinstance(reply, HttpResponse)
    yield Sleep(90, "waiting")
    square = yield Compute(pow, 7, 2)
    return f"{reply.status} {square.value}"


def test_drive_answers_every_effect_in_virtual_time() -> None:
    clock = VirtualClock()
    value, trace = drive(_unit("http://x/1"), [ok([1])], clock, latency=0.5)
    assert value == "200 49"
    assert [r.url for r in trace.requests] == ["http://x/1"]
    assert trace.slept == 90
    assert clock() == VIRTUAL_EPOCH + 90.5
    times = [when for when, _ in trace.effects]
    assert times == [VIRTUAL_EPOCH, VIRTUAL_EPOCH + 0.5, VIRTUAL_EPOCH + 90.5]


def test_drive_refuses_a_script_that_does_not_fit() -> None:
    with pytest.raises(AssertionError, match="more requests than scripted"):
        drive(_unit("http://x/1"), [], VirtualClock())
    with pytest.raises(AssertionError, match="1 scripted replies were not used"):
        drive(_unit("http://x/1"), [ok([1]), ok([2])], VirtualClock())


def test_the_search_server_counts_a_fixed_window_like_fakehub() -> None:
    server = SearchServer(limit=2, window=60, pages=1)
    request = build_search_request("torch", SearchConfig())
    start = VIRTUAL_EPOCH + 0.7
    statuses = [server.handle(request, start + i) for i in range(3)]
    assert [getattr(r, "status", None) for r in statuses] == [200, 200, 403]
    assert server.limited == [start + 2]
    # The window opened on a whole second and ends at the reset the headers report.
    reset = int(VIRTUAL_EPOCH) + 60
    assert server.served == [(start, reset), (start + 1, reset)]
    third = statuses[2]
    assert isinstance(third, HttpResponse)
    assert third.headers["x-ratelimit-remaining"] == "0"
    assert third.headers["x-ratelimit-reset"] == str(reset)
    assert isinstance(server.handle(request, reset + 0.1), HttpResponse)
    assert len(server.served) == 3


def test_a_secondary_limit_is_refused_without_counting() -> None:
    server = SearchServer(limit=5, secondary_at={1}, secondary_retry_after=7)
    request = build_search_request("torch", SearchConfig())
    first = server.handle(request, VIRTUAL_EPOCH)
    assert isinstance(first, HttpResponse)
    assert (first.status, first.headers["retry-after"]) == (403, "7")
    assert first.headers["x-ratelimit-remaining"] == "5"
    assert server.served == []


def test_simulate_overlaps_units_on_workers() -> None:
    def sleeper(seconds: float) -> Generator[Any, Any, float]:
        yield Sleep(seconds)
        return seconds

    units = {f"u{i}": (lambda i=i: sleeper(10.0 + i)) for i in range(4)}
    clock = VirtualClock()
    log = simulate(units, SearchServer(), clock, concurrency=2, rng=random.Random(0))
    assert log.results == {"u0": 10.0, "u1": 11.0, "u2": 12.0, "u3": 13.0}
    # Two workers: u0 then u2 on one, u1 then u3 on the other.
    assert log.end == VIRTUAL_EPOCH + 24.0
    assert [when for when, _ in log.sleeps] == [
        VIRTUAL_EPOCH,
        VIRTUAL_EPOCH,
        VIRTUAL_EPOCH + 10,
        VIRTUAL_EPOCH + 11,
    ]
