"""The provider/computer dialogue: questions out, answers in, numbers only, EOF ends cleanly."""

from __future__ import annotations

import io
import random

import pytest

from speedlab._exceptions import UsageError
from speedlab.lesson.provider import (
    parse_answers,
    parse_number,
    run_provider,
    scripted_answers,
    seeded_answers,
    show_provider,
    stream_asker,
    value_computer,
    value_provider,
)


def test_value_computer_asks_x_then_y_and_returns_x_squared_plus_y() -> None:
    computer = value_computer(1)
    assert next(computer) == "computer 1: get val x "
    assert computer.send(3) == "computer 1: get val y "
    with pytest.raises(StopIteration) as stop:
        computer.send(4)
    assert stop.value.value == 13


def test_value_provider_delegates_and_returns_the_sum_plus_100() -> None:
    lines: list[str] = []
    provider = value_provider(echo=lines.append)
    questions = [next(provider)]
    questions += [provider.send(a) for a in (2, 5, 3)]
    with pytest.raises(StopIteration) as stop:
        provider.send(1)
    assert questions == [
        "computer 1: get val x ",
        "computer 1: get val y ",
        "computer 2: get val x ",
        "computer 2: get val y ",
    ]
    assert lines == ["provider: got 9 from computer", "provider: got 10 from computer"]
    assert stop.value.value == (2**2 + 5) + (3**2 + 1) + 100


@pytest.mark.parametrize(
    ("text", "expected"), [("7", 7), (" -3 ", -3), ("2.5", 2.5), ("1e3", 1000.0)]
)
def test_parse_number_reads_ints_and_floats(text: str, expected: float) -> None:
    value = parse_number(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["abc", "", "__import__('os')", "nan", "inf", "1+1"])
def test_parse_number_refuses_anything_else(text: str) -> None:
    with pytest.raises(UsageError, match="number"):
        parse_number(text)


def test_parse_answers_accepts_commas_and_spaces() -> None:
    assert parse_answers("3, 4 5,6.5") == (3, 4, 5, 6.5)
    with pytest.raises(UsageError):
        parse_answers(" , ")
    with pytest.raises(UsageError, match="'x'"):
        parse_answers("1,x")


def test_run_provider_with_scripted_answers_echoes_each_question_and_answer() -> None:
    lines: list[str] = []
    result = run_provider(scripted_answers([1, 2, 3, 4], echo=lines.append), echo=lines.append)
    assert result == (1 + 2) + (9 + 4) + 100
    assert lines == [
        "computer 1: get val x 1",
        "computer 1: get val y 2",
        "provider: got 3 from computer",
        "computer 2: get val x 3",
        "computer 2: get val y 4",
        "provider: got 13 from computer",
        "provider finished: StopIteration.value = 116",
    ]


def test_run_provider_stops_and_closes_when_answers_run_out() -> None:
    lines: list[str] = []
    assert run_provider(scripted_answers([1, 2, 3], echo=lines.append), echo=lines.append) is None
    assert lines[-1] == "computer 2: get val x 3"


def test_seeded_answers_replay_the_seed() -> None:
    rng = random.Random(5)
    assert seeded_answers(random.Random(5)) == [rng.randint(0, 9) for _ in range(4)]


def test_stream_asker_reasks_after_a_non_number_and_echoes_piped_answers() -> None:
    out = io.StringIO()
    ask = stream_asker(io.StringIO("abc\n 4\n"), out=out)
    assert ask("x? ") == 4
    assert out.getvalue() == "x? abc\nnot a number: 'abc'; please type a number\nx?  4\n"


def test_stream_asker_returns_none_at_end_of_input() -> None:
    out = io.StringIO()
    ask = stream_asker(io.StringIO("5"), out=out)
    assert ask("x? ") == 5
    assert ask("y? ") is None
    assert out.getvalue() == "x? 5\ny? \n"


def test_stream_asker_without_echo_for_terminals() -> None:
    out = io.StringIO()
    ask = stream_asker(io.StringIO("5\n"), out=out, echo_answers=False)
    assert ask("x? ") == 5
    assert out.getvalue() == "x? "


def test_stream_asker_treats_a_closed_stream_as_end_of_input() -> None:
    closed = io.StringIO("1\n")
    closed.close()
    assert stream_asker(closed, out=io.StringIO())("x? ") is None


def test_stream_asker_reads_sys_stdin_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    ask = stream_asker(out=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO("8\n"))
    assert ask("x? ") == 8


def test_show_provider_says_when_the_answers_ran_out() -> None:
    lines: list[str] = []
    assert show_provider(scripted_answers([1], echo=lines.append), echo=lines.append) is None
    assert lines[-1] == "no more answers: the provider was closed before it finished"
