"""Small jobs for the model tests: HTTP with retries, a rendezvous, a crash, and naps to compute.

They live at module level and are plain frozen dataclasses so that the processes model can
pickle them.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import MutableSequence, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from speedlab.jobs.base import SharedMemory
from speedlab.jobs.effects import (
    Call,
    CallResult,
    Compute,
    HttpRequest,
    HttpResponse,
    Send,
    Sleep,
    TransportError,
    UnitGenerator,
    UnitOutcome,
)


@dataclass(frozen=True)
class HttpJob:
    """GET ``{base}/{route}/{key}`` per key, retrying transport errors and 5xx."""

    base: str
    keys: tuple[str, ...]
    route: str = "item"
    token: str | None = None
    retries: int = 3
    timeout: float = 5.0
    done: frozenset[str] = field(default_factory=frozenset)

    @property
    def name(self) -> str:
        return "http"

    def units(self) -> Sequence[str]:
        return [k for k in self.keys if k not in self.done]

    def skipped(self) -> Sequence[UnitOutcome]:
        return [UnitOutcome(k, "skipped", "cached") for k in self.keys if k in self.done]

    def new_shared_state(self, memory: SharedMemory) -> object:
        return None

    def unit(self, key: str, shared: object) -> UnitGenerator:
        headers = {"User-Agent": "speedlab-tests"}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        request = HttpRequest("GET", f"{self.base}/{self.route}/{key}", headers, self.timeout)
        last, kind = "", ""
        for attempt in range(1, self.retries + 2):
            reply = yield Send(request)
            if isinstance(reply, TransportError):
                last, kind = f"{reply.kind}: {reply.message}", reply.kind
            elif not isinstance(reply, HttpResponse):
                raise TypeError(f"unexpected reply {reply!r}")
            elif reply.status >= 500:
                last, kind = f"HTTP {reply.status}", "http"
            else:
                body = json.loads(reply.body) if reply.body else None
                return UnitOutcome(
                    key,
                    "done" if reply.status == 200 else "failed",
                    f"HTTP {reply.status}",
                    attempts=attempt,
                    stats=HttpStats(attempt, attempt - 1),
                    data={
                        "status": reply.status,
                        "body": body,
                        "location": reply.headers.get("location", ""),
                        "content_type": reply.headers.get("content-type", ""),
                        "header_names": sorted(reply.headers),
                    },
                )
            yield Sleep(0.01, "retrying")
        return UnitOutcome(
            key,
            "failed",
            last,
            attempts=self.retries + 1,
            stats=HttpStats(self.retries + 1, self.retries),
            data={"kind": kind},
        )


@dataclass(frozen=True)
class HttpStats:
    """The HTTP job's own counters: the job, not the model, says what a retry is."""

    requests: int = 0
    retries: int = 0


class _Counter:
    """A counter in whatever memory the model lends: the job never imports multiprocessing."""

    def __init__(self, memory: SharedMemory) -> None:
        self._lock: AbstractContextManager[Any] = memory.lock()
        self._cells: MutableSequence[float] = memory.array(1)

    def add(self) -> None:
        with self._lock:
            self._cells[0] += 1

    def value(self) -> int:
        with self._lock:
            return int(self._cells[0])


@dataclass(frozen=True)
class RendezvousJob:
    """``count`` units that each wait (in naps) until all of them have started.

    It ends ``done`` only if the model really runs ``count`` units at once and shares the
    job's state between its workers; otherwise every unit fails after ``max_naps``.
    """

    count: int
    nap: float = 0.005
    max_naps: int = 2000

    @property
    def name(self) -> str:
        return "rendezvous"

    def units(self) -> Sequence[str]:
        return [f"r{i}" for i in range(self.count)]

    def skipped(self) -> Sequence[UnitOutcome]:
        return []

    def new_shared_state(self, memory: SharedMemory) -> object:
        return _Counter(memory)

    def unit(self, key: str, shared: object) -> UnitGenerator:
        assert isinstance(shared, _Counter)
        shared.add()
        for _ in range(self.max_naps):
            if shared.value() >= self.count:
                return UnitOutcome(key, "done", "met everyone")
            yield Sleep(self.nap)
        return UnitOutcome(key, "failed", f"only {shared.value()} of {self.count} ran at once")


