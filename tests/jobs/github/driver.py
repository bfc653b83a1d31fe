"""A tiny sans-I/O driver for the GitHub unit: scripted replies, virtual time, a fake server.

Nothing here opens a socket: ``drive`` answers ``Send`` with scripted replies and advances a
virtual clock on ``Sleep``; ``FakeSearchServer`` is a model of GitHub's fixed-window limit; and
``simulate`` runs many units on many simulated workers in virtual time (a discrete-event loop).
"""

from __future__ import annotations

import heapq
import json
import random
from collections import deque
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from speedlab.jobs.effects import (
    Call,
    CallResult,
    HttpRequest,
    HttpResponse,
    Send,
    Sleep,
    TransportError,
)
from speedlab.jobs.github.ratelimit import RateGate

START = 1_700_000_000.0
API = "https://api.github.com"
TOKEN = "ghp_TESTtoken1234567890abcdefSECRET"


class VirtualClock:
    """An epoch clock that only moves when told to."""

    def __init__(self, start: float = START) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@dataclass
class Trace:
    """What a unit asked for, in order, with the virtual time of each effect."""

    requests: list[HttpRequest] = field(default_factory=list)
    sleeps: list[Sleep] = field(default_factory=list)
    effects: list[tuple[float, Send | Sleep]] = field(default_factory=list)


Reply = HttpResponse | TransportError


def drive(
    gen: Generator[Any, Any, Any],
    replies: Iterable[Reply] | Callable[[HttpRequest], Reply],
    clock: VirtualClock,
    *,
    latency: float = 0.0,
) -> tuple[Any, Trace]:
    """Run a unit to its end: answer Sends from ``replies``, advance the clock on Sleeps."""
    answer: Callable[[HttpRequest], Reply]
    if callable(replies):
        answer = replies
    else:
        queue = deque(replies)

        def answer(request: HttpRequest) -> Reply:
            assert queue, f"the unit sent more requests than scripted: {request}"
            return queue.popleft()

    trace = Trace()
    effect = next(gen)
    for _ in range(10_000):
        trace.effects.append((clock.now, effect))
        if isinstance(effect, Send):
            trace.requests.append(effect.request)
            reply: Reply | CallResult | None = answer(effect.request)
            clock.now += latency
        elif isinstance(effect, Call):
            reply = effect.run()
        else:
            assert isinstance(effect, Sleep), effect
            assert effect.seconds > 0, effect
            trace.sleeps.append(effect)
            clock.now += effect.seconds
            reply = None
        try:
            effect = gen.send(reply)
        except StopIteration as stop:
            if not callable(replies):
                assert not queue, f"{len(queue)} scripted replies were not used"
            return stop.value, trace
    raise AssertionError("the unit never ended")


def body(
    ids: Iterable[int | None],
    *,
    total: int | None = None,
    incomplete: bool = False,
    null_owner: Iterable[int] = (),
) -> bytes:
    """A search body shaped like GitHub's, one item per id (None: owner without an id)."""
    nulls = set(null_owner)
    items: list[dict[str, Any]] = []
    for index, owner_id in enumerate(ids):
        if index in nulls:
            items.append({"id": 1000 + index, "name": f"repo{index}", "owner": None})
        elif owner_id is None:
            items.append({"id": 1000 + index, "name": f"repo{index}", "owner": {"login": "x"}})
        else:
            items.append(
                {
                    "id": 1000 + index,
                    "name": f"repo{index}",
                    "owner": {"login": f"user{owner_id}", "id": owner_id, "type": "User"},
                }
            )
    count = len(items) if total is None else total
    return json.dumps(
        {"total_count": count, "incomplete_results": incomplete, "items": items}
    ).encode()


def rate_headers(
    remaining: int, reset: int, limit: int = 10, used: int | None = None
) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-used": str(limit - remaining if used is None else used),
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-resource": "search",
    }


def ok(
    ids: Iterable[int | None],
    *,
    url: str = API + "/search/repositories?q=x",
    headers: Mapping[str, str] | None = None,
    next_url: str | None = None,
    **kwargs: Any,
) -> HttpResponse:
    all_headers = {"content-type": "application/json; charset=utf-8", **(headers or {})}
    if next_url is not None:
        all_headers["link"] = f'<{next_url}>; rel="next", <{next_url}>; rel="last"'
    return HttpResponse(200, all_headers, body(ids, **kwargs), url)


def error(
    status: int,
    message: str,
    /,
    *,
    headers: Mapping[str, str] | None = None,
    url: str = API + "/search/repositories?q=x",
    **extra: Any,
) -> HttpResponse:
    payload = {"message": message, "documentation_url": "https://docs.github.com/rest", **extra}
    return HttpResponse(status, dict(headers or {}), json.dumps(payload).encode(), url)


# --- a model of the real server's fixed-window limit -------------------------------------


