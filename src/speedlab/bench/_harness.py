"""Jobs x models x repeats: each run in a fresh interpreter, measured the same way.

A :class:`Workload` makes the job for each run (and owns what the job needs meanwhile, such
as a fakehub); :func:`bench_workload` runs it under every model asked for, ``repeat`` times,
round-robin (model A, B, C, then A, B, C again) so that a noisy minute of the machine does
not fall on one model alone. Every run happens in its own interpreter
(:func:`~speedlab.bench.run_isolated`), so its peak memory is that of the model's own
processes. The result is a :class:`JobBench`: per model a :class:`ModelRuns` of
:class:`Measured` runs, or why the model could not run the job (a refusal such as
:class:`~speedlab._exceptions.CannotShare` is an answer, not a crash).

The models come from the registry (``speedlab.models.MODELS``): a model added there is
benchmarked with no change here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from speedlab._exceptions import SpeedlabError, UsageError
from speedlab.bench._isolate import MemoryUsage, run_isolated
from speedlab.jobs.base import Job
from speedlab.models import MODELS, RunInterrupted, RunResult, StopSignal, run_model

__all__ = [
    "RUN_TIMEOUT",
    "BenchProgress",
    "JobBench",
    "Measured",
    "ModelRuns",
    "Workload",
    "bench_workload",
    "choose_models",
    "measure_model",
    "run_job_task",
]

#: Seconds one measured run may take before it is killed: a hung run must not hang the bench.
RUN_TIMEOUT = 600.0


@dataclass(frozen=True)
class Measured:
    """One run: the model's RunResult, the memory its processes held, and the machine's load.

    Attributes:
        result: What the model returned.
        memory: The peak memory of the model's own processes.
        machine_cpu_seconds: CPU seconds spent by *every* process of the machine during the
            run (None: unknown); beside ``result.cpu_seconds`` it tells how much CPU other
            programs took meanwhile, which makes timings on a busy machine readable.
    """

    result: RunResult
    memory: MemoryUsage
    machine_cpu_seconds: float | None = None


@dataclass(frozen=True)
class ModelRuns:
    """Every run of one model on one job, or the reason it could not run it.

    Attributes:
        model: The model's name.
        family: Its family in the registry (``"sequential"`` marks the baseline).
        runs: The measured runs, in the order they were made.
        error: Why the model could not run the job (None: it could).
    """

    model: str
    family: str
    runs: tuple[Measured, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class JobBench:
    """One job benchmarked under several models.

    Attributes:
        name: A short name (``"io"``, ``"cpu"``, ``"custom"``): file names derive from it.
        title: What was run, in words, with its sizes.
        noun: What a unit is called ("searches").
        units: How many units the job has.
        settings: The workload's parameters (latency, numbers...), for the JSON.
        models: One entry per model, in the order they were asked for.
    """

    name: str
    title: str
    noun: str
    units: int
    settings: Mapping[str, Any] = field(default_factory=dict)
    models: tuple[ModelRuns, ...] = ()


class Workload(Protocol):
    """What to benchmark: a job per run, and what the runs need around them."""

    @property
    def name(self) -> str:
        """A short name for files and headings ("io")."""
        ...

    @property
    def noun(self) -> str:
        """What a unit is called ("searches")."""
        ...

    @property
    def units(self) -> int:
        """How many units each job has."""
        ...

    def title(self) -> str:
        """What is run, in words, with its sizes."""
        ...

    def settings(self) -> Mapping[str, Any]:
        """The parameters, JSON-ready."""
        ...

    def open(self) -> AbstractContextManager[Callable[[str, int], Job]]:
        """Set up what the runs need; yield a function making the job for (model, repeat)."""
        ...


class BenchProgress(Protocol):
    """Told about each run as it starts and ends (a progress bar, plain lines)."""

    def started(self, label: str) -> None:
        """A run called ``label`` ("io: threads, run 2 of 3") starts."""
        ...

    def finished(self, label: str, outcome: str) -> None:
        """It ended; ``outcome`` says how ("0.52 s", "cannot run: ...")."""
        ...


def choose_models(names: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return the registry's models named in ``names`` (a comma-separated list), in order.

    None or an empty list means "the models the registry offers for each job" (an empty
    tuple; see ``BenchOptions.models_for``).

    Raises:
        UsageError: A name that is not a model.
    """
    if names is None:
        return ()
    items = names.split(",") if isinstance(names, str) else list(names)
    wanted = [n.strip() for n in items if n.strip()]
    if not wanted:
        return ()
    unknown = [n for n in wanted if n not in MODELS]
    if unknown:
        raise UsageError(
            f"unknown model {unknown[0]!r}; choose from {', '.join(MODELS)} (comma-separated)"
        )
    return tuple(dict.fromkeys(wanted))


