"""How a lesson speaks: program output as it is, explanations translated, wrapped and optional.

Every ``speedlab lesson`` demo prints three kinds of line, and the :class:`Narrator` keeps them
apart so that each is treated right:

- the programs themselves and what they print (``>>> next(obj_fun)``, ``42``, ``SEC 1 from
  prim``): code and its output, never translated, exactly as Python prints them, as the lecture
  (written in Russian) shows them too;
- headings naming the lecture's programs, translated;
- notes: the lecture's point in a few sentences, translated, wrapped to ``NOTE_WIDTH`` columns
  and prefixed with ``# `` like a comment in a transcript; ``notes=False`` leaves them out.

Translations are gettext catalogs read with the standard library: English is the source
language, Russian (the lecture's) is ``speedlab/locale/ru/LC_MESSAGES/speedlab.mo``, compiled
from the ``.po`` beside it by Babel (``make translations``). The compiled ``.mo`` is committed
and shipped as package data, so that a fresh clone and an installed wheel both speak Russian
without a build step; a test checks that compiling the ``.po`` gives exactly the committed file.

    >>> lines: list[str] = []
    >>> narrator = Narrator(echo=lines.append, lang="ru")
    >>> narrator.heading(narrator._("a coroutine that keeps a running mean"))
    >>> lines
    ['== корутина, которая считает среднее на лету ==']
"""

from __future__ import annotations

import functools
import gettext
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from speedlab._exceptions import SpeedlabError, UsageError

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "NOTE_PREFIX",
    "NOTE_WIDTH",
    "N_",
    "Echo",
    "Narrator",
    "translations",
]

#: Where each line of a demo goes (``print`` by default; tests pass ``list.append``).
Echo = Callable[[str], None]

#: The languages a lesson speaks: the source language first, then the lecture's.
LANGUAGES = ("en", "ru")

# English is the language the messages are written in; it needs no catalog.
DEFAULT_LANGUAGE = "en"

# The gettext domain: the catalogs are speedlab/locale/<lang>/LC_MESSAGES/speedlab.mo.
DOMAIN = "speedlab"

# Notes are wrapped to fit an 80-column terminal with room to spare.
NOTE_WIDTH = 78

# A note reads like a comment in a Python transcript, and is easy to tell from output.
NOTE_PREFIX = "# "


def N_(message: str) -> str:  # gettext's conventional name
    """Mark ``message`` for translation without translating it yet (it is translated on use).

    Args:
        message: An English message, found by Babel's extractor through this name.

    Returns:
        ``message`` unchanged.
    """
    return message


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """Load the catalog of ``lang`` once; English is the source and needs none.

    Args:
        lang: One of :data:`LANGUAGES`.

    Returns:
        A gettext translations object (``NullTranslations`` for English).

    Raises:
        UsageError: ``lang`` is not one of :data:`LANGUAGES`.
        SpeedlabError: The compiled catalog is missing from this installation.
    """
    if lang not in LANGUAGES:
        raise UsageError(f"--lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    catalog = resources.files("speedlab") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with catalog.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    except OSError as exc:
        raise SpeedlabError(
            f"the {lang!r} catalog is missing from this installation ({exc.strerror})"
        ) from None


@dataclass(frozen=True)
class Narrator:
    """Print a demo: its programs' output as is, its headings and notes in ``lang``.

    Attributes:
        echo: Where each line goes.
        lang: One of :data:`LANGUAGES`.
        notes: Print the notes (``False``: only headings, programs and their output).
        width: Columns a note's lines fit in, prefix included.
    """

    echo: Echo = print
    lang: str = DEFAULT_LANGUAGE
    notes: bool = True
    width: int = NOTE_WIDTH

    def __post_init__(self) -> None:
        translations(self.lang)  # refuse an unknown language now, not at the first note

    def _(self, message: str) -> str:
        """Translate ``message`` (mark it so: ``narrator._("...")`` is what Babel extracts)."""
        return translations(self.lang).gettext(message)

    def out(self, text: str) -> None:
        """Print one line of a program's output, untranslated."""
        self.echo(text)

    def code(self, source: str) -> None:
        """Print source code as typed at the Python prompt.

        A statement starts with ``>>> ``; the lines that continue it (indented, ``else:``,
        or the ``def`` under a decorator) with ``... ``. Blank lines are left out.
        """
        continues = False
        for line in source.splitlines():
            if not line.strip():
                continue
            continues = continues or line[0].isspace() or line.startswith(_CONTINUATIONS)
            self.echo(("... " if continues else ">>> ") + line)
            continues = line.startswith("@")

    def heading(self, title: str) -> None:
        """Print the heading of a demo (``title`` already translated)."""
        self.echo(f"== {title} ==")

    def section(self, title: str) -> None:
        """Print the heading of one program inside a demo (``title`` already translated)."""
        self.echo(f"-- {title} --")

    def note(self, text: str) -> None:
        """Print an explanation (already translated), wrapped, unless notes are off."""
        if not self.notes:
            return
        for line in _wrap(text, self.width - len(NOTE_PREFIX)):
            self.echo(NOTE_PREFIX + line)


# Lines that continue the statement above them rather than starting one.
_CONTINUATIONS = ("else", "elif", "except", "finally")


def _wrap(text: str, width: int) -> Iterable[str]:
    """Wrap ``text`` at spaces only, so that no word, name or URL is cut in two."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
