"""The generator protocol (lecture §2.1), the ground everything else in part 1 stands on.

A generator object is driven by ``next``, ``__next__`` or ``send(None)`` (three spellings of the
same step), ends by raising ``StopIteration``, and a ``return`` inside it travels to the caller as
``StopIteration.value``. ``yield from``, the hand-made runner and ``await`` all build on exactly
this, so the demo walks through it step by step.

    >>> obj = gen_fun()
    >>> next(obj), obj.__next__(), obj.send(None)
    (42, 43, 44)
    >>> drain(gen_fun_with_return())
    ([42, 43, 44], 'string')
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

__all__ = [
    "drain",
    "gen_fun",
    "gen_fun_with_return",
    "show_generators",
]

Y = TypeVar("Y")
R = TypeVar("R")


def gen_fun() -> Generator[int, None, None]:
    """Yield 42, 43 and 44, then stop: the lecture's first generator function.

    Returns:
        A fresh generator object; calling the function runs none of its body yet.
    """
    yield 42
    yield 43
    yield 44


def gen_fun_with_return() -> Generator[int, None, str]:
    """Yield 42, 43 and 44, then ``return 'string'``, which arrives as ``StopIteration.value``.

    Returns:
        A fresh generator object whose final ``StopIteration`` carries ``'string'``.
    """
    yield 42
    yield 43
    yield 44
    return "string"


def drain(gen: Generator[Y, None, R]) -> tuple[list[Y], R]:
    """Run ``gen`` to its end by hand and keep what ``return`` gave, which a for loop throws away.

    Args:
        gen: A generator that has not been closed.

    Returns:
        The yielded values in order, and the value carried by the final ``StopIteration``.

    Example:
        >>> drain(gen_fun_with_return())
        ([42, 43, 44], 'string')
    """
    values: list[Y] = []
    while True:
        try:
            values.append(next(gen))
        except StopIteration as stop:
            return values, stop.value


def show_generators(*, echo: Callable[[str], None] = print) -> None:
    """Print the lecture's walk through the generator protocol, one step a line.

    Args:
        echo: Where each line goes (default: ``print``).
    """
    echo("for v in gen_fun(): print(v)")
    for v in gen_fun():
        echo(f"  {v}")

    echo("obj_fun = gen_fun()")
    obj_fun = gen_fun()
    echo(f"  next(obj_fun)       -> {next(obj_fun)}")
    echo(f"  obj_fun.__next__()  -> {obj_fun.__next__()}")
    echo(f"  obj_fun.send(None)  -> {obj_fun.send(None)}")
    try:
        next(obj_fun)
    except StopIteration as stop:
        echo(f"  next(obj_fun)       -> StopIteration (value={stop.value!r})")

    echo("with return 'string' at the end:")
    obj_ret = gen_fun_with_return()
    for _ in range(3):
        echo(f"  next(obj_fun)       -> {next(obj_ret)}")
    try:
        next(obj_ret)
    except StopIteration as stop:
        echo(f"  next(obj_fun)       -> StopIteration: {stop.value}")
        echo(f"  StopIteration.value == {stop.value!r}")
