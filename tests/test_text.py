"""Text from servers made safe to show: escapes, redaction of secrets and fragments, plurals."""

from __future__ import annotations

import doctest
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import speedlab._text
from speedlab._text import MASK, MIN_FRAGMENT, NO_SECRETS, Redactor, plural, printable

TOKEN = "ghp_R3dact1onTestT0ken0123456789abcdef"
TOKEN_CHARS = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def test_the_module_s_examples_hold() -> None:
    assert doctest.testmod(speedlab._text).failed == 0


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("clear \x1b[2J screen", "clear \\x1b[2J screen"),
        ("title \x1b]0;owned\x07", "title \\x1b]0;owned\\x07"),
        ("c1 \x9b31m", "c1 \\x9b31m"),
        ("bidi \u202eevil", "bidi \\u202eevil"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("line\u2028break\nnew", "line\\u2028break\\x0anew"),
        ("Привет, naïve 東京 ok", "Привет, naïve 東京 ok"),
        ("tab\there\x7f", "tab\\x09here\\x7f"),
    ],
)
def test_printable_escapes_what_would_drive_a_terminal_and_keeps_letters(
    raw: str, shown: str
) -> None:
    assert printable(raw) == shown


@given(st.text())
@settings(max_examples=300)
def test_printable_text_is_printable_and_cleaning_is_idempotent(text: str) -> None:
    shown = printable(text)
    assert all(c.isprintable() or c == " " for c in shown)
    assert printable(shown) == shown
    redactor = Redactor(TOKEN)
    assert redactor.clean(redactor.clean(text)) == redactor.clean(text)


@pytest.mark.parametrize(
    "echo",
    [
        TOKEN,
        TOKEN.lower(),
        TOKEN.upper(),
        TOKEN.swapcase(),
        f"{TOKEN[:10]} {TOKEN[10:]}",  # a space put inside
        f"{TOKEN[:7]}\u200b{TOKEN[7:20]}\t{TOKEN[20:]}",  # invisible and white space inside
        f"{TOKEN[:12]}\x1b[0m{TOKEN[12:]}",  # an escape sequence inside (its letters stay)
        TOKEN[: MIN_FRAGMENT + 1],  # cut at a length limit
        TOKEN[-(MIN_FRAGMENT + 1) :],
        TOKEN[5:25],
    ],
)
def test_the_token_and_any_long_stretch_of_it_is_redacted(echo: str) -> None:
    redactor = Redactor(TOKEN)
    shown = redactor.clean(f"Bad credentials: {echo}; documentation_url: x")
    assert MASK in shown
    assert shown.startswith("Bad credentials: ")
    assert shown.endswith("; documentation_url: x")
    squeezed = re.sub(r"\s", "", shown).lower()
    for start in range(len(TOKEN) - MIN_FRAGMENT):
        assert TOKEN[start : start + MIN_FRAGMENT + 1].lower() not in squeezed


def test_short_stretches_and_ordinary_text_stay() -> None:
    redactor = Redactor(TOKEN)
    text = f"HTTP 401 for {TOKEN[:MIN_FRAGMENT]}: ghp_ is a prefix, 0123 a number"
    assert redactor.clean(text) == text
    assert NO_SECRETS.redact(TOKEN) == TOKEN  # no secret: nothing to hide
    assert not Redactor("short")  # too short to tell from text: ignored
    assert repr(Redactor(TOKEN)) == "Redactor(secrets)"  # never the secret itself


@given(
    token=st.text(TOKEN_CHARS, min_size=MIN_FRAGMENT + 1, max_size=60),
    before=st.text(max_size=40),
    after=st.text(max_size=40),
    start=st.integers(min_value=0, max_value=60),
    length=st.integers(min_value=MIN_FRAGMENT + 1, max_value=60),
    cuts=st.lists(st.integers(min_value=1, max_value=59), max_size=4),
    spacer=st.sampled_from([" ", "\t", "\n", "\u200b", "\u00a0", "\x1b"]),
    case=st.sampled_from([str.lower, str.upper, str.swapcase, str]),
)
@settings(max_examples=400)
def test_no_stretch_of_the_token_longer_than_eight_survives(
    token: str,
    before: str,
    after: str,
    start: int,
    length: int,
    cuts: list[int],
    spacer: str,
    case: object,
) -> None:
    assert callable(case)
    start = min(start, len(token) - MIN_FRAGMENT - 1)
    fragment = case(token[start : start + length])
    for cut in sorted({c for c in cuts if c < len(fragment)}, reverse=True):
        fragment = fragment[:cut] + spacer + fragment[cut:]
    shown = Redactor(token).clean(before + fragment + after)
    # Whatever survives, no MIN_FRAGMENT + 1 consecutive characters of the token can be
    # read in it, even ignoring white space and escapes and in any case.
    readable = re.sub(r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\U[0-9a-f]{8}|\s", "", shown).lower()
    folded = token.lower()
    for i in range(len(folded) - MIN_FRAGMENT):
        gram = folded[i : i + MIN_FRAGMENT + 1]
        assert gram not in readable or gram in re.sub(r"\s", "", (before + after).lower())


def test_clean_data_cleans_every_string_of_a_json_document() -> None:
    redactor = Redactor(TOKEN)
    document = {"records": [{"key": "x\x1b", "detail": f"echo {TOKEN.upper()}", "n": 3}]}
    assert redactor.clean_data(document) == {
        "records": [{"key": "x\\x1b", "detail": f"echo {MASK}", "n": 3}]
    }


def test_plural_forms() -> None:
    assert plural(1, "search") == "1 search"
    assert plural(0, "search") == "0 searches"
    assert plural(8, "id") == "8 ids"
    assert plural(1, "retry", "retries") == "1 retry"
    assert plural(2, "retry", "retries") == "2 retries"
