"""Tasks for run_isolated: module-level, so that the fresh interpreter can import them."""

from __future__ import annotations

import multiprocessing
import time

from speedlab._exceptions import CannotShare


def add(a: int, b: int) -> dict[str, int]:
    """Return the sum, after printing to standard output (which must not corrupt the answer)."""
    print("noise on stdout")
    return {"sum": a + b}


def hold(megabytes: int) -> int:
    """Hold some memory for a moment, so that the sampler sees it."""
    block = bytearray(megabytes * 2**20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    time.sleep(0.3)
    return len(block)


def _child(seconds: float) -> None:
    time.sleep(seconds)


def with_children(count: int, seconds: float) -> int:
    """Start ``count`` processes that sleep, and wait for them."""
    children = [multiprocessing.Process(target=_child, args=(seconds,)) for _ in range(count)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    return count


def refuse() -> None:
    """Raise a speedlab error that must come back as its own class."""
    raise CannotShare("no lock across machines")


def crash() -> None:
    """Raise a plain error."""
    raise ZeroDivisionError("division by zero\nsecond line")


def sleep(seconds: float) -> float:
    """Sleep (Ctrl-C ends it)."""
    time.sleep(seconds)
    return seconds
