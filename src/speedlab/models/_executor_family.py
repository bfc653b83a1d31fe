"""The executor family: threads, processes and dask, over one ``concurrent.futures.Executor``.

The three models differ only in where a task runs; the rest is this one implementation.
A model subclasses :class:`ExecutorModel` and says how to make its executor (with a pool
initializer that installs the run's :class:`~speedlab.models._worker.WorkerPlan`, or none),
its stop flag, its shared memory, and how its workers' events reach the caller. The run:

* submits units one at a time (never batches, so a slow unit holds up nothing else), at most
  two per worker ahead, so that stopping has little to cancel;
* blocks on ONE queue that receives the workers' events, the finished futures and the stop
  request (a :class:`~speedlab.models._stop.StopSignal` posts to it), so nothing is polled;
* calls ``on_event`` on the caller's thread only, through the :class:`Recorder`;
* on a stop (or Ctrl-C): sets the workers' stop flag (sleeping units wake and end), cancels
  the units not yet taken, breaks requests in flight, and waits for the rest; a second Ctrl-C
  makes it harsher (``terminate``) but never leaves a worker behind;
* when memory runs out, in a worker or here, stops the run the same way and raises
  :class:`~speedlab.models.RunOutOfMemory` (a unit cannot fail alone of it: the next
  allocation, anywhere, would fail too);
* at the end, whatever the path, sets the stop flag once more before joining the workers, so
  that anything a worker runs beside its units (the processes model's stop watcher) ends too.
"""

from __future__ import annotations

import queue
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from typing import ClassVar, cast

from speedlab._exceptions import CannotShare
from speedlab.jobs.base import Job, SharedMemory
from speedlab.models._events import EventHandler, RunEvent
from speedlab.models._recorder import Recorder, check_concurrency
from speedlab.models._result import RunInterrupted, RunOutOfMemory, RunResult, UnitRecord
from speedlab.models._stop import StopSignal
from speedlab.models._unit import INTERRUPTED, OUT_OF_MEMORY, describe_error
from speedlab.models._worker import (
    StopFlag,
    SyncTransport,
    WorkerPlan,
    abort_contexts,
    close_contexts,
    execute_unit,
)

__all__ = ["ExecutorModel", "new_shared_state"]

_STOP = object()  # posted to the run's queue by the caller's StopSignal


def new_shared_state(job: Job, memory: SharedMemory) -> object:
    """Ask ``job`` for its shared state; a refusal names the job and the model.

    Raises:
        CannotShare: the job needs state the model cannot share.
    """
    try:
        return job.new_shared_state(memory)
    except CannotShare as exc:
        raise CannotShare(f"cannot run the {job.name} job: {exc}") from None


