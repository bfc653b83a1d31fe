"""Pace every worker of one run from GitHub's rate-limit headers, and pause them all at once.

Search allows 30 requests a minute with a token and 10 without, counted in a fixed window that
ends at ``x-ratelimit-reset`` (reference §3.1). Concurrency cannot beat that, so all workers of a
run share one ``RateGate``: before each request a worker *reserves* a slot, after each response
it lets the gate *observe* the headers, and when one request is limited it *pauses* the gate so
that nobody else walks into the same wall (octokit #629, githubkit #66; reference §7).

The estimate is conservative: requests we may send = the lowest ``remaining`` the server
reported in this window, minus our requests still in flight and those that ended without an
answer or without rate-limit headers (the server may have counted them); a later ``reset``
starts a new window. It is recomputed as answers come back, so a request the server had already
counted gives its slot back, while one it may not have counted never lets us overshoot.

Before the first response of a window the limit is GitHub's documented one (30 or 10), so a run
never blasts requests; the window's end is then a guess (first request + 60 s, or the longest
``reset - now`` seen so far, so that a simulator's short window is learnt) and waiters poll
briefly, because a response in flight will tell the truth. Requests go out as fast as the slots
allow and then wait for the reset: for a short list of keywords that is the fastest schedule
the limit permits (octokit instead spaces searches 2 s apart).

The state is a handful of floats behind one lock, in one of two storages:

- ``RateGate.local()``: a list and a ``threading.Lock`` (threads, asyncio, sequential, the
  hand-made loop). The lock is never held across a wait: ``reserve`` answers how long to wait
  and the caller waits with its own primitive.
- ``RateGate.in_memory(memory)``: whatever the model lends (``SharedMemory``): for worker
  processes an unsynchronised shared ``Array('d')`` and a context lock, created in the parent
  and handed to the workers when they are created. A model whose workers cannot share
  (dask) refuses, and the job cannot run there.

Every method takes ``now`` (epoch seconds) so tests run in virtual time.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from speedlab.jobs.base import SharedMemory
from speedlab.jobs.github._response import RateLimitInfo, parse_rate_limit

__all__ = [
    "DEFAULT_LIMITED_WAIT",
    "GITHUB_WINDOW",
    "RateGate",
    "RateGateStatistics",
    "limited_wait",
]

# GitHub's search window: fixed, 60 s from the first request after the previous reset.
GITHUB_WINDOW = 60.0
# How long to wait for a limited response that says neither Retry-After nor reset (§3.2 step 3).
DEFAULT_LIMITED_WAIT = 60.0
# The shortest wait after a limited response, so a reset already past (clock skew) or a
# "Retry-After: 0" cannot make a worker spin ("Retrying after 0 seconds", octokit #124).
MIN_LIMITED_WAIT = 1.0
# Extra random wait on repeated limits, as a fraction of the wait (never shorter than asked).
LIMITED_JITTER = 0.25
# While the window's end is only guessed and responses are in flight, re-check this often:
# the first answer usually arrives within one round trip, and then everybody may go.
DEFAULT_POLL = 0.02

# Cells of the shared state.
_RESET = 0  # the last x-ratelimit-reset adopted from a response (0: none yet)
_LIMIT = 1  # x-ratelimit-limit from the last response that had it (0: unknown)
_FLOOR = 2  # the lowest x-ratelimit-remaining seen in the window (the limit when guessed)
_IN_FLIGHT = 3  # reserved, neither observed nor released
_PAUSE = 4  # nobody sends before this time
_OPEN_UNTIL = 5  # the current window's end: _RESET when known, else a guess
_KNOWN = 6  # 1.0 when the current window's end came from a response
_STARTED = 7  # 1.0 once the first reserve opened the first window
_RESERVED = 8
_OBSERVED = 9
_WAITS = 10
_PAUSES = 11
_MAX_IN_FLIGHT = 12
_WINDOWS = 13
_SEEN_WINDOW = 14  # the longest reset - now seen: a lower bound of the server's window length
_LOST = 15  # requests of this window that got no response: the server may have counted them
_CELLS = 16


class _Cells(Protocol):
    def __getitem__(self, index: int, /) -> float: ...

    def __setitem__(self, index: int, value: float, /) -> None: ...


@dataclass(frozen=True)
class RateGateStatistics:
    """A snapshot of the gate: what it believes about the limit and what it did."""

    limit: int | None
    remaining: int
    reset: float | None
    in_flight: int
    paused_until: float
    reserved: int
    observed: int
    waits: int
    pauses: int
    windows: int
    max_in_flight: int


class RateGate:
    """The pacing and pause state shared by every worker of one run.

    Example:
        >>> gate = RateGate.local(assumed_limit=10, reset_margin=1.0)
        >>> gate.reserve(now=1000.0)   # 0.0: go (else: wait that long, then ask again)
        0.0
        >>> gate.observe(1000.3, {"x-ratelimit-remaining": "9", "x-ratelimit-reset": "1060"})
    """

    def __init__(
        self,
        cells: _Cells,
        lock: AbstractContextManager[Any],
        *,
        assumed_limit: int,
        reset_margin: float,
        window: float = GITHUB_WINDOW,
        poll: float = DEFAULT_POLL,
    ) -> None:
        """Wrap existing storage; use ``local()`` or ``shared(ctx)`` instead of calling this."""
        if assumed_limit < 1:
            raise ValueError(f"assumed_limit must be at least 1, got {assumed_limit}")
        self._cells = cells
        self._lock = lock
        self.assumed_limit = assumed_limit
        self.reset_margin = reset_margin
        self.window = window
        self.poll = poll

    @classmethod
    def local(
        cls,
        *,
        assumed_limit: int = 10,
        reset_margin: float = 1.0,
        window: float = GITHUB_WINDOW,
        poll: float = DEFAULT_POLL,
    ) -> RateGate:
        """Create a gate for workers of one process (threads, asyncio, sequential).

        Args:
            assumed_limit: requests allowed per window until a response tells the real limit.
            reset_margin: seconds to wait past ``x-ratelimit-reset``.
            window: the guessed window length before the first response.
            poll: how often to re-check while the window's end is only guessed.
        """
        cells: list[float] = [0.0] * _CELLS
        return cls(
            cells,
            threading.Lock(),
            assumed_limit=assumed_limit,
            reset_margin=reset_margin,
            window=window,
            poll=poll,
        )

    @classmethod
    def in_memory(
        cls,
        memory: SharedMemory,
        *,
        assumed_limit: int = 10,
        reset_margin: float = 1.0,
        window: float = GITHUB_WINDOW,
        poll: float = DEFAULT_POLL,
    ) -> RateGate:
        """Create a gate in the storage a model lends its run (for worker processes: shared
        memory and a lock of their ``multiprocessing`` context).

        Create it before the workers start, and hand it to them at creation (for a process
        pool, through its initializer): shared memory and locks cannot be pickled later.

        Example:
            >>> import multiprocessing
            >>> from speedlab.models._sharing import ProcessMemory
            >>> memory = ProcessMemory(multiprocessing.get_context("spawn"))
            >>> RateGate.in_memory(memory, assumed_limit=30).statistics().remaining
            30

        Args:
            memory: the model's sharing backend.
            assumed_limit: requests allowed per window until a response tells the real limit.
            reset_margin: seconds to wait past ``x-ratelimit-reset``.
            window: the guessed window length before the first response.
            poll: how often to re-check while the window's end is only guessed.

        Raises:
            CannotShare: the model's workers cannot share state (dask).
        """
        cells = memory.array(_CELLS)
        return cls(
            cells,
            memory.lock(),
            assumed_limit=assumed_limit,
            reset_margin=reset_margin,
            window=window,
            poll=poll,
        )

    def _limit(self) -> int:
        known = int(self._cells[_LIMIT])
        return known if known > 0 else self.assumed_limit

    def _open(self, now: float) -> None:
        # Called with the lock held: a new window whose end we can only guess.
        cells = self._cells
        cells[_FLOOR] = self._limit()
        cells[_LOST] = 0.0
        seen = cells[_SEEN_WINDOW]
        cells[_OPEN_UNTIL] = now + (seen if seen > 0 else self.window)
        cells[_KNOWN] = 0.0
        cells[_WINDOWS] += 1

    def _available(self) -> float:
        # Requests we may still send: the server's lowest "remaining", minus every request
        # that it may not have counted yet (in flight, or lost without an answer).
        cells = self._cells
        return cells[_FLOOR] - cells[_IN_FLIGHT] - cells[_LOST]

    def reserve(self, now: float) -> float:
        """Take a slot for one request, or say how long to wait before asking again.

        Args:
            now: the current epoch time.

        Returns:
            0.0 when a slot was taken (send now, then ``observe`` or ``release``), else the
            seconds to wait before calling ``reserve`` again.
        """
        with self._lock:
            cells = self._cells
            if not cells[_STARTED]:
                cells[_STARTED] = 1.0
                self._open(now)
            pause = cells[_PAUSE]
            if now < pause:
                cells[_WAITS] += 1
                return pause - now
            end = cells[_OPEN_UNTIL] + self.reset_margin
            if now >= end:
                self._open(now)
                end = cells[_OPEN_UNTIL] + self.reset_margin
            if self._available() >= 1:
                cells[_IN_FLIGHT] += 1
                cells[_RESERVED] += 1
                cells[_MAX_IN_FLIGHT] = max(cells[_MAX_IN_FLIGHT], cells[_IN_FLIGHT])
                return 0.0
            cells[_WAITS] += 1
            if not cells[_KNOWN] and cells[_IN_FLIGHT] > 0:
                return min(self.poll, end - now)
            return end - now

    def observe(self, now: float, headers: Mapping[str, str] | RateLimitInfo) -> None:
        """Learn from a response to a reserved request, and end that request's reservation.

        Args:
            now: the current epoch time.
            headers: the response headers (or their parsed rate-limit part).
        """
        info = headers if isinstance(headers, RateLimitInfo) else parse_rate_limit(headers, now)
        with self._lock:
            cells = self._cells
            cells[_OBSERVED] += 1
            if cells[_IN_FLIGHT] >= 1:
                cells[_IN_FLIGHT] -= 1
            resource = (info.resource or "search").lower()
            if info.reset is None or info.remaining is None or resource != "search":
                # Nothing says whether the search limit counted it: assume it did.
                cells[_LOST] += 1
                return
            if info.limit is not None and info.limit > 0:
                cells[_LIMIT] = info.limit
            seen = min(float(math.ceil(info.reset - now)), self.window)
            cells[_SEEN_WINDOW] = max(cells[_SEEN_WINDOW], seen)
            if info.reset > cells[_RESET]:
                # The server started a window we had not seen: adopt it.
                cells[_RESET] = info.reset
                cells[_OPEN_UNTIL] = info.reset
                cells[_KNOWN] = 1.0
                cells[_FLOOR] = info.remaining
                cells[_WINDOWS] += 1
            elif info.reset == cells[_RESET] and cells[_KNOWN]:
                cells[_FLOOR] = min(cells[_FLOOR], info.remaining)
            # else: a late answer from a window already over; nothing to learn.

    def pause_left(self, now: float) -> float:
        """Return the seconds until the pause ends (0.0 if none): a granted request's last check,
        once its connection is open (a slow accept can take seconds): it must not land in a pause.
        """
        with self._lock:
            return max(0.0, self._cells[_PAUSE] - now)

    def cancel(self) -> None:
        """End a reservation whose request was never sent: its slot comes back, nothing lost."""
        with self._lock:
            if self._cells[_IN_FLIGHT] >= 1:
                self._cells[_IN_FLIGHT] -= 1

    def release(self) -> None:
        """End a reservation whose request got no response (timeout, dropped connection)."""
        with self._lock:
            if self._cells[_IN_FLIGHT] >= 1:
                self._cells[_IN_FLIGHT] -= 1
                self._cells[_LOST] += 1

    def pause_until(self, until: float) -> None:
        """Make every worker's next ``reserve`` wait until ``until`` (never shortens a pause)."""
        with self._lock:
            if until > self._cells[_PAUSE]:
                self._cells[_PAUSE] = until
                self._cells[_PAUSES] += 1

    def paused_until(self) -> float:
        """Return the epoch time before which nobody sends (0.0 if never paused)."""
        with self._lock:
            return self._cells[_PAUSE]

    def statistics(self) -> RateGateStatistics:
        """Return a snapshot of the gate's beliefs and counters."""
        with self._lock:
            cells = self._cells
            limit = int(cells[_LIMIT])
            return RateGateStatistics(
                limit=limit if limit > 0 else None,
                remaining=max(int(self._available()), 0) if cells[_STARTED] else self.assumed_limit,
                reset=cells[_RESET] if cells[_RESET] else None,
                in_flight=int(cells[_IN_FLIGHT]),
                paused_until=cells[_PAUSE],
                reserved=int(cells[_RESERVED]),
                observed=int(cells[_OBSERVED]),
                waits=int(cells[_WAITS]),
                pauses=int(cells[_PAUSES]),
                windows=int(cells[_WINDOWS]),
                max_in_flight=int(cells[_MAX_IN_FLIGHT]),
            )

    def __repr__(self) -> str:
        stats = self.statistics()
        return (
            f"RateGate(limit={stats.limit}, remaining={stats.remaining}, "
            f"in_flight={stats.in_flight}, paused_until={stats.paused_until})"
        )


