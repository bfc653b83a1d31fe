"""The one trap: the only ``yield`` in the loop, a types.coroutine, one handler per opcode."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import speedlab.loop
from speedlab.loop import Kernel
from speedlab.loop._traps import OPCODES, trap

LOOP_DIR = Path(speedlab.loop.__file__).parent


def _yields(path: Path) -> list[str]:
    """Names of the functions in ``path`` that contain a ``yield`` of their own."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [n for n in ast.walk(node) if isinstance(n, ast.Yield | ast.YieldFrom)]
            nested = {
                id(n)
                for child in ast.walk(node)
                if child is not node and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                for n in ast.walk(child)
            }
            if any(id(n) not in nested for n in inner):
                found.append(f"{path.name}:{node.name}")
    return found


def test_trap_is_the_only_yield_in_the_loop_package() -> None:
    everywhere = [name for path in sorted(LOOP_DIR.glob("*.py")) for name in _yields(path)]
    assert everywhere == ["_traps.py:trap"]


def test_trap_is_a_types_coroutine_that_returns_the_kernel_answer() -> None:
    assert trap.__code__.co_flags & inspect.CO_ITERABLE_COROUTINE
    request = (99, "argument")
    gen = trap(request)
    assert gen.send(None) is request
    with pytest.raises(StopIteration) as stop:
        gen.send("answer")
    assert stop.value.value == "answer"


def test_every_opcode_has_its_handler_in_order() -> None:
    assert list(OPCODES) == list(range(len(OPCODES)))
    with Kernel() as kernel:
        handlers = kernel._handlers
    assert len(handlers) == len(OPCODES)
    names = [h.__name__ for h in handlers]
    assert (names[0], names[-1]) == ("_on_spawn", "_on_timeout_clear")
