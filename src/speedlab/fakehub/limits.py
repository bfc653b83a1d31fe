"""GitHub's search rate limits: a fixed window per identity, and a cap on requests in flight.

The primary limit is GitHub's fixed window (reference §3.1): the first request of an identity
opens a window of ``W`` seconds, every request in it is counted, and the window ends at ``reset``;
the next request after that opens a new one. GitHub reports ``x-ratelimit-reset`` in whole epoch
seconds, so the window here starts at the first request *rounded down to a whole second*: then
``reset`` is exactly the window's end, and a client that waits until ``reset`` never hits the
limit. (Without the floor, a client waiting for ``reset`` would arrive up to a second early.)

The secondary limit models GitHub's "no more than N concurrent requests" rule: a request that
arrives while N others of the same identity are still being served is refused.

Both take an injected ``clock`` so that tests can run them in virtual time, and both are safe to
read from another thread (the statistics are read while the server runs).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "InFlight",
    "PrimaryLimiter",
    "RateDecision",
    "WindowRecord",
]

# Closed windows remembered for statistics (oldest forgotten first).
_WINDOW_HISTORY = 10_000


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one request against the primary limit, and its ``x-ratelimit-*`` values."""

    allowed: bool
    limit: int
    remaining: int
    used: int
    #: Epoch second at which the window ends and the count restarts.
    reset: int

    def headers(self) -> dict[str, str]:
        """Return the ``x-ratelimit-*`` headers GitHub sends with this state."""
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-resource": "search",
        }


@dataclass(frozen=True, slots=True)
class WindowRecord:
    """What happened in one window of one identity (for statistics and tests)."""

    bucket: str
    #: Epoch second the window started (the first request, rounded down).
    start: int
    #: Epoch second the window ended (``start + window``), as sent in ``x-ratelimit-reset``.
    reset: int
    #: Requests served within the limit.
    accepted: int
    #: Requests refused because the window's limit was used up.
    limited: int


class _Window:
    __slots__ = ("accepted", "limited", "reset", "start")

    def __init__(self, start: int, reset: int) -> None:
        self.start, self.reset, self.accepted, self.limited = start, reset, 0, 0

    def record(self, bucket: str) -> WindowRecord:
        return WindowRecord(bucket, self.start, self.reset, self.accepted, self.limited)


class PrimaryLimiter:
    """GitHub's fixed-window request limit, one window per identity ("bucket").

    Example:
        >>> now = [1000.7]
        >>> limiter = PrimaryLimiter(window=60, clock=lambda: now[0])
        >>> limiter.acquire("token:abc", 2).reset
        1060
        >>> limiter.acquire("token:abc", 2).remaining, limiter.acquire("token:abc", 2).allowed
        (0, False)
    """

    def __init__(self, *, window: int, clock: Callable[[], float] = time.time) -> None:
        """Create a limiter with windows of ``window`` whole seconds measured by ``clock``.

        Args:
            window: length of a window in seconds (an integer >= 1, so that ``reset`` is exact).
            clock: epoch seconds now; ``time.time`` unless a test injects virtual time.

        Raises:
            ValueError: ``window`` is not an integer >= 1.
        """
        if not isinstance(window, int) or window < 1:
            raise ValueError(f"window must be an integer >= 1, got {window!r}")
        self.window = window
        self._clock = clock
        self._windows: dict[str, _Window] = {}
        self._closed: deque[WindowRecord] = deque(maxlen=_WINDOW_HISTORY)
        self._lock = threading.Lock()

    def _current(self, bucket: str, now: float) -> _Window:
        window = self._windows.get(bucket)
        if window is None or now >= window.reset:
            if window is not None:
                self._closed.append(window.record(bucket))
            start = math.floor(now)
            window = _Window(start, start + self.window)
            self._windows[bucket] = window
        return window

    def acquire(self, bucket: str, limit: int) -> RateDecision:
        """Count one request of ``bucket`` and say whether it is within ``limit``.

        Args:
            bucket: the identity (a token's user, or a client address).
            limit: requests allowed per window for this identity.

        Returns:
            The decision and the header values to send with the response.
        """
        with self._lock:
            window = self._current(bucket, self._clock())
            if window.accepted < limit:
                window.accepted += 1
                allowed = True
            else:
                window.limited += 1
                allowed = False
            used = window.accepted
            return RateDecision(allowed, limit, max(0, limit - used), used, window.reset)

    def peek(self, bucket: str, limit: int) -> RateDecision:
        """Return the state of ``bucket`` without counting a request (``allowed`` says if one fits).

        Args:
            bucket: the identity.
            limit: requests allowed per window for this identity.

        Returns:
            The header values a response would carry now.
        """
        with self._lock:
            now = self._clock()
            window = self._windows.get(bucket)
            if window is None or now >= window.reset:
                return RateDecision(True, limit, limit, 0, math.floor(now) + self.window)
            used = window.accepted
            return RateDecision(used < limit, limit, max(0, limit - used), used, window.reset)

    def windows(self) -> tuple[WindowRecord, ...]:
        """Return every window seen so far (closed ones first, then the open ones)."""
        with self._lock:
            now = self._clock()
            closed = list(self._closed)
            current: list[WindowRecord] = []
            for bucket, window in self._windows.items():
                (closed if now >= window.reset else current).append(window.record(bucket))
            closed.sort(key=lambda r: (r.start, r.bucket))
            current.sort(key=lambda r: (r.start, r.bucket))
            return (*closed, *current)

    def reset(self) -> None:
        """Forget every window (the next request of each identity opens a new one)."""
        with self._lock:
            self._windows.clear()
            self._closed.clear()


class InFlight:
    """Counts requests being served, per identity and in total, and enforces an optional cap.

    Example:
        >>> flight = InFlight(limit=1)
        >>> flight.enter("ip:127.0.0.1"), flight.enter("ip:127.0.0.1")
        (True, False)
    """

    def __init__(self, limit: int | None = None) -> None:
        """Create a counter refusing more than ``limit`` concurrent requests per identity.

        Args:
            limit: the cap per identity, or ``None`` to only count.
        """
        self.limit = limit
        self._by_bucket: dict[str, int] = {}
        self._total = 0
        self._peak = 0
        self._lock = threading.Lock()

    def enter(self, bucket: str) -> bool:
        """Count a request of ``bucket`` as in flight; return whether it is within the cap.

        The request is counted either way: call :meth:`leave` exactly once for each ``enter``.
        """
        with self._lock:
            before = self._by_bucket.get(bucket, 0)
            self._by_bucket[bucket] = before + 1
            self._total += 1
            self._peak = max(self._peak, self._total)
            return self.limit is None or before < self.limit

    def leave(self, bucket: str) -> None:
        """Stop counting one request of ``bucket``."""
        with self._lock:
            left = self._by_bucket[bucket] - 1
            if left:
                self._by_bucket[bucket] = left
            else:
                del self._by_bucket[bucket]
            self._total -= 1

    @property
    def current(self) -> int:
        """Requests in flight now, all identities together."""
        return self._total

    @property
    def peak(self) -> int:
        """The most requests that were ever in flight at once."""
        return self._peak

    def reset_peak(self) -> None:
        """Restart the peak from the current count."""
        with self._lock:
            self._peak = self._total
