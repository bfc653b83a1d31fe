"""The generator protocol (the lecture's gen_fun), the ground everything else in part 1 stands on.

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

from collections.abc import Generator
from typing import TypeVar

from speedlab.lesson._narrator import DEFAULT_LANGUAGE, Echo, Narrator

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


def show_generators(
    *, echo: Echo = print, lang: str = DEFAULT_LANGUAGE, notes: bool = True
) -> None:
    """Print the lecture's walk through the generator protocol, explained step by step.

    Args:
        echo: Where each line goes (default: ``print``).
        lang: The language of the notes (one of ``LANGUAGES``).
        notes: Print the notes (``False``: only the programs and their output).
    """
    n = Narrator(echo=echo, lang=lang, notes=notes)
    n.code("for v in gen_fun():\n    print(v)")
    for v in gen_fun():
        n.out(str(v))
    n.note(
        n._(
            "A function with yield in its body is a generator function: calling it runs none "
            "of its body, it only makes a generator object. The for loop then pulls the "
            "values out of that object one at a time."
        )
    )
    n.code("obj_fun = gen_fun()")
    obj_fun = gen_fun()
    n.code("next(obj_fun)")
    n.out(repr(next(obj_fun)))
    n.code("obj_fun.__next__()")
    n.out(repr(obj_fun.__next__()))
    n.code("obj_fun.send(None)")
    n.out(repr(obj_fun.send(None)))
    n.code("next(obj_fun)")
    try:
        next(obj_fun)
    except StopIteration:
        n.out("StopIteration")
    n.note(
        n._(
            "next(obj_fun), obj_fun.__next__() and obj_fun.send(None) are three spellings "
            "of the same step: run the body up to the next yield, hand out its value and "
            "freeze there, local variables and all. When the body ends, the step raises "
            "StopIteration; a for loop catches it and simply stops."
        )
    )

    n.section(n._("gen_fun with return 'string'"))
    n.code("obj_fun = gen_fun()  # yield 42; yield 43; yield 44; return 'string'")
    obj_ret = gen_fun_with_return()
    for _ in range(3):
        n.code("next(obj_fun)")
        n.out(repr(next(obj_ret)))
    n.code("try:\n    next(obj_fun)\nexcept StopIteration as e:\n    print(e.value)")
    try:
        next(obj_ret)
    except StopIteration as stop:
        n.out(str(stop.value))
    n.note(
        n._(
            "A generator's return does not hand its value to next(): it ends the generator, "
            "and the value travels inside the StopIteration, as e.value. A for loop throws "
            "it away. yield from, further on, is the construct that catches it for us: "
            "res = yield from sub() receives what sub() returned."
        )
    )
