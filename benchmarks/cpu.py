"""CPU-bound benchmark: the prime job under every model, beside Pool.map and joblib, in one run.

Run by ``make bench`` (never by the tests). Each repeat times, one after another: every model
the registry offers for CPU work (sequential, threads, processes, asyncio, asyncio-processes,
dask on a local cluster of its own) and the two ways the lecture says people spread such work
over cores, as plain scripts (``baselines/pool_map.py``, ``baselines/joblib_parallel.py``).
Every time is a wall time around the whole call, start-up of pools and clusters included, as
a user waits for it. Then it checks the targets, side by side:

- processes: speed-up >= 0.85 x min(cores, numbers), and within 1.1x of Pool.map and of joblib;
- dask (local cluster): speed-up >= 0.7 x cores, on a job of at least 20 s sequential.

    .venv/bin/python benchmarks/cpu.py             # 32 numbers, 24-30 s sequential here
    .venv/bin/python benchmarks/cpu.py --quick     # the job's 8 default numbers
    .venv/bin/python benchmarks/cpu.py --repeats 4 # median and range of four runs (default 2)

The results JSON carries the machine, Python, package versions and git commit
(:func:`speedlab._machine.describe_environment`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

from baselines import pool_map
from speedlab._machine import describe_environment
from speedlab.cpu import interpreter, run_cpu_model
from speedlab.jobs.primes import DEFAULT_NUMBERS, PrimeJob
from speedlab.models import models_for

RESULTS = Path(__file__).resolve().parent / "results" / "cpu.json"

#: The full size: the job's eight default numbers and 24 more of the same kind (the next
#: primes below 10**15 and products of two primes around its square root), 0.7-1 s of trial
#: division each here, so that sequential takes over 20 s and start-up costs stay small.
FULL_NUMBERS: tuple[int, ...] = (
    *DEFAULT_NUMBERS,
    999_999_999_999_809,
    999_999_999_999_659,
    999_999_999_999_643,
    999_999_999_999_577,
    999_999_999_999_571,
    999_999_999_999_521,
    999_999_999_999_491,
    999_999_999_999_409,
    999_999_999_999_389,
    999_999_999_999_353,
    999_999_999_999_283,
    31_622_713 * 31_622_777,
    31_622_699 * 31_622_779,
    31_622_693 * 31_622_803,
    31_622_687 * 31_622_777,
    31_622_683 * 31_622_779,
    31_622_671 * 31_622_803,
    31_622_663 * 31_622_777,
    31_622_641 * 31_622_779,
    31_622_629 * 31_622_803,
    31_622_599 * 31_622_777,
    31_622_579 * 31_622_779,
    31_622_537 * 31_622_803,
    31_622_519 * 31_622_777,
)

POOL = "baseline Pool.map"
JOBLIB = "baseline joblib (loky)"
DASK_MIN_SEQUENTIAL = 20.0  # seconds: below this, dask's start-up weighs too much to judge


def machine() -> dict[str, object]:
    """This machine, Python, versions and commit, with what the CPU job adds (free threads)."""
    python = interpreter()
    return {
        **describe_environment(
            packages=["speedlab", "dask", "distributed", "joblib"], repo=Path(__file__).parent
        ),
        "cores": python.cores,
        "load_average": list(os.getloadavg()),
        "free_threaded_build": python.free_threaded_build,
        "gil_enabled": python.gil_enabled,
        "cc": sysconfig.get_config_var("CC"),
    }


Runner = Callable[[list[int], int], list[bool]]


def model_runner(model: str, scheduler: str | None) -> Runner:
    """Run the prime job under ``model``; return its answers in the numbers' order."""

    def run(numbers: list[int], workers: int) -> list[bool]:
        result = run_cpu_model(
            model,
            PrimeJob(numbers=numbers),
            concurrency=1 if model == "sequential" else workers,
            scheduler=scheduler if model == "dask" else None,
        )
        if result.failures or result.interrupted:
            raise RuntimeError(f"{model}: {result.failures} units failed")
        return [bool(r.data["prime"]) for r in result.records]

    return run


