"""SpinnerThread and SpinnerProcess: they draw beside the work, stop on their Event, clear.

Real threads and processes, but no durations are asserted: only what was drawn and recorded,
and that everything was joined (the autouse fixture checks for leftovers).
"""

from __future__ import annotations

import io
import os
import pickle
import signal
import sys
import time
from pathlib import Path

import psutil
import pytest

from speedlab._exceptions import SpeedlabError, TimeoutExpired
from speedlab.spinner import START_METHOD, Spinner, SpinnerProcess, SpinnerThread
from tests.spinner.test_frames import CLEAR

FAST = 100.0  # fps: a few frames in a few hundredths of a second


def wait_for_frames(path: Path, count: int) -> None:
    deadline = time.monotonic() + 10
    while path.read_bytes().decode().count("loading") < count:
        assert time.monotonic() < deadline, "no frames"
        time.sleep(0.01)


@pytest.mark.parametrize("beside", [SpinnerThread, SpinnerProcess])
def test_draws_until_closed_then_clears_the_line_and_holds_the_record(
    beside: type[SpinnerThread | SpinnerProcess], tmp_path: Path
) -> None:
    path = tmp_path / "out"  # a real file: a forked child writes to it too
    with path.open("w", encoding="utf-8") as out:
        spinner = Spinner(stream=out, fps=FAST)
        before = time.monotonic()
        with beside(spinner):
            wait_for_frames(path, 3)
    text = path.read_bytes().decode()
    assert text.startswith("\r(⊙﹏⊙) loading...\r(Ф﹏Ф) loading...")
    assert text.endswith(CLEAR)
    assert len(spinner.frame_times) == text.count("loading") >= 3
    assert spinner.cleared_at is not None
    assert before <= spinner.frame_times[0] <= spinner.cleared_at  # one system-wide clock


def test_the_process_exits_cleanly_and_reports() -> None:
    beside = SpinnerProcess(Spinner(fps=FAST))
    with beside:
        time.sleep(0.05)
    assert (beside.exitcode, beside.reported) == (0, True)
    assert len(beside.spinner.frame_times) >= 1


def test_closing_what_never_started_is_fine_and_idempotent() -> None:
    for beside in (SpinnerThread(Spinner()), SpinnerProcess(Spinner())):
        beside.close()
        beside.close()
        assert beside.spinner.closed
        assert beside.spinner.frame_times == ()


def test_a_child_killed_from_outside_is_joined_and_reported_as_silent() -> None:
    beside = SpinnerProcess(Spinner(fps=FAST))
    with beside:
        assert beside.pid is not None
        child = psutil.Process(beside.pid)
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while child.status() != psutil.STATUS_ZOMBIE:  # dead, left for its parent to reap
            assert time.monotonic() < deadline
            time.sleep(0.01)
    # Setting the Event now would have waited forever for the dead waiter: close() did not.
    assert (beside.exitcode, beside.reported) == (-signal.SIGKILL, False)
    assert beside.spinner.frame_times == ()


def test_the_child_ignores_ctrl_c_the_parent_decides() -> None:
    beside = SpinnerProcess(Spinner(fps=FAST))
    with beside:
        assert beside.pid is not None
        child = psutil.Process(beside.pid)
        os.kill(child.pid, signal.SIGINT)  # what the terminal sends to the whole group
        os.kill(child.pid, signal.SIGTERM)
        time.sleep(0.05)
        assert child.is_running()
    assert (beside.exitcode, beside.reported) == (0, True)


class SlowStream(io.StringIO):
    """A stream (inherited by a forked child) whose every write takes ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def write(self, text: str) -> int:
        if self.delay < 0:
            raise OSError("the terminal is gone")
        time.sleep(self.delay)
        return super().write(text)


needs_fork = pytest.mark.skipif(START_METHOD != "fork", reason="the child inherits the stream")


@needs_fork
def test_a_child_that_does_not_draw_in_time_is_stopped_and_joined() -> None:
    beside = SpinnerProcess(Spinner(stream=SlowStream(0.3)))
    with pytest.raises(TimeoutExpired, match=r"did not start within 0\.05 s"):
        beside.start(timeout=0.05)
    beside.close()
    assert (beside.exitcode, beside.reported) == (0, True)  # it drew, saw the Event, left


@needs_fork
def test_a_child_that_fails_before_drawing_is_an_error_and_is_joined() -> None:
    beside = SpinnerProcess(Spinner(stream=SlowStream(-1)))
    with pytest.raises(SpeedlabError, match="ended before drawing"), beside:
        pytest.fail("not reached")
    assert beside.exitcode == 1  # __enter__ joined it


def test_a_spinner_sent_to_a_spawned_process_draws_on_its_stdout() -> None:
    copy = pickle.loads(pickle.dumps(Spinner(stream=sys.stderr)))
    assert copy._stream is sys.stdout
    assert pickle.loads(pickle.dumps(Spinner(stream=None)))._stream is None
