"""The generator protocol: next, __next__, send(None), StopIteration and its value."""

from __future__ import annotations

import pytest

from speedlab.lesson.generators import drain, gen_fun, gen_fun_with_return, show_generators
from tests.lesson._lines import notes_of


def test_for_loop_sees_42_43_44() -> None:
    assert list(gen_fun()) == [42, 43, 44]


def test_next_dunder_next_and_send_none_are_the_same_step() -> None:
    obj = gen_fun()
    assert next(obj) == 42
    assert obj.__next__() == 43
    assert obj.send(None) == 44
    with pytest.raises(StopIteration) as stop:
        next(obj)
    assert stop.value.value is None


def test_send_a_value_before_the_first_next_is_refused() -> None:
    obj = gen_fun()
    with pytest.raises(TypeError, match="just-started generator"):
        obj.send(1)


def test_return_value_arrives_as_stop_iteration_value() -> None:
    obj = gen_fun_with_return()
    assert [next(obj), next(obj), next(obj)] == [42, 43, 44]
    with pytest.raises(StopIteration) as stop:
        next(obj)
    assert stop.value.value == "string"
    assert str(stop.value) == "string"


def test_drain_keeps_what_a_for_loop_throws_away() -> None:
    assert drain(gen_fun_with_return()) == ([42, 43, 44], "string")
    assert drain(gen_fun()) == ([42, 43, 44], None)


def test_show_generators_walks_the_protocol_like_the_lecture_notebook() -> None:
    lines: list[str] = []
    show_generators(echo=lines.append, notes=False)
    assert lines == [
        ">>> for v in gen_fun():",
        "...     print(v)",
        "42",
        "43",
        "44",
        ">>> obj_fun = gen_fun()",
        ">>> next(obj_fun)",
        "42",
        ">>> obj_fun.__next__()",
        "43",
        ">>> obj_fun.send(None)",
        "44",
        ">>> next(obj_fun)",
        "StopIteration",
        "-- gen_fun with return 'string' --",
        ">>> obj_fun = gen_fun()  # yield 42; yield 43; yield 44; return 'string'",
        ">>> next(obj_fun)",
        "42",
        ">>> next(obj_fun)",
        "43",
        ">>> next(obj_fun)",
        "44",
        ">>> try:",
        "...     next(obj_fun)",
        "... except StopIteration as e:",
        "...     print(e.value)",
        "string",
    ]


def test_show_generators_explains_what_return_becomes() -> None:
    lines: list[str] = []
    show_generators(echo=lines.append)
    notes = notes_of(lines)
    assert "the value travels inside the StopIteration, as e.value" in notes
    assert "three spellings of the same step" in notes