class ExecutorModel:
    """One model of the executor family; subclasses fill in the class attributes and hooks."""

    #: The model's name in the registry.
    name: ClassVar[str]
    #: Workers when the caller does not say.
    default_concurrency: ClassVar[int]
    #: Cancel the futures no worker has taken yet on a stop (else they end at once, unrun).
    cancel_queued: ClassVar[bool] = True
    #: Where a worker runs, for messages ("a worker thread").
    worker_kind: ClassVar[str] = "a worker"

    def clock(self) -> Callable[[], float]:
        """Return the clock every worker measures with (system-wide when they are processes)."""
        return time.monotonic

    def memory(self) -> SharedMemory:
        """Return the sharing backend this model's workers can use."""
        raise NotImplementedError

    def stop_flag(self) -> StopFlag:
        """Return a new flag the workers wait on."""
        raise NotImplementedError

    def transport(self) -> Callable[[], SyncTransport]:
        """Return the (picklable) factory of one worker's transport."""
        raise NotImplementedError

    def label(self) -> Callable[[], str]:
        """Return the (picklable) function naming the current worker."""
        raise NotImplementedError

    def open_events(self, deliver: Callable[[object], None]) -> Callable[[RunEvent], None] | None:
        """Return the workers' event sink, whose events must reach ``deliver`` (in order)."""
        del deliver
        return None

    def close_events(self) -> None:
        """Stop delivering events (after every worker has ended)."""

    def start(self, plan: WorkerPlan, workers: int) -> tuple[Executor, str | WorkerPlan]:
        """Create the executor; return it and the handle each task receives."""
        raise NotImplementedError

    def abort(self, plan: WorkerPlan) -> None:
        """Break the requests in flight (a stop request): those of this process's threads."""
        abort_contexts(plan.run_id)

    def terminate(self, executor: Executor) -> None:
        """Kill the workers (a second Ctrl-C); units in flight are lost, not half-saved."""
        del executor

    def finish(self, plan: WorkerPlan) -> None:
        """Release what the run left in this process (the threads' transports)."""
        close_contexts(plan.run_id)

    def run(
        self,
        job: Job,
        *,
        concurrency: int | None = None,
        on_event: EventHandler | None = None,
        stop: StopSignal | None = None,
    ) -> RunResult:
        """Run every unit of ``job`` on ``concurrency`` workers and return the RunResult.

        Raises:
            UsageError: ``concurrency`` is not a positive integer.
            CannotShare: the job needs shared state this model cannot provide.
            RunInterrupted: Ctrl-C; the workers were stopped and joined first.
            RunOutOfMemory: memory ran out here or in a worker; the workers were stopped and
                joined first.
        """
        n = check_concurrency(self.name, concurrency, self.default_concurrency)
        recorder = Recorder(self.name, job, n, on_event, clock=self.clock())
        shared = new_shared_state(job, self.memory()) if recorder.keys else None
        recorder.begin()
        if not recorder.keys:
            return recorder.result()
        return _ExecutorRun(self, job, recorder, shared, min(n, len(recorder.keys)), stop).go()


