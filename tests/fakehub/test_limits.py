"""The primary (fixed-window) and secondary (in-flight) limits, in virtual time."""

from __future__ import annotations

import math
import random

import pytest

from speedlab.fakehub import InFlight, PrimaryLimiter, RateDecision, WindowRecord


class Clock:
    """Virtual epoch seconds."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_window_starts_at_the_first_request_rounded_down() -> None:
    clock = Clock(1_000.7)
    limiter = PrimaryLimiter(window=60, clock=clock)
    first = limiter.acquire("a", 3)
    assert first == RateDecision(True, 3, 2, 1, 1_060)
    clock.now = 1_059.99
    assert limiter.acquire("a", 3) == RateDecision(True, 3, 1, 2, 1_060)


def test_over_the_limit_until_reset_then_a_new_window() -> None:
    clock = Clock(500.2)
    limiter = PrimaryLimiter(window=2, clock=clock)
    assert [limiter.acquire("a", 2).allowed for _ in range(4)] == [True, True, False, False]
    refused = limiter.acquire("a", 2)
    assert (refused.remaining, refused.used, refused.reset) == (0, 2, 502)
    clock.now = 501.999
    assert not limiter.acquire("a", 2).allowed
    clock.now = 502.0  # exactly the advertised reset
    fresh = limiter.acquire("a", 2)
    assert fresh == RateDecision(True, 2, 1, 1, 504)


def test_a_late_request_opens_a_window_at_its_own_second() -> None:
    clock = Clock(100.0)
    limiter = PrimaryLimiter(window=10, clock=clock)
    limiter.acquire("a", 5)
    clock.now = 137.4
    assert limiter.acquire("a", 5).reset == 147


def test_buckets_are_independent() -> None:
    limiter = PrimaryLimiter(window=60, clock=Clock(0.5))
    assert limiter.acquire("a", 1).allowed
    assert not limiter.acquire("a", 1).allowed
    assert limiter.acquire("b", 1).allowed


def test_peek_does_not_count() -> None:
    clock = Clock(10.5)
    limiter = PrimaryLimiter(window=60, clock=clock)
    assert limiter.peek("a", 5) == RateDecision(True, 5, 5, 0, 70)
    limiter.acquire("a", 5)
    assert limiter.peek("a", 5) == RateDecision(True, 5, 4, 1, 70)
    assert limiter.peek("a", 5) == RateDecision(True, 5, 4, 1, 70)


def test_headers() -> None:
    assert RateDecision(False, 10, 0, 10, 1_727_805_789).headers() == {
        "x-ratelimit-limit": "10",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "1727805789",
        "x-ratelimit-used": "10",
        "x-ratelimit-resource": "search",
    }


def test_window_records() -> None:
    clock = Clock(0.0)
    limiter = PrimaryLimiter(window=2, clock=clock)
    for _ in range(3):
        limiter.acquire("a", 2)
    clock.now = 2.5
    limiter.acquire("a", 2)
    assert limiter.windows() == (WindowRecord("a", 0, 2, 2, 1), WindowRecord("a", 2, 4, 1, 0))
    limiter.reset()
    assert limiter.windows() == ()


@pytest.mark.parametrize("window", [0, -1, 1.5])
def test_window_must_be_whole_seconds(window: float) -> None:
    with pytest.raises(ValueError, match="window"):
        PrimaryLimiter(window=window, clock=Clock(0.0))  # type: ignore[arg-type]


@pytest.mark.parametrize("start", [1_000.0, 1_000.3, 1_000.999])
def test_a_client_that_waits_for_reset_is_never_limited_and_near_the_bound(start: float) -> None:
    """10 requests per 2 s windows: waiting until ``reset`` suffices, and costs no throughput."""
    clock = Clock(start)
    limiter = PrimaryLimiter(window=2, clock=clock)
    rng = random.Random(1)
    requests = 95
    for _ in range(requests):
        decision = limiter.acquire("me", 10)
        assert decision.allowed
        clock.now += rng.uniform(0.0, 0.02)  # the response time
        if decision.remaining == 0:
            clock.now = max(clock.now, decision.reset)  # wait until the advertised reset
    records = limiter.windows()
    assert [r.limited for r in records] == [0] * 10
    assert [r.accepted for r in records] == [10] * 9 + [5]
    # The bound: 95 requests need 9 full windows before the 10th opens -> 18 s after the first
    # window's start; the client finished within 1.2x of it.
    elapsed = clock.now - start
    bound = (math.ceil(requests / 10) - 1) * 2
    assert elapsed <= 1.2 * bound


def test_in_flight_cap_per_bucket() -> None:
    flight = InFlight(limit=2)
    assert [flight.enter("a"), flight.enter("a"), flight.enter("a")] == [True, True, False]
    assert flight.enter("b")
    assert (flight.current, flight.peak) == (4, 4)
    flight.leave("a")
    flight.leave("a")
    assert flight.enter("a")  # 2 of "a" in flight again: the one refused still counts
    flight.leave("a")
    flight.leave("a")
    flight.leave("b")
    assert flight.current == 0
    flight.reset_peak()
    assert flight.peak == 0


def test_in_flight_without_a_cap_only_counts() -> None:
    flight = InFlight()
    assert all(flight.enter("a") for _ in range(500))
    assert flight.peak == 500


def test_resource_and_headers_of_another_resource() -> None:
    decision = RateDecision(True, 60, 59, 1, 3_700)
    assert decision.headers("core")["x-ratelimit-resource"] == "core"
    assert decision.resource("core") == {
        "limit": 60, "used": 1, "remaining": 59, "reset": 3_700, "resource": "core",
    }  # fmt: skip


def test_open_windows_stay_bounded_however_many_identities_come_and_go() -> None:
    """Any token is accepted by default: a client inventing tokens must not grow memory forever."""
    clock = Clock(0.0)
    limiter = PrimaryLimiter(window=60, clock=clock)
    peak = 0
    for minute in range(20):
        clock.now = minute * 60.0
        for n in range(1_000):
            limiter.acquire(f"user:{minute}-{n}", 30)
        peak = max(peak, limiter.open_windows)
    # Only the identities of about two minutes are ever open at once (the sweep runs when the
    # open windows double), not the 20,000 seen.
    assert peak <= 4 * 1_000
    assert len(limiter.windows()) <= 10_000 + limiter.open_windows  # the bounded history


def test_the_limiters_on_their_own_in_virtual_time() -> None:
    """What a virtual-time simulator does: GitHub's limits without a server or a loop."""
    now = [1_000.5]
    search = PrimaryLimiter(window=60, clock=lambda: now[0])
    flight = InFlight(limit=1)
    sent: list[tuple[float, bool]] = []
    while now[0] < 1_200:
        assert flight.enter("user:1")
        decision = search.acquire("user:1", 30)
        flight.leave("user:1")
        sent.append((now[0], decision.allowed))
        now[0] = decision.reset if decision.remaining == 0 else now[0] + 0.5
    allowed = [t for t, ok in sent if ok]
    assert len(allowed) == len(sent)  # waiting for reset: never refused
    assert [t for t in allowed if 1_000 <= t < 1_060] == allowed[:30]
    assert {search.windows()[i].accepted for i in range(3)} == {30}
