"""The effects a sans-I/O unit of work asks its model to perform, and what it gets back.

A unit of work (one GitHub search, one ``is_prime(n)``, one sleep) is a generator, exactly like
the lecture's hand-made runner: it *yields* what it needs and receives the answer through
``send``. Five effects exist, and every model answers all five:

    yield Send(request)      -> HttpResponse | TransportError, through the model's transport
    yield Sleep(seconds)     -> None, after waiting with the model's own primitive (a stop
                                request or Ctrl-C ends the wait, and the unit, at once)
    yield Call(fn, *args)    -> CallResult: short blocking I/O (a file write); asyncio and the
                                hand-made loop run it in a thread (or, if ``quick``, on the
                                loop while it stays quick), the others in place
    yield Compute(fn, *args) -> CallResult: CPU-bound work; sequential, threads and the async
                                models run it inline (so it holds the GIL or the loop), the
                                processes model in its worker process, dask on a cluster worker
    yield Await(fn, *args)   -> CallResult: ``await fn(*args)``, a coroutine function; the async
                                models await it on their loop (its waits overlap), the others
                                run it to its end with ``asyncio.run`` where the unit runs

So rate limits, retries and parsing are written once, and each model (requests in threads,
aiohttp in asyncio, our own sockets in the hand-made loop) only moves bytes and waits.
``Call`` and ``Compute`` take picklable functions (module-level, not lambdas) because some
models ship them to another process.

    def unit() -> UnitGenerator:
        reply = yield Send(HttpRequest("GET", "http://127.0.0.1:8000/x", {}, timeout=5))
        if isinstance(reply, TransportError):
            yield Sleep(1.0, "retrying in 1 s")
        answer = yield Compute(is_prime, 2**61 - 1)
        ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

__all__ = [
    "Await",
    "Call",
    "CallResult",
    "Compute",
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
    "lower_headers",
]


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request, fully built: the model must not add or change anything but the transport.

    ``url`` already carries the encoded query string. Redirects are *not* followed by the model:
    the unit decides, so that credentials never leave their origin. ``timeout`` bounds the whole
    exchange (connect, headers and body); ``max_bytes`` bounds the body, compressed and
    decompressed, while it is read (None: ``DEFAULT_MAX_RESPONSE_BYTES``); a larger body is a
    ``TransportError("too_large")``. ``ca_file`` names a PEM file of the CA certificates to
    trust for HTTPS instead of the default store (None: the default), so that a transport stays
    job-agnostic (``--ca-file``).

    ``admit``, if given, is asked once more when the connection is open, right before the
    request's first byte is written: it returns 0 to send, or the seconds the unit must still
    wait, and then the transport sends nothing and replies ``TransportError("deferred")``. So
    a pause that began while the connection was being opened (a server slow to accept holds a
    connection back for a second or more) still holds for this request.
    """

    method: str
    url: str
    headers: Mapping[str, str]
    timeout: float
    max_bytes: int | None = None
    admit: Callable[[], float] | None = field(default=None, compare=False)
    ca_file: str | None = None

    def __repr__(self) -> str:
        # Headers may hold a token: never let them reach a log through repr().
        return f"HttpRequest({self.method} {self.url}, timeout={self.timeout})"

    def with_admit(self, admit: Callable[[], float] | None) -> HttpRequest:
        """Return this request with another ``admit`` (``dataclasses.replace`` costs 2 µs)."""
        return HttpRequest(
            self.method,
            self.url,
            self.headers,
            self.timeout,
            max_bytes=self.max_bytes,
            admit=admit,
            ca_file=self.ca_file,
        )


def lower_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return headers with lower-case names, as ``HttpResponse`` holds them.

    Repeated headers are joined with ", " (RFC 9110 §5.3), so every transport agrees.

    >>> lower_headers([("Link", "<a>"), ("link", "<b>")])
    {'link': '<a>, <b>'}
    """
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


@dataclass(frozen=True)
class HttpResponse:
    """What came back: status, headers with lower-case names, and the raw (decoded) body."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


TransportErrorKind: TypeAlias = Literal[
    "timeout", "connection", "protocol", "too_large", "deferred"
]


@dataclass(frozen=True)
class TransportError:
    """No usable response: timed out, the connection failed or broke, or it was too large.

    ``deferred``: nothing was sent, because the request's ``admit`` said to wait.
    ``sent``: False when the request cannot have reached the server (no address, connection
    refused): a rate limit has not counted it.
    """

    kind: TransportErrorKind
    message: str
    sent: bool = True


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
    """The reply to a ``Call`` or a ``Compute``: the function's value, or what it raised."""

    value: Any = None
    error: Exception | None = None


