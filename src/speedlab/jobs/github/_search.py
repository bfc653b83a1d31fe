"""Search one keyword, every page of it, as a sans-I/O generator: the GitHub job's unit.

The generator yields ``Send(request)`` and ``Sleep(seconds, reason)`` and receives responses;
the model that drives it only moves bytes and waits. Everything that makes the search correct
under every model lives here, once:

- pacing: every request first takes a slot from the run's shared ``RateGate``, and asks the gate
  once more when its connection is open (``HttpRequest.admit``): a request held up on its way
  (a server slow to accept) must not land inside a pause that began meanwhile;
- rate limits: a limited response pauses the gate for *everyone*, for ``Retry-After``, else until
  the reset plus a margin, else 60 s, doubling (with jitter) on repeats, within ``max_wait``;
- faults: timeouts, dropped connections, 5xx and malformed bodies are retried ``retries`` times
  with exponential backoff and full jitter (``uniform(0, min(cap, base * 2**k))``); a response
  over ``max_response_bytes`` is not: it would cost as much again;
- server text: every reason that quotes the server is redacted (the token, or any long stretch
  of it) and made printable (:class:`~speedlab._text.Redactor`);
- redirects: followed up to 5 times, and the token is only ever sent to the API's own origin;
- pages: ``Link rel="next"`` up to ``pages`` pages; 422 past the 1000-result cap ends the search.

Example (a model's loop, in miniature)::

    gen = search_keyword("torch", config, RateGate.local(), rng=random.Random(0))
    effect = next(gen)
    while True:
        reply = send_it(effect.request) if isinstance(effect, Send) else wait(effect.seconds)
        try:
            effect = gen.send(reply)
        except StopIteration as stop:
            result = stop.value
            break
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Literal, TypeAlias
from urllib.parse import urlsplit

from speedlab._text import NO_SECRETS, Redactor, plural
from speedlab.jobs.effects import (
    Effect,
    EffectReply,
    HttpRequest,
    HttpResponse,
    Send,
    Sleep,
    TransportError,
)
from speedlab.jobs.github._origin import same_origin
from speedlab.jobs.github._query import (
    SearchConfig,
    build_search_request,
    request_for,
    search_query,
)
from speedlab.jobs.github._ratelimit import RateGate, limited_wait
from speedlab.jobs.github._response import Classified, SearchPage, classify, parse_rate_limit

__all__ = [
    "MAX_REDIRECTS",
    "SearchGenerator",
    "SearchResult",
    "SearchStatus",
    "retry_backoff",
    "search_keyword",
]

# Redirects followed for one request before giving up (a loop, or a misconfigured proxy).
MAX_REDIRECTS = 5

SearchStatus: TypeAlias = Literal["done", "failed"]


@dataclass(frozen=True)
class SearchResult:
    """How one keyword's search ended, with everything the output file and the report need.

    ``total_count`` is the first page's (GitHub's count drifts between calls); ``pages`` counts
    pages received; ``attempts`` every request sent, ``retries`` those repeated after a fault or
    a rate limit, ``limited`` the rate-limited answers among them; ``waited`` the seconds this
    unit asked to sleep.
    """

    keyword: str
    query: str
    ids: tuple[int, ...]
    total_count: int | None
    incomplete_results: bool
    pages: int
    status: SearchStatus
    reason: str = ""
    attempts: int = 0
    retries: int = 0
    waited: float = 0.0
    limited: int = 0


SearchGenerator: TypeAlias = Generator[Effect, EffectReply, SearchResult]


@dataclass
class _Progress:
    """One keyword's search so far: what it collected and what it cost."""

    keyword: str
    query: str
    redactor: Redactor
    ids: list[int] = field(default_factory=list)
    total_count: int | None = None
    incomplete: bool = False
    pages: int = 0
    attempts: int = 0
    retries: int = 0
    limited: int = 0
    waited: float = 0.0
    limit_repeats: int = 0  # limited answers in a row, for the doubling wait
    last_limit: str = ""  # the last limit's message, quoted when --max-wait runs out

    def result(self, status: SearchStatus, reason: str = "") -> SearchResult:
        return SearchResult(
            keyword=self.keyword,
            query=self.query,
            ids=tuple(self.ids),
            total_count=self.total_count,
            incomplete_results=self.incomplete,
            pages=self.pages,
            status=status,
            reason=self.redactor.clean(reason),
            attempts=self.attempts,
            retries=self.retries,
            waited=self.waited,
            limited=self.limited,
        )

    def failed(self, reason: str) -> SearchResult:
        if self.pages:
            reason = f"page {self.pages + 1}: {reason}"
        return self.result("failed", reason)


