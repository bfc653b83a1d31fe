"""Named defaults, one comment each, so that no magic number hides in the code."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "ASYNCIO_MAX_CONNECTIONS",
    "DEFAULT_ASYNCIO_TASKS",
    "DEFAULT_ASYNC_TASKS",
    "DEFAULT_CPU_WORKERS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_PROCESS_WORKERS",
    "DEFAULT_SEED",
    "DEFAULT_THREAD_WORKERS",
    "DEFAULT_TICK",
    "DEMO_JITTER",
    "DEMO_LATENCY",
    "DEMO_OUT_DIR",
    "LECTURE_SEARCH_SECONDS",
    "LESSON_MAX_COUNT",
    "LESSON_MAX_TICK",
    "QUICK_CALL_LIMIT",
]

# The lecture sleeps one second per step of its generator demos; --tick replaces it.
DEFAULT_TICK = 1.0

# Seed for demos whose output depends on random choices, so a run can be repeated exactly.
DEFAULT_SEED = 0

# Worker threads of the threads model: I/O-bound units mostly wait, so more threads than cores.
DEFAULT_THREAD_WORKERS = 16

# Worker processes of the processes model: each costs an interpreter's memory, so stay near the
# core count (two per core lets one wait on I/O while the other computes), and never above eight.
DEFAULT_PROCESS_WORKERS = min(8, 2 * (os.cpu_count() or 1))

# Worker processes of the CPU-bound models (asyncio-processes, a local dask cluster): one per
# core, since a second process on a core only takes turns with the first.
DEFAULT_CPU_WORKERS = os.cpu_count() or 1

# Worker tasks of the hand-made loop's model (and asyncio-processes): a task is cheap, so this
# is bounded by the server, not us.
DEFAULT_ASYNC_TASKS = 100

# The asyncio model: searches at once (tasks), and the most connections they share. Twice as
# many searches as connections, as an aiohttp script that gathers its tasks has: a connection a
# search has finished with is taken at once by a search waiting for one, instead of idling while
# the first parses its page and saves it. At zero latency that cut the client's CPU per search
# from about 0.70x to 0.60x the aiohttp script's (benchmarks/io.py; docs/downloader.md).
DEFAULT_ASYNCIO_TASKS = 200
ASYNCIO_MAX_CONNECTIONS = 100

# The most one HTTP response may weigh, as received and once decompressed (--max-bytes):
# a 100-item GitHub search page is about 0.5 MB, so 8 MiB leaves ample room, while a hostile
# server can cost no more than this per request in flight.
DEFAULT_MAX_RESPONSE_BYTES = 8 * 2**20

# Longest a quick Call (a result file's atomic save, ~80 µs on a local disk) may keep an async
# model's loop busy: after one that took longer, the run's Calls go to a worker thread.
QUICK_CALL_LIMIT = 0.005

# GitHub's search answers in roughly 0.5-1.5 s (the lecture measured 8 searches in 14 s);
# fakehub waits DEMO_LATENCY plus a uniform [0, DEMO_JITTER] before answering.
DEMO_LATENCY = 0.6
DEMO_JITTER = 0.6

# The lecture's own sequential run against the real GitHub: "8 searches done in 13.97s".
LECTURE_SEARCH_SECONDS = 13.97

# Where the demo saves its files: one sub-folder per model.
DEMO_OUT_DIR = Path("github_downloads") / "demo"

# Most steps `speedlab lesson --count` may ask for: the lecture's generators run out after 1000
# rounds, and the primes demo's trial division stays well under a second up to the 1000th prime.
LESSON_MAX_COUNT = 1000

# Longest `speedlab lesson --tick`: a minute per lecture "second" is already slower than anyone
# reads.
LESSON_MAX_TICK = 60.0
