"""SpinnerThread and SpinnerProcess: they draw beside the work, stop on their Event, clear.

Real threads and processes, but no durations are asserted: only what was drawn and that
everything was joined (the autouse fixture checks for leftovers).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from speedlab._exceptions import SpeedlabError
from speedlab.spinner import SpinnerProcess, SpinnerThread
from tests.spinner.test_frames import CLEAR

FAST = 100.0  # fps: a few frames in a few hundredths of a second


def wait_for_frames(path: Path, count: int) -> None:
    deadline = time.monotonic() + 10
    while path.read_bytes().decode().count("loading") < count:
        assert time.monotonic() < deadline, "no frames"
        time.sleep(0.01)


def test_thread_draws_until_closed_and_clears_the_line(tmp_path: Path) -> None:
    path = tmp_path / "out"
    with path.open("w", encoding="utf-8") as out, SpinnerThread(stream=out, fps=FAST) as spinner:
        wait_for_frames(path, 3)
    text = path.read_bytes().decode()
    assert text.startswith("\r(⊙﹏⊙) loading...\r(Ф﹏Ф) loading...")
    assert text.endswith(CLEAR)
    assert len(spinner.frame_times) == text.count("loading") >= 3
    assert spinner.cleared_at >= spinner.frame_times[-1]


def test_process_draws_on_the_parents_stream_and_reports_its_frames(tmp_path: Path) -> None:
    path = tmp_path / "out"
    with path.open("w", encoding="utf-8") as out:
        spinner = SpinnerProcess(stream=out, fps=FAST)
        before = time.monotonic()
        with spinner:
            wait_for_frames(path, 3)
    text = path.read_bytes().decode()
    assert text.endswith(CLEAR)
    assert len(spinner.frame_times) == text.count("loading") >= 3
    assert before <= spinner.frame_times[0] <= spinner.cleared_at  # one system-wide clock
    assert spinner.exitcode == 0


def test_process_counts_frames_without_a_stream() -> None:
    with SpinnerProcess(stream=None, fps=FAST) as spinner:
        time.sleep(0.05)
    assert len(spinner.frame_times) >= 1


def test_the_record_is_not_there_before_close() -> None:
    spinner = SpinnerThread(stream=None)
    with pytest.raises(SpeedlabError, match="not reported"):
        _ = spinner.frame_times
    spinner.close()  # never started: closing is still fine, and idempotent
    spinner.close()
    assert spinner.frame_times == ()


def test_a_child_killed_from_outside_is_joined_and_said_to_have_no_record() -> None:
    spinner = SpinnerProcess(stream=None, fps=FAST)
    with spinner:
        child = psutil.Process(os.getpid()).children()[0]
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while child.status() != psutil.STATUS_ZOMBIE:  # dead, left for its parent to reap
            assert time.monotonic() < deadline
            time.sleep(0.01)
    assert spinner.exitcode == -signal.SIGKILL
    with pytest.raises(SpeedlabError, match="not reported"):
        _ = spinner.frame_times


def test_the_child_ignores_ctrl_c_the_parent_decides() -> None:
    with SpinnerProcess(stream=None, fps=FAST) as spinner:
        child = psutil.Process(os.getpid()).children()[0]
        os.kill(child.pid, signal.SIGINT)  # what the terminal sends to the whole group
        time.sleep(0.05)
        assert child.is_running()
    assert spinner.exitcode == 0
    assert len(spinner.frame_times) >= 1
