"""Hand-made bench results, so that tables, pictures and pages are tested without timing.

Every figure here is chosen, not measured: a sequential staircase, a pool of two workers in
two bands, an asyncio wave, and a model that could not run; a spinner frozen by is_prime and
one that keeps turning; a heavy list under threads and fork.
"""

from __future__ import annotations

import itertools

from speedlab.bench import (
    BenchReport,
    JobBench,
    Measured,
    MemoryBench,
    MemoryRow,
    MemoryUsage,
    ModelRuns,
    ProcessMemory,
    SpinnerBench,
    SpinnerRun,
)
from speedlab.jobs.github import SearchStatistics
from speedlab.models import RunResult, UnitRecord

MB = 2**20
KEYS = ("search", "torch", "<b>ML</b>", "deep")


def record(key: str, start: float, end: float, worker: str, *, failed: bool = False) -> UnitRecord:
    """One unit's record, with the GitHub job's typed counters."""
    return UnitRecord(
        key=key,
        status="failed" if failed else "done",
        detail="HTTP 500" if failed else "30 ids, 1 page",
        start=start,
        end=end,
        worker=worker,
        attempts=1,
        data={"ids": 30, "pages": [1]},
        stats=SearchStatistics(requests=1, retries=0, limited=0),
    )


def run(model: str, records: list[UnitRecord], wall: float, cpu: float) -> RunResult:
    """A RunResult of ``records``."""
    return RunResult(
        model=model,
        job="github",
        concurrency=len({r.worker for r in records}),
        records=tuple(records),
        wall_seconds=wall,
        cpu_seconds=cpu,
        peak_rss_bytes=40 * MB,
    )


def measured(result: RunResult, *, processes: int = 1, memory: int = 40) -> Measured:
    """A run with its memory and the machine's CPU (other programs idle)."""
    usage = MemoryUsage(memory * MB, 40 * MB, processes, 10)
    return Measured(result, usage, machine_cpu_seconds=result.cpu_seconds)