class _ExecutorRun:
    """The caller's side of one run: submits, settles, stops, joins."""

    def __init__(
        self,
        model: ExecutorModel,
        job: Job,
        recorder: Recorder,
        shared: object,
        workers: int,
        stop: StopSignal | None,
    ) -> None:
        self.model = model
        self.recorder = recorder
        self.stop = stop
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.window = 2 * workers
        self.keys: Iterator[str] = iter(recorder.keys)
        self.outstanding: dict[Future[UnitRecord | None], str] = {}
        self.stopped = False
        self.terminated = False  # a second Ctrl-C killed the workers
        self.out_of_memory: str | None = None  # where memory ran out, if it did
        self.broken: str | None = None
        self.plan = WorkerPlan(
            run_id=uuid.uuid4().hex,
            job=job,
            shared=shared,
            t0=recorder.t0,
            clock=recorder.clock,
            stop=model.stop_flag(),
            sink=model.open_events(self.inbox.put),
            transport=model.transport(),
            label=model.label(),
        )
        self.executor, self.handle = model.start(self.plan, workers)

    def go(self) -> RunResult:
        unsubscribe = self.stop.subscribe(self._post_stop) if self.stop is not None else None
        error: BaseException | None = None
        try:
            try:
                if self.stop is not None and self.stop.is_set():
                    self._request_stop()  # stopped before it began: start nothing
                self._submit_more()
                self._pump(notify=True)
            except MemoryError:
                # Leave the except block (and the traceback's frames, with whatever they
                # hold) before doing anything else.
                self.out_of_memory = "this process"
            if self.out_of_memory is not None:
                self._request_stop()
                self._drain(notify=False)
        except BaseException as exc:
            error = exc
            self._request_stop()
            self._drain(notify=isinstance(exc, KeyboardInterrupt))
        finally:
            if unsubscribe is not None:
                unsubscribe()
            self._close()
        result = self.recorder.result(interrupted=self.stopped)
        if isinstance(error, KeyboardInterrupt):
            raise RunInterrupted(result) from error
        if error is not None:
            raise error
        if self.out_of_memory is not None:
            raise RunOutOfMemory(result, self.out_of_memory)
        return result

    def _post_stop(self) -> None:
        self.inbox.put(_STOP)

    def _submit_more(self) -> None:
        while not self.stopped and len(self.outstanding) < self.window:
            key = next(self.keys, None)
            if key is None:
                return
            if self.broken is not None:
                self.recorder.finish(_failed(key, self.broken))
                continue
            try:
                future = self.executor.submit(execute_unit, self.handle, key)
            except BrokenProcessPool as exc:
                self.broken = f"the process pool broke: {exc}"
                self.recorder.finish(_failed(key, self.broken))
                continue
            self.outstanding[future] = key
            future.add_done_callback(self.inbox.put)

    def _pump(self, *, notify: bool) -> None:
        """Handle messages until every submitted unit is settled."""
        while self.outstanding:
            message = self.inbox.get()
            if message is _STOP:
                self._request_stop()
            elif isinstance(message, Future):
                self._settle(message)
                self._submit_more()
            else:
                self.recorder.emit(cast(RunEvent, message), notify=notify)

    def _drain(self, *, notify: bool) -> None:
        """After an error or Ctrl-C: let the stopping workers report; Ctrl-C again kills."""
        while True:
            try:
                self._pump(notify=notify)
                return
            except KeyboardInterrupt:
                self._terminate()
            except MemoryError:
                self.out_of_memory = self.out_of_memory or "this process"
                notify = False
            except Exception:  # the handler failed: keep the records, stop calling it
                notify = False

    def _settle(self, future: Future[UnitRecord | None]) -> None:
        key = self.outstanding.pop(future, None)
        if key is None or future.cancelled():
            return
        error = future.exception()
        if error is not None:
            if isinstance(error, MemoryError):
                self.out_of_memory = self.out_of_memory or self.model.worker_kind
                self.recorder.finish(_failed(key, OUT_OF_MEMORY))
                self._request_stop()
            elif isinstance(error, BrokenProcessPool) and self.terminated:
                self.recorder.finish(_failed(key, INTERRUPTED, interrupted=True))
            else:
                if isinstance(error, BrokenProcessPool):
                    self.broken = f"a worker process died: {error}"
                self.recorder.finish(_failed(key, f"the worker failed: {describe_error(error)}"))
            return
        record = future.result()
        if record is not None:
            self.recorder.finish(record)

    def _request_stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.plan.stop.set()
        if self.model.cancel_queued:
            for future in list(self.outstanding):
                future.cancel()  # only the ones no worker has taken yet
        self.model.abort(self.plan)

    def _terminate(self) -> None:
        self.terminated = True
        self.model.terminate(self.executor)

    def _close(self) -> None:
        # The run is over: whatever a worker runs beside its units waits for this flag too.
        # Set it only if no stop did (a worker killed by a second Ctrl-C may have died
        # holding a multiprocessing Event's lock: touching the flag again could hang).
        if not self.stopped:
            self.plan.stop.set()
        # Joining the workers must finish even when Ctrl-C is pressed again (and again)
        # meanwhile: each extra Ctrl-C only makes the stop harsher, never leaves one behind.
        while True:
            try:
                self.executor.shutdown(wait=True, cancel_futures=True)
                break
            except KeyboardInterrupt:
                self._request_stop()
                self._terminate()
        self.model.close_events()
        while True:  # what arrived after the last pump: keep the records, announce nothing
            try:
                message = self.inbox.get_nowait()
            except queue.Empty:
                break
            if isinstance(message, Future):
                self._settle(message)
        self.model.finish(self.plan)


def _failed(key: str, reason: str, *, interrupted: bool = False) -> UnitRecord:
    return UnitRecord(key=key, status="failed", detail=reason, interrupted=interrupted)
