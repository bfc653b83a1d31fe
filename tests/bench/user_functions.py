"""Functions a user might hand to ``speedlab bench custom --fn``: sync, async, broken."""

from __future__ import annotations

import asyncio
import time

#: Not callable: ``--fn tests.bench.user_functions:NOT_A_FUNCTION`` is a usage error.
NOT_A_FUNCTION = 42


def square(x: int) -> int:
    """A CPU-bound function, as small as it gets."""
    return x * x


def nap_and_echo(x: object) -> object:
    """A blocking wait: threads overlap it, asyncio (inline) does not."""
    time.sleep(0.02)
    return x


async def fetch_like(x: object) -> str:
    """An async wait, like a request: the async models overlap it."""
    await asyncio.sleep(0.02)
    return f"got {x}"


def explode(x: int) -> int:
    """Fail on odd inputs."""
    if x % 2:
        raise ValueError(f"odd input {x}")
    return x
