"""Test-only constants and the helpers that tests/jobs/github runs in worker processes.

Virtual time, scripted replies, the search-limit server and the simulator are public:
:mod:`speedlab.testing`. What stays here is this suite's own: a token to look for in
output, and functions a process pool imports by name (so they must live in a module).
"""

from __future__ import annotations

from typing import Any

from speedlab.jobs.github._ratelimit import RateGate
from speedlab.testing import rate_headers

TOKEN = "ghp_TESTtoken1234567890abcdefSECRET"


# --- helpers run in worker processes (importable by spawn) --------------------------------

_GATE: RateGate | None = None


def install_gate(gate: RateGate) -> None:
    """ProcessPoolExecutor initializer: keep the shared gate for this worker's tasks."""
    global _GATE
    _GATE = gate


def take_slots(attempts: int, now: float) -> int:
    """Reserve up to ``attempts`` slots at virtual time ``now``; return how many were granted."""
    assert _GATE is not None
    return sum(1 for _ in range(attempts) if _GATE.reserve(now) == 0.0)


def observe_many(count: int, now: float, remaining: int, reset: int) -> None:
    assert _GATE is not None
    for _ in range(count):
        _GATE.observe(now, rate_headers(remaining, reset))


def wait_for_slot(now: float) -> float:
    assert _GATE is not None
    return _GATE.reserve(now)


def contend(gate: RateGate, go: Any, attempts: int, now: float, results: Any) -> None:
    """Process target: wait for ``go``, then reserve ``attempts`` times as fast as possible."""
    go.wait(timeout=30)
    granted = sum(1 for _ in range(attempts) if gate.reserve(now) == 0.0)
    for _ in range(granted):
        gate.observe(now, {})
    results.put(granted)
