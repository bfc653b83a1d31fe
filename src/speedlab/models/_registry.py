"""The one list of models: the CLI's choices and help, the demo, the benchmarks and the tests.

Each :class:`ModelSpec` names a model, says in one line what it is, and where its module
lives; the module is imported only when the model runs, so ``speedlab --help`` does not pay
for aiohttp, requests or multiprocessing. Adding a model is one module under
``speedlab/models/`` with a ``run`` function, and one line in ``_SPECS`` below.

>>> from speedlab.jobs.sleep import SleepJob
>>> from speedlab.models import MODELS, run_model
>>> list(MODELS)
['sequential', 'threads', 'processes', 'asyncio']
>>> run_model("asyncio", SleepJob(count=2, seconds=0)).done
2
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, Protocol

from speedlab._exceptions import UsageError
from speedlab.jobs.base import Job
from speedlab.models._events import EventHandler
from speedlab.models._result import RunResult
from speedlab.models._stop import StopSignal

__all__ = ["MODELS", "MODEL_NAMES", "Model", "ModelFamily", "ModelSpec", "run_model"]

ModelFamily = Literal["sequential", "executor", "async"]


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
    """

    name: str
    family: ModelFamily
    summary: str
    default_concurrency: str
    module: str

    def load(self) -> Model:
        """Import the model's module and return its ``run`` function."""
        run: Model = importlib.import_module(self.module).run
        return run


_SPECS = (
    ModelSpec(
        "sequential",
        "sequential",
        "one unit after another on one thread, as the lecture's first program",
        "1",
        "speedlab.models.sequential",
    ),
    ModelSpec(
        "threads",
        "executor",
        "a pool of threads: waits overlap, the GIL lets one compute at a time",
        "16",
        "speedlab.models.threads",
    ),
    ModelSpec(
        "processes",
        "executor",
        "a pool of processes: one interpreter (and one GIL) per core",
        "2 per core, up to 8",
        "speedlab.models.processes",
    ),
    ModelSpec(
        "asyncio",
        "async",
        "tasks of one asyncio event loop on one thread",
        "100",
        "speedlab.models.aio",
    ),
)

#: The models that exist, by name, in the order a report shows them.
MODELS: Mapping[str, ModelSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})

#: Every name the command line accepts.
MODEL_NAMES: tuple[str, ...] = tuple(MODELS)


def run_model(
    name: str,
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run ``job`` under the model called ``name``.

    Args:
        name: One of ``MODEL_NAMES``.
        job: The job to run.
        concurrency: How many units at once (None: the model's default).
        on_event: Called on this thread with every RunEvent.
        stop: Set it (from another thread) to stop the run early; the result is then
            ``interrupted``.

    Returns:
        The run's RunResult.

    Raises:
        UsageError: Unknown model, or a bad ``concurrency``.
        CannotShare: The job needs shared state that this model cannot provide.
        RunInterrupted: Ctrl-C stopped the run (it carries the partial result).
        RunOutOfMemory: memory ran out; the run was stopped (it carries the partial result).
        SpeedlabError: the job cannot run at all (e.g. ``UnusableOutput``), before any unit.
    """
    spec = MODELS.get(name)
    if spec is None:
        raise UsageError(f"unknown model {name!r}; choose from {', '.join(MODEL_NAMES)}")
    return spec.load()(job, concurrency=concurrency, on_event=on_event, stop=stop)
