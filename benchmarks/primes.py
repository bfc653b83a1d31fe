"""Benchmark ``speedlab.lesson.prime_stream`` against what a user would write or install instead.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/primes.py``); not part of the tests.

Every case produces primes as Python ints, consumed by a plain Python loop, in one run:

* ``prime_stream``       -- speedlab's segmented sieve, first 10**6 primes;
* ``dict sieve``         -- the classic incremental "postponed sieve" generator written below,
                            a dict of next composites (the usual pure-Python infinite sieve);
* ``primesieve``         -- the C++ library's ``primesieve.Iterator().next_prime()`` called in a
                            Python loop (bound method hoisted, which favours primesieve);
* ``naive (lecture)``    -- the lecture's trial-division generator, first 10**5 primes only,
                            and ``prime_stream`` on the same 10**5 for the ratio.

Each time is the best of a few repeats.  Memory is measured in one more run of each case, in a
fresh child process: the increase of its peak RSS (``ru_maxrss``) while the case ran, which
counts Python objects and primesieve's C++ buffers alike (and includes prime_stream's shared
wheel table, built on first use).  That run also checks that every case produced the same
primes (last prime and sum).  Ratios are
compared with the targets and marked PASS/FAIL; the results go to
``benchmarks/results/primes.json`` with the Python build and the machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import asdict, dataclass, field
from itertools import count, islice
from pathlib import Path
from typing import Any

from speedlab.lesson.primes import SEGMENT_BYTES, naive_prime_stream, prime_stream

__all__ = ["main", "postponed_sieve"]

RESULTS = Path(__file__).resolve().parent / "results" / "primes.json"


def postponed_sieve() -> Generator[int, None, None]:
    """Yield the primes forever with a dict of upcoming composites (the baseline).

    The well-known incremental sieve of Eratosthenes, with the "postponed" refinement: a prime
    enters the dict only when the candidates reach its square, and the primes it needs come from
    a recursive copy of itself, so the dict holds about ``pi(sqrt(n))`` entries.
    """
    yield from (2, 3, 5, 7)
    composites: dict[int, int] = {}  # next odd composite -> 2 * the prime that produced it
    base = postponed_sieve()
    next(base)
    p = next(base)  # 3
    square = p * p
    for candidate in count(9, 2):
        if candidate in composites:
            step = composites.pop(candidate)
        elif candidate < square:
            yield candidate
            continue
        else:  # candidate == square: start striking out p's multiples
            step = 2 * p
            p = next(base)
            square = p * p
        multiple = candidate + step
        while multiple in composites:
            multiple += step
        composites[multiple] = step


def _consume(stream: Iterator[int], n: int) -> int:
    last = 0
    for last in islice(stream, n):  # noqa: B007 - the loop is what is being timed
        pass
    return last


def _primesieve_module() -> tuple[Any, str]:
    try:
        import primesieve  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError as exc:
        return None, f"primesieve is not importable ({exc}); `make bench` installs it"
    version = getattr(primesieve, "primesieve_version", lambda: "?")()
    return primesieve, f"primesieve {version} (C++ library, Python package 2.3.4 pinned)"


def _timed_primesieve(n: int) -> int:
    primesieve, _ = _primesieve_module()
    next_prime = primesieve.Iterator().next_prime  # hoisted: the fastest way to call it
    last = 0
    for _ in range(n):
        last = next_prime()
    return int(last)


def _primesieve_stream() -> Iterator[int]:
    primesieve, _ = _primesieve_module()
    next_prime = primesieve.Iterator().next_prime
    while True:
        yield int(next_prime())


# key -> (label, a fresh infinite stream of primes)
CASES: dict[str, tuple[str, Callable[[], Iterator[int]]]] = {
    "stream": ("prime_stream", prime_stream),
    "dict": ("dict sieve (baseline)", postponed_sieve),
    "primesieve": ("primesieve Iterator", _primesieve_stream),
    "naive": ("naive (lecture)", naive_prime_stream),
}


def _proc_status_kib(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field_name} in /proc/self/status")


def _child(key: str, n: int) -> None:
    """Run one case in this fresh process; print its last prime, sum and peak memory growth.

    On Linux the peak RSS (VmHWM) is reset just before the case (``/proc/self/clear_refs``), so
    the figure is the peak RSS during the case minus the RSS before it; elsewhere it falls back
    to the growth of ``ru_maxrss``, which misses anything below the start-up peak.
    """
    make = CASES[key][1]
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")  # reset VmHWM to the current RSS
        before, how = _proc_status_kib("VmRSS"), "VmHWM"
    except OSError:
        before, how = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "ru_maxrss"
    last = total = 0
    for last in islice(make(), n):
        total += last
    if how == "VmHWM":
        after = _proc_status_kib("VmHWM")
    else:
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    delta = max(0, after - before) * 1024
    print(json.dumps({"last": last, "checksum": total, "rss_peak_delta": delta, "how": how}))


@dataclass
class Case:
    """One measured case: what ran, how long (best of repeats), how much memory."""

    name: str
    primes: int
    times_s: list[float] = field(default_factory=list)
    best_s: float = 0.0
    per_prime_ns: float = 0.0
    rss_peak_delta_bytes: int = 0
    last_prime: int = 0
    checksum: int = 0


def _time_once(key: str, n: int) -> float:
    make = CASES[key][1]
    began = time.perf_counter()
    if key == "primesieve":
        _timed_primesieve(n)
    else:
        _consume(make(), n)
    return time.perf_counter() - began


def _measure_memory(case: Case, key: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, "--child", key, "--count", str(case.primes)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    child = json.loads(done.stdout)
    case.last_prime, case.checksum = child["last"], child["checksum"]
    case.rss_peak_delta_bytes = child["rss_peak_delta"]
    return str(child["how"])


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and write the JSON results; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10**6, help="primes per fast case")
    parser.add_argument("--naive-count", type=int, default=10**5, help="primes, naive case")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per fast case")
    parser.add_argument("--naive-repeats", type=int, default=2, help="timed runs, naive case")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target fails")
    parser.add_argument("--child", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n, small = args.count, args.naive_count

    if args.child:
        _child(args.child, n)
        return 0

    primesieve, about = _primesieve_module()
    plan = [("stream", "stream", n, args.repeats), ("dict", "dict", n, args.repeats)]
    if primesieve is None:
        print(f"SKIPPED primesieve: {about}")
    else:
        plan.append(("primesieve", "primesieve", n, args.repeats))
    plan += [
        ("naive", "naive", small, args.naive_repeats),
        ("stream_small", "stream", small, args.repeats),
    ]
    cases = {slot: Case(name=CASES[key][0], primes=k) for slot, key, k, _ in plan}
    rounds = max(repeats for *_, repeats in plan)
    print(f"Timing {len(plan)} cases, {rounds} interleaved rounds (naive: {args.naive_repeats})")
    for round_number in range(rounds):  # round-robin, so that machine noise hits every case
        for slot, key, k, repeats in plan:
            if round_number < repeats:
                cases[slot].times_s.append(_time_once(key, k))
        print(f"  round {round_number + 1} done", flush=True)
    how = "?"
    for slot, key, _, _ in plan:
        case = cases[slot]
        case.best_s = min(case.times_s)
        case.per_prime_ns = case.best_s / case.primes * 1e9
        how = _measure_memory(case, key)

    consistent = all(
        (c.last_prime, c.checksum) == (cases["stream"].last_prime, cases["stream"].checksum)
        for key, c in cases.items()
        if c.primes == n and key != "stream"
    ) and (cases["naive"].last_prime, cases["naive"].checksum) == (
        cases["stream_small"].last_prime,
        cases["stream_small"].checksum,
    )

    targets = [
        ("prime_stream vs dict sieve", "dict", "stream", ">= 10x faster", 10.0),
        ("prime_stream vs primesieve", "primesieve", "stream", "within 2x (ratio >= 0.5)", 0.5),
        ("prime_stream vs naive", "naive", "stream_small", ">= 100x faster", 100.0),
    ]
    results: list[dict[str, Any]] = []
    for label, slow, fast, wanted, threshold in targets:
        if slow not in cases:
            results.append({"target": label, "wanted": wanted, "ratio": None, "result": "SKIP"})
            continue
        ratio = cases[slow].best_s / cases[fast].best_s  # > 1: prime_stream is faster
        verdict = "PASS" if ratio >= threshold else "FAIL"
        results.append({"target": label, "wanted": wanted, "ratio": ratio, "result": verdict})

    header = f"{'case':<24}{'primes':>10}{'best s':>10}{'ns/prime':>10}{'+RSS MiB':>10}  last prime"
    print("\n" + header)
    print("-" * len(header))
    for case in cases.values():
        print(
            f"{case.name:<24}{case.primes:>10,}{case.best_s:>10.3f}{case.per_prime_ns:>10.0f}"
            f"{case.rss_peak_delta_bytes / 2**20:>10.2f}  {case.last_prime:,}"
        )
    print(f"+RSS MiB: peak RSS ({how}) during the case minus RSS before it, in a fresh process")
    print("          (that run also checked that every case produced the same primes)")
    print(f"prime_stream segment: {SEGMENT_BYTES:,} flag bytes")
    print("\ntarget (ratio = other's time / prime_stream's time)")
    for row in results:
        shown = "n/a" if row["ratio"] is None else f"{row['ratio']:.2f}x"
        print(f"  {row['target']:<30} {row['wanted']:<26} {shown:>9}  {row['result']}")
    if primesieve is None:
        print(f"  ({about})")
    print(f"  all cases produced the same primes: {'PASS' if consistent else 'FAIL'}")

    report = {
        "benchmark": "primes",
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "build": " ".join(platform.python_build()),
            "compiler": platform.python_compiler(),
            "free_threaded": bool(getattr(sys, "_is_gil_enabled", lambda: True)() is False),
        },
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "processor": platform.processor(),
            "node": platform.node(),
            "cpu_count": os.cpu_count(),
        },
        "primesieve": about,
        "memory_measure": f"peak RSS ({how}) during the case minus RSS before, fresh process",
        "repeats": {"fast": args.repeats, "naive": args.naive_repeats},
        "segment_bytes": SEGMENT_BYTES,
        "cases": {key: asdict(case) for key, case in cases.items()},
        "targets": results,
        "consistent": consistent,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output}")
    failed = not consistent or any(row["result"] == "FAIL" for row in results)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
