"""Jobs x models x repeats, each run in a fresh process, refusals kept as answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from speedlab._exceptions import CannotShare, UsageError
from speedlab.bench import bench_workload, choose_models
from speedlab.bench._workloads import io_keywords, same_job
from speedlab.jobs.base import Job, SharedMemory
from speedlab.jobs.sleep import SleepJob
from speedlab.models import MODELS


@dataclass(frozen=True)
class LocalOnlyJob:
    """A sleep job that refuses models whose workers cannot share this process's memory."""

    count: int = 2
    name: str = "local"

    def units(self) -> Sequence[str]:
        return SleepJob(count=self.count, seconds=0).units()

    def skipped(self) -> Sequence[Any]:
        return []

    def new_shared_state(self, memory: SharedMemory) -> object:
        if memory.kind != "local":
            raise CannotShare(f"needs local memory, not {memory.kind}")
        return None

    def unit(self, key: str, shared: object) -> Any:
        return SleepJob(count=self.count, seconds=0).unit(key, shared)


@dataclass(frozen=True)
class Tiny:
    """A workload of any job."""

    job: Job
    name: str = "tiny"
    noun: str = "naps"
    units: int = 2

    def title(self) -> str:
        return "two naps"

    def settings(self) -> Mapping[str, Any]:
        return {"naps": 2}

    @contextmanager
    def open(self) -> Iterator[Callable[[str, int], Job]]:
        yield same_job(self.job)


class Seen:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def started(self, label: str) -> None:
        self.lines.append(f"start {label}")

    def finished(self, label: str, outcome: str) -> None:
        self.lines.append(
            f"end {label}: {outcome.split(' ')[0] if outcome[0].isdigit() else outcome}"
        )


def test_models_come_from_the_registry() -> None:
    assert choose_models(None) == ()  # each job then runs the models offered for it
    assert choose_models("") == ()
    assert choose_models("threads, sequential,threads") == ("threads", "sequential")
    with pytest.raises(UsageError, match="unknown model 'fibers'"):
        choose_models("threads,fibers")


def test_runs_go_round_robin_and_each_model_gets_its_repeats() -> None:
    seen = Seen()
    job = bench_workload(
        Tiny(SleepJob(count=2, seconds=0.01)), ["sequential", "threads"], repeat=2, progress=seen
    )
    assert [m.model for m in job.models] == ["sequential", "threads"]
    assert [len(m.runs) for m in job.models] == [2, 2]
    assert [line.split(",")[0] for line in seen.lines[::2]] == [
        "start tiny: sequential",
        "start tiny: threads",
        "start tiny: sequential",
        "start tiny: threads",
    ]
    run = job.models[1].runs[0]
    assert run.result.done == 2
    assert run.memory.main_peak_bytes > 0
    assert run.machine_cpu_seconds is not None
    assert (job.name, job.noun, job.units, job.settings) == ("tiny", "naps", 2, {"naps": 2})


@pytest.mark.slow
def test_a_model_that_refuses_the_job_is_an_answer_not_a_crash() -> None:
    seen = Seen()
    job = bench_workload(Tiny(LocalOnlyJob()), ["threads", "processes"], repeat=2, progress=seen)
    threads, processes = job.models
    assert len(threads.runs) == 2
    assert processes.runs == ()
    assert processes.error == "cannot run the local job: needs local memory, not process"
    assert sum("start tiny: processes" in line for line in seen.lines) == 1  # not retried


def test_bad_repeat_or_model_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--repeat"):
        bench_workload(Tiny(SleepJob(count=1, seconds=0)), ["threads"], repeat=0)
    with pytest.raises(UsageError, match="unknown model"):
        bench_workload(Tiny(SleepJob(count=1, seconds=0)), ["fibers"], repeat=1)


def test_io_keywords_start_with_the_lecture_s() -> None:
    words = io_keywords(10)
    assert words[:8] == ("search", "torch", "tensorflow", "requests", "alice", "data", "deep", "ML")
    assert words[8:] == ("topic000", "topic001")
    assert len(set(io_keywords(40))) == 40


def test_each_job_runs_the_models_the_registry_offers_for_it() -> None:
    from speedlab.bench import BenchOptions
    from speedlab.models import models_for

    options = BenchOptions(what="all")
    assert options.models_for("io") == models_for("io")
    assert options.models_for("cpu") == models_for("cpu")
    assert "dask" not in options.models_for("io")
    assert options.models_for("custom") == tuple(MODELS)
    chosen = BenchOptions(what="all", models=("threads",))
    assert chosen.models_for("io") == chosen.models_for("cpu") == ("threads",)
