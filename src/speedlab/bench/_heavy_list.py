"""The heavy-list experiment itself, run in a fresh interpreter: build, share, read, measure.

:func:`memory_task` is what :func:`~speedlab.bench.bench_memory` runs in each fresh
interpreter: it builds ``list(range(size))``, starts the workers (threads, or processes under
one start method: the list inherited by ``fork``, pickled through a pipe otherwise), lets
each read the whole list, and reads every process's RSS, USS and PSS with psutil before and
after. Worker processes started by ``spawn`` or ``forkserver`` import this module, so it
imports only the standard library at the top: their start-up time is the interpreter's.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import statistics
import threading
import time
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

__all__ = ["MEMORY_TIMEOUT", "memory_task"]

#: Seconds any one step (a start, a send, a use) may take before the experiment gives up.
MEMORY_TIMEOUT = 60.0


def _expect(conn: multiprocessing.connection.Connection, what: str) -> Any:
    if not conn.poll(MEMORY_TIMEOUT):
        raise TimeoutError(f"no {what} within {MEMORY_TIMEOUT:g} s")
    return conn.recv()


def _read(heavy: list[int]) -> float:
    """Read every item (as any real use would): the work the lecture's workers would do."""
    began = time.perf_counter()
    total = 0
    for item in heavy:
        total += item
    return time.perf_counter() - began


def _process_worker(conn: multiprocessing.connection.Connection, heavy: list[int] | None) -> None:
    """A worker process: say it runs, get the list if not inherited, read it on request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the experiment's process decides
    conn.send("ready")
    if heavy is None:
        heavy = _expect(conn, "list")
        conn.send("got")
    _expect(conn, "use")
    conn.send(_read(heavy))
    _expect(conn, "exit")


def _thread_worker(
    heavy: list[int],
    started: threading.Event,
    go: threading.Event,
    used: queue.SimpleQueue[float],
    release: threading.Event,
) -> None:
    started.set()
    go.wait(MEMORY_TIMEOUT)  # read only once every thread has started, as the processes do
    used.put(_read(heavy))
    release.wait(MEMORY_TIMEOUT)


# ------------------------------------------------------------------------- the experiment


def _snapshot(pid: int | None = None) -> tuple[int, int, int]:
    import psutil

    info = psutil.Process(pid).memory_full_info()
    return int(info.rss), int(info.uss), int(getattr(info, "pss", info.uss))


def _tree(main_pid: int, workers: list[int]) -> dict[int, str]:
    """Every process of the experiment and its role, the main one first."""
    import psutil

    roles = {main_pid: "main"}
    for child in psutil.Process(main_pid).children(recursive=True):
        roles[child.pid] = "worker" if child.pid in workers else "helper"
    return roles


def _measure(roles: Mapping[int, str], before: Mapping[int, tuple[int, int, int]]) -> list[Any]:
    import psutil

    from speedlab.bench._memory import ProcessMemory

    found = []
    for pid, role in roles.items():
        try:
            rss, uss, pss = _snapshot(pid)
        except psutil.Error:
            continue
        rss0, uss0, _ = before.get(pid, (rss, uss, pss))
        found.append(ProcessMemory(role, rss0, uss0, rss, uss, pss).to_dict())
    return found


def _with_threads(heavy: list[int], workers: int) -> dict[str, Any]:
    go, release = threading.Event(), threading.Event()
    used: queue.SimpleQueue[float] = queue.SimpleQueue()
    starts: list[float] = []
    threads = []
    before = {os.getpid(): _snapshot()}
    try:
        for index in range(workers):
            started = threading.Event()
            thread = threading.Thread(
                target=_thread_worker,
                args=(heavy, started, go, used, release),
                name=f"speedlab-memory-{index}",
            )
            began = time.perf_counter()
            thread.start()
            started.wait(MEMORY_TIMEOUT)
            starts.append(time.perf_counter() - began)
            threads.append(thread)
        go.set()
        uses = [used.get(timeout=MEMORY_TIMEOUT) for _ in threads]
        processes = _measure({os.getpid(): "main"}, before)
    finally:
        go.set()
        release.set()
        for thread in threads:
            thread.join()
    return {"processes": processes, "starts": starts, "sends": [], "uses": uses}


def _with_processes(how: str, heavy: list[int], workers: int) -> dict[str, Any]:
    context: Any = multiprocessing.get_context(how)
    inherit = how == "fork"
    links: list[multiprocessing.connection.Connection] = []
    children: list[Any] = []
    starts: list[float] = []
    sends: list[float] = []
    try:
        for _ in range(workers):
            here, there = context.Pipe()
            child = context.Process(
                target=_process_worker, args=(there, heavy if inherit else None), daemon=True
            )
            began = time.perf_counter()
            child.start()
            _expect(here, "start")
            starts.append(time.perf_counter() - began)
            there.close()
            links.append(here)
            children.append(child)
            if not inherit:
                began = time.perf_counter()
                here.send(heavy)
                _expect(here, "receipt")
                sends.append(time.perf_counter() - began)
        roles = _tree(os.getpid(), [c.pid for c in children])
        before = {pid: _snapshot(pid) for pid in roles}
        for link in links:
            link.send("use")
        uses = [float(_expect(link, "use")) for link in links]
        processes = _measure(roles, before)
        for link in links:
            link.send("exit")
    finally:
        for child in children:
            child.join(MEMORY_TIMEOUT)
            if child.is_alive():
                child.kill()
                child.join()
        for link in links:
            link.close()
    return {"processes": processes, "starts": starts, "sends": sends, "uses": uses}


def memory_task(how: str, size: int, workers: int) -> dict[str, Any]:
    """Build ``list(range(size))`` and let ``workers`` threads or processes read it; measure.

    This is what the fresh interpreter of each way calls.

    Args:
        how: ``"threads"`` or a ``multiprocessing`` start method.
        size: The list's length.
        workers: Threads or processes to start.

    Returns:
        A :class:`MemoryRow` as JSON-ready data.
    """
    import psutil

    from speedlab.bench._memory import MemoryRow, ProcessMemory

    me = psutil.Process()
    empty = me.memory_info().rss
    heavy = list(range(size))
    list_bytes = max(0, me.memory_info().rss - empty)
    if how == "threads":
        found = _with_threads(heavy, workers)
    else:
        found = _with_processes(how, heavy, workers)
    row = MemoryRow(
        how=how,
        workers=workers,
        list_bytes=list_bytes,
        processes=tuple(
            ProcessMemory(**{f.name: p[f.name] for f in fields(ProcessMemory)})
            for p in found["processes"]
        ),
        startup_seconds=float(statistics.median(found["starts"])),
        send_seconds=float(statistics.median(found["sends"])) if found["sends"] else None,
        use_seconds=float(statistics.median(found["uses"])) if found["uses"] else 0.0,
    )
    return row.to_dict()
