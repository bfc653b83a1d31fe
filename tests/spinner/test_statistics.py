"""SpinnerStatistics: every derived figure from a hand-made record, and the printed forms."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from speedlab.spinner import SpinnerStatistics


def record(**changes: Any) -> SpinnerStatistics:
    base = SpinnerStatistics(
        model="threads",
        how="work in the main thread, spinner in a thread (threading.Event)",
        work="is_prime(97)",
        result=True,
        target_fps=5.0,
        frame_times=(0.01, 0.2, 0.4, 0.6, 0.8),
        work_started=0.02,
        work_ended=0.95,
        stopped=1.0,
        drawn=True,
    )
    return dataclasses.replace(base, **changes)


def test_a_steady_spinner_is_on_target() -> None:
    stats = record()
    assert stats.frames == 5
    assert stats.duration == 1.0
    assert stats.achieved_fps == pytest.approx(5.0)
    assert stats.fps_ratio == pytest.approx(1.0)
    assert stats.gaps == pytest.approx((0.01, 0.19, 0.2, 0.2, 0.2, 0.2))
    assert stats.longest_gap == pytest.approx(0.2)
    assert stats.startup == pytest.approx(0.01)
    assert stats.work_seconds == pytest.approx(0.93)
    assert stats.frames_during_work == 4  # the first frame came before the work started


def test_a_frozen_spinner_shows_as_one_long_gap_at_the_end() -> None:
    stats = record(model="asyncio", frame_times=(0.0,), work_started=0.001, work_ended=0.98)
    assert stats.frames == 1
    assert stats.frames_during_work == 0
    assert stats.longest_gap == pytest.approx(1.0)
    assert stats.achieved_fps == pytest.approx(1.0)


def test_a_spinner_that_never_drew_has_the_whole_run_as_its_gap() -> None:
    stats = record(frame_times=(), stopped=0.5)
    assert (stats.frames, stats.achieved_fps) == (0, 0.0)
    assert stats.longest_gap == stats.startup == 0.5


def test_a_run_of_no_duration_has_no_rate() -> None:
    assert record(frame_times=(0.0,), stopped=0.0, work_ended=0.0).achieved_fps == 0.0


def test_frames_on_the_edges_of_the_work_count_as_during_it() -> None:
    stats = record(frame_times=(0.1, 0.2, 0.3), work_started=0.1, work_ended=0.3)
    assert stats.frames_during_work == 3


def test_summary_reads_like_the_issue_example() -> None:
    assert record().summary() == (
        "threads: 5 frames in 1.0 s (5.0 fps of 5), longest gap 0.20 s; "
        "is_prime(97) = True in 0.93 s"
    )
    frozen = record(model="asyncio", frame_times=(0.0,))
    assert frozen.summary().startswith("asyncio: 1 frame in 1.0 s (1.0 fps of 5), longest gap 1.00")
    assert record(model="asyncio", fixed=True).summary().startswith("asyncio (fixed): 5 frames")


def test_as_dict_is_json_with_the_record_and_every_derived_figure() -> None:
    stats = record()
    data = json.loads(json.dumps(stats.as_dict()))
    assert data["frame_times"] == list(stats.frame_times)
    assert data["gaps"] == pytest.approx(list(stats.gaps))
    assert data["result"] is True
    for name in ("frames", "achieved_fps", "fps_ratio", "longest_gap", "startup",
                 "work_seconds", "frames_during_work", "duration", "name"):  # fmt: skip
        assert data[name] == getattr(stats, name), name


def test_statistics_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        record().frames_drawn = 3  # type: ignore[attr-defined]
