"""RunResult and UnitRecord: counts, lookups and a JSON form that round-trips."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from speedlab.jobs.github import SearchStatistics
from speedlab.models import RunInterrupted, RunResult, UnitRecord


def _result() -> RunResult:
    return RunResult(
        model="threads",
        job="github",
        concurrency=4,
        records=(
            UnitRecord("old", "skipped", "already saved", data={"file": "old"}),
            UnitRecord(
                "a",
                "done",
                "3 ids",
                0.1,
                0.5,
                "thread-0",
                2,
                0.25,
                {"ids": (1, 2, 3), "ratio": float("nan")},
                SearchStatistics(requests=2, retries=1, limited=1),
            ),
            UnitRecord(
                "b", "failed", "HTTP 404", 0.2, 0.3, "thread-1", 1, stats=SearchStatistics(1, 0, 0)
            ),
            UnitRecord("c", "done", "", 0.3, 0.9, "thread-0", 4, stats=SearchStatistics(4, 3, 0)),
            UnitRecord("e", "failed", "stopped", 0.4, 0.5, "thread-1", 0, interrupted=True),
        ),
        wall_seconds=1.5,
        cpu_seconds=0.25,
        peak_rss_bytes=50_000_000,
        not_run=("d",),
        interrupted=True,
    )


def test_counts_and_totals_come_from_the_records() -> None:
    result = _result()
    assert (result.done, result.failures, result.skipped, result.cut_short) == (2, 1, 1, 1)
    assert result.statistics() == SearchStatistics(requests=7, retries=4, limited=1)
    assert result.workers == ("thread-0", "thread-1")
    assert [r.key for r in result.failed_records] == ["b"]
    assert result.record("c").seconds == pytest.approx(0.6)
    with pytest.raises(KeyError):
        result.record("zzz")


def test_to_dict_is_plain_json_with_every_field() -> None:
    data = json.loads(_result().to_json())
    assert data["model"] == "threads"
    assert data["not_run"] == ["d"]
    assert data["interrupted"] is True
    assert (data["done"], data["failures"], data["skipped"], data["cut_short"]) == (2, 1, 1, 1)
    assert (data["requests"], data["retries"], data["limited"]) == (7, 4, 1)
    a = data["records"][1]
    assert a == {
        "key": "a",
        "status": "done",
        "detail": "3 ids",
        "start": 0.1,
        "end": 0.5,
        "seconds": pytest.approx(0.4),
        "worker": "thread-0",
        "attempts": 2,
        "requests": 2,
        "retries": 1,
        "limited": 1,
        "waited": 0.25,
        "data": {"ids": [1, 2, 3], "ratio": "nan"},
        "interrupted": False,
    }


def test_a_record_without_job_statistics_has_no_job_fields_in_json() -> None:
    data = json.loads(_result().to_json())
    stopped = data["records"][-1]
    assert stopped["key"] == "e"
    assert "requests" not in stopped
    assert stopped["interrupted"] is True


def test_statistics_of_different_types_are_a_bug_of_the_job() -> None:
    @dataclasses.dataclass(frozen=True)
    class Other:
        requests: int = 0

    result = dataclasses.replace(
        _result(), records=(*_result().records, UnitRecord("z", "done", stats=Other(1)))
    )
    with pytest.raises(TypeError, match="SearchStatistics and Other"):
        result.statistics()


def test_a_run_whose_units_report_nothing_has_no_statistics() -> None:
    result = dataclasses.replace(_result(), records=(UnitRecord("a", "done"),))
    assert result.statistics() is None
    assert "requests" not in json.loads(result.to_json())


def test_results_pickle_and_carry_through_run_interrupted() -> None:
    result = _result()
    copy = pickle.loads(pickle.dumps(result))
    assert copy.to_json() == result.to_json()
    assert copy.records[2] == result.records[2]
    stopped = RunInterrupted(result)
    assert isinstance(stopped, KeyboardInterrupt)
    assert stopped.result is result
    assert "threads run of github interrupted" in str(stopped)
