"""The lecture's downloader as a job: one unit per keyword, any model can run it.

``GitHubJob`` is plain, picklable data (the processes model sends it to its workers). It says
which keywords still need a search (``units``), which were saved by an earlier run
(``skipped``), makes the run's shared ``RateGate`` of the kind the model needs, and hands out
one sans-I/O generator per keyword that searches and then saves the file atomically.

    job = GitHubJob(keywords=["torch", "ML"], config=SearchConfig(token=token_from_env()))
    gate = job.new_shared_state(memory)      # the model lends the memory (a lock, shared floats)
    for key in job.units():
        outcome = drive(job.unit(key, gate))   # a model's loop: Send -> HTTP, Sleep -> wait
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from speedlab._exceptions import OutputError, UsageError
from speedlab.jobs.base import SharedMemory
from speedlab.jobs.effects import Call, CallResult, UnitGenerator, UnitOutcome, UnitStatus
from speedlab.jobs.github._query import DEFAULT_KEYWORDS, SearchConfig, validate_keyword
from speedlab.jobs.github._ratelimit import RateGate
from speedlab.jobs.github._search import SearchResult, search_keyword
from speedlab.jobs.github._storage import OutputDir, filename_for, is_saved, render

__all__ = ["DEFAULT_KEYWORDS", "GitHubJob", "SearchStatistics", "utc_timestamp"]


def utc_timestamp(now: float | None = None) -> str:
    """Return ``now`` (default: the current time) as ISO-8601 UTC, GitHub style.

    >>> utc_timestamp(0)
    '1970-01-01T00:00:00Z'
    """
    moment = datetime.now(UTC) if now is None else datetime.fromtimestamp(now, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass(frozen=True)
class GitHubJob:
    """Search GitHub for Python repositories per keyword and save the owners' ids.

    Example:
        >>> job = GitHubJob(keywords=["torch", "torch", "ML"], resume=False)
        >>> job.units()
        ('torch', 'ML')

    Args:
        keywords: what to search for; duplicates are dropped, order kept.
        config: server, token, paging, patience, output.
        resume: skip keywords already saved in this format (``--resume``, the default).
        force: fetch every keyword again (``--force``), whatever ``resume`` says.
        fetched_at: the run's start, ISO-8601 UTC, written in every JSON file of the run.

    Raises:
        UsageError: no keywords, or an empty or whitespace-only keyword.
    """

    keywords: Sequence[str] = DEFAULT_KEYWORDS
    config: SearchConfig = field(default_factory=SearchConfig)
    resume: bool = True
    force: bool = False
    fetched_at: str = field(default_factory=utc_timestamp)
    # Derived once: a set for unit()'s check (a tuple scan made 10,000 units quadratic), and
    # the output directory, resolved on the first save instead of on every one.
    _keyword_set: frozenset[str] = field(init=False, repr=False, compare=False)
    _output: OutputDir = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.keywords, str):
            raise UsageError("keywords must be a list of keywords, not one string")
        keywords = tuple(dict.fromkeys(validate_keyword(k) for k in self.keywords))
        if not keywords:
            raise UsageError("no keywords to search for")
        object.__setattr__(self, "keywords", keywords)
        object.__setattr__(self, "_keyword_set", frozenset(keywords))
        object.__setattr__(self, "_output", OutputDir(self.config.out_dir))

    @property
    def name(self) -> str:
        """The job's name in reports."""
        return "github"

    def _is_done(self, keyword: str) -> bool:
        if self.force or not self.resume:
            return False
        return is_saved(self.config.out_dir, keyword, self.config.format)

    def units(self) -> tuple[str, ...]:
        """Return the keywords still to search, in order, once the output folder is known good.

        Raises:
            UnusableOutput: ``--out`` cannot be created, is not a directory or is not
                writable: found before any request, so no rate limit is spent for nothing.
        """
        self._output.check()
        return tuple(k for k in self.keywords if not self._is_done(k))

    def skipped(self) -> tuple[UnitOutcome, ...]:
        """Return a ``skipped`` outcome for each keyword a previous run already saved."""
        outcomes = []
        for keyword in self.keywords:
            if self._is_done(keyword):
                name = filename_for(keyword)
                outcomes.append(
                    UnitOutcome(
                        keyword,
                        "skipped",
                        detail=f"already saved in {self.config.out_dir / name}",
                        data={"file": name},
                    )
                )
        return tuple(outcomes)

    def new_shared_state(self, memory: SharedMemory) -> RateGate:
        """Create the run's rate gate in the storage the model lends.

        Args:
            memory: the model's sharing backend (a list and a lock for threads and tasks,
                shared memory for worker processes).

        Returns:
            A ``RateGate`` assuming GitHub's documented limit until a response says otherwise.

        Raises:
            CannotShare: the model's workers cannot share the gate (dask).
        """
        return RateGate.in_memory(
            memory, assumed_limit=self.config.assumed_limit, reset_margin=self.config.reset_margin
        )

    def unit(
        self, key: str, shared: object, *, clock: Callable[[], float] = time.time
    ) -> UnitGenerator:
        """Return the generator that searches ``key`` and saves its file.

        Args:
            key: one of ``keywords``.
            shared: the gate from ``new_shared_state``.
            clock: the epoch clock (tests pass a virtual one).

        Raises:
            TypeError: ``shared`` is not a ``RateGate``.
            ValueError: ``key`` is not one of this job's keywords.
        """
        if not isinstance(shared, RateGate):
            raise TypeError(f"shared must be the job's RateGate, got {type(shared).__name__}")
        if key not in self._keyword_set:
            raise ValueError(f"{key!r} is not one of this job's keywords")
        return self._unit(key, shared, clock)

    def _unit(self, key: str, gate: RateGate, clock: Callable[[], float]) -> UnitGenerator:
        # Seeded from the run's seed and the keyword only: the same under every model.
        rng = SeededOnUse(f"{self.config.seed}:{key}")
        result = yield from search_keyword(key, self.config, gate, clock=clock, rng=rng)
        if result.status == "failed":
            return _outcome(result, "failed", result.reason)
        name = filename_for(key)
        data = render(result, self.config.format, fetched_at=self.fetched_at)
        # Saving is an effect too: the model decides where the blocking write runs. It is
        # quick (a few KB, ~80 µs): an async model may run it on its loop (see Call).
        saved = yield Call(self._output.write, name, data, quick=True)
        if not isinstance(saved, CallResult):
            raise TypeError(f"a Call must be answered with a CallResult, got {saved!r}")
        if isinstance(saved.error, OutputError):
            return _outcome(result, "failed", f"cannot save {name}: {saved.error}")
        if isinstance(saved.error, OSError):
            reason = saved.error.strerror or str(saved.error)
            return _outcome(result, "failed", f"cannot save {name}: {reason}")
        if saved.error is not None:
            raise saved.error
        summary = {
            "ids": len(result.ids),
            "total_count": result.total_count,
            "incomplete_results": result.incomplete_results,
            "pages": result.pages,
            "file": name,
        }
        return _outcome(result, "done", _summary(result), summary)


