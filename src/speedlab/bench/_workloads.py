"""The two jobs of the lecture as benchmark workloads: I/O-bound searches, CPU-bound primes.

* :class:`IoWorkload`: the GitHub search job against a :class:`~speedlab.fakehub.FakeHub` on
  127.0.0.1 with a latency like GitHub's (no internet). fakehub runs in the benchmark's own
  process, so its work never counts against the measured model's CPU or memory; each run
  saves into a fresh folder of a temporary directory, removed at the end.
* :class:`CpuWorkload`: ``is_prime`` by trial division over a handful of large primes (the
  slowest input for trial division: every odd divisor up to the square root is tried).

``--quick`` sizes are chosen so that every model finishes ``speedlab bench all --quick`` in
about a minute on a 2-core machine.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speedlab.jobs.base import Job

__all__ = [
    "FULL_PRIMES",
    "QUICK_PRIMES",
    "CpuWorkload",
    "IoWorkload",
    "io_keywords",
    "same_job",
]

# Eight primes just above 4 * 10**13 and 10**14: ~0.16 s and ~0.25 s each for the lecture's
# is_prime on the 2-core machine this was written on (Python 3.11): long enough that a
# process pool's start-up does not hide the parallelism.
QUICK_PRIMES = (
    40_000_000_000_001,
    40_000_000_000_013,
    40_000_000_000_033,
    40_000_000_000_069,
    40_000_000_000_073,
    40_000_000_000_087,
    40_000_000_000_097,
    40_000_000_000_151,
)
FULL_PRIMES = (
    100_000_000_000_031,
    100_000_000_000_067,
    100_000_000_000_097,
    100_000_000_000_099,
    100_000_000_000_133,
    100_000_000_000_139,
    100_000_000_000_169,
    100_000_000_000_183,
)


def same_job(job: Job) -> Callable[[str, int], Job]:
    """A job maker that gives every run the same job (it holds no per-run state)."""

    def make(model: str, repeat: int) -> Job:
        del model, repeat
        return job

    return make


def io_keywords(count: int) -> tuple[str, ...]:
    """The lecture's eight keywords first, then made-up ones up to ``count``."""
    from speedlab.jobs.github import DEFAULT_KEYWORDS

    extra = (f"topic{i:03d}" for i in range(max(0, count - len(DEFAULT_KEYWORDS))))
    return (*tuple(DEFAULT_KEYWORDS)[:count], *extra)


@dataclass(frozen=True)
class IoWorkload:
    """The GitHub search job against a local fakehub.

    Args:
        keywords: How many searches.
        latency: fakehub's fixed delay per answer, in seconds.
        jitter: Extra uniform random delay per answer, in seconds (seeded: the same delays
            for every model).
        seed: fakehub's random source.
    """

    keywords: int = 8
    latency: float = 0.1
    jitter: float = 0.0
    seed: int = 0
    name: str = "io"
    noun: str = "searches"

    @property
    def units(self) -> int:
        """One unit per keyword."""
        return self.keywords

    def title(self) -> str:
        """What is run, with its sizes."""
        delay = (
            f"{self.latency:g} s"
            if not self.jitter
            else f"{self.latency:g}-{self.latency + self.jitter:g} s"
        )
        return f"I/O-bound: {self.keywords} GitHub searches against fakehub answering in {delay}"

    def settings(self) -> Mapping[str, Any]:
        """The parameters."""
        return {
            "keywords": self.keywords,
            "latency": self.latency,
            "jitter": self.jitter,
            "seed": self.seed,
        }

    @contextmanager
    def open(self) -> Iterator[Callable[[str, int], Job]]:
        """Start fakehub and a scratch folder; yield the job maker; stop and remove them."""
        from speedlab.fakehub import FakeHub, FakeHubConfig
        from speedlab.jobs.github import GitHubJob, SearchConfig

        words = io_keywords(self.keywords)
        config = FakeHubConfig(latency=self.latency, jitter=self.jitter, seed=self.seed)
        with FakeHub(config) as hub, tempfile.TemporaryDirectory(prefix="speedlab-bench-") as tmp:

            def make(model: str, repeat: int) -> Job:
                folder = Path(tmp) / f"{model}-{repeat}"
                return GitHubJob(
                    keywords=words,
                    config=SearchConfig(api=hub.url, out_dir=folder),
                    resume=False,
                )

            yield make


@dataclass(frozen=True)
class CpuWorkload:
    """``is_prime`` over large primes: pure computation, one unit per number."""

    numbers: tuple[int, ...] = QUICK_PRIMES
    name: str = "cpu"
    noun: str = "numbers"

    @property
    def units(self) -> int:
        """One unit per number."""
        return len(self.numbers)

    def title(self) -> str:
        """What is run, with its sizes."""
        smallest = str(min(self.numbers))
        lead = "" if smallest[0] == "1" else f"{smallest[0]}x"
        return (
            f"CPU-bound: is_prime by trial division of {len(self.numbers)} numbers near "
            f"{lead}10^{len(smallest) - 1}"
        )

    def settings(self) -> Mapping[str, Any]:
        """The parameters."""
        return {"numbers": list(self.numbers)}

    @contextmanager
    def open(self) -> Iterator[Callable[[str, int], Job]]:
        """Nothing to set up; yield the job maker."""
        from speedlab.jobs.primes import PrimeJob

        yield same_job(PrimeJob(numbers=self.numbers))