#: How one page's fetch ended: its next URL (None: no more pages), or why the search failed.
_PageOutcome: TypeAlias = tuple[Literal["next"], str | None] | tuple[Literal["failed"], str]

# A fault worth retrying: (label for the wait's reason, detail for a failure, server's wait).
_Fault: TypeAlias = tuple[str, str, float | None]


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def retry_backoff(retry: int, config: SearchConfig, rng: random.Random) -> float:
    """Return the wait before retry number ``retry`` (0-based): full jitter, capped.

    Example:
        >>> 0 <= retry_backoff(2, SearchConfig(), random.Random(0)) <= 2.0
        True
    """
    ceiling = min(config.backoff_cap, config.backoff_base * 2**retry)
    return rng.uniform(0.0, ceiling)


def search_keyword(
    keyword: str,
    config: SearchConfig,
    gate: RateGate,
    *,
    clock: Callable[[], float] = time.time,
    rng: random.Random,
) -> SearchGenerator:
    """Search one keyword: yield effects, receive replies, return a ``SearchResult``.

    Never raises for the server's or the network's behaviour: every way of ending is a result,
    ``done`` or ``failed`` with a reason that never contains the token. The work is split in
    sub-generators joined with ``yield from``: pages (here), one page's attempts
    (``_fetch_page``), and the wait for a slot of the shared rate limit (``_take_slot``).

    Example:
        >>> gen = search_keyword("torch", SearchConfig(), RateGate.local(), rng=random.Random(0))
        >>> next(gen).request.url
        'https://api.github.com/search/repositories?q=torch+language%3Apython&per_page=30'

    Args:
        keyword: what to search for (with ``language:python``).
        config: the run's configuration.
        gate: the run's shared rate gate.
        clock: the epoch clock; the gate and ``x-ratelimit-reset`` speak epoch seconds.
        rng: a seeded random source for jitter, so that a run can be replayed.

    Returns:
        The search's result (as the generator's return value).

    Raises:
        UsageError: the keyword is empty or only whitespace (on the first ``next``).
        TypeError: the model sent back something that is not a reply to the effect.
    """
    redactor = Redactor(config.token.reveal()) if config.token is not None else NO_SECRETS
    progress = _Progress(keyword, search_query(keyword), redactor)
    next_url: str | None = None
    while progress.pages < config.pages:
        request = build_search_request(keyword, config, next_url)
        outcome = yield from _fetch_page(request, progress, config, gate, clock, rng)
        if outcome[0] == "failed":
            return progress.failed(outcome[1])
        next_url = outcome[1]
        if next_url is None:
            break
    return progress.result("done")


def _fetch_page(
    request: HttpRequest,
    progress: _Progress,
    config: SearchConfig,
    gate: RateGate,
    clock: Callable[[], float],
    rng: random.Random,
) -> Generator[Effect, EffectReply, _PageOutcome]:
    """Get one page: wait for a slot, send, follow redirects, wait out limits, retry faults."""
    failures = 0
    redirects = 0
    admit = functools.partial(_pause_left, gate, clock)
    while True:
        refusal = yield from _take_slot(progress, config, gate, clock)
        if refusal is not None:
            return ("failed", refusal)
        progress.attempts += 1
        try:
            reply = yield Send(request.with_admit(admit))
        except BaseException:
            gate.release()  # closed or cancelled while in flight
            raise
        fault: _Fault
        if isinstance(reply, TransportError):
            if reply.kind == "deferred":  # never sent: the gate paused on its way out
                gate.cancel()
                progress.attempts -= 1
                continue
            if reply.sent:
                gate.release()
            else:  # it never reached the server: no slot of the rate limit was spent
                gate.cancel()
            if reply.kind == "too_large":  # retrying would cost as much again
                return (
                    "failed",
                    f"response too large: {reply.message} (see --max-bytes)",
                )
            fault = (reply.kind, reply.message, None)
        elif isinstance(reply, HttpResponse):
            now = clock()
            rate = parse_rate_limit(reply.headers, now)  # never raises: read once, used twice
            # The reservation ends first, whatever the response turns out to mean.
            if same_origin(reply.url or request.url, config.api):
                gate.observe(now, rate)
            else:  # another server's limits are not ours
                gate.release()
            verdict = classify(reply, now, config.per_page, rate=rate)
            if verdict.kind == "ok":
                assert verdict.page is not None
                _add_page(progress, verdict.page)
                return ("next", verdict.next_url)
            if verdict.kind == "end_of_results":
                return ("next", None)
            if verdict.kind in ("primary_limited", "secondary_limited"):
                _pause_everyone(progress, verdict, gate, now, config, rng)
                continue
            if verdict.kind == "redirect":
                assert verdict.location is not None
                redirects += 1
                target = verdict.location
                if redirects > MAX_REDIRECTS:
                    return (
                        "failed",
                        f"too many redirects (more than {MAX_REDIRECTS}), last to "
                        f"{_without_query(target)}",
                    )
                if urlsplit(target).scheme not in ("http", "https"):
                    return ("failed", f"refused to follow a redirect to {target!r}")
                request = request_for(target, config)
                continue
            if verdict.kind == "fatal":
                return ("failed", verdict.message)
            # transient or malformed: retried below
            label = f"HTTP {reply.status}" if verdict.kind == "transient" else "malformed"
            fault = (label, verdict.message, verdict.rate.retry_after)
        else:
            gate.release()
            raise TypeError(
                f"a Send must be answered with HttpResponse or TransportError, "
                f"got {type(reply).__name__}"
            )
        failures += 1
        refusal = yield from _back_off(failures, fault, progress, config, rng)
        if refusal is not None:
            return ("failed", refusal)