def time_all(
    runners: dict[str, Runner], numbers: list[int], workers: int, repeats: int
) -> dict[str, list[float]]:
    """Time each runner ``repeats`` times, interleaved so that noise hits them all alike.

    Odd repeats run the models in reverse order (A B ... B A), so that a drift in the
    machine's load over the run does not favour the ones that come first.
    """
    times: dict[str, list[float]] = {name: [] for name in runners}
    expected: list[bool] | None = None
    for repeat in range(repeats):
        order = list(runners.items())
        for name, runner in order if repeat % 2 == 0 else reversed(order):
            print(f"  [{repeat + 1}/{repeats}] {name} ...", end=" ", flush=True)
            t0 = time.perf_counter()
            answers = runner(numbers, workers)
            seconds = time.perf_counter() - t0
            print(f"{seconds:.2f} s", flush=True)
            if expected is None:
                expected = answers
            elif answers != expected:
                raise RuntimeError(f"{name} gave other answers than {order[0][0]}")
            times[name].append(seconds)
    return times


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and the targets, write the JSON; return the code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the job's 8 default numbers")
    parser.add_argument("--repeats", type=int, default=2, help="runs per model (2: A..Z, Z..A)")
    parser.add_argument("--workers", type=int, default=None, help="workers (default: cores)")
    parser.add_argument("--scheduler", default=None, help="a dask scheduler (default: local)")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target fails (default: report only)"
    )
    args = parser.parse_args(argv)
    about = machine()
    cores = int(str(about["cores"]))
    workers = args.workers or cores
    numbers = list(DEFAULT_NUMBERS if args.quick else FULL_NUMBERS)
    runners: dict[str, Runner] = {m: model_runner(m, args.scheduler) for m in models_for("cpu")}
    runners[POOL] = pool_map.check_all
    try:
        from baselines import joblib_parallel
    except ImportError:
        print("SKIPPED joblib: not importable; `make bench` installs it")
    else:
        runners[JOBLIB] = joblib_parallel.check_all

    print(
        f"CPU-bound job: is_prime of {len(numbers)} numbers (~1e15) by trial division, "
        f"{workers} workers, {args.repeats} repeat(s)"
    )
    print(f"{interpreter().describe()}; load average {about['load_average']}")
    times = time_all(runners, numbers, workers, args.repeats)
    median = {name: statistics.median(values) for name, values in times.items()}
    sequential = median["sequential"]

    print(f"\n  {'model':<24} {'median s':>9} {'min-max s':>15} {'speedup':>8}")
    for name, values in times.items():
        spread = f"{min(values):.2f}-{max(values):.2f}"
        print(f"  {name:<24} {median[name]:9.2f} {spread:>15} {sequential / median[name]:7.2f}x")

    ideal = min(cores, len(numbers))
    processes = median["processes"]
    targets: dict[str, dict[str, object]] = {}

    def target(name: str, value: float, goal: float, *, at_most: bool = False) -> None:
        ok = value <= goal if at_most else value >= goal
        sign = "<=" if at_most else ">="
        targets[name] = {"value": value, "goal": goal, "ok": ok}
        print(f"  {name:<50} {value:6.2f}  (target {sign} {goal:.2f}) {verdict(ok)}")

    print()
    target("processes speedup", sequential / processes, 0.85 * ideal)
    target("processes / Pool.map", processes / median[POOL], 1.1, at_most=True)
    if JOBLIB in median:
        target("processes / joblib", processes / median[JOBLIB], 1.1, at_most=True)
    if args.scheduler is None and sequential >= DASK_MIN_SEQUENTIAL:
        target("dask (local cluster) speedup", sequential / median["dask"], 0.7 * cores)
    else:
        why = "a remote cluster" if args.scheduler else f"sequential {sequential:.1f} s < 20 s"
        print(f"  {'dask (local cluster) speedup':<50} not judged ({why}: use the full size)")
    ok = all(bool(t["ok"]) for t in targets.values())

    report = {
        "machine": about,
        "numbers": numbers,
        "workers": workers,
        "repeats": args.repeats,
        "seconds": times,
        "median_seconds": median,
        "speedup": {name: sequential / seconds for name, seconds in median.items()},
        "targets": targets,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nresults written to {RESULTS}")
    print("every target met" if ok else "some targets were not met (see FAIL above)")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
