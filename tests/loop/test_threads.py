"""Worker threads: reused, bounded, never blocking the loop, cancellation-safe, all joined."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from speedlab._exceptions import LoopError
from speedlab.loop import CancelledError, WorkerThreads, gather, run, sleep, spawn


def test_calls_return_raise_and_reuse_one_thread() -> None:
    async def main(threads: WorkerThreads) -> tuple[list[str], str]:
        names = [await threads.run(lambda: threading.current_thread().name) for _ in range(5)]
        try:
            await threads.run(int, "not a number")
        except ValueError as exc:
            return names, type(exc).__name__
        return names, "no error"

    with WorkerThreads(max_threads=4) as threads:
        names, error = run(main, threads)
        stats = threads.statistics()
    assert names == ["speedlab-loop-worker-0"] * 5  # one at a time: the same thread again
    assert error == "ValueError"
    assert (stats.calls, stats.threads, stats.busy, stats.queued) == (6, 1, 0, 0)


@pytest.mark.timeout(30)
def test_the_loop_runs_on_while_a_thread_blocks_and_extra_calls_queue() -> None:
    gate = threading.Event()

    def blocked(name: str) -> str:
        assert gate.wait(20), "the loop never released the gate"
        return name

    async def opener() -> str:
        await sleep(0.01)  # runs on the loop while both threads block
        gate.set()
        return "opened"

    async def main(threads: WorkerThreads) -> list[str]:
        calls = [threads.run(blocked, n) for n in "abc"]
        return list(await gather(*calls, opener()))

    with WorkerThreads(max_threads=2) as threads:
        assert run(main, threads) == ["a", "b", "c", "opened"]
        stats = threads.statistics()
    assert (stats.threads, stats.queued) == (2, 1)  # the third call waited for a free thread


@pytest.mark.timeout(30)
def test_a_cancelled_caller_waits_for_its_call_to_end_then_the_thread_is_reused() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def write() -> str:
        started.set()
        release.wait(20)
        done.append("written")
        return "ok"

    async def caller(threads: WorkerThreads) -> str:
        return await threads.run(write)

    async def main(threads: WorkerThreads) -> tuple[list[str], str]:
        task = await spawn(caller, threads)
        while not started.is_set():
            await sleep(0.001)
        await task.cancel(blocking=False)
        release.set()
        with pytest.raises(CancelledError):
            await task.join()
        seen = list(done)  # the call had ended before the cancellation went through
        return seen, await threads.run(str.upper, "again")

    with WorkerThreads(max_threads=1) as threads:
        assert run(main, threads) == (["written"], "AGAIN")
        assert threads.statistics().threads == 1


@pytest.mark.timeout(30)
def test_cancelled_twice_the_caller_goes_and_close_joins_the_thread() -> None:
    started, release = threading.Event(), threading.Event()

    def stuck() -> None:
        started.set()
        release.wait(20)

    async def main(threads: WorkerThreads) -> bool:
        task = await spawn(threads.run, stuck)
        while not started.is_set():
            await sleep(0.001)
        await task.cancel(blocking=False)
        await sleep(0)
        await task.cancel(blocking=False)  # during its wait for the call: it gives up
        await task.wait_done()
        return task.cancelled()

    threads = WorkerThreads()
    assert run(main, threads) is True
    threading.Timer(0.05, release.set).start()
    threads.close()  # waits for the call, joins the thread
    threads.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("speedlab-loop-worker")]


def test_a_closed_pool_refuses_calls_and_a_bad_size_is_refused() -> None:
    threads = WorkerThreads()
    threads.close()

    async def main() -> Any:
        return await threads.run(print)

    with pytest.raises(LoopError, match="closed"):
        run(main)
    for bad in (0, -1, True, 2.5):
        with pytest.raises(ValueError, match="max_threads"):
            WorkerThreads(max_threads=bad)  # type: ignore[arg-type]