class SeededOnUse(random.Random):
    """A ``random.Random`` seeded from ``seed`` on its first use, not when made.

    Seeding from text hashes it and fills the generator's state (6 µs), and most searches
    never draw (only retries and rate limits jitter their waits). Everything else is
    ``random.Random(seed)``'s: the same draws, state, copies and pickles.

    >>> SeededOnUse("0:torch").uniform(0, 1) == random.Random("0:torch").uniform(0, 1)
    True
    """

    _pending: Any

    def __new__(cls, seed: Any = None) -> SeededOnUse:  # noqa: ARG004 (Random's would seed)
        return super().__new__(cls)

    def __init__(self, seed: Any = None) -> None:  # random.Random.__init__ would seed now
        self._pending = seed
        self._seeded = False
        self.gauss_next = None

    def _seed_now(self) -> None:
        if not self._seeded:
            self.seed(self._pending)

    def seed(self, a: Any = None, version: int = 2) -> None:
        """Seed now (``random.Random.seed``); a pending seed is forgotten."""
        self._seeded = True
        self._pending = None
        super().seed(a, version)

    def random(self) -> float:
        """The next float in [0, 1), seeding first if this is the first use."""
        self._seed_now()
        return super().random()

    def getrandbits(self, k: int, /) -> int:
        """``k`` random bits, seeding first if this is the first use."""
        self._seed_now()
        return super().getrandbits(k)

    def getstate(self) -> tuple[Any, ...]:
        """The state (``random.Random.getstate``), seeding first if this is the first use."""
        self._seed_now()
        return super().getstate()

    def setstate(self, state: tuple[Any, ...]) -> None:
        """Restore a state (``random.Random.setstate``); a pending seed is forgotten."""
        self._seeded = True
        self._pending = None
        super().setstate(state)


@dataclass(frozen=True)
class SearchStatistics:
    """The GitHub job's own counters for one keyword (a ``RunResult`` sums them over a run).

    Attributes:
        requests: Requests sent (each retry is one more).
        retries: Requests repeated after a fault or a rate-limited answer.
        limited: Rate-limited answers (primary or secondary limit).
    """

    requests: int = 0
    retries: int = 0
    limited: int = 0


def _outcome(
    result: SearchResult,
    status: UnitStatus,
    detail: str,
    data: Mapping[str, object] | None = None,
) -> UnitOutcome:
    return UnitOutcome(
        result.keyword,
        status,
        detail=detail,
        attempts=result.attempts,
        data=dict(data or {}),
        stats=SearchStatistics(result.attempts, result.retries, result.limited),
    )


def _summary(result: SearchResult) -> str:
    text = f"{_plural(len(result.ids), 'id')}, {_plural(result.pages, 'page')}"
    return f"{text}, incomplete results" if result.incomplete_results else text
