"""Virtual time for spinner tests: a clock that moves only when a fake wait moves it."""

from __future__ import annotations

from collections.abc import Iterable


class FakeClock:
    """A clock that stands still until told to advance."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeStop:
    """A stop event whose ``wait`` moves the clock: by the timeout, plus a planned lateness.

    ``late`` lists extra seconds that each wait oversleeps (a spinner thread that gets the GIL
    late, a loop blocked by inline work); the event is set after ``waits`` waits.
    """

    def __init__(self, clock: FakeClock, *, waits: int, late: Iterable[float] = ()) -> None:
        self.clock = clock
        self.remaining = waits
        self.late = list(late)
        self.timeouts: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        assert timeout is not None
        self.timeouts.append(timeout)
        self.remaining -= 1
        if self.remaining < 0:
            return True
        self.clock.advance(timeout + (self.late.pop(0) if self.late else 0.0))
        return False