class _FunctionEffect:
    """A function and its arguments, run by the model and answered with a ``CallResult``."""

    __slots__ = ("args", "fn")
    fn: Callable[..., object]
    args: tuple[object, ...]

    def __init__(self, fn: Callable[..., object], /, *args: object) -> None:
        object.__setattr__(self, "fn", fn)
        object.__setattr__(self, "args", args)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _FunctionEffect)
        return (self.fn, self.args) == (other.fn, other.args)

    def __hash__(self) -> int:
        return hash((type(self), self.fn, self.args))

    def __repr__(self) -> str:
        name = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"{type(self).__name__}({name}, {len(self.args)} args)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.fn, *self.args))

    def run(self) -> CallResult:
        """Call the function; catch an ``Exception`` into the result.

        ``MemoryError`` escapes, like anything that is not an ``Exception``: running out of
        memory is the run's problem, not the unit's (see ``speedlab.models``).
        """
        try:
            return CallResult(self.fn(*self.args))
        except MemoryError:
            raise
        except Exception as exc:
            return CallResult(None, exc)


class Call(_FunctionEffect):
    """Effect: run ``fn(*args)``, a short blocking call such as a file write; reply ``CallResult``.

    Sequential, threads and processes call it in place; the async models run it in a worker
    thread, so that the loop goes on serving the other units while the blocking call waits.

    ``quick=True`` says the call is small local work that normally takes well under a
    millisecond (a file of a few KB written atomically on a local disk: ~80 µs here). Handing
    it to a thread then costs more than the call (two wake-ups and GIL hand-offs, ~100-150 µs
    of CPU), so the async models run quick calls on the loop itself, as long as every one of
    them returns within ``QUICK_CALL_LIMIT``; after one that did not (a slow or busy disk),
    the rest of the run's calls go to a thread.
    """

    __slots__ = ("quick",)
    quick: bool

    def __init__(self, fn: Callable[..., object], /, *args: object, quick: bool = False) -> None:
        super().__init__(fn, *args)
        object.__setattr__(self, "quick", quick)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Call)
        return (self.fn, self.args, self.quick) == (other.fn, other.args, other.quick)

    def __hash__(self) -> int:
        return hash((type(self), self.fn, self.args, self.quick))

    def __reduce__(self) -> tuple[Any, ...]:
        return (functools.partial(type(self), quick=self.quick), (self.fn, *self.args))


class Compute(_FunctionEffect):
    """Effect: run ``fn(*args)``, CPU-bound work; reply ``CallResult``.

    Where it runs is the model's whole point: inline under sequential, threads (the GIL lets
    one thread compute at a time) and asyncio (the loop stops while it computes), in the
    worker process under processes, on a cluster worker under dask. ``fn`` and ``args`` must
    be picklable.
    """

    __slots__ = ()


class Await(_FunctionEffect):
    """Effect: ``await fn(*args)``, where ``fn`` is a coroutine function; reply ``CallResult``.

    It lets a user's ``async def`` run under every model (``speedlab bench custom``): the
    async models await it on their own loop, so the waits of many units overlap; the blocking
    models run it to its end with ``asyncio.run`` in the worker, one at a time per worker.
    A coroutine that needs asyncio's loop fails under a loop that is not asyncio's: it ends
    as the unit's error, like any exception. ``fn`` and ``args`` must be picklable.
    """

    __slots__ = ()

    def run(self) -> CallResult:
        """Run the coroutine on a new asyncio loop, here (a blocking worker)."""
        import asyncio  # here: the effects module is imported by `speedlab --help`

        try:
            return CallResult(asyncio.run(self._coroutine()))
        except Exception as exc:
            return CallResult(None, exc)

    async def arun(self) -> CallResult:
        """Await the coroutine on the running loop (an async model's task)."""
        try:
            return CallResult(await self._coroutine())
        except Exception as exc:
            return CallResult(None, exc)

    async def _coroutine(self) -> object:
        # Called inside the try blocks, so a TypeError (fn is not a coroutine function)
        # becomes the unit's error like any other.
        return await self.fn(*self.args)  # type: ignore[misc]


Effect: TypeAlias = Send | Sleep | Call | Compute | Await
EffectReply: TypeAlias = HttpResponse | TransportError | CallResult | None

UnitStatus: TypeAlias = Literal["done", "failed", "skipped"]


@dataclass(frozen=True)
class UnitOutcome:
    """How one unit ended, as the job tells it: the same record whatever model ran it.

    ``attempts`` counts tries (each retry is one more; 0 lets the model count the requests it
    sent). ``detail`` is a short, human-readable summary ("30 ids, 2 pages") or, on failure,
    the reason. ``data`` holds the unit's facts for reports (ids, file name); ``stats`` the
    job's own typed counters (a frozen dataclass of numbers, such as the GitHub job's requests,
    retries and rate-limited answers), which a ``RunResult`` sums over the run.
    """

    key: str
    status: UnitStatus
    detail: str = ""
    attempts: int = 0
    data: Mapping[str, object] = field(default_factory=dict)
    stats: object | None = None


UnitGenerator: TypeAlias = Generator[Effect, EffectReply, UnitOutcome]
