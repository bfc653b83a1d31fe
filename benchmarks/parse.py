"""Decode fakehub's realistic search pages: ``json.loads`` vs orjson vs msgspec, µs per page.

Run by ``make bench`` (or ``.venv/bin/python benchmarks/parse.py``); not part of the tests.

The pages are fetched from a FakeHub on 127.0.0.1, exactly as served (gzip included), for the
lecture's eight keywords at 30 and at 100 items a page. For each page size it times, in one run
and interleaved (so a busy machine slows every column alike), the best of several passes over
the pages of:

* ``gzip``           -- ``gzip.decompress`` of the served body (a column apart: every decoder
                        pays it, unless the server sends plain JSON);
* ``gzip zlib-ng``   -- the same with zlib-ng's decoder, the one speedlab's body readers use
                        (``speedlab._zlib``);
* ``json``           -- ``json.loads`` and a walk over the dicts: the decoder before msgspec;
* ``orjson``         -- ``orjson.loads`` and the same walk (skipped if orjson is missing);
* ``msgspec dicts``  -- ``msgspec.json.decode`` to dicts and the same walk;
* ``msgspec typed``  -- speedlab's ``parse_search_body``: msgspec structs of the used fields.

Every decoder must give the same ids for every page, or the run stops. The typed decoder should
beat the others (that is why it is the one speedlab uses); the check prints PASS/FAIL and only
fails the exit code with ``--strict``. Results go to ``benchmarks/results/parse.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import requests

from speedlab import _zlib
from speedlab._machine import describe_environment
from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.jobs.github import DEFAULT_KEYWORDS, parse_search_body, search_query

__all__ = ["main"]

RESULTS = Path(__file__).resolve().parent / "results" / "parse.json"
PAGE_SIZES = (30, 100)
# Fetching a page must never hang the benchmark.
FETCH_TIMEOUT = 30.0

Ids = tuple[int, ...]


def walk(data: Any) -> Ids:
    """The dict walk of the old decoder (its checks included), shared by the untyped decoders."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    total, incomplete, items = (
        data.get("total_count"),
        data.get("incomplete_results"),
        data.get("items"),
    )
    if not isinstance(total, int) or isinstance(total, bool) or not isinstance(incomplete, bool):
        raise ValueError("bad total_count or incomplete_results")
    if not isinstance(items, list):
        raise ValueError("items is not a list")
    ids: list[int] = []
    for item in items:
        if not isinstance(item, dict):
            raise ValueError("an item is not an object")
        owner = item.get("owner")
        if owner is None:
            continue
        if not isinstance(owner, dict):
            raise ValueError("an owner is not an object")
        owner_id = owner.get("id")
        if owner_id is None:
            continue
        if not isinstance(owner_id, int) or isinstance(owner_id, bool):
            raise ValueError("an owner id is not an integer")
        ids.append(owner_id)
    return tuple(ids)


def decoders(per_page: int) -> dict[str, Callable[[bytes], Ids]]:
    """The decoders to compare, by column name (orjson only if installed)."""
    found: dict[str, Callable[[bytes], Ids]] = {"json": lambda body: walk(json.loads(body))}
    try:
        import orjson
    except ImportError:
        print("SKIPPED orjson: not importable; `make bench` installs it")
    else:
        found["orjson"] = lambda body: walk(orjson.loads(body))
    found["msgspec dicts"] = lambda body: walk(msgspec.json.decode(body))
    found["msgspec typed"] = lambda body: parse_search_body(body, per_page).ids
    return found


@dataclass
class Row:
    """One page size: the pages' sizes and the best µs per page of each column."""

    per_page: int
    pages: int
    body_bytes_mean: float
    gzip_bytes_mean: float
    us_per_page: dict[str, float] = field(default_factory=dict)


def fetch_pages(url: str, per_page: int) -> list[tuple[bytes, bytes]]:
    """Fetch page 1 of each keyword: (the gzip body as served, the JSON it inflates to)."""
    pages = []
    with requests.Session() as session:
        for keyword in DEFAULT_KEYWORDS:
            params = {"q": search_query(keyword), "per_page": str(per_page)}
            with session.get(
                f"{url}/search/repositories",
                params=params,
                headers={"Accept-Encoding": "gzip", "User-Agent": "speedlab-bench"},
                timeout=FETCH_TIMEOUT,
                stream=True,
            ) as reply:
                reply.raise_for_status()
                if reply.headers.get("Content-Encoding") != "gzip":
                    raise RuntimeError(f"fakehub did not gzip the page of {keyword!r}")
                served = reply.raw.read(decode_content=False)
            pages.append((served, gzip.decompress(served)))
    return pages


