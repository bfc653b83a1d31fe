"""Memory of the asyncio model: a fixed pool of worker tasks, not a task per unit.

Peak RSS (``ru_maxrss``) is a whole-process high-water mark, so each size runs in a fresh
interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_SCRIPT = """
import json, sys
from speedlab.jobs.sleep import SleepJob
from speedlab.models import run_model
result = run_model("asyncio", SleepJob(count=int(sys.argv[1]), seconds=0.001), concurrency=100)
print(json.dumps({"done": result.done, "peak": result.peak_rss_bytes}))
"""

MB = 2**20


def _peak(count: int) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(count)],
        capture_output=True,
        text=True,
        timeout=50,
        check=True,
    )
    data = json.loads(proc.stdout)
    assert data["done"] == count
    return int(data["peak"])


@pytest.mark.timeout(120)
def test_ten_thousand_units_cost_little_more_memory_than_a_thousand() -> None:
    small, large = _peak(1_000), _peak(10_000)
    assert large < 200 * MB
    assert large - small < 30 * MB
