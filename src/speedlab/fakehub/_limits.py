"""GitHub's search rate limits: a fixed window per identity, and a cap on requests in flight.

The primary limit is GitHub's fixed window (reference §3.1): the first request of an identity
opens a window of ``W`` seconds, every request in it is counted, and the window ends at ``reset``;
the next request after that opens a new one. GitHub reports ``x-ratelimit-reset`` in whole epoch
seconds, so the window here starts at the first request *rounded down to a whole second*: then
``reset`` is exactly the window's end, and a client that waits until ``reset`` never hits the
limit. (Without the floor, a client waiting for ``reset`` would arrive up to a second early.)

The secondary limit models GitHub's "no more than N concurrent requests" rule: a request that
arrives while N others of the same identity are still being served is refused.

Both are plain objects with no I/O and no event loop: the server uses them, and so can anything
that needs GitHub's limits without a server -- a virtual-time simulator, a test double of the API.
:class:`PrimaryLimiter` reads time only through the injected ``clock`` (epoch seconds), so a test
can drive it with a list or a mock clock; :class:`InFlight` has no notion of time at all (a request
is in flight between :meth:`~InFlight.enter` and :meth:`~InFlight.leave`). Both are thread-safe.

    >>> now = [100.0]                                   # a virtual clock
    >>> search = PrimaryLimiter(window=60, clock=lambda: now[0])
    >>> [search.acquire("user:1", limit=2).allowed for _ in range(3)]
    [True, True, False]
    >>> now[0] = 160.0                                  # the window has reset
    >>> search.acquire("user:1", limit=2).headers()["x-ratelimit-remaining"]
    '1'

Memory stays bounded however many identities appear: closed windows are kept in a bounded
history, and open windows whose time is up are swept out as new identities arrive.
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
# Expired open windows are swept when the open ones reach this many (then twice as many as remain).
_SWEEP_AT = 1_024


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one request against the primary limit, and its ``x-ratelimit-*`` values."""

    allowed: bool
    limit: int
    remaining: int
    used: int
    #: Epoch second at which the window ends and the count restarts.
    reset: int

    def headers(self, resource: str = "search") -> dict[str, str]:
        """Return the ``x-ratelimit-*`` headers GitHub sends with this state.

        Args:
            resource: the ``x-ratelimit-resource`` (the limit's name in ``GET /rate_limit``).

        Returns:
            The five headers, as strings.
        """
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-resource": resource,
        }

    def resource(self, name: str) -> dict[str, int | str]:
        """Return this state as one entry of ``GET /rate_limit``'s ``resources`` object."""
        return {
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "reset": self.reset,
            "resource": name,
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

    The limit is given per call, so one limiter serves identities with different limits (a token
    gets 30 searches a minute, an address without one 10). Usable on its own: it needs only a
    clock.

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
        self._sweep_at = _SWEEP_AT
        self._lock = threading.Lock()

    def _current(self, bucket: str, now: float) -> _Window:
        window = self._windows.get(bucket)
        if window is None or now >= window.reset:
            if window is not None:
                self._closed.append(window.record(bucket))
            elif len(self._windows) >= self._sweep_at:
                self._sweep(now)
            start = math.floor(now)
            window = _Window(start, start + self.window)
            self._windows[bucket] = window
        return window

    def _sweep(self, now: float) -> None:
        # Amortised O(1): the next sweep waits until the open windows have doubled again.
        expired = [bucket for bucket, w in self._windows.items() if now >= w.reset]
        for bucket in expired:
            self._closed.append(self._windows.pop(bucket).record(bucket))
        self._sweep_at = max(_SWEEP_AT, 2 * len(self._windows))

    @property
    def open_windows(self) -> int:
        """How many identities have a window in memory (expired ones are swept out over time)."""
        return len(self._windows)

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