def io_job() -> JobBench:
    """Four searches: a staircase, two bands of two, a wave, and a model that refused."""
    staircase = [record(k, i * 1.0, i * 1.0 + 1.0, "main") for i, k in enumerate(KEYS)]
    bands = [
        record(k, (i // 2) * 1.0, (i // 2) * 1.0 + 1.0, f"thread-{i % 2}", failed=(i == 3))
        for i, k in enumerate(KEYS)
    ]
    wave = [record(k, 0.0, 1.0, f"task-{i}") for i, k in enumerate(KEYS)]
    return JobBench(
        name="io",
        title="I/O-bound: 4 searches <fake>",
        noun="searches",
        units=4,
        settings={"latency": 1.0},
        models=(
            ModelRuns(
                "sequential", "sequential", (measured(run("sequential", staircase, 4.0, 0.1)),)
            ),
            ModelRuns(
                "threads",
                "executor",
                (
                    measured(run("threads", bands, 2.0, 0.1)),
                    measured(run("threads", bands, 2.2, 0.1)),
                    measured(run("threads", bands, 2.6, 0.1)),
                ),
            ),
            ModelRuns("asyncio", "async", (measured(run("asyncio", wave, 1.0, 0.1)),)),
            ModelRuns("dask", "executor", (), error="cannot run the github job: no shared lock"),
        ),
    )


def cpu_job() -> JobBench:
    """Four numbers: sequential, GIL-bound threads, two processes on two cores."""
    seq = [record(k, i * 1.0, i * 1.0 + 1.0, "main") for i, k in enumerate(KEYS)]
    gil = [record(k, 0.0, 4.0, f"thread-{i}") for i, k in enumerate(KEYS)]
    two = [
        record(k, (i // 2) * 1.0, (i // 2) * 1.0 + 1.0, f"pid {i % 2}") for i, k in enumerate(KEYS)
    ]
    return JobBench(
        name="cpu",
        title="CPU-bound: 4 numbers",
        noun="numbers",
        units=4,
        models=(
            ModelRuns("sequential", "sequential", (measured(run("sequential", seq, 4.0, 4.0)),)),
            ModelRuns("threads", "executor", (measured(run("threads", gil, 4.0, 4.0)),)),
            ModelRuns(
                "processes",
                "executor",
                (measured(run("processes", two, 2.0, 4.0), processes=3, memory=120),),
            ),
        ),
    )


def spinner_run(
    name: str, model: str, work: str, frames: tuple[float, ...], stopped: float
) -> SpinnerRun:
    """A spinner run at 5 FPS whose work ran from 0 to ``stopped``."""
    marks = (0.0, *frames, stopped)
    gaps = tuple(b - a for a, b in itertools.pairwise(marks))
    return SpinnerRun(
        name=name,
        model=model,
        how="made up",
        work=work,
        target_fps=5.0,
        frame_times=frames,
        gaps=gaps,
        longest_gap=max(gaps),
        achieved_fps=len(frames) / stopped,
        frames=len(frames),
        frames_during_work=len(frames),
        work_started=0.0,
        work_ended=stopped,
        stopped=stopped,
        fixed=name.endswith("(fixed)"),
    )


def spinner() -> SpinnerBench:
    """asyncio frozen by is_prime, asyncio fixed, and threads, each with both works."""
    steady = (0.0, 0.2, 0.4, 0.6, 0.8)
    runs = []
    for work in ("sleep(1 s)", "is_prime(97)"):
        frozen = work.startswith("is_prime")
        runs.append(spinner_run("asyncio", "asyncio", work, (0.0,) if frozen else steady, 1.0))
        runs.append(spinner_run("asyncio (fixed)", "asyncio", work, steady, 1.0))
        runs.append(spinner_run("threads", "threads", work, steady, 1.0))
    return SpinnerBench(tuple(runs), ("processes, sleep: made-up failure",))


def memory() -> MemoryBench:
    """A 36 MB list: threads share it, fork children copy what they read."""
    threads = MemoryRow(
        "threads",
        2,
        36 * MB,
        (ProcessMemory("main", 50 * MB, 45 * MB, 50 * MB, 45 * MB, 46 * MB),),
        0.0001,
        None,
        0.02,
    )
    fork = MemoryRow(
        "fork",
        2,
        36 * MB,
        (
            ProcessMemory("main", 50 * MB, 2 * MB, 50 * MB, 20 * MB, 30 * MB),
            ProcessMemory("worker", 45 * MB, 1 * MB, 45 * MB, 28 * MB, 35 * MB),
            ProcessMemory("worker", 45 * MB, 1 * MB, 45 * MB, 28 * MB, 35 * MB),
        ),
        0.004,
        None,
        0.03,
    )
    spawn = MemoryRow(
        "spawn",
        2,
        36 * MB,
        (
            ProcessMemory("main", 50 * MB, 45 * MB, 50 * MB, 45 * MB, 46 * MB),
            ProcessMemory("helper", 12 * MB, 5 * MB, 12 * MB, 5 * MB, 6 * MB),
            ProcessMemory("worker", 60 * MB, 50 * MB, 60 * MB, 50 * MB, 52 * MB),
            ProcessMemory("worker", 60 * MB, 50 * MB, 60 * MB, 50 * MB, 52 * MB),
        ),
        0.3,
        0.08,
        0.03,
    )
    return MemoryBench(1_000_000, 2, (threads, fork, spawn))


def report() -> BenchReport:
    """Everything together, on a made-up 2-core machine."""
    environment = {
        "machine": {"cpu_model": "Test CPU <1>", "cores_logical": 2, "os": "Linux"},
        "python": {"implementation": "CPython", "version": "3.11.7", "gil_enabled": True},
        "packages": {"speedlab": "0.1.0"},
        "git": {"commit": "0123456789abcdef", "dirty": False},
    }
    return BenchReport(
        environment,
        "speedlab bench all --quick --out 'a b'",
        {"notes": ["made-up figures & <tags>"]},
        (io_job(), cpu_job()),
        spinner(),
        memory(),
    )
