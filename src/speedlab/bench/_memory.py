"""A heavy list used by N threads or N processes: the lecture's memory question, measured.

"How would memory differ between the thread and process programs if we added a rather heavy
list?" Each way runs in a fresh interpreter (:mod:`speedlab.bench._heavy_list`), which builds
``list(range(size))`` and starts ``workers`` threads, or processes under one start method:

* ``threads``: one process; the threads read the very same list.
* ``fork``: each child inherits the parent's memory, copy-on-write, with no sending at all.
  Reading the list still writes: every item's reference count changes, so the pages that
  hold the items are copied into the child one by one.
* ``forkserver`` and ``spawn``: a child starts from a clean interpreter (spawn: a new one;
  forkserver: a fork of a small server process), so the list must be pickled and sent to it
  through a pipe; each child then holds its own copy.

For every process of the tree (main, workers, helpers such as the fork server and the
resource tracker) it reads RSS, USS (memory only that process holds) and PSS (shared pages
split between their users: the sum is the honest total), before and after the workers use
the list, and times starting a worker and sending it the list.
"""

from __future__ import annotations

import multiprocessing
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from speedlab._exceptions import SpeedlabError, UsageError
from speedlab.bench._harness import BenchProgress
from speedlab.bench._isolate import run_isolated
from speedlab.models import StopSignal

__all__ = [
    "MB",
    "WAYS",
    "MemoryBench",
    "MemoryRow",
    "ProcessMemory",
    "available_ways",
    "bench_memory",
]

#: The ways to share the list, in the order the report shows them.
WAYS = ("threads", "fork", "forkserver", "spawn")

MB = 2**20


def available_ways() -> tuple[str, ...]:
    """The ways this platform supports (no fork on Windows, no forkserver on macOS < 3.14)."""
    methods = set(multiprocessing.get_all_start_methods())
    return tuple(w for w in WAYS if w == "threads" or w in methods)


