"""Test helpers for code built on speedlab: virtual time, scripted replies, a simulated API.

Like ``trio.testing``, these are public so that a user's own jobs (and speedlab's own tests)
can be tested without sockets or real seconds:

- :class:`VirtualClock`: an epoch clock that moves only when told to;
- :func:`drive`: run one unit generator to its end, answering its effects from a script;
- :func:`simulate`: many units on many simulated workers against a simulated server, in
  virtual time (a discrete-event loop);
- :class:`SearchServer` and the reply builders (``ok``, ``error``, ``rate_headers``,
  ``search_body``): GitHub's search API in miniature, limited by fakehub's own limiter.

    clock = VirtualClock()
    gen = search_keyword("torch", SearchConfig(), RateGate.local(), clock=clock, rng=rng)
    result, trace = drive(gen, [ok([1, 2, 3])], clock)
"""

from __future__ import annotations

from speedlab.testing._clock import VIRTUAL_EPOCH, VirtualClock
from speedlab.testing._drive import MAX_EFFECTS, Reply, Trace, drive
from speedlab.testing._github import (
    GITHUB_API,
    SearchServer,
    error,
    ok,
    rate_headers,
    search_body,
)
from speedlab.testing._simulate import SimulatedServer, SimulationLog, simulate

__all__ = [
    "GITHUB_API",
    "MAX_EFFECTS",
    "VIRTUAL_EPOCH",
    "Reply",
    "SearchServer",
    "SimulatedServer",
    "SimulationLog",
    "Trace",
    "VirtualClock",
    "drive",
    "error",
    "ok",
    "rate_headers",
    "search_body",
    "simulate",
]
