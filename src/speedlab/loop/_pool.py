"""Keep-alive bookkeeping for the hand-made client, sans-I/O: which idle connection to reuse.

The pool never opens, tests or closes a connection: it only remembers idle ones per origin,
hands the freshest back, and returns the ones that must be closed (expired, or over the
per-origin limit) for the driver to close. So a blocking driver could use it as it is.

    connection, stale = pool.take(origin, now)
    for old in stale:
        old.close()
    ...
    for extra in pool.put(origin, connection, now):
        extra.close()
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "DEFAULT_KEEPALIVE_EXPIRY",
    "DEFAULT_POOL_SIZE",
    "ConnectionPool",
    "PoolStatistics",
]

C = TypeVar("C")

#: Idle connections kept per origin: a few, since the caller chooses its own concurrency and
#: every connection beyond this many is simply closed after use.
DEFAULT_POOL_SIZE = 10

#: Seconds an idle connection is kept; servers drop idle ones too (often after 5 to 60 s),
#: and reusing one the server has just closed costs a failed request.
DEFAULT_KEEPALIVE_EXPIRY = 5.0


@dataclass(frozen=True)
class PoolStatistics:
    """What the pool has seen."""

    idle: int  #: idle connections held now
    reused: int  #: times an idle connection was handed out again
    expired: int  #: idle connections given back for closing because they were too old
    overflow: int  #: connections given back for closing because the origin's pool was full


class ConnectionPool(Generic[C]):
    """Idle connections per origin, freshest first; no I/O.

    Args:
        max_idle: Idle connections kept per origin (0 keeps none: no keep-alive).
        expiry: Seconds an idle connection stays reusable.
    """

    def __init__(
        self, *, max_idle: int = DEFAULT_POOL_SIZE, expiry: float = DEFAULT_KEEPALIVE_EXPIRY
    ) -> None:
        if max_idle < 0 or not expiry >= 0:
            raise ValueError("pool size and expiry must not be negative")
        self.max_idle = max_idle
        self.expiry = expiry
        self._idle: dict[Hashable, deque[tuple[float, C]]] = {}
        self._reused = self._expired = self._overflow = 0

    def take(self, origin: Hashable, now: float) -> tuple[C | None, list[C]]:
        """Return the most recently used idle connection for ``origin`` (or None).

        Returns:
            The connection to reuse, and the expired ones the caller must close.
        """
        idle = self._idle.get(origin)
        if not idle:
            return None, []
        stale = []
        while idle and now - idle[0][0] > self.expiry:  # the oldest are on the left
            stale.append(idle.popleft()[1])
        self._expired += len(stale)
        if not idle:
            del self._idle[origin]
            return None, stale
        self._reused += 1
        return idle.pop()[1], stale

    def put(self, origin: Hashable, connection: C, now: float) -> list[C]:
        """Keep ``connection`` as idle for ``origin``; return any the caller must close now."""
        if self.max_idle == 0:
            self._overflow += 1
            return [connection]
        idle = self._idle.setdefault(origin, deque())
        idle.append((now, connection))
        extra = []
        while len(idle) > self.max_idle:
            extra.append(idle.popleft()[1])
        self._overflow += len(extra)
        return extra

    def drain(self) -> list[C]:
        """Forget every idle connection and return them all, for closing."""
        everything = [connection for idle in self._idle.values() for _, connection in idle]
        self._idle.clear()
        return everything

    def statistics(self) -> PoolStatistics:
        """Return the counts so far."""
        return PoolStatistics(
            idle=sum(len(idle) for idle in self._idle.values()),
            reused=self._reused,
            expired=self._expired,
            overflow=self._overflow,
        )
