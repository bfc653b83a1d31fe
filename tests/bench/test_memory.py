"""The heavy list under threads and processes, measured on a small list."""

from __future__ import annotations

import multiprocessing

import pytest

from speedlab._exceptions import UsageError
from speedlab.bench import MemoryRow, bench_memory
from speedlab.bench._heavy_list import memory_task
from speedlab.bench._memory import available_ways
from tests._processes import our_children

SIZE = 200_000  # about 7 MB of int objects and their slots: visible, quick


def test_threads_share_the_one_list_in_one_process() -> None:
    row = MemoryRow.from_dict(memory_task("threads", SIZE, 2))
    assert [p.role for p in row.processes] == ["main"]
    assert row.send_seconds is None
    assert row.list_bytes > 5 * 2**20
    assert row.use_seconds > 0
    assert "nothing copied" in row.conclusion()
    assert our_children() == []


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_fork_children_start_sharing_and_copy_what_they_read() -> None:
    row = MemoryRow.from_dict(memory_task("fork", SIZE, 2))
    workers = [p for p in row.processes if p.role == "worker"]
    assert len(workers) == 2
    assert row.send_seconds is None  # inherited, never sent
    for worker in workers:
        # Reading the list wrote every item's reference count: its pages became the child's.
        assert worker.uss - worker.uss_before > row.list_bytes / 2
    assert "reference count" in row.conclusion()
    assert our_children() == []


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_every_way_is_measured_and_spawned_children_hold_their_own_copy() -> None:
    ways = available_ways()
    bench = bench_memory(size=SIZE, workers=2, ways=ways)
    assert [r.how for r in bench.rows] == list(ways)
    assert bench.errors == ()
    spawn = next(r for r in bench.rows if r.how == "spawn")
    assert spawn.send_seconds is not None
    assert spawn.send_seconds > 0
    workers = [p for p in spawn.processes if p.role == "worker"]
    assert all(p.uss_before > spawn.list_bytes * 0.8 for p in workers)  # a copy each, at once
    threads = bench.rows[0]
    assert threads.total("pss") < spawn.total("pss")
    assert our_children(recursive=True) == []


def test_bad_sizes_and_unknown_ways_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="--size"):
        bench_memory(size=0, workers=2)
    with pytest.raises(UsageError, match="cannot start processes with 'teleport'"):
        bench_memory(size=10, workers=1, ways=("teleport",))
