"""run_spinner: every model end to end, its checks, and the lecture's answer in real time.

The fast tests use a sleep of a few hundredths of a second and assert only what was drawn and
recorded. The ``slow`` ones run ``is_prime`` for about a second each and check the lecture's
point: inline asyncio freezes, a thread or a process keeps drawing.
"""

from __future__ import annotations

import io
import signal
from pathlib import Path

import pytest

from speedlab._exceptions import UsageError
from speedlab.spinner import DEFAULT_PRIME, MODEL_NAMES, Work, describe, run_spinner
from tests.spinner._fakes import FakeClock
from tests.spinner.test_frames import CLEAR

SHORT = Work.sleep(0.05)


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_every_model_draws_stops_and_clears_the_line(model: str, tmp_path: Path) -> None:
    path = tmp_path / "out"  # a real file: the processes model's child draws on it too
    with path.open("w", encoding="utf-8") as out:
        stats = run_spinner(model, SHORT, fps=100, stream=out, draw=True)  # type: ignore[arg-type]
    text = path.read_bytes().decode()
    assert text.startswith("\r(⊙﹏⊙) loading...")
    assert text.endswith(CLEAR)
    assert text.count("loading") == stats.frames >= 1
    assert (stats.drawn, stats.model, stats.result) == (True, model, 1337)
    assert 0 <= stats.work_started <= stats.work_ended <= stats.stopped
    assert all(0 <= t <= stats.stopped for t in stats.frame_times)


def test_the_fixed_asyncio_program_is_recorded_as_such() -> None:
    stats = run_spinner("asyncio", Work.prime(97), fix=True, draw=False)
    assert (stats.name, stats.result) == ("asyncio (fixed)", True)
    assert stats.how == "is_prime in a process pool (run_in_executor), spinner as a task"


def test_output_that_is_not_a_terminal_gets_no_frames_but_they_are_counted() -> None:
    out = io.StringIO()
    stats = run_spinner("threads", SHORT, stream=out)
    assert out.getvalue() == ""
    assert not stats.drawn
    assert stats.frames >= 1


def test_the_injected_clock_times_everything() -> None:
    clock = FakeClock(start=50.0)  # never moves: every figure is exactly zero
    stats = run_spinner("threads", Work.prime(97), draw=False, clock=clock)
    assert stats.frame_times == (0.0,) * stats.frames
    assert (stats.work_started, stats.work_ended, stats.stopped) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "greenlets"}, "unknown model 'greenlets'"),
        ({"fps": 0}, "--fps must be above 0"),
        ({"fps": float("nan")}, "--fps must be above 0"),
        ({"fps": 1000}, "at most 100"),
        ({"message": "two\nlines"}, "--message must be printable"),
        ({"message": "\x1b[2Jboo"}, "--message must be printable"),
        ({"model": "threads", "fix": True}, "--fix applies to the asyncio model only"),
    ],
)
def test_bad_requests_are_usage_errors(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"model": "asyncio", "work": SHORT, "draw": False} | kwargs
    with pytest.raises(UsageError, match=message):
        run_spinner(**arguments)  # type: ignore[arg-type]


def test_describe_says_where_the_work_and_the_spinner_run() -> None:
    prime, sleep = Work.prime(), Work.sleep()
    assert describe("asyncio", prime) == "is_prime inline in the event loop, spinner as a task"
    assert describe("asyncio", sleep) == "awaits asyncio.sleep, spinner as a task"
    assert describe("asyncio", sleep, fix=True).startswith("a blocking sleep in asyncio.to_thread")
    assert describe("processes", prime).endswith("child process (multiprocessing.Event)")


@pytest.mark.slow
@pytest.mark.parametrize("model", MODEL_NAMES)
def test_cpu_bound_work_freezes_only_the_inline_asyncio_spinner(model: str) -> None:
    """The lecture's question, answered: is_prime of about a second under each model."""
    stats = run_spinner(model, Work.prime(DEFAULT_PRIME), draw=False)  # type: ignore[arg-type]
    assert stats.result is True
    expected = stats.work_seconds * stats.target_fps
    if model == "asyncio":
        assert stats.frames_during_work <= 1
        assert stats.longest_gap >= 0.9 * stats.work_seconds
    else:
        assert stats.frames_during_work >= expected / 2, stats.summary()


@pytest.mark.slow
def test_the_fix_keeps_the_asyncio_spinner_turning_under_cpu_work() -> None:
    stats = run_spinner("asyncio", Work.prime(DEFAULT_PRIME), fix=True, draw=False)
    assert stats.result is True
    assert stats.frames_during_work >= stats.work_seconds * stats.target_fps / 2, stats.summary()


def test_a_run_leaves_the_signal_handlers_as_they_were() -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    run_spinner("asyncio", SHORT, draw=False)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
