"""I/O-bound benchmark: the GitHub search job under every model, against fakehub, side by side.

Run by ``make bench`` (never by the tests). fakehub runs in a process of its own, so the server
does not share the client's GIL. For each latency (100 ms, then none) it times, in one run:
every model the registry offers for I/O (sequential, threads, processes, asyncio, handmade) and
two baselines written the way a user would (requests + ThreadPoolExecutor, aiohttp + gather).
It prints wall times and ratios against the targets (issue 9's for handmade: <= 1.2x the
aiohttp+gather script at zero latency, <= 1.05x at 100 ms), then measures memory: 10,000
keywords vs 1,000 under the asyncio model, each in a fresh process.

    .venv/bin/python benchmarks/io.py              # the full run (about a minute)
    .venv/bin/python benchmarks/io.py --quick      # fewer keywords and repeats
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from baselines import aiohttp_gather, threadpool_requests
from speedlab import __version__
from speedlab._constants import DEFAULT_ASYNC_TASKS, DEFAULT_THREAD_WORKERS
from speedlab.jobs.github import GitHubJob, SearchConfig
from speedlab.models import models_for, run_model

RESULTS = Path(__file__).parent / "results" / "io.json"
URL_RE = re.compile(r"http://127\.0\.0\.1:\d+")
AIOHTTP = "baseline aiohttp+gather"
THREADPOOL = "baseline requests+ThreadPoolExecutor"
# (model, baseline, target at zero latency, target with latency): model / baseline <= target.
RATIO_TARGETS = (
    ("asyncio", AIOHTTP, 1.15, 1.15),
    ("threads", THREADPOOL, 1.15, 1.15),
    ("handmade", AIOHTTP, 1.2, 1.05),  # issue 9: the hand-made loop against aiohttp
)
SPEEDUP_TARGET = 50.0  # asyncio vs sequential, with latency


@contextmanager
def fakehub(latency: float) -> Iterator[str]:
    """Start ``speedlab fakehub`` in its own process; yield its URL; stop it on every exit path."""
    cmd = [sys.executable, "-m", "speedlab", "fakehub", "--port", "0", "--seed", "1"]
    cmd += ["--latency", str(latency)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            match = URL_RE.search(line)
            url = match.group(0) if match else None
        if url is None:
            raise RuntimeError("fakehub did not print its URL")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def keywords(count: int) -> list[str]:
    """Distinct, plain keywords (so the baselines can use them as file names too)."""
    return [f"topic{i:05d}" for i in range(count)]


def ours(model: str) -> Callable[[str, Path, list[str]], float]:
    """Time one run of our model at its default concurrency; fail loudly if a keyword failed."""

    def run(url: str, out: Path, queries: list[str]) -> float:
        job = GitHubJob(queries, SearchConfig(api=url, out_dir=out), resume=False)
        result = run_model(model, job)
        if result.failures:
            raise RuntimeError(f"{model}: {result.failures} keywords failed")
        return result.wall_seconds

    return run


def baseline_threads(url: str, out: Path, queries: list[str]) -> float:
    start = time.perf_counter()
    threadpool_requests.get_many_stats(url, str(out), queries, DEFAULT_THREAD_WORKERS)
    return time.perf_counter() - start


def baseline_aiohttp(url: str, out: Path, queries: list[str]) -> float:
    start = time.perf_counter()
    aiohttp_gather.get_many_stats(url, str(out), queries, DEFAULT_ASYNC_TASKS)
    return time.perf_counter() - start


CONTENDERS: dict[str, Callable[[str, Path, list[str]], float]] = {
    **{model: ours(model) for model in models_for("io")},  # from the registry
    THREADPOOL: baseline_threads,
    AIOHTTP: baseline_aiohttp,
}


def time_all(url: str, queries: list[str], repeats: int, slow_once: bool) -> dict[str, float]:
    """Best-of-``repeats`` wall time per contender, interleaved so drift hits all alike."""
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="speedlab-bench-") as tmp:
        for attempt in range(repeats):
            for name, run in CONTENDERS.items():
                if slow_once and name == "sequential" and attempt > 0:
                    continue
                out = Path(tmp) / f"{name.split()[0]}-{attempt}"
                seconds = run(url, out, queries)
                shutil.rmtree(out, ignore_errors=True)
                best[name] = min(best.get(name, seconds), seconds)
                print(f"  {name:<38} {seconds:8.3f} s", flush=True)
    return best


def memory_child(count: int, url: str) -> None:
    """Run the asyncio model on ``count`` keywords and print its peak RSS as JSON."""
    with tempfile.TemporaryDirectory(prefix="speedlab-mem-") as tmp:
        job = GitHubJob(keywords(count), SearchConfig(api=url, out_dir=Path(tmp)), resume=False)
        result = run_model("asyncio", job, concurrency=DEFAULT_ASYNC_TASKS)
    peak = result.peak_rss_bytes  # VmHWM of this process (see speedlab.models._recorder)
    print(
        json.dumps(
            {
                "count": count,
                "peak_rss": peak,
                "failures": result.failures,
                "wall": result.wall_seconds,
            }
        )
    )


def measure_memory(url: str, count: int) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(count), url],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    data: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=200, help="keywords per run (200)")
    parser.add_argument("--latency", type=float, default=0.1, help="fakehub latency (0.1 s)")
    parser.add_argument("--repeats", type=int, default=3, help="best of N runs (3)")
    parser.add_argument(
        "--quick", action="store_true", help="50 keywords, 1 repeat, small memory run"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target fails (default: report only)"
    )
    parser.add_argument("--memory-child", nargs=2, metavar=("COUNT", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(int(args.memory_child[0]), args.memory_child[1])
        return 0
    count, repeats = (50, 1) if args.quick else (args.keywords, args.repeats)
    queries = keywords(count)
    report: dict[str, object] = {
        "speedlab": __version__,
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "keywords": count,
    }
    ok = True
    for latency in (args.latency, 0.0):
        print(f"\n{count} keywords, fakehub latency {latency * 1000:.0f} ms (best of {repeats}):")
        with fakehub(latency) as url:
            best = time_all(url, queries, repeats, slow_once=latency > 0)
        report[f"latency_{latency}"] = best
        seq = best["sequential"]
        print(f"\n  {'model':<38} {'best s':>8} {'vs sequential':>14}")
        for name, seconds in best.items():
            print(f"  {name:<38} {seconds:8.3f} {seq / seconds:13.1f}x")
        ratios: dict[str, float] = {}
        for model, baseline, at_zero, with_latency in RATIO_TARGETS:
            target = with_latency if latency > 0 else at_zero
            ratio = ratios[f"{model}/{baseline}"] = best[model] / best[baseline]
            label = f"{model} / {baseline.removeprefix('baseline ')}:"
            print(f"  {label:<38} {ratio:8.2f}x (target <= {target:g}) {verdict(ratio <= target)}")
            ok &= ratio <= target
        if latency > 0:
            speedup = seq / best["asyncio"]
            label = "asyncio speedup vs sequential:"
            print(
                f"  {label:<38} {speedup:8.1f}x (target >= {SPEEDUP_TARGET:g}) "
                f"{verdict(speedup >= SPEEDUP_TARGET)}"
            )
            ok &= speedup >= SPEEDUP_TARGET
        report[f"ratios_{latency}"] = ratios
    if not args.no_memory:
        small, large = (200, 2000) if args.quick else (1000, 10000)
        print(
            f"\nmemory: asyncio, concurrency {DEFAULT_ASYNC_TASKS}, zero latency, fresh processes"
        )
        with fakehub(0.0) as url:
            runs = {n: measure_memory(url, n) for n in (small, large)}
        mb = {n: runs[n]["peak_rss"] / 2**20 for n in runs}
        print(f"  {small:>6} keywords: peak RSS {mb[small]:6.1f} MB  ({runs[small]['wall']:.1f} s)")
        print(f"  {large:>6} keywords: peak RSS {mb[large]:6.1f} MB  ({runs[large]['wall']:.1f} s)")
        delta = mb[large] - mb[small]
        print(
            f"  peak < 200 MB: {verdict(mb[large] < 200)};  growth {delta:.1f} MB <= 30 MB: "
            f"{verdict(delta <= 30)}"
        )
        ok &= mb[large] < 200 and delta <= 30
        report["memory"] = runs
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nresults written to {RESULTS}")
    print("every target met" if ok else "some targets were not met (see FAIL above)")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
