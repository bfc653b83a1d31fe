"""The progress display: plain lines in a pipe, a bar on a terminal, nothing when quiet."""

from __future__ import annotations

import io
import threading

import pytest

from speedlab.models import RunResult, RunStarted, UnitFinished, UnitRecord, UnitWaiting
from speedlab.progress import (
    RunProgress,
    choose_mode,
    failure_summary,
    final_line,
    unit_line,
)

DONE = UnitRecord("search", "done", "30 ids, 1 page", start=1.0, end=1.42, worker="thread-0")
FAILED = UnitRecord("torch", "failed", "HTTP 404: Not Found", start=0.5, end=0.6)
SKIPPED = UnitRecord("ML", "skipped", "already saved in out/ml")
STOPPED = UnitRecord("data", "failed", "interrupted before it finished", interrupted=True)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _result(*records: UnitRecord, not_run: tuple[str, ...] = ()) -> RunResult:
    return RunResult("threads", "github", 4, records, 3.14159, 0.5, 1, not_run=not_run)


def test_the_mode_follows_the_stream_unless_quiet() -> None:
    assert choose_mode(io.StringIO()) == "lines"
    assert choose_mode(_Terminal()) == "bar"
    assert choose_mode(_Terminal(), quiet=True) == "quiet"


def test_unit_lines() -> None:
    assert unit_line(DONE) == "done search: 30 ids, 1 page (0.42 s)"
    assert unit_line(FAILED) == "FAILED torch: HTTP 404: Not Found"
    assert unit_line(SKIPPED) == "skipped ML: already saved in out/ml"
    assert unit_line(STOPPED) == "stopped data: interrupted before it finished"


def test_the_final_line_is_the_lecture_s_plus_what_did_not_happen() -> None:
    assert final_line(_result(DONE), noun="search") == "1 search done in 3.14s"
    assert final_line(_result(DONE, DONE), noun="search") == "2 searches done in 3.14s"
    assert final_line(_result(DONE, FAILED, SKIPPED, STOPPED, not_run=("x", "y"))) == (
        "1 unit done in 3.14s (1 already saved, skipped, 1 failed, 1 interrupted, 2 not run)"
    )


def test_the_failure_summary_names_each_failed_unit_and_why() -> None:
    assert failure_summary(_result(DONE, SKIPPED)) is None
    assert failure_summary(_result(DONE, FAILED, STOPPED), noun="search") == (
        "1 of 3 searches failed: torch: HTTP 404: Not Found"
    )


def _feed(progress: RunProgress) -> None:
    progress(RunStarted("threads", "github", 4, total=3, skipped=1))
    progress(UnitFinished(SKIPPED))
    progress(UnitWaiting("search", "thread-0", 41.0, "rate limited, resuming in 41 s", at=1.0))
    progress(UnitWaiting("torch", "thread-1", 40.6, "rate limited, resuming in 41 s", at=1.4))
    progress(UnitWaiting("data", "thread-2", 0.3, "HTTP 502, retry 1/5 in 0.3 s", at=1.5))
    progress(UnitFinished(DONE))
    progress(UnitWaiting("data", "thread-2", 30.0, "rate limited, resuming in 30 s", at=43.0))
    progress(UnitFinished(FAILED))


def test_lines_announce_each_shared_wait_once_and_skip_short_ones() -> None:
    out = io.StringIO()
    with RunProgress("lines", stream=out) as progress:
        _feed(progress)
    assert out.getvalue().splitlines() == [
        "skipped ML: already saved in out/ml",
        "rate limited, resuming in 41 s",
        "done search: 30 ids, 1 page (0.42 s)",
        "rate limited, resuming in 30 s",
        "FAILED torch: HTTP 404: Not Found",
    ]


def test_quiet_shows_nothing() -> None:
    out = io.StringIO()
    with RunProgress("quiet", stream=out) as progress:
        _feed(progress)
    assert out.getvalue() == ""


def test_the_bar_counts_every_unit_prints_failures_and_stops_its_thread() -> None:
    before = threading.active_count()
    out = _Terminal()
    progress = RunProgress("bar", stream=out, noun="search")
    _feed(progress)
    assert threading.active_count() == before + 1  # rich's refresh thread
    progress.close()
    progress.close()
    assert threading.active_count() == before
    text = out.getvalue()
    assert "FAILED torch: HTTP 404: Not Found" in text
    assert "3/4" in text
    assert "threads: searches" in text


@pytest.mark.parametrize("mode", ["lines", "bar"])
def test_events_after_close_are_ignored(mode: str) -> None:
    out = _Terminal() if mode == "bar" else io.StringIO()
    progress = RunProgress(mode, stream=out)  # type: ignore[arg-type]
    progress.close()
    progress(UnitFinished(DONE))
    assert out.getvalue() == ""
