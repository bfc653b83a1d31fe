"""Each measured run in a fresh interpreter: its answer, its tree's memory, its errors."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from speedlab._exceptions import CannotShare, TimeoutExpired
from speedlab.bench import ChildFailed, run_isolated
from speedlab.models import StopSignal
from tests._processes import our_children
from tests.bench import _tasks

MB = 2**20
ROOT = Path(__file__).resolve().parents[2]


def _no_children_left() -> None:
    assert our_children(recursive=True) == []


def test_the_answer_comes_back_even_when_the_task_prints() -> None:
    done = run_isolated(_tasks.add, 2, 3)
    assert done.value == {"sum": 5}
    assert done.memory.samples >= 1
    assert done.memory.main_peak_bytes > 5 * MB  # an interpreter at the least
    assert done.memory.peak_rss_bytes >= done.memory.main_peak_bytes
    _no_children_left()


def test_the_memory_of_the_child_is_its_own() -> None:
    small = run_isolated(_tasks.hold, 1).memory
    large = run_isolated(_tasks.hold, 80).memory
    assert large.main_peak_bytes - small.main_peak_bytes > 60 * MB


@pytest.mark.slow
def test_the_sampler_counts_every_process_of_the_tree() -> None:
    usage = run_isolated(_tasks.with_children, 2, 0.5).memory
    assert usage.peak_processes == 3
    assert usage.peak_rss_bytes > usage.main_peak_bytes
    _no_children_left()


def test_a_speedlab_error_comes_back_as_its_own_class() -> None:
    with pytest.raises(CannotShare, match="no lock across machines"):
        run_isolated(_tasks.refuse)


def test_any_other_error_is_one_line() -> None:
    with pytest.raises(ChildFailed) as caught:
        run_isolated(_tasks.crash)
    assert str(caught.value) == "ZeroDivisionError: division by zero"
    assert caught.value.error_type == "ZeroDivisionError"
    assert caught.value.exit_code == 1


def test_a_timeout_kills_the_child() -> None:
    with pytest.raises(TimeoutExpired):
        run_isolated(_tasks.sleep, 30, timeout=1.0)
    _no_children_left()


@pytest.mark.slow
def test_a_stop_request_interrupts_the_child() -> None:
    stop = StopSignal()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    try:
        with pytest.raises(ChildFailed, match="stopped before it finished"):
            run_isolated(_tasks.sleep, 30, stop=stop)
    finally:
        timer.cancel()
    _no_children_left()


_PARENT = """
import sys
from speedlab.bench import run_isolated
from tests.bench import _tasks
print("started", flush=True)
run_isolated(_tasks.sleep, 60)
"""


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_the_child_stops_itself_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 20
        children: list[psutil.Process] = []
        while not children and time.monotonic() < deadline:
            children = psutil.Process(parent.pid).children()
            time.sleep(0.05)
        assert len(children) == 1
        parent.kill()  # SIGKILL: no handler, no finally, no clean-up in the parent
        parent.wait()
        _, alive = psutil.wait_procs(children, timeout=15)
        assert alive == [], "the measured child outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
