"""Make text from elsewhere safe to show: printable, free of secrets, and counted in English.

A server chooses the bytes of its messages, ``Location`` and ``Link`` URLs and headers, and
speedlab quotes them in reasons ("HTTP 403: ..."), progress lines, summaries and ``--json``.
Printed raw, an escape sequence there would drive the terminal (clear the screen, set the
window title, hide the rest of a line), and a server that echoes the token, even lower-cased,
split by a space or cut short, would get it printed. So all such text goes through one
:class:`Redactor`: once where it enters a reason (the GitHub job), and once more where it
leaves the program (progress lines and the command line), which costs little because both
steps are idempotent.

- :func:`printable` escapes every character that is not printable (ESC becomes ``\\x1b``,
  a right-to-left override ``\\u202e``); letters of any script stay as they are.
- :class:`Redactor` replaces any stretch of a secret longer than ``MIN_FRAGMENT`` characters,
  in any case, with ``********``, also when white space or invisible characters were put inside
  it; then it makes the text printable.

    >>> redactor = Redactor("ghp_0123456789abcdef")
    >>> redactor.clean("bad token GHP_0123456789ABC\\x1b[2J")
    'bad token ********\\\\x1b[2J'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

__all__ = [
    "MASK",
    "MIN_FRAGMENT",
    "NO_SECRETS",
    "Redactor",
    "plural",
    "plural_of",
    "printable",
    "quote_unsafe",
]

#: What a redacted stretch becomes.
MASK = "********"
#: A stretch of a secret this long or shorter may be shown (it says too little to matter);
#: anything longer is redacted.
MIN_FRAGMENT = 8


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """Return ``text`` with every non-printable character escaped (the space is kept).

    Control characters (C0, DEL, C1), format characters (bidirectional overrides, zero-width
    spaces), line and paragraph separators, unassigned and surrogate code points are written
    as Python escapes, so a terminal shows them instead of obeying them.

    >>> printable("ok \\x1b]0;owned\\x07 ok")
    'ok \\\\x1b]0;owned\\\\x07 ok'
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


# What may not appear raw in a URL: control characters, space, DEL and anything not ASCII.
_UNSAFE_IN_URL = re.compile(r"[^\x21-\x7e]+")


def _quote_run(match: re.Match[str]) -> str:
    # Headers arrive decoded as ISO-8859-1, so each character is one byte the server sent:
    # encode it back to that byte (UTF-8 sent as such comes out as its UTF-8 escapes).
    run = match.group()
    try:
        raw = run.encode("latin-1")
    except UnicodeEncodeError:  # not from a header: text of any script
        raw = run.encode("utf-8", "surrogatepass")
    return quote(raw, safe="")


def quote_unsafe(url: str) -> str:
    """Percent-encode what cannot appear raw in a URL from a server (``Location``, ``Link``).

    requests would quote such characters and aiohttp refuses them: encoding them first makes
    every model send the same request, and no raw control character reaches a message.

    >>> quote_unsafe("http://h/\x1b]0;x\x07 y")
    'http://h/%1B]0;x%07%20y'
    """
    return _UNSAFE_IN_URL.sub(_quote_run, url)


def _skippable(char: str) -> bool:
    # Characters a server could slip into an echoed secret to break it up.
    return char.isspace() or not char.isprintable()


class Redactor:
    """Hide secrets (and any long stretch of them) in text, and make the text printable.

    A secret is matched case-insensitively; white space and non-printable characters inside
    the text are skipped while matching, so ``"ghp_abc def..."`` still matches ``ghp_abcdef``.
    Every stretch of the text that spells ``MIN_FRAGMENT + 1`` or more consecutive characters
    of a secret is replaced, so a secret cut at a length limit is caught too.

    Args:
        *secrets: The values to hide (empty or short ones are ignored: a secret of
            ``MIN_FRAGMENT`` characters or fewer cannot be told from ordinary text).
    """

    __slots__ = ("_grams",)

    def __init__(self, *secrets: str) -> None:
        size = MIN_FRAGMENT + 1
        grams: set[str] = set()
        for secret in secrets:
            folded = secret.lower()
            grams.update(folded[i : i + size] for i in range(len(folded) - size + 1))
        self._grams = frozenset(grams)

    def __bool__(self) -> bool:
        return bool(self._grams)

    def __repr__(self) -> str:
        return f"Redactor({'secrets' if self._grams else 'nothing'})"

    def redact(self, text: str) -> str:
        """Return ``text`` with every long stretch of a secret replaced by ``MASK``."""
        grams = self._grams
        if not grams or len(text) <= MIN_FRAGMENT:
            return text
        # The text's characters that count, lower-cased, with their positions in ``text``.
        chars: list[str] = []
        where: list[int] = []
        for index, char in enumerate(text):
            if _skippable(char):
                continue
            for folded in char.lower():
                chars.append(folded)
                where.append(index)
        size = MIN_FRAGMENT + 1
        folded_text = "".join(chars)
        spans: list[list[int]] = []
        for start in range(len(folded_text) - size + 1):
            if folded_text[start : start + size] in grams:
                first, last = where[start], where[start + size - 1]
                if spans and first <= spans[-1][1] + 1:
                    spans[-1][1] = max(spans[-1][1], last)
                else:
                    spans.append([first, last])
        if not spans:
            return text
        parts: list[str] = []
        position = 0
        for first, last in spans:
            parts.append(text[position:first])
            parts.append(MASK)
            position = last + 1
        parts.append(text[position:])
        return "".join(parts)

    def clean(self, text: str) -> str:
        """Redact ``text``, then make it printable: for any text from outside before it is shown.

        Idempotent: cleaning clean text changes nothing.
        """
        return printable(self.redact(text))

    def clean_data(self, value: object) -> object:
        """Return ``value`` with every string inside it (keys too) cleaned.

        Walks dicts, lists and tuples (tuples become lists), as ``json.dumps`` would see them.
        """
        if isinstance(value, str):
            return self.clean(value)
        if isinstance(value, Mapping):
            return {
                self.clean(k) if isinstance(k, str) else k: self.clean_data(v)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.clean_data(item) for item in value]
        return value


#: Cleans without redacting anything: for text when there is no secret.
NO_SECRETS = Redactor()


def plural_of(word: str) -> str:
    """Return the English plural of a regular noun: ``search`` -> ``searches``, ``id`` -> ``ids``.

    >>> plural_of("search"), plural_of("unit")
    ('searches', 'units')
    """
    return f"{word}es" if word.endswith(("s", "x", "z", "ch", "sh")) else f"{word}s"


def plural(count: int, word: str, many: str | None = None) -> str:
    """Return ``"1 search"``, ``"2 searches"``, ``"0 ids"``: the count and the right form.

    Args:
        count: How many.
        word: The singular.
        many: The plural, when :func:`plural_of` gets it wrong.

    >>> plural(1, "search"), plural(2, "search"), plural(0, "retry", "retries")
    ('1 search', '2 searches', '0 retries')
    """
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or plural_of(word)}"
