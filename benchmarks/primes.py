"""Benchmark ``speedlab.primes.prime_stream`` against what a user would write or install instead.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/primes.py``); not part of the tests.

Every case produces primes as Python ints, consumed by a plain Python loop, in one run:

* ``prime_stream``       -- speedlab's numpy segmented sieve: the first 10**6 primes, the first
                            10**5 (for the lecture's ratio) and the first 10**7 (memory);
* ``dict sieve``         -- the classic incremental "postponed sieve" generator written below,
                            a dict of next composites (the usual pure-Python infinite sieve);
* ``primesieve``         -- the C++ library's ``primesieve.Iterator().next_prime()`` called in a
                            Python loop (bound method hoisted, no islice: its fastest form).  It
                            is optional: when it is not installed (it builds from source and
                            needs Debian's libprimesieve-dev and g++), one line says so and only
                            its row and ratio are skipped;
* ``naive (lecture)``    -- the lecture's trial-division generator, first 10**5 primes only.

The cases run round-robin, so that noise from other processes hits all of them alike; each time
is the best of its repeats, in CPU time (wall time is printed too).  Memory is measured in one
more run of each case, in a fresh child process that has imported numpy (and primesieve)
already: the increase of its peak RSS while the case ran, which counts Python objects, numpy
buffers and primesieve's C++ buffers alike.  "Bounded" means that it stays small for 10**7
primes and does not grow from 10**6 to 10**7.  That run also checks that every case produced
the same primes (last prime and sum), and that the last one is the known n-th prime.  Ratios
are compared with the targets and marked PASS/FAIL; the results go to
``benchmarks/results/primes.json`` with the machine, the Python build, the library versions
and the git commit (:mod:`speedlab._machine`).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import asdict, dataclass, field
from itertools import count, islice
from pathlib import Path
from typing import Any

from speedlab._machine import describe_environment
from speedlab.lesson import naive_prime_stream
from speedlab.primes import SEGMENT_BYTES, prime_stream

__all__ = ["main", "postponed_sieve"]

RESULTS = Path(__file__).resolve().parent / "results" / "primes.json"
MiB = 2**20

# The n-th prime, for the counts benchmarked: an independent check of every case's last prime.
KNOWN_NTH_PRIME = {10**5: 1_299_709, 10**6: 15_485_863, 10**7: 179_424_673}

# Targets: (label, slower case, faster case, wanted, ratio threshold); ratio = slower / faster.
SPEED_TARGETS = [
    ("prime_stream vs primesieve", "primesieve", "stream", ">= 0.8x its speed", 0.8),
    ("prime_stream vs naive", "naive", "stream_small", ">= 100x faster", 100.0),
    ("prime_stream vs dict sieve", "dict", "stream", ">= 10x faster", 10.0),
]
# +RSS while streaming 10**7 primes: the sieving primes below sqrt(1.8e8) and one segment's
# buffers are about 1.5 MB; a stream that kept its primes would need over 300 MB.
MEMORY_TARGET_MIB = 8.0
# ... and no more than this above its +RSS for the first 10**6 primes (bounded: flat in n).
MEMORY_GROWTH_MIB = 1.0


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


def _primesieve_module() -> tuple[Any, str]:
    """Return (the primesieve module or None, one line saying which one or why it is missing)."""
    try:
        import primesieve  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError as exc:
        return None, (
            f"primesieve is not importable ({exc}); it builds from source and needs Debian's"
            " libprimesieve-dev and g++ (`make bench` tries to install them, which needs root)"
        )
    library = primesieve.primesieve_version()
    library = library.decode() if isinstance(library, bytes) else str(library)
    return primesieve, f"primesieve C++ library {library}"


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


def _time_once(key: str, n: int) -> tuple[float, float]:
    """Consume ``n`` primes of case ``key`` once, as a user's loop would; return (CPU s, wall s).

    CPU time (``time.process_time``) is what the ratios use: every case is one thread of pure
    computation, and on a shared machine the wall time also counts the moments another process
    held the core.
    """
    cpu, wall = time.process_time(), time.perf_counter()
    if key == "primesieve":
        primesieve, _ = _primesieve_module()
        next_prime = primesieve.Iterator().next_prime  # hoisted: the fastest way to call it
        for _ in range(n):
            next_prime()
    else:
        for _ in islice(CASES[key][1](), n):
            pass
    return time.process_time() - cpu, time.perf_counter() - wall


def _proc_status_kib(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field_name} in /proc/self/status")


def _child(key: str, n: int) -> None:
    """Run one case in this fresh process; print its last prime, sum and peak memory growth.

    Libraries are imported first (their code is not the case's memory).  On Linux the peak RSS
    (VmHWM) is then reset (``/proc/self/clear_refs``), so the figure is the peak RSS during the
    case minus the RSS before it; elsewhere it falls back to the growth of ``ru_maxrss``, which
    misses anything below the start-up peak.
    """
    import numpy  # noqa: F401 - imported before measuring, as prime_stream imports it lazily

    if key == "primesieve":
        _primesieve_module()
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
    cpu_s: list[float] = field(default_factory=list)
    wall_s: list[float] = field(default_factory=list)
    best_s: float = 0.0  # the best CPU time
    best_wall_s: float = 0.0
    per_prime_ns: float = 0.0
    rss_peak_delta_bytes: int = 0
    last_prime: int = 0
    checksum: int = 0


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


def _consistent(cases: dict[str, Case]) -> bool:
    """Every case gave the known n-th prime last, and cases of one size gave the same sum."""
    by_size: dict[int, set[tuple[int, int]]] = {}
    for case in cases.values():
        by_size.setdefault(case.primes, set()).add((case.last_prime, case.checksum))
    known = all(
        case.last_prime == KNOWN_NTH_PRIME.get(case.primes, case.last_prime)
        for case in cases.values()
    )
    return known and all(len(results) == 1 for results in by_size.values())


def _targets(cases: dict[str, Case]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for label, slow, fast, wanted, threshold in SPEED_TARGETS:
        if slow not in cases:
            rows.append(
                {"target": label, "wanted": wanted, "value": None, "unit": "x", "result": "SKIP"}
            )
            continue
        ratio = cases[slow].best_s / cases[fast].best_s  # > 1: prime_stream is faster
        verdict = "PASS" if ratio >= threshold else "FAIL"
        rows.append(
            {"target": label, "wanted": wanted, "value": ratio, "unit": "x", "result": verdict}
        )
    long, short = cases["stream_long"], cases["stream"]
    grown = long.rss_peak_delta_bytes / MiB
    more = (long.rss_peak_delta_bytes - short.rss_peak_delta_bytes) / MiB
    bounded = grown <= MEMORY_TARGET_MIB and more <= MEMORY_GROWTH_MIB
    rows.append(
        {
            "target": f"+RSS streaming {long.primes:,} primes",
            "wanted": f"<= {MEMORY_TARGET_MIB:g}, +{MEMORY_GROWTH_MIB:g} on {short.primes:,}'s",
            "value": grown,
            "unit": " MiB",
            "result": "PASS" if bounded else "FAIL",
        }
    )
    return rows


def _print_report(cases: dict[str, Case], targets: list[dict[str, Any]], how: str) -> None:
    header = (
        f"{'case':<24}{'primes':>12}{'CPU s':>9}{'ns/prime':>10}{'wall s':>9}{'+RSS MiB':>10}"
        "  last prime"
    )
    print("\n" + header)
    print("-" * len(header))
    for case in cases.values():
        print(
            f"{case.name:<24}{case.primes:>12,}{case.best_s:>9.3f}{case.per_prime_ns:>10.1f}"
            f"{case.best_wall_s:>9.3f}{case.rss_peak_delta_bytes / MiB:>10.2f}  {case.last_prime:,}"
        )
    print("CPU s, wall s: the best of the case's runs (ns/prime from CPU time)")
    print(f"+RSS MiB: peak RSS ({how}) during the case minus RSS before it, in a fresh process")
    print(f"prime_stream segment: {SEGMENT_BYTES:,} flag bytes")
    print("\ntarget (speed ratio = the other's CPU time / prime_stream's CPU time)")
    for row in targets:
        shown = "n/a" if row["value"] is None else f"{row['value']:.2f}{row['unit']}"
        print(f"  {row['target']:<32} {row['wanted']:<28} {shown:>9}  {row['result']}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and write the JSON results; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10**6, help="primes per fast case")
    parser.add_argument("--naive-count", type=int, default=10**5, help="primes, naive case")
    parser.add_argument("--long-count", type=int, default=10**7, help="primes, memory case")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per fast case")
    parser.add_argument("--naive-repeats", type=int, default=2, help="timed runs, naive case")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target fails")
    parser.add_argument("--child", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n, small = args.count, args.naive_count

    if args.child:
        _child(args.child, n)
        return 0

    import numpy  # noqa: F401 - prime_stream imports it on first use; not part of a timing

    primesieve, about = _primesieve_module()
    plan = [("stream", "stream", n, args.repeats), ("dict", "dict", n, args.repeats)]
    if primesieve is None:
        print(f"SKIPPED primesieve: {about}")
    else:
        plan.append(("primesieve", "primesieve", n, args.repeats))
    plan += [
        ("naive", "naive", small, args.naive_repeats),
        ("stream_small", "stream", small, args.repeats),
        ("stream_long", "stream", args.long_count, args.naive_repeats),
    ]
    cases = {slot: Case(name=CASES[key][0], primes=k) for slot, key, k, _ in plan}
    rounds = max(repeats for *_, repeats in plan)
    print(f"Timing {len(plan)} cases, {rounds} interleaved rounds")
    for round_number in range(rounds):  # round-robin, so that machine noise hits every case
        for slot, key, k, repeats in plan:
            if round_number < repeats:
                cpu, wall = _time_once(key, k)
                cases[slot].cpu_s.append(cpu)
                cases[slot].wall_s.append(wall)
        print(f"  round {round_number + 1} done", flush=True)
    how = "?"
    for slot, key, _, _ in plan:
        case = cases[slot]
        case.best_s, case.best_wall_s = min(case.cpu_s), min(case.wall_s)
        case.per_prime_ns = case.best_s / case.primes * 1e9
        how = _measure_memory(case, key)

    consistent = _consistent(cases)
    targets = _targets(cases)
    _print_report(cases, targets, how)
    print(f"  every case produced the same, known primes: {'PASS' if consistent else 'FAIL'}")

    report = {
        "benchmark": "primes",
        **describe_environment(
            packages=["speedlab", "numpy", "primesieve"], repo=Path(__file__).parent
        ),
        "primesieve": about,
        "memory_measure": f"peak RSS ({how}) during the case minus RSS before, fresh process",
        "repeats": {"fast": args.repeats, "naive_and_long": args.naive_repeats},
        "segment_bytes": SEGMENT_BYTES,
        "cases": {key: asdict(case) for key, case in cases.items()},
        "targets": targets,
        "consistent": consistent,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output}")
    failed = not consistent or any(row["result"] == "FAIL" for row in targets)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