def run_job_task(model: str, job: Job, concurrency: int | None) -> dict[str, Any]:
    """Run ``job`` under ``model`` here and return the RunResult as JSON-ready data.

    This is what the fresh interpreter of each run calls; a Ctrl-C (or a stop request,
    delivered as SIGINT) returns the partial result, marked interrupted.
    """
    import psutil

    from speedlab.bench._results import encode_result

    before = psutil.cpu_times()
    try:
        result = run_model(model, job, concurrency=concurrency)
    except RunInterrupted as stopped:
        result = stopped.result
    return {"result": encode_result(result), "machine_cpu_seconds": _busy_since(before)}


def _busy_since(before: Any) -> float:
    """CPU seconds every process of the machine spent since ``before`` (``psutil.cpu_times``)."""
    import psutil

    after = psutil.cpu_times()
    idle = {"idle", "iowait", "guest", "guest_nice"}  # guest time is already counted in user
    return float(
        sum(
            getattr(after, name) - getattr(before, name)
            for name in after._fields
            if name not in idle
        )
    )


def measure_model(
    model: str,
    job: Job,
    *,
    concurrency: int | None = None,
    stop: StopSignal | None = None,
    timeout: float | None = RUN_TIMEOUT,
) -> Measured:
    """Run ``job`` under ``model`` in a fresh interpreter; return the result and its cost.

    Args:
        model: A registry name.
        job: The job (it is pickled to the fresh interpreter).
        concurrency: Workers (None: the model's default).
        stop: When set, the run ends early and its result is ``interrupted``.
        timeout: Seconds the run may take before it is killed.

    Raises:
        CannotShare, UsageError: The model refused the job or the options.
        ChildFailed: The run crashed (one line).
        KeyboardInterrupt: Ctrl-C; the run was stopped and its processes reaped first.
    """
    from speedlab.bench._results import decode_result

    isolated = run_isolated(run_job_task, model, job, concurrency, stop=stop, timeout=timeout)
    result = decode_result(isolated.value["result"])
    return Measured(result, isolated.memory, isolated.value["machine_cpu_seconds"])


def _order(models: Sequence[str], repeat: int) -> Iterator[tuple[int, str]]:
    for index in range(repeat):
        for model in models:
            yield index, model


def bench_workload(
    workload: Workload,
    models: Sequence[str],
    *,
    repeat: int,
    concurrency: int | None = None,
    progress: BenchProgress | None = None,
    stop: StopSignal | None = None,
    timeout: float | None = RUN_TIMEOUT,
    check: Callable[[str, Measured], None] | None = None,
) -> JobBench:
    """Run ``workload`` under each of ``models``, ``repeat`` times each, in fresh processes.

    Args:
        workload: What to run.
        models: Registry names, in the order the report shows them.
        repeat: Runs per model (at least 1).
        concurrency: Workers for every model but the sequential one (None: each default).
        progress: Told about each run.
        stop: When set, the run in progress ends early and no other starts.
        timeout: Seconds one run may take.
        check: Called with each finished run; what it raises ends the bench.

    Returns:
        The JobBench. A model that refused the job (or whose run crashed) has its ``error``
        set and no further runs.

    Raises:
        UsageError: ``repeat`` below 1, or an unknown model.
        KeyboardInterrupt: Ctrl-C; the run in progress was stopped and reaped first.
    """
    if repeat < 1:
        raise UsageError(f"--repeat must be at least 1, not {repeat}")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise UsageError(f"unknown model {unknown[0]!r}; choose from {', '.join(MODELS)}")
    runs: dict[str, list[Measured]] = {m: [] for m in models}
    errors: dict[str, str] = {}
    with workload.open() as make_job:
        for index, model in _order(models, repeat):
            if model in errors or (stop is not None and stop.is_set()):
                continue
            label = f"{workload.name}: {model}, run {index + 1} of {repeat}"
            if progress is not None:
                progress.started(label)
            workers = None if MODELS[model].family == "sequential" else concurrency
            try:
                measured = measure_model(
                    model, make_job(model, index), concurrency=workers, stop=stop, timeout=timeout
                )
            except SpeedlabError as exc:
                errors[model] = str(exc)
                if progress is not None:
                    progress.finished(label, f"cannot run: {exc}")
                continue
            runs[model].append(measured)
            if progress is not None:
                progress.finished(label, _outcome(measured.result))
            if check is not None:
                check(model, measured)
    return JobBench(
        name=workload.name,
        title=workload.title(),
        noun=workload.noun,
        units=workload.units,
        settings=dict(workload.settings()),
        models=tuple(ModelRuns(m, MODELS[m].family, tuple(runs[m]), errors.get(m)) for m in models),
    )


def _outcome(result: RunResult) -> str:
    text = f"{result.wall_seconds:.2f} s"
    if result.failures:
        text += f", {result.failures} failed"
    if result.interrupted:
        text += ", interrupted"
    return text