def _pause_left(gate: RateGate, clock: Callable[[], float]) -> float:
    """A request's last check, once its connection is open: wait for a pause that began since."""
    return gate.pause_left(clock())


def _take_slot(
    progress: _Progress, config: SearchConfig, gate: RateGate, clock: Callable[[], float]
) -> Generator[Effect, EffectReply, str | None]:
    """Wait until the run's shared rate limit grants a request; None, or why not."""
    while (wait := gate.reserve(clock())) > 0:
        if progress.waited + wait > config.max_wait:
            return _over_budget(wait, progress.waited, config, progress.last_limit)
        yield Sleep(wait, f"rate limited, resuming in {_seconds(wait)} s")
        progress.waited += wait
    return None


def _add_page(progress: _Progress, page: SearchPage) -> None:
    progress.limit_repeats = 0
    progress.ids.extend(page.ids)
    progress.pages += 1
    if progress.total_count is None:
        progress.total_count = page.total_count
    progress.incomplete = progress.incomplete or page.incomplete_results


def _pause_everyone(
    progress: _Progress,
    verdict: Classified,
    gate: RateGate,
    now: float,
    config: SearchConfig,
    rng: random.Random,
) -> None:
    """A limited answer: pause the whole run's gate (everyone waits, not just us)."""
    wait = limited_wait(
        verdict.rate,
        now,
        repeat=progress.limit_repeats,
        reset_margin=config.reset_margin,
        rng=rng,
    )
    progress.limit_repeats += 1
    progress.last_limit = verdict.message
    gate.pause_until(now + wait)
    progress.retries += 1
    progress.limited += 1


def _back_off(
    failures: int,
    fault: _Fault,
    progress: _Progress,
    config: SearchConfig,
    rng: random.Random,
) -> Generator[Effect, EffectReply, str | None]:
    """Sleep before retrying a fault, with full-jitter backoff; None, or why not to retry."""
    label, detail, server_wait = fault
    if failures > config.retries:
        if not config.retries:
            return detail
        return f"{detail} (gave up after {plural(config.retries, 'retry', 'retries')})"
    delay = retry_backoff(failures - 1, config, rng)
    if server_wait is not None:
        delay = max(delay, server_wait)
    if progress.waited + delay > config.max_wait:
        return (
            f"{detail} (a retry in {_seconds(delay)} s would pass --max-wait {config.max_wait:g} s)"
        )
    progress.retries += 1
    if delay > 0:  # full jitter can draw 0: then retry at once, without a Sleep
        yield Sleep(
            delay,
            progress.redactor.clean(
                f"{label}, retry {failures}/{config.retries} in {_seconds(delay)} s"
            ),
        )
        progress.waited += delay
    return None


def _over_budget(wait: float, waited: float, config: SearchConfig, last_limit: str) -> str:
    if waited > 0:
        text = (
            f"rate limited: would wait {_seconds(wait)} s more after {_seconds(waited)} s, "
            f"more than --max-wait {config.max_wait:g} s"
        )
    else:
        text = (
            f"rate limited: would wait {_seconds(wait)} s, more than --max-wait "
            f"{config.max_wait:g} s"
        )
    return f"{text} (last: {last_limit})" if last_limit else text


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
