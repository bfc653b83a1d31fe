"""The CPU comparison: rows per model, speed-ups against the first, reasons, the interpreter."""

from __future__ import annotations

import sys
import sysconfig
from dataclasses import replace

import pytest

from speedlab._exceptions import UsageError
from speedlab.cpu import CpuComparison, CpuRow, compare, interpreter, run_cpu_model
from speedlab.jobs.primes import PrimeJob
from speedlab.lesson.primes import is_prime
from speedlab.models import MODELS, StopSignal

NUMBERS = (97, 91, 2**31 - 1, 561, 7919)


def test_interpreter_tells_the_build_and_the_gil() -> None:
    python = interpreter()
    assert python.version == ".".join(map(str, sys.version_info[:3]))
    assert python.free_threaded_build == bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    expected_gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    assert python.gil_enabled == expected_gil
    assert python.cores >= 1
    line = python.describe()
    assert line.startswith(f"{python.implementation} {python.version}, GIL ")
    assert line.endswith(f"{python.cores} cores")


def test_compare_runs_each_model_and_measures_against_the_first() -> None:
    seen: list[str] = []
    report = compare(
        NUMBERS,
        models=("sequential", "threads", "asyncio-processes"),
        concurrency=2,
        on_row=lambda row: seen.append(row.model),
    )
    assert seen == ["sequential", "threads", "asyncio-processes"]
    assert report.numbers == NUMBERS
    assert report.agree
    first, threads, pool = report.rows
    assert first.speedup == pytest.approx(1.0)
    assert first.result is not None
    assert first.result.concurrency == 1
    assert threads.result is not None
    assert threads.result.concurrency == 2
    assert pool.result is not None
    for row in report.rows:
        assert row.answers == tuple((n, is_prime(n)) for n in NUMBERS)
        assert row.reason == MODELS[row.model].compute
        assert row.cores_busy is not None
        assert row.cores_busy >= 0
        assert row.speedup is not None
        assert row.speedup > 0
    assert threads.speedup == pytest.approx(first.result.wall_seconds / threads.result.wall_seconds)
    data = report.to_dict()
    assert [r["model"] for r in data["rows"]] == seen
    assert data["interpreter"]["version"] == report.interpreter.version
    assert data["agree"] is True


def test_a_model_that_cannot_run_gets_a_row_with_its_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from speedlab.models import dask

    monkeypatch.setattr(dask, "CONNECT_TIMEOUT", 0.5)
    report = compare((7,), models=("sequential", "dask"), scheduler="tcp://127.0.0.1:9")
    row = report.rows[1]
    assert (row.model, row.result, row.speedup) == ("dask", None, None)
    assert row.error is not None
    assert row.error.startswith("cannot reach the dask scheduler")
    assert report.agree  # only the models that ran are compared


def test_disagreeing_answers_are_caught() -> None:
    report = compare((7, 8), models=("sequential", "threads"), concurrency=2)
    assert report.agree
    wrong = report.rows[1].result
    assert wrong is not None
    flipped = tuple(
        replace(r, data={**r.data, "prime": not r.data["prime"]}) for r in wrong.records
    )
    bad_row = replace(report.rows[1], result=replace(wrong, records=flipped))
    assert not CpuComparison(report.numbers, report.interpreter, (report.rows[0], bad_row)).agree
    short = replace(wrong, records=wrong.records[:1])
    short_row = replace(report.rows[1], result=short)
    assert not CpuComparison(report.numbers, report.interpreter, (report.rows[0], short_row)).agree


def test_a_stopped_comparison_ends_early() -> None:
    stop = StopSignal()

    def on_row(row: CpuRow) -> None:
        stop.set()

    report = compare((7,), models=("sequential", "threads", "asyncio"), on_row=on_row, stop=stop)
    assert [row.model for row in report.rows] == ["sequential"]


def test_unknown_models_and_misplaced_schedulers_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown model 'gpu'"):
        compare((7,), models=("sequential", "gpu"))
    with pytest.raises(UsageError, match="only applies to the dask model, not threads"):
        run_cpu_model("threads", PrimeJob(numbers=(7,)), scheduler="tcp://127.0.0.1:8786")
