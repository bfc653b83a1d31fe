"""What the simulator served, so a test can check a client's behaviour from the server's side.

A client that claims to respect the rate limit is best judged by the server: how many requests
were refused, when, and in which window. The recorder is written by the server's event loop and
read from any thread, so every access takes a lock.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass, field

from speedlab.fakehub._limits import WindowRecord

__all__ = ["FakeHubStatistics", "StatisticsRecorder"]

# Limited-response times remembered (oldest forgotten first), so a long-running server stays small.
_TIME_HISTORY = 100_000


@dataclass(frozen=True)
class FakeHubStatistics:
    """A snapshot of what a :class:`~speedlab.fakehub.FakeHub` has served.

    Example:
        >>> stats = FakeHubStatistics()
        >>> stats.requests, stats.limited
        (0, 0)
    """

    #: Every request received, answered or dropped.
    requests: int = 0
    #: Answered requests per HTTP status.
    by_status: dict[int, int] = field(default_factory=dict)
    #: Responses refused by the primary (fixed-window) limit.
    primary_limited: int = 0
    #: Responses refused by the secondary (in-flight) limit.
    secondary_limited: int = 0
    #: Connections closed without a response (injected).
    dropped: int = 0
    #: 200 responses with a truncated JSON body (injected).
    malformed: int = 0
    #: 5xx responses (injected).
    server_errors: int = 0
    #: 200 responses with ``incomplete_results: true`` (injected).
    incomplete: int = 0
    #: Requests being served at the moment of the snapshot.
    in_flight: int = 0
    #: The most requests in flight at once.
    in_flight_peak: int = 0
    #: Response body bytes sent (after compression).
    bytes_sent: int = 0
    #: Server clock (epoch seconds) of every rate-limited response, primary and secondary.
    limited_times: tuple[float, ...] = ()
    #: Every primary-limit window of every identity, oldest first.
    windows: tuple[WindowRecord, ...] = ()

    @property
    def limited(self) -> int:
        """All rate-limited responses, primary and secondary."""
        return self.primary_limited + self.secondary_limited

    def summary(self) -> str:
        """Return a one-line human summary."""
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.by_status.items()))
        return (
            f"{self.requests} requests ({statuses or 'none answered'}); "
            f"limited {self.limited} (primary {self.primary_limited}, "
            f"secondary {self.secondary_limited}); dropped {self.dropped}; "
            f"malformed {self.malformed}; server errors {self.server_errors}; "
            f"incomplete {self.incomplete}; in-flight peak {self.in_flight_peak}"
        )


class StatisticsRecorder:
    """Thread-safe counters behind :class:`FakeHubStatistics`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._requests = 0
        self._by_status: Counter[int] = Counter()
        self._counts: Counter[str] = Counter()
        self._bytes = 0
        self._limited_times: deque[float] = deque(maxlen=_TIME_HISTORY)

    def request(self) -> None:
        """Count a received request."""
        with self._lock:
            self._requests += 1

    def response(self, status: int, size: int, kind: str | None = None) -> None:
        """Count an answered request with ``status``, ``size`` body bytes and an event ``kind``."""
        with self._lock:
            self._by_status[status] += 1
            self._bytes += size
            if kind is not None:
                self._counts[kind] += 1

    def event(self, kind: str) -> None:
        """Count an event that has no response (a dropped connection)."""
        with self._lock:
            self._counts[kind] += 1

    def limited(self, at: float) -> None:
        """Remember the time of a rate-limited response."""
        with self._lock:
            self._limited_times.append(at)

    def snapshot(
        self, *, in_flight: int, in_flight_peak: int, windows: tuple[WindowRecord, ...]
    ) -> FakeHubStatistics:
        """Return the counters as a frozen :class:`FakeHubStatistics`."""
        with self._lock:
            return FakeHubStatistics(
                requests=self._requests,
                by_status=dict(sorted(self._by_status.items())),
                primary_limited=self._counts["primary_limited"],
                secondary_limited=self._counts["secondary_limited"],
                dropped=self._counts["dropped"],
                malformed=self._counts["malformed"],
                server_errors=self._counts["server_error"],
                incomplete=self._counts["incomplete"],
                in_flight=in_flight,
                in_flight_peak=in_flight_peak,
                bytes_sent=self._bytes,
                limited_times=tuple(self._limited_times),
                windows=windows,
            )

    def reset(self) -> None:
        """Forget everything counted so far."""
        with self._lock:
            self._clear()
