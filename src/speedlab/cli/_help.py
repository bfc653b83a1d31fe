"""How ``speedlab`` shows its help: typer's rich panels, without two kinds of noise.

typer 0.29 shows ``<bool>`` beside every flag (``--json <bool>``), as if the flag took a value,
and keeps the single line breaks of a docstring's later paragraphs, so a paragraph wrapped at
100 columns in the source is cut again mid-sentence by an 80-column terminal. The command
classes here fix both through public attributes of click's parameters and commands
(``metavar``, ``help``), once for every command: a flag's metavar becomes empty, and a
paragraph's lines are joined unless the paragraph is preformatted (an indented example, or
one that begins with click's ``\\b`` marker).

:func:`tidy_help` gives every command of an app these classes, so a command added later gets
them too without a word in its module.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

from speedlab.cli._signals import PassInterrupts

__all__ = ["Command", "Group", "reflow", "tidy_help"]

# Click's marker of a paragraph that must be shown as written.
_PREFORMATTED = "\b"


def reflow(text: str | None) -> str | None:
    """Join the lines of each paragraph of ``text``, so the terminal wraps it, not the source.

    A paragraph whose lines are indented (an example) or that begins with ``\\b`` is kept.

    Example:
        >>> reflow("Summary.\\n\\nOne sentence,\\nwrapped.\\n\\n  $ example\\n  $ two")
        'Summary.\\n\\nOne sentence, wrapped.\\n\\n  $ example\\n  $ two'
    """
    if not text:
        return text
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        if paragraph.startswith(_PREFORMATTED) or any(line[:1].isspace() for line in lines):
            paragraphs.append(paragraph)
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs)


def _without_type(option: Any) -> None:
    """Give a flag an empty metavar: typer shows the metavar, if any, instead of ``<bool>``."""
    if isinstance(option, TyperOption) and option.is_flag:
        option.metavar = ""


def _tidy(command: TyperCommand | TyperGroup) -> None:
    command.help = reflow(command.help)
    for param in command.params:
        _without_type(param)


class _Tidy:
    """Tidy a command's help once built, and its ``--help`` once made (click makes it late)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _tidy(self)  # type: ignore[arg-type]

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        """Return ``--help``, a flag like the others."""
        option: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        _without_type(option)
        return option


class Command(_Tidy, TyperCommand):
    """A subcommand whose help shows flags without a type and paragraphs unbroken."""


class Group(_Tidy, PassInterrupts, TyperGroup):
    """The root command: its own options (``--version``, ``--help``) tidied like a Command's,
    and an interrupt in a subcommand handed to ``main`` whole (see :class:`PassInterrupts`)."""


def tidy_help(app: typer.Typer) -> None:
    """Make every command registered on ``app`` so far a :class:`Command`.

    Call it after the last ``register(app)``; a command that names a class of its own keeps it
    (typer records ``TyperCommand`` when none is named).
    """
    for info in app.registered_commands:
        if info.cls is None or info.cls is TyperCommand:
            info.cls = Command
