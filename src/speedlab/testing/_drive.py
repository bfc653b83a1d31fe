"""Drive one unit to its end in virtual time, with scripted replies: the unit test's model.

A unit is a generator of effects (:mod:`speedlab.jobs.effects`); :func:`drive` answers them
without a socket or a real second: ``Send`` from a script (or a function), ``Sleep`` by
advancing a :class:`~speedlab.testing.VirtualClock`, ``Call`` and ``Compute`` by running them
in place. It returns what the unit returned and a :class:`Trace` of what it asked for, in
order, with the virtual time of each effect.

    result, trace = drive(search_keyword("torch", config, gate, clock=clock, rng=rng),
                          [ok([1, 2, 3])], clock)
    assert [r.url for r in trace.requests] == [...]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from speedlab.jobs.effects import (
    Call,
    CallResult,
    Compute,
    Effect,
    HttpRequest,
    HttpResponse,
    Send,
    Sleep,
    TransportError,
)
from speedlab.testing._clock import VirtualClock

__all__ = ["MAX_EFFECTS", "Reply", "Trace", "drive"]

#: A unit that asks for more effects than this never ends: ``drive`` says so instead of hanging.
MAX_EFFECTS = 10_000

Reply: TypeAlias = HttpResponse | TransportError


@dataclass
class Trace:
    """What a unit asked for, in order, with the virtual time of each effect."""

    requests: list[HttpRequest] = field(default_factory=list)
    sleeps: list[Sleep] = field(default_factory=list)
    effects: list[tuple[float, Effect]] = field(default_factory=list)

    @property
    def slept(self) -> float:
        """The seconds the unit asked to sleep, in all."""
        return sum(s.seconds for s in self.sleeps)


def drive(
    gen: Generator[Any, Any, Any],
    replies: Iterable[Reply] | Callable[[HttpRequest], Reply],
    clock: VirtualClock,
    *,
    latency: float = 0.0,
) -> tuple[Any, Trace]:
    """Run a unit to its end: answer each ``Send`` from ``replies``, sleep in virtual time.

    Args:
        gen: The unit's generator, not started.
        replies: The replies to its requests, in order (every one must be used), or a
            function from a request to its reply.
        clock: The virtual clock the unit reads; sleeps advance it.
        latency: Virtual seconds each request takes.

    Returns:
        ``(value, trace)``: what the generator returned, and what it asked for.

    Raises:
        AssertionError: the unit sent more requests than scripted, left scripted replies
            unused, slept a non-positive time, or never ended.
    """
    answer: Callable[[HttpRequest], Reply]
    script: deque[Reply] | None = None
    if callable(replies):
        answer = replies
    else:
        script = deque(replies)

        def answer(request: HttpRequest) -> Reply:
            assert script, f"the unit sent more requests than scripted: {request}"
            return script.popleft()

    trace = Trace()
    effect = next(gen)
    for _ in range(MAX_EFFECTS):
        trace.effects.append((clock.now, effect))
        reply: Reply | CallResult | None
        if isinstance(effect, Send):
            trace.requests.append(effect.request)
            reply = answer(effect.request)
            clock.advance(latency)
        elif isinstance(effect, Call | Compute):
            reply = effect.run()
        else:
            assert isinstance(effect, Sleep), effect
            assert effect.seconds > 0, effect
            trace.sleeps.append(effect)
            clock.advance(effect.seconds)
            reply = None
        try:
            effect = gen.send(reply)
        except StopIteration as stop:
            assert not script, f"{len(script)} scripted replies were not used"
            return stop.value, trace
    raise AssertionError(f"the unit never ended (more than {MAX_EFFECTS} effects)")
