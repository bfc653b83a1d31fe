"""The one list of models: the CLI's choices and help, the demo, the benchmarks and the tests.

Each :class:`ModelSpec` names a model, says in one line what it is, and where its module
lives; the module is imported only when the model runs, so ``speedlab --help`` does not pay
for aiohttp, requests, multiprocessing or dask. Adding a model is one module under
``speedlab/models/`` with a ``run`` function, and one line in ``_SPECS`` below.

Not every model is offered for every job. Each spec names the **workloads** it is meant for:
``"io"`` (jobs that mostly wait: the GitHub search, the sleep job) and ``"cpu"`` (jobs that
mostly compute: the prime job's ``Compute`` effects). :func:`models_for` lists them, and the
commands, the demo and the tests draw their choices from it. One model is I/O-only and two
are CPU-only:

- ``handmade`` computes inline on its loop exactly as ``asyncio`` does (one core, every other
  task waiting): for CPU work it would repeat asyncio's row. It is offered for I/O, where its
  own sockets, TLS and HTTP client are what it is measured on;

- ``asyncio-processes`` differs from ``asyncio`` only in where ``Compute`` runs; on a job
  without ``Compute`` it *is* the asyncio model, so offering it for I/O adds nothing;
- ``dask`` cannot lend shared state (its workers may be on other machines), and the GitHub
  job needs its rate gate shared: run anyway, it refuses with ``CannotShare`` and a one-line
  reason before it starts anything. Jobs that share nothing (sleep) still run under it.

>>> from speedlab.jobs.sleep import SleepJob
>>> from speedlab.models import MODELS, models_for, run_model
>>> list(MODELS)
['sequential', 'threads', 'processes', 'asyncio', 'handmade', 'asyncio-processes', 'dask']
>>> models_for("io")
('sequential', 'threads', 'processes', 'asyncio', 'handmade')
>>> run_model("asyncio", SleepJob(count=2, seconds=0)).done
2

One model offers a choice of event loop: ``run_model("asyncio", job, loop="uvloop")`` runs
the asyncio model on uvloop's loop (an optional extra). Its spec lists the loops it takes
(``MODELS["asyncio"].loops``); every other model refuses any loop but the default, asyncio's.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, Protocol, cast

from speedlab._exceptions import UsageError
from speedlab.jobs.base import Job
from speedlab.models._events import EventHandler
from speedlab.models._result import RunResult
from speedlab.models._stop import StopSignal

__all__ = [
    "DEFAULT_LOOP",
    "MODELS",
    "MODEL_NAMES",
    "WORKLOADS",
    "LoopModel",
    "Model",
    "ModelFamily",
    "ModelSpec",
    "Workload",
    "models_for",
    "run_model",
]

ModelFamily = Literal["sequential", "executor", "async"]

#: What a job mostly does: wait (requests, sleeps) or compute (``Compute`` effects).
Workload = Literal["io", "cpu"]

#: Every workload, in the order help texts name them.
WORKLOADS: tuple[Workload, ...] = ("io", "cpu")

#: The loop ``run_model`` assumes without ``loop=``: asyncio's own. Any model accepts it.
DEFAULT_LOOP = "asyncio"


class Model(Protocol):
    """What every model's ``run`` looks like."""

    def __call__(
        self,
        job: Job,
        *,
        concurrency: int | None = None,
        on_event: EventHandler | None = None,
        stop: StopSignal | None = None,
    ) -> RunResult:
        """Run every unit of ``job`` and return the RunResult."""
        ...


class LoopModel(Protocol):
    """The ``run`` of a model that takes a choice of event loop (its spec's ``loops``)."""

    def __call__(
        self,
        job: Job,
        *,
        concurrency: int | None = None,
        on_event: EventHandler | None = None,
        stop: StopSignal | None = None,
        loop: str = DEFAULT_LOOP,
    ) -> RunResult:
        """Run every unit of ``job`` on the event loop called ``loop``."""
        ...


@dataclass(frozen=True)
class ModelSpec:
    """One model: its name, its family, a line for ``--help``, and where it lives.

    Attributes:
        name: The name the CLI and ``run_model`` take.
        family: ``"sequential"``, ``"executor"`` (a pool of threads or processes) or
            ``"async"`` (tasks of one event loop).
        summary: One line for help texts and reports.
        default_concurrency: How many units at once without ``--concurrency``, in words.
        module: The module whose ``run`` function runs a job.
        compute: Where its ``Compute`` effects run, and what that means for CPU-bound work
            (the reason a report gives next to the model's speed-up).
        workloads: The kinds of job it is offered for (see :func:`models_for`).
        loops: The event loops its ``run`` takes as ``loop=``, the default first; empty for
            a model that offers no choice (it takes no ``loop``).
    """

    name: str
    family: ModelFamily
    summary: str
    default_concurrency: str
    module: str
    compute: str
    workloads: frozenset[Workload] = frozenset(WORKLOADS)
    loops: tuple[str, ...] = ()

    def load(self) -> Model:
        """Import the model's module and return its ``run`` function."""
        run: Model = importlib.import_module(self.module).run
        return run

    def check_loop(self, loop: str) -> str:
        """Return ``loop`` if this model runs on it; refuse it in one line otherwise.

        Every model accepts ``DEFAULT_LOOP`` (asyncio's loop: for a model that offers no
        choice it changes nothing), so a caller may always pass the default.

        Raises:
            UsageError: ``loop`` is no loop of any model, or not one of this model's.
        """
        if loop in self.loops or loop == DEFAULT_LOOP:
            return loop
        known = sorted({DEFAULT_LOOP}.union(*(spec.loops for spec in _SPECS)))
        if loop not in known:
            raise UsageError(f"unknown event loop {loop!r}; choose from {', '.join(known)}")
        takers = " or ".join(spec.name for spec in _SPECS if loop in spec.loops)
        raise UsageError(f"the {self.name} model does not run on {loop}: only {takers} does")


