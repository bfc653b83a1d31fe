"""The slow function the spinner keeps company: the lecture's sleep, or ``is_prime``.

The lecture's ``do_smth_slow`` sleeps and returns 1337; its closing question swaps in
``is_prime``. Both are one :class:`Work`, which knows its label and how to run in the main flow
(``time.sleep`` or a call). How the asyncio model runs it is that model's business
(:mod:`speedlab.spinner._asyncio`): sleeping in a coroutine is a different function.

    >>> Work.prime(97).run()
    True
    >>> Work.sleep(0).label
    'sleep(0 s)'
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Final, Literal

from speedlab._exceptions import UsageError
from speedlab.lesson import is_prime

__all__ = [
    "DEFAULT_PRIME",
    "DEFAULT_SLEEP_SECONDS",
    "LECTURE_RESULT",
    "MAX_NUMBER",
    "MAX_SECONDS",
    "MODEL_NAMES",
    "WORK_KINDS",
    "ModelName",
    "Work",
    "WorkKind",
]

#: The spinner's three ways, as the lecture writes them.
ModelName = Literal["asyncio", "threads", "processes"]
MODEL_NAMES: Final[tuple[ModelName, ...]] = ("asyncio", "threads", "processes")

WorkKind = Literal["sleep", "prime"]

#: The kinds of work, for CLI choices and benchmark matrices.
WORK_KINDS: Final[tuple[WorkKind, ...]] = ("sleep", "prime")

# The lecture sleeps 30 s; three are enough to watch the spinner and keep demos short.
DEFAULT_SLEEP_SECONDS: Final = 3.0

# What the lecture's do_smth_slow() returns.
LECTURE_RESULT: Final = 1337

# A prime that trial division takes about a second to confirm: ~2.2e7 odd divisors up to its
# square root. Measured with speedlab.lesson.is_prime on the 2-core machine this was written
# on: 0.96-0.97 s (Python 3.11, idle); ~0.7 s for the prime after 10**15.
DEFAULT_PRIME: Final = 2_000_000_000_000_021

# Refuse what would not end in reasonable time: an hour of sleep; is_prime of 10**18 is about
# 5e8 divisions, half a minute here.
MAX_SECONDS: Final = 3600.0
MAX_NUMBER: Final = 10**18


@dataclass(frozen=True)
class Work:
    """One slow call: ``sleep`` for ``seconds``, or ``prime``: ``is_prime(number)``.

    Build it with :meth:`sleep` or :meth:`prime`, which check their argument.
    """

    kind: WorkKind
    seconds: float = DEFAULT_SLEEP_SECONDS
    number: int = DEFAULT_PRIME

    @classmethod
    def sleep(cls, seconds: float = DEFAULT_SLEEP_SECONDS) -> Work:
        """The lecture's slow function: sleep ``seconds``, return 1337.

        Raises:
            UsageError: ``seconds`` is negative, not finite or above ``MAX_SECONDS``.
        """
        if not (math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS):
            raise UsageError(f"--seconds must be between 0 and {MAX_SECONDS:g}, got {seconds}")
        return cls("sleep", seconds=float(seconds))

    @classmethod
    def prime(cls, number: int = DEFAULT_PRIME) -> Work:
        """The lecture's question: ``is_prime(number)`` by trial division, CPU-bound.

        Raises:
            UsageError: ``number`` is not an int, is negative or above ``MAX_NUMBER``.
        """
        if isinstance(number, bool) or not isinstance(number, int):
            raise UsageError(f"--number must be an integer, got {number!r}")
        if not 0 <= number <= MAX_NUMBER:
            raise UsageError(f"--number must be between 0 and {MAX_NUMBER:,}, got {number:,}")
        return cls("prime", number=number)

    @classmethod
    def of(
        cls, kind: str, *, seconds: float = DEFAULT_SLEEP_SECONDS, number: int = DEFAULT_PRIME
    ) -> Work:
        """Build the work of ``kind`` (``"sleep"`` or ``"prime"``) from the options of both.

        Raises:
            UsageError: An unknown kind, or a bad argument for it.
        """
        if kind == "sleep":
            return cls.sleep(seconds)
        if kind == "prime":
            return cls.prime(number)
        raise UsageError(f"unknown work {kind!r}; choose one of {', '.join(WORK_KINDS)}")

    @property
    def label(self) -> str:
        """The call as a reader would write it: ``sleep(3 s)`` or ``is_prime(97)``."""
        if self.kind == "sleep":
            return f"sleep({self.seconds:g} s)"
        return f"is_prime({self.number})"

    def run(self) -> int:
        """Run the work here and now, blocking (the main flow of threads and processes)."""
        if self.kind == "sleep":
            time.sleep(self.seconds)
            return LECTURE_RESULT
        return is_prime(self.number)
