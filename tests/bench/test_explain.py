"""Why a model won or lost: each rule, from made-up figures."""

from __future__ import annotations

from speedlab.bench import summarize, takeaway, verdict
from speedlab.bench._explain import computes
from speedlab.bench._summary import ModelSummary
from tests.bench import _fixtures


def summary(**figures: object) -> ModelSummary:
    values: dict[str, object] = {"model": "m", "family": "executor", "runs": 1, "median": 1.0}
    values.update(figures)
    return ModelSummary(**values)  # type: ignore[arg-type]


BASE_WAITS = summary(model="sequential", family="sequential", speedup=1.0, cores_busy=0.05)
BASE_COMPUTES = summary(model="sequential", family="sequential", speedup=1.0, cores_busy=0.98)


def test_the_baseline_says_whether_the_job_waits_or_computes() -> None:
    assert "mostly waiting" in takeaway(BASE_WAITS, cores=2)
    assert "mostly computing" in takeaway(BASE_COMPUTES, cores=2)
    assert computes(BASE_COMPUTES, 2) is True
    assert computes(BASE_WAITS, 2) is False
    assert computes(None, 2) is None


def test_a_starved_baseline_still_computes_when_others_took_the_cpu() -> None:
    starved = summary(family="sequential", speedup=1.0, cores_busy=0.4, others_busy=1.6)
    assert computes(starved, 2) is True
    assert "other programs kept 1.6 of 2 cores busy" in takeaway(starved, cores=2)


def test_overlapped_waits() -> None:
    line = takeaway(
        summary(speedup=6.0, in_flight=7.5, workers=8, cores_busy=0.1),
        cores=2,
        noun="searches",
        baseline=BASE_WAITS,
    )
    assert line == "6.0x: 7.5 searches in flight at once (8 workers): their waits overlapped"


def test_parallel_cores() -> None:
    line = takeaway(
        summary(speedup=1.9, cores_busy=1.9, processes=5), cores=2, baseline=BASE_COMPUTES
    )
    assert line.startswith("1.9x: computed on 1.9 cores at once (2 on this machine, 5 processes)")


def test_the_gil() -> None:
    line = takeaway(summary(speedup=1.0, in_flight=8.0, cores_busy=1.0, processes=1), cores=2)
    assert "took turns on the GIL" in line
    assert line.startswith("no gain (1.0x)")


def test_a_blocked_event_loop() -> None:
    line = takeaway(summary(speedup=1.0, in_flight=1.0, cores_busy=1.0), cores=2, noun="numbers")
    assert "one of the numbers at a time (1.0 in flight)" in line


def test_processes_whose_start_up_ate_the_gain_are_not_called_a_blocked_loop() -> None:
    # dask on a short job: a cluster to start, then two workers computing.
    line = takeaway(summary(speedup=0.9, in_flight=0.9, cores_busy=1.3, processes=4), cores=2)
    assert line.startswith("no gain (0.9x): only 0.9 units in flight on average: starting 3")
    assert "event loop" not in line


def test_processes_that_cost_more_than_they_saved() -> None:
    line = takeaway(summary(speedup=0.5, in_flight=1.0, processes=5), cores=2)
    assert line.startswith("slower (0.5x): starting 4 more processes")


def test_a_gain_on_a_computing_job_without_more_cores_is_blamed_on_the_machine() -> None:
    line = takeaway(
        summary(speedup=1.5, in_flight=4.0, cores_busy=0.9), cores=2, baseline=BASE_COMPUTES
    )
    assert "sequential run was slowed by other programs" in line


def test_failures_a_refusal_and_the_fastest_are_said() -> None:
    assert takeaway(summary(speedup=2.0, in_flight=2.0, failures=2), cores=2).endswith(
        "; 2 units failed"
    )
    assert takeaway(summary(median=None, error="no lock"), cores=2) == "could not run: no lock"
    assert takeaway(summary(model="m", speedup=2.0, in_flight=2.0), cores=2, best="m").startswith(
        "fastest, 2.0x"
    )


def test_the_verdict_names_the_fastest_model_without_failures() -> None:
    summaries = summarize(_fixtures.io_job())
    line = verdict(summaries, cores=2, noun="searches")
    assert line.startswith("fastest: asyncio, 4.0x: 4.0 searches in flight")
    cpu = verdict(summarize(_fixtures.cpu_job()), cores=2, noun="numbers")
    assert cpu.startswith("fastest: processes, 2.0x: computed on 2.0 cores at once")


def test_the_verdict_admits_when_nothing_beat_sequential() -> None:
    line = verdict([BASE_COMPUTES, summary(speedup=1.1, in_flight=1.0)], cores=2)
    assert line.startswith("no model beat sequential by 25% or more")
