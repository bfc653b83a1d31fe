"""asyncio-processes: Compute in a process pool the loop awaits; the pool joined on every path."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from speedlab.jobs.primes import PrimeJob
from speedlab.lesson.primes import is_prime
from speedlab.models import RunEvent, RunInterrupted, StopSignal, UnitStarted, run_model
from speedlab.models._unit import INTERRUPTED
from tests.models._jobs import NapJob

NUMBERS = (97, 91, 2**31 - 1, 10**12 + 39, 561)


@pytest.mark.timeout(30)
def test_answers_come_from_worker_processes() -> None:
    result = run_model("asyncio-processes", PrimeJob(numbers=NUMBERS), concurrency=2)
    assert [r.data["prime"] for r in result.records] == [is_prime(n) for n in NUMBERS]
    assert (result.model, result.concurrency, result.interrupted) == ("asyncio-processes", 2, False)
    assert set(result.workers) <= {"task-0", "task-1"}

    pids = run_model("asyncio-processes", NapJob((("a", 0), ("b", 0))), concurrency=2)
    assert all(r.data["pid"] != os.getpid() for r in pids.records)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("model", "fast_first"), [("asyncio-processes", True), ("asyncio", False)])
def test_the_loop_stays_free_only_when_the_pool_computes(model: str, fast_first: bool) -> None:
    # Two tasks: "slow" computes for a while, "fast" starts right after it. Inline, the
    # loop is stuck in "slow" and "fast" cannot even begin before it ends; with the pool,
    # the loop serves "fast" meanwhile, and it ends first. (Order only: no clock asserted.)
    job = NapJob((("slow", 1.0), ("fast", 0.0)))
    result = run_model(model, job, concurrency=2)
    slow, fast = result.record("slow"), result.record("fast")
    assert (fast.end < slow.end) is fast_first
    assert (fast.start < slow.end) is fast_first


@pytest.mark.timeout(30)
def test_a_stop_terminates_computations_in_flight_and_joins_the_pool() -> None:
    # Ten-minute computations: the test ends only if the pool's workers are killed.
    stop = StopSignal()
    timer = threading.Timer(0.3, stop.set)  # both naps are in the pool by then

    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitStarted) and event.key == "n1":
            timer.start()

    job = NapJob(tuple((f"n{i}", 600.0) for i in range(4)))
    try:
        result = run_model("asyncio-processes", job, concurrency=2, on_event=on_event, stop=stop)
    finally:
        timer.join()
    assert result.interrupted
    assert result.done == 0
    assert [r.detail for r in result.records] == [INTERRUPTED, INTERRUPTED]
    assert set(result.not_run) == {"n2", "n3"}
    # (the autouse fixture checks that no process and no thread is left)


@pytest.mark.timeout(30)
def test_ctrl_c_in_the_loop_interrupts_and_joins_the_pool() -> None:
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))  # as Ctrl-C does

    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitStarted) and event.key == "n1":
            timer.start()

    job = NapJob(tuple((f"n{i}", 600.0) for i in range(3)))
    try:
        with pytest.raises(RunInterrupted) as caught:
            run_model("asyncio-processes", job, concurrency=2, on_event=on_event)
    finally:
        timer.join()
    assert caught.value.result.interrupted
    assert caught.value.result.done == 0