@dataclass(frozen=True)
class ProcessMemory:
    """One process of the experiment: its role, and its memory before and after the use.

    Attributes:
        role: ``"main"``, ``"worker"`` or ``"helper"`` (fork server, resource tracker).
        rss_before, uss_before: Bytes once the list was there, before the workers read it.
        rss, uss, pss: Bytes after every worker read the whole list.
    """

    role: str
    rss_before: int
    uss_before: int
    rss: int
    uss: int
    pss: int

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class MemoryRow:
    """One way of sharing the list with the workers, measured.

    Attributes:
        how: ``"threads"``, ``"fork"``, ``"forkserver"`` or ``"spawn"``.
        workers: Threads or processes started.
        list_bytes: How much the main process grew when it built the list.
        processes: Every process of the experiment, the main one first.
        startup_seconds: Median time from ``start()`` until a worker runs its first line.
        send_seconds: Median time to pickle, send and unpickle the list into one worker
            (None: the workers did not need it sent: threads share it, fork inherits it).
        use_seconds: Median time for one worker to read the whole list.
    """

    how: str
    workers: int
    list_bytes: int
    processes: tuple[ProcessMemory, ...]
    startup_seconds: float
    send_seconds: float | None
    use_seconds: float

    def total(self, field: str) -> int:
        """The sum of one field (``rss``, ``uss``, ``pss``...) over every process."""
        return sum(int(getattr(p, field)) for p in self.processes)

    def per_worker(self, field: str) -> float:
        """The median of one field over the worker processes (the main one for threads)."""
        workers = [p for p in self.processes if p.role == "worker"] or list(self.processes[:1])
        return float(statistics.median(int(getattr(p, field)) for p in workers))

    def conclusion(self) -> str:
        """One line: what this way cost, and why."""
        size = self.list_bytes / MB
        start = f"{self.startup_seconds * 1000:.1f} ms"
        if self.how == "threads":
            return (
                f"one process, one list: the {self.workers} threads read the same "
                f"{size:.0f} MB, nothing copied; a thread starts in {start}"
            )
        before, after = self.per_worker("uss_before") / MB, self.per_worker("uss") / MB
        if self.send_seconds is None:
            return (
                f"each child inherits the list without a copy ({before:.0f} MB of its own at "
                f"first), but reading it changes every item's reference count, so those pages "
                f"are copied: {after:.0f} MB of its own afterwards; starts in {start}"
            )
        sent = f"{self.send_seconds * 1000:.0f} ms"
        return (
            f"each child starts clean in {start}, then needs its own copy: {sent} to pickle, "
            f"send and unpickle {size:.0f} MB; {after:.0f} MB of its own afterwards"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready data."""
        return {
            "how": self.how,
            "workers": self.workers,
            "list_bytes": self.list_bytes,
            "processes": [p.to_dict() for p in self.processes],
            "startup_seconds": self.startup_seconds,
            "send_seconds": self.send_seconds,
            "use_seconds": self.use_seconds,
            "total_rss": self.total("rss"),
            "total_uss": self.total("uss"),
            "total_pss": self.total("pss"),
            "conclusion": self.conclusion(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MemoryRow:
        """Rebuild a row from :meth:`to_dict`'s output."""
        send = data.get("send_seconds")
        return cls(
            how=str(data["how"]),
            workers=int(data["workers"]),
            list_bytes=int(data["list_bytes"]),
            processes=tuple(
                ProcessMemory(**{f.name: p[f.name] for f in fields(ProcessMemory)})
                for p in data["processes"]
            ),
            startup_seconds=float(data["startup_seconds"]),
            send_seconds=None if send is None else float(send),
            use_seconds=float(data["use_seconds"]),
        )


@dataclass(frozen=True)
class MemoryBench:
    """The experiment: the list's length, the workers, one row per way, and failures."""

    size: int
    workers: int
    rows: tuple[MemoryRow, ...]
    errors: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the experiment as JSON-ready data."""
        return {
            "size": self.size,
            "workers": self.workers,
            "rows": [r.to_dict() for r in self.rows],
            "errors": list(self.errors),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MemoryBench:
        """Rebuild the experiment from :meth:`to_dict`'s output."""
        return cls(
            size=int(data["size"]),
            workers=int(data["workers"]),
            rows=tuple(MemoryRow.from_dict(r) for r in data["rows"]),
            errors=tuple(str(e) for e in data.get("errors", ())),
        )


def bench_memory(
    *,
    size: int,
    workers: int,
    ways: tuple[str, ...] | None = None,
    progress: BenchProgress | None = None,
    stop: StopSignal | None = None,
) -> MemoryBench:
    """Measure each way of sharing a ``size``-item list with ``workers`` workers.

    Args:
        size: The list's length (each item is an int object: about 36 bytes with its slot).
        workers: Threads or processes per way.
        ways: Which ways (default: every one this platform has).
        progress: Told about each way as it runs.
        stop: When set, no further way starts.

    Returns:
        The MemoryBench; a way that failed is named in ``errors``.

    Raises:
        UsageError: ``size`` or ``workers`` below 1, or a way this platform lacks.
    """
    if size < 1 or workers < 1:
        raise UsageError(
            f"the memory bench needs --size >= 1 and --workers >= 1, got {size}, {workers}"
        )
    chosen = available_ways() if ways is None else ways
    missing = [w for w in chosen if w not in available_ways()]
    if missing:
        raise UsageError(f"this platform cannot start processes with {missing[0]!r}")
    from speedlab.bench._heavy_list import memory_task

    rows: list[MemoryRow] = []
    errors: list[str] = []
    for how in chosen:
        if stop is not None and stop.is_set():
            break
        label = f"memory: {how}, {workers} workers, {size:,} items"
        if progress is not None:
            progress.started(label)
        try:
            row = MemoryRow.from_dict(run_isolated(memory_task, how, size, workers).value)
        except SpeedlabError as exc:
            errors.append(f"{how}: {exc}")
            if progress is not None:
                progress.finished(label, f"failed: {exc}")
            continue
        rows.append(row)
        if progress is not None:
            progress.finished(label, f"{row.total('pss') / MB:.0f} MB in all")
    return MemoryBench(size, workers, tuple(rows), tuple(errors))
