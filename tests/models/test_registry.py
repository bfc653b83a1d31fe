"""Choosing a model by name, and the errors a user can make."""

from __future__ import annotations

import importlib

import pytest

from speedlab._exceptions import UsageError
from speedlab.jobs.sleep import SleepJob
from speedlab.models import MODEL_NAMES, MODELS, WORKLOADS, models_for, run_model


def test_every_registered_model_loads_its_module_s_run_function() -> None:
    assert tuple(MODELS) == MODEL_NAMES
    assert MODEL_NAMES[:4] == ("sequential", "threads", "processes", "asyncio")
    for name, spec in MODELS.items():
        assert spec.name == name
        module = importlib.import_module(spec.module)
        assert spec.load() is module.run
        assert name == module.NAME
        assert spec.family in ("sequential", "executor", "async")
        assert spec.summary
        assert spec.default_concurrency
        assert spec.compute
        assert spec.workloads
        assert spec.workloads <= set(WORKLOADS)


def test_models_for_a_workload_keep_the_registry_s_order() -> None:
    assert models_for("io") == ("sequential", "threads", "processes", "asyncio", "handmade")
    # Every model but handmade computes (it would repeat asyncio's row); two only compute.
    assert models_for("cpu") == tuple(m for m in MODEL_NAMES if m != "handmade")
    assert set(models_for("cpu")) - set(models_for("io")) == {"asyncio-processes", "dask"}
    assert set(models_for("io")) - set(models_for("cpu")) == {"handmade"}
    with pytest.raises(UsageError, match="unknown workload 'gpu'"):
        models_for("gpu")  # type: ignore[arg-type]


def test_every_model_offered_for_io_runs_a_job() -> None:
    # Nothing is offered that is not built: each name runs a tiny job to the end (the
    # CPU-only models run theirs in tests/jobs/test_primes.py, dask's cluster costs seconds).
    for name in models_for("io"):
        assert run_model(name, SleepJob(count=1, seconds=0)).done == 1


def test_an_unknown_model_lists_the_choices() -> None:
    with pytest.raises(UsageError, match="unknown model 'fibers'; choose from sequential, "):
        run_model("fibers", SleepJob(count=1, seconds=0))


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("bad", [0, -3, True, 2.5])
def test_a_concurrency_below_one_or_not_an_int_is_refused(model: str, bad: object) -> None:
    with pytest.raises(UsageError, match="concurrency"):
        run_model(model, SleepJob(count=1, seconds=0), concurrency=bad)  # type: ignore[arg-type]


def test_sequential_refuses_a_concurrency_above_one() -> None:
    with pytest.raises(UsageError, match="one unit at a time; concurrency must be 1, not 4"):
        run_model("sequential", SleepJob(count=1, seconds=0), concurrency=4)
    assert run_model("sequential", SleepJob(count=1, seconds=0), concurrency=1).done == 1


@pytest.mark.parametrize(
    ("model", "default"), [("threads", 16), ("asyncio", 200), ("handmade", 100)]
)
def test_default_concurrency_is_the_named_constant(model: str, default: int) -> None:
    assert run_model(model, SleepJob(count=1, seconds=0)).concurrency == default
