"""Every command's --help, as a new user sees it: in a pipe and on a terminal, 80 columns wide.

The help is rendered in a real subprocess (rich measures the real stream), then checked: no
line wider than the terminal, no ``<bool>`` beside a flag, no word or URL of the help text cut
or ellipsized, no paragraph broken before the line is full; and bare ``speedlab`` prints the
help on standard error with exit code 2.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import typer.main

from speedlab.cli import app, main
from speedlab.cli._help import Command, Group, reflow

COMMANDS = ["", "lesson", "primes", "github", "fakehub", "demo", "spin", "bench"]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_URL = re.compile(r"[a-z]+://[^\s),;]+")
_BOX = "│╭╮╰╯─"


def _render(command: str, columns: int, *, terminal: bool = False) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "TERM")}
    env.update(COLUMNS=str(columns), LINES="50", TERM="xterm-256color")
    if terminal:
        env["FORCE_COLOR"] = "1"  # rich then styles as on a terminal
    argv = [sys.executable, "-m", "speedlab", *([command] if command else []), "--help"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    if terminal:
        assert "\x1b[" in done.stdout  # styled, as a terminal shows it
    return _ANSI.sub("", done.stdout)


def _help_texts(command: str) -> Iterator[str]:
    """The prose a command's help shows: its description, and each parameter's help."""
    group = typer.main.get_command(app)
    cmd = group.commands[command] if command else group  # type: ignore[attr-defined]
    yield cmd.help or ""
    for param in cmd.params:
        yield getattr(param, "help", None) or ""


def _placeholders(command: str) -> Iterator[str]:
    """What the help shows after each option: its metavar or type (``N``, ``<en|ru>``)."""
    group = typer.main.get_command(app)
    cmd = group.commands[command] if command else group  # type: ignore[attr-defined]
    ctx = typer.Context(cmd)
    for param in cmd.params:
        shown = param.display_type_rich(ctx)
        if shown:
            yield shown


def _words(text: str) -> set[str]:
    return {word for word in text.split() if word.strip(_BOX)}


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("columns", [80, 200])
@pytest.mark.parametrize("command", COMMANDS, ids=[c or "speedlab" for c in COMMANDS])
def test_help_fits_and_cuts_nothing(command: str, columns: int, terminal: bool) -> None:
    text = _render(command, columns, terminal=terminal)
    lines = text.splitlines()
    assert lines
    assert "Usage: speedlab" in text
    too_wide = [line for line in lines if len(line) > columns]
    assert not too_wide, too_wide
    assert "<bool>" not in text
    assert "…" not in text  # rich's mark of a cut word
    shown = _words(text)
    for source in _help_texts(command):
        for url in _URL.findall(source):
            assert url in text, f"{url} is split across lines"
        cut = _words(source) - shown
        assert not cut, f"words cut or lost: {sorted(cut)}"
    for placeholder in _placeholders(command):
        assert placeholder in shown, f"{placeholder} is split across lines"


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", COMMANDS, ids=[c or "speedlab" for c in COMMANDS])
def test_paragraphs_break_only_where_the_line_is_full(command: str, columns: int) -> None:
    text = _render(command, columns)
    description = text.split("╭")[0].splitlines()
    width = columns - 1  # rich pads the help by one column on each side
    for line, following in itertools.pairwise(description):
        prose = line.startswith(" ") and not line.startswith("  ")
        next_prose = following.startswith(" ") and not following.startswith("  ")
        if not (prose and next_prose and line.strip() and following.strip()):
            continue
        first_word = following.split()[0]
        assert len(line.rstrip()) + 1 + len(first_word) > width, (line, following)


def test_bare_speedlab_prints_the_help_on_stderr_and_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "speedlab"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Usage: speedlab [OPTIONS] COMMAND [ARGS]..." in done.stderr
    for command in COMMANDS[1:]:
        assert f"│ {command} " in done.stderr


def test_bare_speedlab_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Commands" in captured.err


def test_every_command_and_the_root_use_the_tidy_classes() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, Group)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert isinstance(command, Command), name


def test_flags_have_an_empty_metavar_and_values_keep_theirs() -> None:
    group = typer.main.get_command(app)
    github = group.commands["github"]  # type: ignore[attr-defined]
    metavars = {param.name: param.metavar for param in github.params}
    assert metavars["force"] == ""
    assert metavars["resume"] == ""
    assert metavars["as_json"] == ""
    assert metavars["model"] == "MODEL"
    assert metavars["timeout"] == "SECONDS"
    ctx = typer.Context(github)
    help_option = github.get_help_option(ctx)
    assert help_option is not None
    assert help_option.metavar == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", ""),
        ("One line.", "One line."),
        ("Summary\nwrapped.\n\nA paragraph\nwrapped twice\nin the source.", None),
        ("Intro:\n\n  speedlab x\n  speedlab y", "Intro:\n\n  speedlab x\n  speedlab y"),
        ("\bkept\nas is", "\bkept\nas is"),
    ],
)
def test_reflow_joins_prose_and_keeps_examples(text: str | None, expected: str | None) -> None:
    result = reflow(text)
    if expected is None and text is not None:
        assert result == "Summary wrapped.\n\nA paragraph wrapped twice in the source."
    else:
        assert result == expected
