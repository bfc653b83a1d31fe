"""The one way every command reads numbers (speedlab.cli._options), checked on every option.

The parsers are tested alone (hypothesis over arbitrary text), then every numeric option of
every command is found in the command tree and fed the same bad texts, so an option added
later without the shared parser fails here.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Iterator

import pytest
import typer
import typer.main
from hypothesis import given
from hypothesis import strategies as st
from typer.core import TyperArgument, TyperOption
from typer.models import ArgumentInfo, OptionInfo

from speedlab.cli import app, main
from speedlab.cli._options import (
    MAX_DIGITS,
    Integer,
    Number,
    integer,
    number,
    probability,
    seconds,
    shown,
)

# --- the parsers alone ----------------------------------------------------------------------


@given(st.text(max_size=30) | st.from_regex(r"\s*[+-]?[0-9]{1,3}(\.0?)?\s*", fullmatch=True))
def test_an_integer_is_exactly_digits_with_an_optional_sign(text: str) -> None:
    plain = re.fullmatch(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}", text.strip())
    if plain is not None:
        assert integer()(text) == int(text.strip())
        return
    with pytest.raises(typer.BadParameter) as caught:
        integer()(text)
    assert caught.value.message.startswith(shown(text.strip()) + " ")


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_every_integer_written_in_digits_reads_back(value: int) -> None:
    assert integer()(str(value)) == value
    assert integer()(f"+{value}" if value >= 0 else str(value)) == value


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_whole_numbers_written_as_decimals_are_refused_with_their_digits(value: int) -> None:
    for text in (f"{value}.0", f"{value:e}".replace("e+", "e")):
        if float(text) != value:  # %e rounds beyond six digits: not the same number
            continue
        with pytest.raises(typer.BadParameter) as caught:
            integer()(text)
        assert caught.value.message == (f"{text} is not an integer (write it in digits: {value})")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5.0", "5.0 is not an integer (write it in digits: 5)"),
        ("1e3", "1e3 is not an integer (write it in digits: 1000)"),
        ("1E3", "1E3 is not an integer (write it in digits: 1000)"),
        ("2.5", "2.5 is not an integer"),
        ("1e-3", "1e-3 is not an integer"),
        ("1e400", "1e400 is not an integer"),  # no 400-digit hint
        ("x", "x is not an integer"),
        ("", "'' is not an integer"),
        ("1_000", "1_000 is not an integer"),
        ("1,000", "1,000 is not an integer"),
        ("٣", "٣ is not an integer"),  # an Arabic-Indic three: int() would take it
        ("0x10", "0x10 is not an integer"),
        ("nan", "nan is not an integer"),
        ("7\x1b[2J", "'7\\x1b[2J' is not an integer"),  # a terminal escape is never echoed
        ("9" * (MAX_DIGITS + 1), "9" * 40 + "... has more than 100 digits"),
    ],
)
def test_integer_messages_name_the_text(text: str, message: str) -> None:
    with pytest.raises(typer.BadParameter) as caught:
        integer()(text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("parser", "text", "message"),
    [
        (integer(0, 1000), "-1", "-1 is out of range (0 to 1,000)"),
        (integer(0, 1000), "1001", "1001 is out of range (0 to 1,000)"),
        (integer(1), "0", "0 is out of range (1 or more)"),
        (integer(maximum=5), "6", "6 is out of range (5 or less)"),
        (integer(0, 10), "1" * 200, "1" * 40 + "... is out of range (0 to 10)"),
        (integer(choices=(403, 429)), "404", "404 is not 403 or 429"),
        (seconds(), "-0.5", "-0.5 is out of range (0 or more)"),
        (seconds(60), "61", "61 is out of range (0 to 60)"),
        (seconds(60), "1e999", "1e999 is out of range (0 to 60)"),
        (seconds(), "1e999", "1e999 is not a finite number"),
        (seconds(3600, above=0), "0", "0 is out of range (more than 0, at most 3,600)"),
        (number(above=0), "-1", "-1 is out of range (more than 0)"),
        (probability(), "1.5", "1.5 is out of range (0 to 1)"),
        (seconds(), "nan", "nan is not a number"),
        (seconds(), "NaN", "NaN is not a number"),
        (seconds(), "inf", "inf is not a finite number"),
        (seconds(), "-Infinity", "-Infinity is not a finite number"),
        (seconds(), "soon", "soon is not a number"),
        (seconds(), "1_0", "1_0 is not a number"),
        (seconds(), " ", "'' is not a number"),
    ],
)
def test_range_and_number_messages(parser: Integer | Number, text: str, message: str) -> None:
    with pytest.raises(typer.BadParameter) as caught:
        parser(text)
    assert caught.value.message == message


@given(
    st.text(max_size=30)
    | st.from_regex(r"\s*[+-]?[0-9.]{1,5}(e[+-]?[0-9]{1,3})?\s*", fullmatch=True)
)
def test_a_number_is_a_finite_decimal_or_refused(text: str) -> None:
    decimal = re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", text.strip())
    if decimal is not None and math.isfinite(float(text.strip())):
        assert number()(text) == float(text.strip())
        return
    with pytest.raises(typer.BadParameter) as caught:
        number()(text)
    assert caught.value.message.startswith(shown(text.strip()) + " ")


@pytest.mark.parametrize(
    ("parser", "text", "value"),
    [
        (integer(0, 10), " 10 ", 10),
        (integer(), "-0", 0),
        (integer(), "+7", 7),
        (seconds(), "0", 0.0),
        (seconds(), ".5", 0.5),
        (seconds(), "5.", 5.0),
        (seconds(), "1e-3", 0.001),
        (probability(), "1", 1.0),
        (integer(1), 3, 3),  # a default passes through as it is
        (seconds(), 2, 2.0),
    ],
)
def test_accepted_values(parser: Integer | Number, text: object, value: float) -> None:
    result = parser(text)
    assert result == value
    assert type(result) is type(value)


def test_bools_are_not_numbers() -> None:
    with pytest.raises(typer.BadParameter):
        integer()(True)
    with pytest.raises(typer.BadParameter):
        number()(False)


# --- every numeric option of every command -------------------------------------------------


def _numeric_parameters() -> Iterator[tuple[str, str, type, object]]:
    """Yield (command, parameter name, int or float, its typer info) for every number."""
    for info in app.registered_commands:
        assert info.callback is not None
        assert info.name is not None
        hints = typing.get_type_hints(info.callback, include_extras=True)
        for name, hint in hints.items():
            if typing.get_origin(hint) is not typing.Annotated:
                continue
            base, *extras = typing.get_args(hint)
            for kind in (int, float):
                if base == kind or kind in typing.get_args(base) or base == list[kind]:
                    declared = [e for e in extras if isinstance(e, OptionInfo | ArgumentInfo)]
                    yield info.name, name, kind, declared[0] if declared else None
                    break


def test_there_are_numbers_in_every_command_that_takes_them() -> None:
    commands = {command for command, *_ in _numeric_parameters()}
    assert commands == {"lesson", "primes", "github", "fakehub", "demo", "spin", "bench"}


def test_every_numeric_parameter_uses_the_shared_parsers() -> None:
    for command, name, kind, declared in _numeric_parameters():
        assert declared is not None, (command, name)
        parser = declared.parser  # type: ignore[attr-defined]
        expected = Integer if kind is int else Number
        assert isinstance(parser, expected), f"speedlab {command}: {name} has parser {parser!r}"


def _cli_names() -> Iterator[tuple[str, str, list[str], type]]:
    """Yield (command, shown name, argv prefix, kind) for each numeric parameter, as typed."""
    group = typer.main.get_command(app)
    kinds = {(command, name): kind for command, name, kind, _ in _numeric_parameters()}
    for command_name, command in group.commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            kind = kinds.get((command_name, param.name))
            if kind is None:
                continue
            if isinstance(param, TyperOption):
                option = max(param.opts, key=len)
                prefix = ["primes"] if command_name == "lesson" else []
                yield command_name, option, [command_name, *prefix, option], kind
            else:
                assert isinstance(param, TyperArgument)
                yield command_name, str(param.metavar), [command_name, "--check"], kind


_ALL = list(_cli_names())


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("command", "name", "argv", "kind"), _ALL, ids=[c[1] for c in _ALL])
def test_every_option_refuses_the_same_texts_in_the_same_words(
    capsys: pytest.CaptureFixture[str], command: str, name: str, argv: list[str], kind: type
) -> None:
    if kind is int:
        cases = {
            "5.0": "5.0 is not an integer (write it in digits: 5)",
            "1e3": "1e3 is not an integer (write it in digits: 1000)",
            "x": "x is not an integer",
        }
    else:
        cases = {"nan": "nan is not a number", "inf": "inf is not a finite number"}
    for text, problem in cases.items():
        assert main([*argv, text]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == f"speedlab: error: {name}: {problem}\n", (command, text)


def test_negative_numbers_after_check_get_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    for value in ("-7", "-7.5", "-.5", "-1e3"):
        assert main(["primes", "--check", "7", value]) == 2
        assert capsys.readouterr().err == (
            f"speedlab: error: no such option: {value[:2]} (to give a negative number as an "
            "argument, put -- before it, after the options)\n"
        )
    # Following the hint: -7 is then read as a number, and refused as one.
    assert main(["primes", "--check", "--", "-7"]) == 2
    assert capsys.readouterr().err == (
        "speedlab: error: NUMBER: -7 is out of range (0 to 1,000,000,000,000,000)\n"
    )
    # A negative value of an option was always read as a value.
    assert main(["primes", "--count", "-2"]) == 2
    assert "--count: -2 is out of range" in capsys.readouterr().err
    # An unknown option that is not a number keeps click's message.
    assert main(["primes", "--cheque", "7"]) == 2
    assert capsys.readouterr().err.startswith("speedlab: error: No such option: --cheque")


def test_choices_are_worded_like_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lesson", "primes", "--lang", "de"]) == 2
    assert capsys.readouterr().err == "speedlab: error: --lang: 'de' is not one of 'en', 'ru'.\n"
    assert main(["lesson", "nope"]) == 2
    assert capsys.readouterr().err == (
        "speedlab: error: NAME: 'nope' is not one of 'generators', 'primes', 'averager', "
        "'delegation', 'provider', 'runner', 'asyncio-basics', 'threads-processes', 'all'.\n"
    )
    assert main(["lesson"]) == 2  # a missing argument keeps click's words
    assert capsys.readouterr().err == "speedlab: error: Missing argument 'NAME'.\n"


def test_count_zero_means_no_item_in_lesson_and_primes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["primes", "--count", "0"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["primes", "--count", "0", "--json"]) == 0
    assert capsys.readouterr().out == "[]\n"
    assert main(["lesson", "primes", "--count", "0", "--no-notes", "--tick", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:3] == [">>> list(islice(create_prime_stream(), 0))", "[]"]
    # ... and both helps say so.
    for command, words in (("primes", "0 prints none"), ("lesson", "0 runs no step")):
        assert main([command, "--help"]) == 0
        assert words in " ".join(capsys.readouterr().out.replace("│", " ").split())
