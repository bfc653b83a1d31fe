"""A clock that only moves when told to, for running time-based code in virtual time.

Like ``trio.testing.MockClock``: pass it wherever speedlab takes a ``clock=`` (the GitHub
job's rate gate and units, fakehub's limiters, the simulator below), and sleeping an hour
costs nothing. It reads epoch seconds, so ``x-ratelimit-reset`` values look real.

    clock = VirtualClock()
    gate = RateGate.local()
    wait = gate.reserve(clock())
    clock.advance(wait)
"""

from __future__ import annotations

__all__ = ["VIRTUAL_EPOCH", "VirtualClock"]

#: Where virtual time starts: an epoch second in November 2023, far from any edge case.
VIRTUAL_EPOCH = 1_700_000_000.0


class VirtualClock:
    """An epoch clock that moves only through ``advance`` (or by setting ``now``).

    Args:
        start: The epoch second it starts at.
    """

    __slots__ = ("now",)

    def __init__(self, start: float = VIRTUAL_EPOCH) -> None:
        self.now = start

    def __call__(self) -> float:
        """Return the current virtual time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``.

        Raises:
            ValueError: ``seconds`` is negative (time never runs backwards).
        """
        if seconds < 0:
            raise ValueError(f"a clock cannot go back {seconds} s")
        self.now += seconds

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now})"