def time_pass(work: Callable[[bytes], object], inputs: list[bytes], loops: int) -> float:
    """Seconds per input for ``loops`` passes over ``inputs``."""
    began = time.perf_counter()
    for _ in range(loops):
        for data in inputs:
            work(data)
    return (time.perf_counter() - began) / (loops * len(inputs))


def _inflate_fast(data: bytes) -> bytes:
    return _zlib.decompressobj(16 + _zlib.MAX_WBITS).decompress(data)


def measure(per_page: int, pages: list[tuple[bytes, bytes]], repeats: int, loops: int) -> Row:
    """Check that every decoder agrees, then time them all, interleaved, best of ``repeats``."""
    bodies = [body for _, body in pages]
    served = [gz for gz, _ in pages]
    columns: dict[str, tuple[Callable[[bytes], object], list[bytes]]] = {
        "gzip": (gzip.decompress, served),
        "gzip zlib-ng": (_inflate_fast, served),
    }
    expected = [parse_search_body(body, per_page).ids for body in bodies]
    if not any(expected):
        raise RuntimeError("the pages carry no ids: nothing to compare")
    for name, decode in decoders(per_page).items():
        if [decode(body) for body in bodies] != expected:
            raise RuntimeError(f"{name} disagrees with the typed decoder")
        columns[name] = (decode, bodies)
    best = dict.fromkeys(columns, float("inf"))
    for _ in range(repeats):
        for name, (work, inputs) in columns.items():
            best[name] = min(best[name], time_pass(work, inputs, loops))
    return Row(
        per_page=per_page,
        pages=len(pages),
        body_bytes_mean=sum(map(len, bodies)) / len(bodies),
        gzip_bytes_mean=sum(map(len, served)) / len(served),
        us_per_page={name: round(seconds * 1e6, 1) for name, seconds in best.items()},
    )


def print_rows(rows: list[Row]) -> None:
    names = list(rows[0].us_per_page)
    print("µs per page (best of the repeats; lower is better)")
    print(f"{'items':>5} {'JSON KB':>8} {'gzip KB':>8} " + " ".join(f"{n:>14}" for n in names))
    for row in rows:
        cells = " ".join(f"{row.us_per_page[n]:>14.1f}" for n in names)
        print(
            f"{row.per_page:>5} {row.body_bytes_mean / 1e3:>8.1f} "
            f"{row.gzip_bytes_mean / 1e3:>8.1f} {cells}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and the check, write the JSON; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed passes per column")
    parser.add_argument("--loops", type=int, default=10, help="rounds over the pages per pass")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 if the check fails")
    args = parser.parse_args(argv)

    with FakeHub(FakeHubConfig()) as hub:
        fetched = {size: fetch_pages(hub.url, size) for size in PAGE_SIZES}
    rows = [measure(size, fetched[size], args.repeats, args.loops) for size in PAGE_SIZES]
    print_rows(rows)

    checks = []
    for row in rows:
        typed = row.us_per_page["msgspec typed"]
        others = {
            k: v
            for k, v in row.us_per_page.items()
            if not k.startswith("gzip") and k != "msgspec typed"
        }
        fastest_other = min(others, key=others.__getitem__)
        ok = typed <= others[fastest_other]
        ratio = typed / row.us_per_page["json"]
        checks.append({"per_page": row.per_page, "passed": ok, "typed_vs_json": round(ratio, 3)})
        print(
            f"{'PASS' if ok else 'FAIL'} {row.per_page} items: msgspec typed {typed:.0f} µs, "
            f"{ratio:.2f}x json.loads; fastest other: {fastest_other} "
            f"{others[fastest_other]:.0f} µs"
        )

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    report = {
        "benchmark": "parse",
        **describe_environment(
            packages=["speedlab", "msgspec", "orjson", "zlib-ng"], repo=Path(__file__).parent
        ),
        "load_average": load,
        "repeats": args.repeats,
        "loops": args.loops,
        "rows": [asdict(row) for row in rows],
        "checks": checks,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"load average {load}; results written to {args.output}")
    return 1 if args.strict and not all(check["passed"] for check in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