@dataclass
class FakeSearchServer:
    """GitHub's search limit in miniature: ``limit`` requests per fixed window of ``window`` s.

    The window starts at the first request after the previous reset and ends at the integer
    epoch ``reset`` (as the real API says). Each keyword has ``pages`` pages of results.
    """

    limit: int = 10
    window: int = 60
    pages: int = 2
    per_page: int = 3
    reset: int = 0
    used: int = 0
    served: list[tuple[float, int]] = field(default_factory=list)  # (time, window reset)
    limited: list[float] = field(default_factory=list)
    secondary_at: set[int] = field(default_factory=set)  # request numbers to refuse
    secondary_retry_after: int = 20
    requests: int = 0
    fault_rate: float = 0.0  # counted requests answered by a drop, a bare 502 or a 502 with headers
    faults: random.Random = field(default_factory=lambda: random.Random(0))

    def handle(self, request: HttpRequest, now: float) -> Reply:
        self.requests += 1
        if self.reset == 0 or now >= self.reset:
            self.reset = int(now) + self.window
            self.used = 0
        if self.requests in self.secondary_at:
            return error(
                403,
                "You have exceeded a secondary rate limit. Please wait a few minutes before "
                "you try again.",
                headers={
                    "retry-after": str(self.secondary_retry_after),
                    **rate_headers(self.limit - self.used, self.reset, self.limit),
                },
                url=request.url,
            )
        if self.used >= self.limit:
            self.limited.append(now)
            return error(
                403,
                "API rate limit exceeded for 127.0.0.1.",
                headers=rate_headers(0, self.reset, self.limit),
                url=request.url,
            )
        self.used += 1
        self.served.append((now, self.reset))
        if self.faults.random() < self.fault_rate:
            kind = self.faults.choice(["drop", "bare", "headers"])
            if kind == "drop":
                return TransportError("connection", "connection reset by peer")
            headers = rate_headers(self.limit - self.used, self.reset, self.limit)
            return error(
                502, "Server Error", headers=headers if kind == "headers" else {}, url=request.url
            )
        parts = urlsplit(request.url)
        query = parse_qs(parts.query)
        keyword = query["q"][0].split()[0]
        page = int(query.get("page", ["1"])[0])
        base = sum(map(ord, keyword)) * 100
        ids = [base + page * 10 + i for i in range(self.per_page)]
        next_url = None
        if page < self.pages:
            params = {"q": query["q"][0], "per_page": query["per_page"][0], "page": page + 1}
            next_url = f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(params)}"
        return ok(
            ids,
            url=request.url,
            next_url=next_url,
            headers=rate_headers(self.limit - self.used, self.reset, self.limit),
            total=self.per_page * self.pages,
        )


@dataclass
class SimulationLog:
    """What happened in a simulated run: results per unit and every send with its time."""

    results: dict[str, Any] = field(default_factory=dict)
    sends: list[float] = field(default_factory=list)
    sleeps: list[tuple[float, Sleep]] = field(default_factory=list)
    end: float = 0.0


def simulate(
    units: Mapping[str, Callable[[], Generator[Any, Any, Any]]],
    server: FakeSearchServer,
    clock: VirtualClock,
    *,
    concurrency: int,
    rng: random.Random,
    latency: tuple[float, float] = (0.05, 1.5),
) -> SimulationLog:
    """Run ``units`` on ``concurrency`` simulated workers against ``server`` in virtual time.

    A request is counted by the server after a random delay and answered after another, so
    that many requests are in flight at once, as with real workers.
    """
    log = SimulationLog()
    pending = deque(units.items())
    events: list[tuple[float, int, str, int, Any]] = []
    seq = 0
    running: dict[int, tuple[str, Generator[Any, Any, Any]]] = {}

    def push(when: float, kind: str, worker: int, payload: Any) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (when, seq, kind, worker, payload))

    def step(worker: int, reply: Any, first: bool = False) -> None:
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
        elif isinstance(effect, Call):
            push(clock.now, "reply", worker, effect.run())
        else:
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
        assert when >= clock.now - 1e-9
        clock.now = max(clock.now, when)
        if kind == "server":
            response = server.handle(payload, clock.now)
            push(clock.now + rng.uniform(*latency) / 2, "reply", worker, response)
        elif kind == "reply":
            step(worker, payload)
        else:
            step(worker, None)
    assert not running
    assert not pending
    log.end = clock.now
    return log


# --- helpers run in worker processes (importable by spawn) --------------------------------

_GATE: RateGate | None = None


def install_gate(gate: RateGate) -> None:
    """ProcessPoolExecutor initializer: keep the shared gate for this worker's tasks."""
    global _GATE
    _GATE = gate


def take_slots(attempts: int, now: float) -> int:
    """Reserve up to ``attempts`` slots at virtual time ``now``; return how many were granted."""
    assert _GATE is not None
    return sum(1 for _ in range(attempts) if _GATE.reserve(now) == 0.0)


def observe_many(count: int, now: float, remaining: int, reset: int) -> None:
    assert _GATE is not None
    for _ in range(count):
        _GATE.observe(now, rate_headers(remaining, reset))


def wait_for_slot(now: float) -> float:
    assert _GATE is not None
    return _GATE.reserve(now)


def contend(gate: RateGate, go: Any, attempts: int, now: float, results: Any) -> None:
    """Process target: wait for ``go``, then reserve ``attempts`` times as fast as possible."""
    go.wait(timeout=30)
    granted = sum(1 for _ in range(attempts) if gate.reserve(now) == 0.0)
    for _ in range(granted):
        gate.observe(now, {})
    results.put(granted)
