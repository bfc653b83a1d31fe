"""The dask model: every unit a task of a ``dask.distributed`` cluster, local or remote.

A member of the executor family (:mod:`speedlab.models._executor_family`): the run submits
``execute_unit(plan, key)`` through ``client.get_executor()``, and the worker drives the unit
with the same synchronous driver as a thread or a process would. What differs:

* **Where.** By default a ``LocalCluster`` of one single-threaded worker process per unit in
  flight (``concurrency``, default one per core), without a dashboard, started for the run
  and closed after it. ``scheduler="tcp://host:8786"`` (``--scheduler``) uses a running
  cluster instead, sized by its own workers (``concurrency`` then defaults to its threads).
* **The plan** goes to every worker once (``client.scatter``, broadcast): dask executors have
  no initializer, so each task receives the scattered plan and installs it on first use.
* **Sharing.** Workers may run on other machines, so the model lends no shared state
  (:class:`~speedlab.models._sharing.NoSharedMemory`): a job that needs some, such as the
  GitHub job's rate gate, is refused with ``CannotShare`` before anything is started.
* **Stopping.** The stop flag is a ``distributed.Event`` on the scheduler (sleeping units
  wait on it). A stop or Ctrl-C cancels the tasks not finished; dask never interrupts a
  running task, so a local cluster's worker processes are killed when the run was stopped,
  while a remote cluster's workers finish their current task and drop its result.
  Local workers ignore SIGINT: Ctrl-C reaches the whole process group; the parent decides.
  They are *spawned* (dask's default), so a script that runs this model must guard its
  entry point with ``if __name__ == "__main__":``, as ``multiprocessing`` asks.
* **Times** are measured with the epoch clock (``time.time``), the only clock that means
  the same on two machines; records of workers whose clocks are off by some milliseconds
  from this machine's are off by as much (run NTP on a real cluster).
* **Events.** Workers report no ``UnitStarted`` of their own: each is announced when its
  record arrives.

dask is an optional dependency (``pip install 'speedlab[dask]'``); it is imported when a run
starts, never by ``import speedlab``.

    >>> from speedlab.jobs.primes import PrimeJob
    >>> from speedlab.models import dask
    >>> [r.data["prime"] for r in dask.run(PrimeJob((97, 91)), concurrency=2).records]
    [True, False]
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace
from types import TracebackType
from typing import Any

from speedlab._constants import DEFAULT_CPU_WORKERS
from speedlab._exceptions import ClusterError
from speedlab.jobs.base import Job, SharedMemory
from speedlab.models._cluster import (
    CALL_TIMEOUT,
    ClusterExecutor,
    ClusterStop,
    close_nannies,
    probe_scheduler,
    quiet_loop,
    sigint_deferred,
    worker_cpu_seconds,
    worker_label,
)
from speedlab.models._events import EventHandler
from speedlab.models._executor_family import ExecutorModel, new_shared_state
from speedlab.models._requests_transport import RequestsTransport
from speedlab.models._result import RunResult
from speedlab.models._sharing import NoSharedMemory
from speedlab.models._stop import StopSignal
from speedlab.models._worker import StopFlag, SyncTransport, WorkerPlan, close_contexts

__all__ = [
    "CONNECT_TIMEOUT",
    "KILL_TIMEOUT",
    "NAME",
    "DaskModel",
    "run",
]

NAME = "dask"

#: Seconds to reach a scheduler (``--scheduler``) or for a local cluster's workers to start.
CONNECT_TIMEOUT = 30.0
#: Seconds a stopped local worker gets to end its task before its process is killed.
KILL_TIMEOUT = 0.2

_NO_SHARING = "its workers may run on other machines"


class DaskModel(ExecutorModel):
    """Units as tasks of a dask cluster; a context manager that owns its local cluster.

    Args:
        scheduler: A running scheduler's address; None starts a ``LocalCluster``.
    """

    name = NAME
    default_concurrency = DEFAULT_CPU_WORKERS

    def __init__(self, *, scheduler: str | None = None) -> None:
        self.scheduler = scheduler
        self._cluster: Any = None
        self._client: Any = None
        self._stop: ClusterStop | None = None
        self._cpu_before: dict[str, float] = {}
        self._worker_cpu = 0.0
        # The local cluster's scratch space (workers' spill files and locks): a folder of its
        # own, removed at close, rather than dask's shared /tmp/dask-scratch-space.
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` of the run, once connected (None before and after)."""
        return self._client

    # ------------------------------------------------------------------ the family's hooks

    def clock(self) -> Callable[[], float]:
        """The epoch clock: the one that two machines agree on (more or less)."""
        return time.time

    def memory(self) -> SharedMemory:
        """Nothing can be shared."""
        return NoSharedMemory(NAME, _NO_SHARING)

    def stop_flag(self) -> StopFlag:
        """A ``distributed.Event``, bound to the client when the run starts."""
        self._stop = ClusterStop()
        return self._stop

    def transport(self) -> Callable[[], SyncTransport]:
        """One ``requests`` session per worker, opened on a unit's first request."""
        return RequestsTransport

    def label(self) -> Callable[[], str]:
        """The worker's address."""
        return worker_label

    def start(self, plan: WorkerPlan, workers: int) -> tuple[Executor, WorkerPlan]:
        """Connect (or start the local cluster), scatter the plan, return the executor."""
        client = self._connect(workers)
        if self._stop is not None:
            self._stop.bind(client)
        self._cpu_before = self._workers_cpu()
        return ClusterExecutor(client, plan), plan

    def abort(self, plan: WorkerPlan) -> None:
        """Nothing of the run runs in this process; the cancelled tasks are the abort."""
        del plan

    def terminate(self, executor: Executor) -> None:
        """Kill a local cluster's workers (a second Ctrl-C); a remote one's are not ours."""
        del executor
        self._kill_local_workers()

    def finish(self, plan: WorkerPlan) -> None:
        """Read the workers' CPU time, make long-lived workers forget the run."""
        if self._client is None:
            return
        after = self._workers_cpu()
        self._worker_cpu = sum(
            max(0.0, after[w] - self._cpu_before[w]) for w in after if w in self._cpu_before
        )
        self._run_on_workers(close_contexts, plan.run_id)
        if self._stop is not None:
            self._stop.forget()

    # ------------------------------------------------------------------------- the run

    def run(
        self,
        job: Job,
        *,
        concurrency: int | None = None,
        on_event: EventHandler | None = None,
        stop: StopSignal | None = None,
    ) -> RunResult:
        """Run every unit of ``job`` as a task of the cluster; see :func:`run`."""
        new_shared_state(job, self.memory())  # refuse before connecting to anything
        if concurrency is None and self.scheduler is not None:
            concurrency = max(1, sum(self._connect(0).nthreads().values()))
        result = super().run(job, concurrency=concurrency, on_event=on_event, stop=stop)
        return replace(result, cpu_seconds=result.cpu_seconds + self._worker_cpu)

    def _connect(self, workers: int) -> Any:
        if self._client is not None:
            return self._client
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ClusterError(
                "the dask model needs dask.distributed: pip install 'speedlab[dask]'"
            ) from None
        try:
            self._start_cluster(workers)
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
            # RuntimeError: a local worker process failed to start (see the module's doc).
            self.close(kill=True)
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            if self.scheduler is None:
                raise ClusterError(f"the local dask cluster did not start: {reason}") from None
            raise ClusterError(
                f"cannot reach the dask scheduler at {self.scheduler}: {reason}"
            ) from None
        return self._client

    def _start_cluster(self, workers: int) -> None:
        """Connect, or start a local cluster: its scheduler first, then its workers.

        Only the quick steps hold Ctrl-C back (a scheduler in this process, a client: see
        ``sigint_deferred``); the workers are started once the cluster is in hand, so Ctrl-C
        during their seconds of start-up interrupts at once, and the caller's close() kills
        what has started.
        """
        from distributed import Client, LocalCluster

        if self.scheduler is not None:
            probe_scheduler(self.scheduler, timeout=CONNECT_TIMEOUT)
        with sigint_deferred() as pressed:
            if self.scheduler is None:
                self._scratch = tempfile.TemporaryDirectory(prefix="speedlab-dask-")
                self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=0,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    # The scheduler serves HTTP even without a dashboard, by default on port
                    # 8787: a second cluster would warn that it is taken. Any free local port.
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                    # Nothing of distributed's logging reaches the user's terminal: a stop kills
                    # our own workers on purpose (an ERROR there), and closing races its own
                    # reports to a client already gone (a CRITICAL with a traceback). Real
                    # failures reach the run as failed units or a ClusterError anyway.
                    silence_logs=logging.CRITICAL + 1,
                    preload=["speedlab.models._cluster"],
                    death_timeout=CONNECT_TIMEOUT,
                    local_directory=self._scratch.name,
                )
                quiet_loop(self._cluster.loop)
            self._client = Client(  # type: ignore[no-untyped-call]
                self._cluster if self._cluster is not None else self.scheduler,
                timeout=CONNECT_TIMEOUT,
                set_as_default=False,
            )
            quiet_loop(self._client.loop)
        if pressed:
            raise KeyboardInterrupt
        if self._cluster is not None:
            count = max(1, workers)
            self._cluster.scale(count)
            self._client.wait_for_workers(count, timeout=CONNECT_TIMEOUT)

    def _run_on_workers(self, fn: Callable[..., Any], *args: Any) -> dict[str, Any]:
        try:
            # client.run hands callback_timeout on to client.sync: a deadline on the call.
            result: dict[str, Any] = self._client.run(
                fn, *args, on_error="ignore", callback_timeout=CALL_TIMEOUT
            )
        except (OSError, TimeoutError):
            return {}
        return result

    def _workers_cpu(self) -> dict[str, float]:
        return {k: float(v) for k, v in self._run_on_workers(worker_cpu_seconds).items()}

    # ----------------------------------------------------------------------- resources

    def _kill_local_workers(self) -> None:
        cluster = self._cluster
        if cluster is not None:
            cluster.sync(close_nannies, list(cluster.workers.values()), KILL_TIMEOUT)

    def close(self, *, kill: bool = False) -> None:
        """Disconnect, and close the local cluster (idempotent).

        Args:
            kill: Kill the local workers first (the run was stopped: their tasks are lost).
        """
        if kill or (self._stop is not None and self._stop.is_set()):
            with contextlib.suppress(KeyboardInterrupt):  # the close below ends them anyway
                self._kill_local_workers()
        while self._client is not None or self._cluster is not None:
            try:
                if self._client is not None:
                    self._client.close()
                    self._client = None
                if self._cluster is not None:
                    self._cluster.close()
                    self._cluster = None
            except KeyboardInterrupt:  # Ctrl-C again while closing: go on closing
                continue
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> DaskModel:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(kill=exc_type is not None)


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
    scheduler: str | None = None,
) -> RunResult:
    """Run the units of ``job`` as tasks of a dask cluster.

    Args:
        job: The job to run; it must be picklable and share nothing.
        concurrency: Tasks in flight; for a local cluster also its worker processes (one
            thread each). Default: one per core, or a remote cluster's total threads.
        on_event: Called on this thread with every RunEvent.
        stop: When set, unfinished tasks are cancelled (sleeping units wake and end), a
            local cluster's workers are killed, and the result is ``interrupted``.
        scheduler: Address of a running scheduler (``tcp://host:8786``); None starts a
            ``LocalCluster`` for this run and closes it at the end.

    Returns:
        The run's RunResult (times on the epoch clock); ``cpu_seconds`` includes the
        workers' CPU time during the run.

    Raises:
        UsageError: ``concurrency`` is not a positive integer.
        CannotShare: the job needs state its workers share (the GitHub job's rate gate).
        ClusterError: the scheduler cannot be reached, or the local cluster did not start.
        RunInterrupted: Ctrl-C; tasks were cancelled and a local cluster closed first.
    """
    with DaskModel(scheduler=scheduler) as model:
        return model.run(job, concurrency=concurrency, on_event=on_event, stop=stop)
