"""The effects a sans-I/O unit of work asks its model to perform.

A unit of work (one GitHub search, one sleep) is a generator, exactly like the lecture's
hand-made runner: it *yields* what it needs and receives the answer through ``send``.

    yield Send(request)   ->  the model sends HttpResponse | TransportError back
    yield Sleep(seconds)  ->  the model waits with its own primitive and sends back None
    yield Call(fn, args)  ->  the model runs a short blocking call (a file write) its own way
                              and sends back a CallResult

So rate limits, retries and parsing are written once, and each model (requests in threads,
aiohttp in asyncio, our own sockets in the hand-made loop) only moves bytes and waits.

    def unit() -> UnitGenerator:
        reply = yield Send(HttpRequest("GET", "http://127.0.0.1:8000/x", {}, timeout=5))
        if isinstance(reply, TransportError):
            yield Sleep(1.0, "retrying in 1 s")
        ...
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

__all__ = [
    "Call",
    "CallResult",
    "Effect",
    "EffectReply",
    "HttpRequest",
    "HttpResponse",
    "Send",
    "Sleep",
    "TransportError",
    "TransportErrorKind",
    "UnitGenerator",
    "UnitOutcome",
    "UnitStatus",
]


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request, fully built: the model must not add or change anything but the transport.

    ``url`` already carries the encoded query string. Redirects are *not* followed by the model
    (``allow_redirects=False``): the unit decides, so that credentials never leave their origin.
    """

    method: str
    url: str
    headers: Mapping[str, str]
    timeout: float

    def __repr__(self) -> str:
        # Headers may hold a token: never let them reach a log through repr().
        return f"HttpRequest({self.method} {self.url}, timeout={self.timeout})"


@dataclass(frozen=True)
class HttpResponse:
    """What came back: status, headers with lower-case names, and the raw (decoded) body."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


TransportErrorKind: TypeAlias = Literal["timeout", "connection", "protocol"]


@dataclass(frozen=True)
class TransportError:
    """No usable response: the request timed out, the connection failed or was dropped."""

    kind: TransportErrorKind
    message: str


@dataclass(frozen=True)
class Send:
    """Effect: send ``request``; reply with ``HttpResponse`` or ``TransportError``."""

    request: HttpRequest


@dataclass(frozen=True)
class Sleep:
    """Effect: wait ``seconds``; ``reason`` is shown to the user ("resuming in 41 s")."""

    seconds: float
    reason: str = ""


@dataclass(frozen=True)
class CallResult:
    """The reply to a ``Call``: the function's value, or the exception it raised."""

    value: object = None
    error: Exception | None = None


@dataclass(frozen=True)
class Call:
    """Effect: run ``fn(*args)``, a short blocking call such as a file write; reply ``CallResult``.

    Sequential, threads and processes call it in place; asyncio runs it in a worker thread, so
    that the loop goes on serving the other units while the disk works (creating and renaming
    a file costs up to a millisecond here, as much as parsing a response).
    """

    fn: Callable[..., object]
    args: tuple[object, ...] = ()

    def run(self) -> CallResult:
        """Call the function; catch an ``Exception`` into the result (anything else escapes)."""
        try:
            return CallResult(self.fn(*self.args))
        except Exception as exc:
            return CallResult(None, exc)


Effect: TypeAlias = Send | Sleep | Call
EffectReply: TypeAlias = HttpResponse | TransportError | CallResult | None

UnitStatus: TypeAlias = Literal["done", "failed", "skipped"]


@dataclass(frozen=True)
class UnitOutcome:
    """How one unit ended: the same record whatever model ran it.

    ``attempts`` counts requests sent (each retry is one more); ``retries`` is ``attempts``
    minus the requests that were needed anyway (one per page). ``detail`` is a short,
    human-readable summary ("30 ids, 2 pages") or, on failure, the reason.
    """

    key: str
    status: UnitStatus
    detail: str = ""
    attempts: int = 0
    retries: int = 0
    waited: float = 0.0
    data: Mapping[str, object] = field(default_factory=dict)


UnitGenerator: TypeAlias = Generator[Effect, EffectReply, UnitOutcome]
