"""From runs to medians, speedups and the two figures that explain them."""

from __future__ import annotations

import dataclasses

import pytest

from speedlab.bench import ModelRuns, summarize
from speedlab.bench._summary import MIN_LOAD_WALL, baseline, median_run
from tests.bench import _fixtures


def test_speedup_spread_and_ratio_to_the_best() -> None:
    seq, threads, aio, dask = summarize(_fixtures.io_job())
    assert (seq.median, seq.speedup, seq.vs_best) == (4.0, 1.0, 4.0)
    assert threads.runs == 3
    assert (threads.median, threads.low, threads.high) == (2.2, 2.0, 2.6)
    assert threads.speedup == pytest.approx(4.0 / 2.2)
    assert (threads.speedup_low, threads.speedup_high) == pytest.approx((4.0 / 2.6, 2.0))
    assert aio.vs_best == 1.0
    assert threads.vs_best == pytest.approx(2.2)
    assert (dask.median, dask.error) == (None, "cannot run the github job: no shared lock")


def test_units_in_flight_and_cores_busy_come_from_the_median_run() -> None:
    seq, threads, aio, _ = summarize(_fixtures.io_job())
    assert seq.in_flight == pytest.approx(1.0)
    assert threads.in_flight == pytest.approx(4.0 / 2.2)  # 4 unit-seconds over 2.2 s
    assert aio.in_flight == pytest.approx(4.0)
    assert aio.workers == 4
    assert threads.failures == 1
    assert aio.per_second == pytest.approx(4.0)


def test_the_median_run_is_the_middle_one() -> None:
    threads = _fixtures.io_job().models[1]
    middle = median_run(threads)
    assert middle is not None
    assert middle.result.wall_seconds == 2.2
    assert median_run(ModelRuns("x", "async")) is None


def test_the_baseline_is_found_by_family_not_by_name() -> None:
    job = _fixtures.cpu_job()
    renamed = job.models[0].__class__("plain", "sequential", job.models[0].runs)
    job = job.__class__(job.name, job.title, job.noun, job.units, {}, (job.models[1], renamed))
    base = baseline(job)
    assert base is not None
    assert base.model == "plain"
    assert summarize(job)[0].speedup == pytest.approx(1.0)


def test_other_programs_cpu_is_measured_only_on_long_enough_runs() -> None:
    job = _fixtures.cpu_job()
    runs = job.models[0].runs
    busy = runs[0].__class__(runs[0].result, runs[0].memory, machine_cpu_seconds=8.0)
    job = job.__class__(
        job.name,
        job.title,
        job.noun,
        job.units,
        {},
        (job.models[0].__class__("sequential", "sequential", (busy,)),),
    )
    (seq,) = summarize(job)
    assert seq.others_busy == pytest.approx(1.0)  # 8 CPU s in 4 s, 4 of them ours
    assert MIN_LOAD_WALL > 0.1


def test_a_model_whose_every_unit_failed_gets_no_time_and_says_why() -> None:
    # The hand-made loop refusing an asyncio function: 4 calls failed at once, in 0.00 s.
    failed = [_fixtures.record(k, 0.0, 0.0, "task-0", failed=True) for k in "abcd"]
    runs = ModelRuns(
        "handmade", "async", (_fixtures.measured(_fixtures.run("handmade", failed, 0.001, 0.0)),)
    )
    job = _fixtures.io_job()
    job = dataclasses.replace(job, models=(*job.models, runs))
    *_, handmade = summarize(job)
    assert handmade.median is None
    assert handmade.speedup is None
    assert handmade.error == "every unit failed: HTTP 500"
    assert handmade.failures == 4
