"""Many units on many simulated workers against a simulated server, in virtual time.

:func:`simulate` is a discrete-event loop: ``concurrency`` workers take units in order; a
request reaches the server after a random delay and its answer comes back after another, so
many requests are in flight at once, as with real workers; sleeps wake at their virtual time.
Nothing real happens: an hour of rate limits runs in milliseconds, and every run with the same
seed is the same run. The server is any ``handle(request, now) -> reply``, such as
:class:`~speedlab.testing.SearchServer`.

    log = simulate(units, SearchServer(limit=10), VirtualClock(), concurrency=8,
                   rng=random.Random(0))
    assert log.end - VIRTUAL_EPOCH < 130   # 40 searches, 10 a minute
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from speedlab.jobs.effects import Call, Compute, HttpRequest, Send, Sleep
from speedlab.testing._clock import VirtualClock
from speedlab.testing._drive import Reply

__all__ = ["SimulatedServer", "SimulationLog", "simulate"]


class SimulatedServer(Protocol):
    """A server of the simulation: answers a request at a virtual time."""

    def handle(self, request: HttpRequest, now: float) -> Reply:
        """Return the reply to ``request`` received at ``now``."""
        ...


@dataclass
class SimulationLog:
    """What happened: each unit's result, every send and sleep with its time, the end."""

    results: dict[str, Any] = field(default_factory=dict)
    sends: list[float] = field(default_factory=list)
    sleeps: list[tuple[float, Sleep]] = field(default_factory=list)
    end: float = 0.0


def simulate(
    units: Mapping[str, Callable[[], Generator[Any, Any, Any]]],
    server: SimulatedServer,
    clock: VirtualClock,
    *,
    concurrency: int,
    rng: random.Random,
    latency: tuple[float, float] = (0.05, 1.5),
) -> SimulationLog:
    """Run ``units`` on ``concurrency`` simulated workers against ``server`` in virtual time.

    Args:
        units: Each unit's key and a function making its generator (called when it starts).
        server: Answers the requests.
        clock: The virtual clock the units read; the simulation moves it.
        concurrency: Simulated workers.
        rng: Draws the network delays (half of a round trip each way).
        latency: The round trip's range, in virtual seconds.

    Returns:
        The log; ``results`` maps every key to what its unit returned.
    """
    log = SimulationLog()
    pending = deque(units.items())
    events: list[tuple[float, int, str, int, Any]] = []
    sequence = 0
    running: dict[int, tuple[str, Generator[Any, Any, Any]]] = {}

    def push(when: float, kind: str, worker: int, payload: Any) -> None:
        nonlocal sequence
        sequence += 1
        heapq.heappush(events, (when, sequence, kind, worker, payload))

    def step(worker: int, reply: Any, *, first: bool = False) -> None:
        key, gen = running[worker]
        try:
            effect = next(gen) if first else gen.send(reply)
        except StopIteration as stop:
            log.results[key] = stop.value
            del running[worker]
            start(worker)
            return
        if isinstance(effect, Send):
            log.sends.append(clock.now)
            push(clock.now + rng.uniform(*latency) / 2, "server", worker, effect.request)
        elif isinstance(effect, Call | Compute):
            push(clock.now, "reply", worker, effect.run())
        else:
            assert isinstance(effect, Sleep), effect
            log.sleeps.append((clock.now, effect))
            push(clock.now + effect.seconds, "wake", worker, None)

    def start(worker: int) -> None:
        if pending:
            key, factory = pending.popleft()
            running[worker] = (key, factory())
            step(worker, None, first=True)

    for worker in range(concurrency):
        start(worker)
    while events:
        when, _, kind, worker, payload = heapq.heappop(events)
        clock.now = max(clock.now, when)
        if kind == "server":
            response = server.handle(payload, clock.now)
            push(clock.now + rng.uniform(*latency) / 2, "reply", worker, response)
        elif kind == "reply":
            step(worker, payload)
        else:
            step(worker, None)
    assert not running, f"units still running: {sorted(k for k, _ in running.values())}"
    assert not pending
    log.end = clock.now
    return log
