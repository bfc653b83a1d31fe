"""The two drivers: run one unit to its end, answering its effects with injected primitives.

There are exactly two, as in httpx, where one ``auth_flow`` generator is driven by a sync and
an async client: :func:`drive_sync` for models whose workers block (sequential, threads,
processes, dask) and :func:`drive_async` for models with an event loop (asyncio, the hand-made
loop). Neither knows a transport, a clock or a loop: the model injects them, as
:class:`SyncEffects` or :class:`AsyncEffects`. In particular the async driver imports no event
loop at all, so asyncio and ``speedlab.loop`` share it.

Both hand the unit's record to ``finish`` exactly once on every path. A stop request ends the
unit at its next effect (the sync driver asks ``halted()``, and a sleep returns False when a
stop cut it short; an async model cancels the task instead). ``Call`` effects are never cut:
they write the results of work already done.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from speedlab.jobs.effects import (
    Await,
    Call,
    CallResult,
    Compute,
    HttpRequest,
    HttpResponse,
    Send,
    TransportError,
)
from speedlab.models._events import RunEvent, UnitStarted, UnitWaiting
from speedlab.models._result import UnitRecord
from speedlab.models._unit import OUT_OF_MEMORY, UnitRun

__all__ = [
    "AsyncEffects",
    "SyncEffects",
    "await_on_loop",
    "drive_async",
    "drive_sync",
    "run_inline",
]

Reply = HttpResponse | TransportError
Emit = Callable[[RunEvent], None]
Finish = Callable[[UnitRecord], None]


def run_inline(effect: Call | Compute | Await) -> CallResult:
    """Perform a ``Call``, ``Compute`` or ``Await`` right here, on this thread.

    An ``Await`` runs its coroutine to the end on a new asyncio loop (``asyncio.run``).
    """
    return effect.run()


async def await_on_loop(effect: Await) -> CallResult:
    """Await an ``Await`` effect's coroutine on the running loop (the async models' default)."""
    return await effect.arun()


def _never() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class SyncEffects:
    """How a blocking worker performs effects.

    Attributes:
        send: Performs one HTTP request (through a transport owned by this worker).
        sleep: Waits some seconds; returns False if a stop request cut the wait short.
        halted: Tells whether the run was asked to stop (checked before every effect but
            ``Call``).
        call: Performs a ``Call`` (default: inline).
        compute: Performs a ``Compute`` (default: inline).
        awaits: Performs an ``Await`` (default: inline, with ``asyncio.run``).
    """

    send: Callable[[HttpRequest], Reply]
    sleep: Callable[[float], bool]
    halted: Callable[[], bool] = _never
    call: Callable[[Call], CallResult] = run_inline
    compute: Callable[[Compute], CallResult] = run_inline
    awaits: Callable[[Await], CallResult] = run_inline


@dataclass(frozen=True, slots=True)
class AsyncEffects:
    """How a task of an event loop performs effects; every field is a coroutine function.

    A stop request cancels the task (with the loop's own cancellation), so there is no
    ``halted``: the cancellation arrives at whatever the unit awaits. ``awaits`` defaults to
    awaiting the coroutine on the loop itself.
    """

    send: Callable[[HttpRequest], Awaitable[Reply]]
    sleep: Callable[[float], Awaitable[object]]
    call: Callable[[Call], Awaitable[CallResult]]
    compute: Callable[[Compute], Awaitable[CallResult]]
    awaits: Callable[[Await], Awaitable[CallResult]] = await_on_loop


def drive_sync(run: UnitRun, effects: SyncEffects, *, emit: Emit, finish: Finish) -> None:
    """Run ``run`` to its end with blocking primitives, then hand its record to ``finish``.

    Args:
        run: The unit, not started yet.
        effects: The worker's primitives.
        emit: Receives ``UnitStarted`` and ``UnitWaiting`` events.
        finish: Receives the record, exactly once, on every path: if anything (Ctrl-C)
            escapes, the unit is closed and its record handed over before it propagates.
    """
    emit(UnitStarted(run.key, run.worker, run.start))
    try:
        effect = run.first()
        while effect is not None:
            if isinstance(effect, Call):  # a short write of work already done: never cut
                effect = run.answer(effects.call(effect))
                continue
            if effects.halted():
                run.interrupt()
                break
            if isinstance(effect, Send):
                effect = run.answer(effects.send(effect.request))
            elif isinstance(effect, Compute):
                effect = run.answer(effects.compute(effect))
            elif isinstance(effect, Await):
                effect = run.answer(effects.awaits(effect))
            else:
                emit(UnitWaiting(run.key, run.worker, effect.seconds, effect.reason, run.now()))
                if not effects.sleep(max(0.0, effect.seconds)):
                    run.interrupt()
                    break
                effect = run.answer(None)
    except BaseException as exc:
        _end(run, exc, finish)
        raise
    finish(run.record())


async def drive_async(run: UnitRun, effects: AsyncEffects, *, emit: Emit, finish: Finish) -> None:
    """Run ``run`` to its end as a task of an event loop, then hand its record to ``finish``.

    Cancellation (a stop request, Ctrl-C) closes the unit at the effect it was awaiting;
    ``finish`` still receives its record before the cancellation propagates.

    Args:
        run: The unit, not started yet.
        effects: The loop's primitives.
        emit: Receives ``UnitStarted`` and ``UnitWaiting`` events.
        finish: Receives the record, exactly once, on every path.
    """
    emit(UnitStarted(run.key, run.worker, run.start))
    try:
        effect = run.first()
        while effect is not None:
            if isinstance(effect, Send):
                effect = run.answer(await effects.send(effect.request))
            elif isinstance(effect, Call):
                effect = run.answer(await effects.call(effect))
            elif isinstance(effect, Compute):
                effect = run.answer(await effects.compute(effect))
            elif isinstance(effect, Await):
                effect = run.answer(await effects.awaits(effect))
            else:
                emit(UnitWaiting(run.key, run.worker, effect.seconds, effect.reason, run.now()))
                await effects.sleep(max(0.0, effect.seconds))
                effect = run.answer(None)
    except BaseException as exc:
        _end(run, exc, finish)
        raise
    finish(run.record())


def _end(run: UnitRun, exc: BaseException, finish: Finish) -> None:
    """Close a unit that something escaped from, and hand over its record."""
    if isinstance(exc, MemoryError):
        run.interrupt(OUT_OF_MEMORY, stopped=False)
    else:
        run.interrupt()
    finish(run.record())
