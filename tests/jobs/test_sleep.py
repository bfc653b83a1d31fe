"""The lecture's slow function as a job: keys, naps, skipped units, bad input."""

from __future__ import annotations

import pickle

import pytest

from speedlab._exceptions import UsageError
from speedlab.jobs.effects import Sleep, UnitOutcome
from speedlab.jobs.sleep import SLOW_RESULT, SleepJob
from speedlab.models import models_for, run_model
from speedlab.models._sharing import LocalMemory, NoSharedMemory


def _drive(job: SleepJob, key: str) -> tuple[list[Sleep], UnitOutcome]:
    gen = job.unit(key, job.new_shared_state(LocalMemory()))
    effects: list[Sleep] = []
    try:
        effect = next(gen)
        while True:
            assert isinstance(effect, Sleep)
            effects.append(effect)
            effect = gen.send(None)
    except StopIteration as stop:
        return effects, stop.value


def test_units_are_numbered_and_skip_the_done_ones() -> None:
    job = SleepJob(count=4, seconds=1, done={"sleep-2", "nope"})
    assert job.name == "sleep"
    assert job.units() == ["sleep-0", "sleep-1", "sleep-3"]
    assert job.skipped() == [UnitOutcome("sleep-2", "skipped", "done in an earlier run")]


def test_a_unit_only_asks_to_sleep_in_equal_naps_then_returns_1337() -> None:
    effects, outcome = _drive(SleepJob(count=1, seconds=0.3, steps=3), "sleep-0")
    assert [e.seconds for e in effects] == pytest.approx([0.1, 0.1, 0.1])
    assert [e.reason for e in effects] == [
        "slow function, nap 1 of 3",
        "slow function, nap 2 of 3",
        "slow function, nap 3 of 3",
    ]
    assert outcome == UnitOutcome("sleep-0", "done", "slept 0.3 s", data={"result": SLOW_RESULT})


def test_the_job_pickles_for_the_processes_model() -> None:
    job = SleepJob(count=3, seconds=0.5, done={"sleep-1"})
    assert pickle.loads(pickle.dumps(job)) == job
    assert job.new_shared_state(NoSharedMemory("dask", "far away")) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": -1}, "count >= 0"),
        ({"seconds": -0.5}, "seconds >= 0"),
        ({"steps": 0}, "at least one step"),
    ],
)
def test_bad_settings_are_usage_errors(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        SleepJob(**kwargs)  # type: ignore[arg-type]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", models_for("io"))
def test_every_model_runs_the_sleep_job_with_the_same_results(model: str) -> None:
    concurrency = 1 if model == "sequential" else 3
    result = run_model(model, SleepJob(count=3, seconds=0.01, steps=2), concurrency=concurrency)
    assert [(r.key, r.status, r.data, r.waited) for r in result.records] == [
        (f"sleep-{i}", "done", {"result": SLOW_RESULT}, pytest.approx(0.01)) for i in range(3)
    ]