@dataclass(frozen=True)
class _KeyedJob:
    """A job whose units are just its keys, with nothing skipped and nothing shared."""

    keys: tuple[str, ...]
    name: ClassVar[str] = "keyed"

    def units(self) -> Sequence[str]:
        return list(self.keys)

    def skipped(self) -> Sequence[UnitOutcome]:
        return []

    def new_shared_state(self, memory: SharedMemory) -> object:
        return None


@dataclass(frozen=True)
class CrashJob(_KeyedJob):
    """Units that sleep once; the unit ``boom`` then raises, the others return."""

    keys: tuple[str, ...] = ("a", "boom", "c")
    name: ClassVar[str] = "crash"

    def unit(self, key: str, shared: object) -> UnitGenerator:
        yield Sleep(0.001)
        if key == "boom":
            raise RuntimeError("boom")
        return UnitOutcome(key, "done", "fine")


def _where() -> tuple[str, int]:
    return threading.current_thread().name, os.getpid()


def _refuse() -> None:
    raise PermissionError("read-only disk")


@dataclass(frozen=True)
class CallJob(_KeyedJob):
    """Each unit runs two blocking calls: one reports where it ran, one raises."""

    keys: tuple[str, ...]
    name: ClassVar[str] = "call"

    def unit(self, key: str, shared: object) -> UnitGenerator:
        where = yield Call(_where)
        failed = yield Call(_refuse)
        assert isinstance(where, CallResult)
        assert isinstance(failed, CallResult)
        thread, pid = where.value  # type: ignore[misc]
        error = type(failed.error).__name__
        return UnitOutcome(key, "done", f"{error}", data={"thread": thread, "pid": pid})


def _thread_name() -> str:
    return threading.current_thread().name


def _nap(seconds: float) -> None:
    time.sleep(seconds)


@dataclass(frozen=True)
class QuickCallJob(_KeyedJob):
    """Quick calls: where the first ran, then one that naps ``nap`` s, then where the next ran."""

    keys: tuple[str, ...] = ("a",)
    nap: float = 0.0
    name: ClassVar[str] = "quick-call"

    def unit(self, key: str, shared: object) -> UnitGenerator:
        before = yield Call(_thread_name, quick=True)
        yield Call(_nap, self.nap, quick=True)
        after = yield Call(_thread_name, quick=True)
        plain = yield Call(_thread_name)
        assert isinstance(before, CallResult)
        assert isinstance(after, CallResult)
        assert isinstance(plain, CallResult)
        threads = {"before": before.value, "after": after.value, "plain": plain.value}
        return UnitOutcome(key, "done", "ran", data=threads)


def _exhaust() -> None:
    raise MemoryError


@dataclass(frozen=True)
class MemoryJob(_KeyedJob):
    """Units that sleep; the unit ``oom`` then runs out of memory (in its worker)."""

    keys: tuple[str, ...] = ("a", "oom", "c", "d", "e", "f")
    seconds: float = 0.05
    name: ClassVar[str] = "memory"

    def unit(self, key: str, shared: object) -> UnitGenerator:
        yield Sleep(0.001 if key == "oom" else self.seconds)
        if key == "oom":
            yield Compute(_exhaust)
        return UnitOutcome(key, "done", "fine")


@dataclass(frozen=True)
class StuckJob(_KeyedJob):
    """Units stuck in CPU-bound work that no stop request can cut (a long ``Compute``)."""

    keys: tuple[str, ...]
    seconds: float = 30.0
    name: ClassVar[str] = "stuck"

    def unit(self, key: str, shared: object) -> UnitGenerator:
        yield Compute(time.sleep, self.seconds)
        return UnitOutcome(key, "done", "woke up")


def nap_then_pid(seconds: float) -> int:
    """CPU-bound work stood in for by a nap (a test must not burn cores): where it ran."""
    time.sleep(seconds)
    return os.getpid()


@dataclass(frozen=True)
class NapJob:
    """Each unit asks to ``Compute`` a nap of ``naps[key]`` seconds and reports the pid."""

    naps: tuple[tuple[str, float], ...]

    @property
    def name(self) -> str:
        return "nap"

    def units(self) -> Sequence[str]:
        return [key for key, _ in self.naps]

    def skipped(self) -> Sequence[UnitOutcome]:
        return []

    def new_shared_state(self, memory: SharedMemory) -> object:
        return None

    def unit(self, key: str, shared: object) -> UnitGenerator:
        reply = yield Compute(nap_then_pid, dict(self.naps)[key])
        assert isinstance(reply, CallResult)
        return UnitOutcome(key, "done", "napped", data={"pid": reply.value})
