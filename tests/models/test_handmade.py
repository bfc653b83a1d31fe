"""The handmade model's own parts: stops from other threads, Ctrl-C in select, Compute, the CLI.

The contract every model keeps (records, faults, limits, stops, Ctrl-C from task code) is in
test_models.py, test_github_models.py and test_await.py, which run ``handmade`` through the
registry; here is what only this model has: the kernel's doorbell, its worker threads, and a
real ``speedlab github --model handmade`` process stopped by SIGINT.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.jobs.primes import PrimeJob
from speedlab.jobs.sleep import SleepJob
from speedlab.models import RunEvent, RunInterrupted, StopSignal, UnitWaiting, run_model
from speedlab.models._unit import INTERRUPTED
from tests.models._jobs import CallJob


def _waiting_seen() -> tuple[threading.Event, object]:
    seen = threading.Event()

    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitWaiting):
            seen.set()

    return seen, on_event


@pytest.mark.timeout(30)
def test_a_stop_set_by_another_thread_wakes_the_kernel_out_of_select() -> None:
    # Units sleep ten minutes: the kernel blocks in select with nothing to do. Only the
    # doorbell rung by StopSignal's subscriber can end the run before the test's timeout.
    stop = StopSignal()
    seen, on_event = _waiting_seen()
    setter = threading.Thread(target=lambda: seen.wait(20) and stop.set(), name="test-stop")
    setter.start()
    try:
        result = run_model(
            "handmade", SleepJob(count=6, seconds=600), concurrency=3, on_event=on_event, stop=stop
        )
    finally:
        setter.join()
    assert result.interrupted
    assert [r.detail for r in result.records] == [INTERRUPTED] * 3
    assert len(result.not_run) == 3


@pytest.mark.timeout(30)
def test_ctrl_c_while_the_kernel_waits_in_select_gives_the_partial_result() -> None:
    seen, on_event = _waiting_seen()

    def interrupt() -> None:
        if seen.wait(20):
            time.sleep(0.05)  # let the kernel settle into select: kernel code, not a task
            os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=interrupt, name="test-sigint")
    sender.start()
    try:
        with pytest.raises(RunInterrupted) as caught:
            run_model("handmade", SleepJob(count=4, seconds=600), concurrency=2, on_event=on_event)
    finally:
        sender.join()
    result = caught.value.result
    assert result.interrupted
    assert result.done == 0
    assert [r.detail for r in result.records] == [INTERRUPTED] * 2
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_compute_runs_inline_on_the_loop_s_thread() -> None:
    result = run_model("handmade", PrimeJob(numbers=(97, 91)), concurrency=2)
    assert [r.data["prime"] for r in result.records] == [True, False]


def test_calls_run_on_worker_threads_that_are_joined_at_the_end() -> None:
    result = run_model("handmade", CallJob(keys=("a", "b", "c")), concurrency=3)
    threads = {r.data["thread"] for r in result.records}
    assert all(str(name).startswith("speedlab-loop-worker-") for name in threads)
    alive = [t.name for t in threading.enumerate() if t.name.startswith("speedlab-loop-worker")]
    assert alive == []


@pytest.mark.timeout(60)
def test_the_command_stops_on_sigint_saves_what_finished_and_exits_130(tmp_path: Path) -> None:
    with FakeHub(FakeHubConfig(latency=0.3)) as hub:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "speedlab", "github", "--model", "handmade",
                "--concurrency", "1", "--api", hub.url, "--out", str(tmp_path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()  # "done search: ..." once one keyword is saved
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert first.startswith("done "), first + err
    assert proc.returncode == 130, err
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert 1 <= len(saved) < 8
    assert "interrupted" in (first + out).splitlines()[-1]
    assert "speedlab: interrupted;" in err
    assert "Traceback" not in err
