"""The provider/computer dialogue: questions out, answers in, numbers only, EOF ends cleanly."""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab._exceptions import UsageError
from speedlab.lesson.provider import (
    MAX_LINE_CHARS,
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
    assert next(computer) == "computer: get val x "
    assert computer.send(3) == "computer: get val y "
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
        "computer: get val x ",
        "computer: get val y ",
        "computer: get val x ",
        "computer: get val y ",
    ]
    assert lines == ["provider: got 9 from computer", "provider: got 10 from computer"]
    assert stop.value.value == (2**2 + 5) + (3**2 + 1) + 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), (" -3 ", -3), ("2.5", 2.5), ("1e3", 1000.0), ("2**3", 8), ("0x10", 16)],
)
def test_parse_number_reads_what_eval_did(text: str, expected: float) -> None:
    value = parse_number(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["abc", "", "__import__('os')", "nan", "inf", "1e200", "9**9**9"])
def test_parse_number_refuses_anything_else(text: str) -> None:
    with pytest.raises(UsageError):
        parse_number(text)


def test_parse_answers_splits_on_commas_else_on_spaces() -> None:
    assert parse_answers("3, 4, 1 + 1, 0x10") == (3, 4, 2, 16)
    assert parse_answers("3 4 5 6.5") == (3, 4, 5, 6.5)
    assert parse_answers("2**3") == (8,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" , ", "--answers needs at least one number"),
        ("", "--answers needs at least one number"),
        ("1,x", "--answers, answer 2: 'x' is a name, not a number"),
        ("1,,2", "--answers, answer 2: the answer is empty"),
        ("1e200", "--answers, answer 1: '1e200' is too large"),
    ],
)
def test_parse_answers_names_the_bad_answer(text: str, message: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse_answers(text)
    assert str(refused.value).startswith(message)


def test_run_provider_with_scripted_answers_echoes_each_question_and_answer() -> None:
    lines: list[str] = []
    result = run_provider(scripted_answers([1, 2, 3, 4], echo=lines.append), echo=lines.append)
    assert result == (1 + 2) + (9 + 4) + 100
    assert lines == [
        "computer: get val x 1",
        "computer: get val y 2",
        "provider: got 3 from computer",
        "computer: get val x 3",
        "computer: get val y 4",
        "provider: got 13 from computer",
        "StopIteration: 116",
    ]


def test_run_provider_stops_and_closes_when_answers_run_out() -> None:
    lines: list[str] = []
    assert run_provider(scripted_answers([1, 2, 3], echo=lines.append), echo=lines.append) is None
    assert lines[-1] == "computer: get val x 3"


def test_seeded_answers_replay_the_seed() -> None:
    rng = random.Random(5)
    assert seeded_answers(random.Random(5)) == [rng.randint(0, 9) for _ in range(4)]


def test_stream_asker_reasks_after_a_non_number_and_echoes_piped_answers() -> None:
    out = io.StringIO()
    ask = stream_asker(io.StringIO("abc\n 2**2\n"), out=out)
    assert ask("x? ") == 4
    assert out.getvalue() == (
        "x? abc\n"
        "'abc' is a name, not a number. Please type a number, e.g. 7, 2.5 or 2**3.\n"
        "x?  2**2\n"
    )


def test_stream_asker_speaks_russian() -> None:
    out = io.StringIO()
    ask = stream_asker(io.StringIO("1/0\n3\n"), out=out, lang="ru")
    assert ask("x? ") == 3
    assert "В '1/0' деление на ноль. Введите число, например 7, 2.5 или 2**3.\n" in out.getvalue()


def test_stream_asker_escapes_what_it_echoes() -> None:
    out = io.StringIO()
    ask = stream_asker(io.StringIO("\x1b[2J\n5\n"), out=out)
    assert ask("x? ") == 5
    assert "\x1b" not in out.getvalue()
    assert out.getvalue().startswith("x? \\x1b[2J\n")


def test_stream_asker_skips_the_rest_of_an_overlong_line() -> None:
    out = io.StringIO()
    ask = stream_asker(io.StringIO("7" * (MAX_LINE_CHARS * 3) + "\n8\n"), out=out)
    assert ask("x? ") == 8  # the long line is one refused answer, not three
    assert out.getvalue().count("too long") == 1


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
    assert "(no more answers: the provider was closed before it finished)" in lines
    assert lines[-1].startswith("# ")  # the notes follow


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=8), st.sampled_from(["en", "ru"]))
def test_no_input_at_any_point_ends_in_an_exception(lines: list[str], lang: str) -> None:
    out = io.StringIO()
    echoed: list[str] = []
    ask = stream_asker(io.StringIO("\n".join(lines)), out=out, lang=lang)
    result = show_provider(ask, echo=echoed.append, lang=lang)
    assert result is None or isinstance(result, int | float)
    if result is None:
        assert any("no more answers" in line or "ответов больше нет" in line for line in echoed)
