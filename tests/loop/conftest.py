"""Fixtures for the hand-made loop's tests: virtual time, and no thread left behind."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest

from speedlab.loop import Kernel, VirtualClock

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for thread in left:
        thread.join(10)
    assert [t for t in left if t.is_alive()] == []


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def kernel(clock: VirtualClock) -> Iterator[Kernel]:
    with Kernel(clock=clock) as k:
        yield k


@pytest.fixture
def vrun(kernel: Kernel) -> Callable[..., Any]:
    """Run ``main(*args)`` on a virtual-time kernel (the same kernel for the whole test)."""

    def run(main: Callable[..., Awaitable[T]], *args: Any) -> T:
        return kernel.run(main, *args)

    return run