_SPECS = (
    ModelSpec(
        "sequential",
        "sequential",
        "one unit after another on one thread, as the lecture's first program",
        "1",
        "speedlab.models.sequential",
        compute="inline, one unit after another: one core",
    ),
    ModelSpec(
        "threads",
        "executor",
        "a pool of threads: waits overlap, the GIL lets one compute at a time",
        "16",
        "speedlab.models.threads",
        compute="inline on each thread: the GIL lets one thread compute at a time",
    ),
    ModelSpec(
        "processes",
        "executor",
        "a pool of processes: one interpreter (and one GIL) per core",
        "2 per core, up to 8",
        "speedlab.models.processes",
        compute="in each worker process: one interpreter and one GIL per process",
    ),
    ModelSpec(
        "asyncio",
        "async",
        "tasks of one asyncio event loop on one thread",
        "200 (over at most 100 connections)",
        "speedlab.models.aio",
        compute="inline on the event loop: one core, and every other task waits",
        loops=(DEFAULT_LOOP, "uvloop"),
    ),
    ModelSpec(
        "handmade",
        "async",
        "tasks of speedlab.loop, the hand-made event loop with its own sockets, TLS and HTTP",
        "100",
        "speedlab.models.handmade",
        compute="inline on the hand-made loop: one core, and every other task waits",
        workloads=frozenset({"io"}),
    ),
    ModelSpec(
        "asyncio-processes",
        "async",
        "asyncio tasks that await a process pool (run_in_executor) for CPU-bound work",
        "1 per core",
        "speedlab.models.aio_processes",
        compute="in a process pool the loop awaits: one GIL per process, the loop stays free",
        workloads=frozenset({"cpu"}),
    ),
    ModelSpec(
        "dask",
        "executor",
        "dask.distributed workers: a local cluster, or any cluster with --scheduler",
        "1 worker per core (a cluster: its threads)",
        "speedlab.models.dask",
        compute="on the cluster's worker processes, each with its own GIL, plus a "
        "scheduler round trip per unit",
        workloads=frozenset({"cpu"}),
    ),
)

#: The models that exist, by name, in the order a report shows them.
MODELS: Mapping[str, ModelSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})

#: Every name the command line accepts.
MODEL_NAMES: tuple[str, ...] = tuple(MODELS)


def models_for(workload: Workload) -> tuple[str, ...]:
    """Return the names of the models offered for ``workload``, in the registry's order.

    Args:
        workload: ``"io"`` (jobs that wait) or ``"cpu"`` (jobs that compute).

    Returns:
        The model names, e.g. ``models_for("io")[0] == "sequential"``.

    Raises:
        UsageError: ``workload`` is not one of ``WORKLOADS``.
    """
    if workload not in WORKLOADS:
        raise UsageError(f"unknown workload {workload!r}; choose from {', '.join(WORKLOADS)}")
    return tuple(name for name, spec in MODELS.items() if workload in spec.workloads)


def run_model(
    name: str,
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
    loop: str = DEFAULT_LOOP,
) -> RunResult:
    """Run ``job`` under the model called ``name``.

    Args:
        name: One of ``MODEL_NAMES``.
        job: The job to run.
        concurrency: How many units at once (None: the model's default).
        on_event: Called on this thread with every RunEvent.
        stop: Set it (from another thread) to stop the run early; the result is then
            ``interrupted``.
        loop: The event loop, for a model that offers a choice (``MODELS[name].loops``:
            the asyncio model takes ``"uvloop"``); every model accepts the default.

    Returns:
        The run's RunResult.

    Raises:
        UsageError: Unknown model, a bad ``concurrency``, a ``loop`` the model does not run
            on, or one that is not installed.
        CannotShare: The job needs shared state that this model cannot provide.
        RunInterrupted: Ctrl-C stopped the run (it carries the partial result).
        RunOutOfMemory: memory ran out; the run was stopped (it carries the partial result).
        SpeedlabError: the job cannot run at all (e.g. ``UnusableOutput``), before any unit.
    """
    spec = MODELS.get(name)
    if spec is None:
        raise UsageError(f"unknown model {name!r}; choose from {', '.join(MODEL_NAMES)}")
    spec.check_loop(loop)
    run = spec.load()
    if not spec.loops:
        return run(job, concurrency=concurrency, on_event=on_event, stop=stop)
    choosing = cast(LoopModel, run)
    return choosing(job, concurrency=concurrency, on_event=on_event, stop=stop, loop=loop)