def limited_wait(
    rate: RateLimitInfo,
    now: float,
    *,
    repeat: int,
    reset_margin: float,
    rng: random.Random,
    fallback: float = DEFAULT_LIMITED_WAIT,
    minimum: float = MIN_LIMITED_WAIT,
) -> float:
    """Decide how long to wait after a limited response (reference §3.2, in order).

    ``Retry-After`` if present; else, with ``remaining == 0`` and a reset, until the reset plus
    the margin; else ``fallback``. The ``repeat``-th limit in a row for the same unit waits
    ``2**repeat`` times as long, plus up to 25 % random jitter (never less than asked).

    Example:
        >>> info = RateLimitInfo(remaining=0, reset=1060)
        >>> limited_wait(info, 1020.0, repeat=0, reset_margin=1.0, rng=random.Random(0))
        41.0

    Args:
        rate: the limited response's rate-limit headers.
        now: the current epoch time.
        repeat: how many limited responses this unit got in a row before this one.
        reset_margin: seconds to wait past the reset.
        rng: the unit's seeded random source.
        fallback: the wait when the response says nothing usable.
        minimum: the shortest wait, so that nothing spins.

    Returns:
        Seconds to wait.
    """
    if rate.retry_after is not None:
        base = rate.retry_after
    elif rate.remaining == 0 and rate.reset is not None:
        base = rate.reset + reset_margin - now
    else:
        base = fallback
    wait = max(base, minimum) * 2.0**repeat
    if repeat > 0:
        wait += rng.uniform(0.0, LIMITED_JITTER * wait)
    return wait
