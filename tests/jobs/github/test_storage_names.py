"""File names of keywords in any script (storage.filename_for): readable, safe, one-to-one.

A keyword keeps its letters (``данные`` is saved as ``данные-<hash>``), and the name stays safe
on every file system: NFC, no control, format or reserved character, no Windows reserved name,
at most 100 bytes of UTF-8, one file per exact keyword text (even where a file system ignores
case or normalises names), and names of ASCII keywords unchanged, so earlier downloads resume.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab.jobs.github._query import search_query
from speedlab.jobs.github._search import SearchResult
from speedlab.jobs.github._storage import OutputDir, filename_for, is_saved, render

# Every code point, lone surrogates, controls and unassigned ones included.
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=60)
# Scripts with marks that do not compose, letters of 2, 3 and 4 bytes, and trouble.
PIECES = st.sampled_from(
    [
        "данные",
        "Данные",
        "नमस्ते",
        "ਪੰਜਾਬੀ",
        "数据科学",
        "𝔘𝔫𝔦",
        "café",
        "cafe\u0301",
        "İstanbul",
        "ß",
        "ǅ",
        "K",  # KELVIN SIGN: lower-cases to ASCII k
        "ﷺ",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\u0301",
        "\ud800",
        "/",
        "\\",
        ":",
        "*",
        "?",
        '"',
        "<",
        ">",
        "|",
        ".",
        " ",
        "\x00",
        "\x1f",
        "\x7f",
        "con",
        "COM1",
        "lpt¹",
        "_",
        "-",
    ]
)
KEYWORDS = st.one_of(
    ANY_TEXT,
    st.lists(st.one_of(PIECES, ANY_TEXT.map(lambda t: t[:3])), max_size=30).map("".join),
    st.text(st.characters(codec="utf-8"), min_size=100, max_size=300),
)
_RESERVED = set('<>:"/\\|?*')
_WINDOWS = {"con", "prn", "aux", "nul"} | {
    f"{d}{i}" for d in ("com", "lpt") for i in "0123456789¹²³"
}


def assert_safe(name: str) -> None:
    """Everything every file system asks of a name, and that it stays inside its directory."""
    encoded = name.encode("utf-8")  # strict: no lone surrogate
    assert 0 < len(encoded) <= 100, (name, len(encoded))
    assert unicodedata.is_normalized("NFC", name)
    for ch in name:
        assert unicodedata.category(ch)[0] in "LMN" or ch in "-_", (name, ch)
        assert ch not in _RESERVED
    assert not name.startswith((".", "-", " "))
    assert not name.endswith((".", " "))
    assert name.split(".")[0].casefold() not in _WINDOWS
    assert name not in (".", "..")
    assert os.path.dirname(os.path.join("out", name)) == "out"


def test_a_keyword_in_any_script_keeps_its_letters() -> None:
    digest = hashlib.sha256("данные".encode()).hexdigest()[:16]
    assert filename_for("данные") == f"данные-{digest}"
    assert re.fullmatch(r"данные-[0-9a-f]{16}", filename_for("Данные"))
    assert filename_for("Данные") != filename_for("данные")
    assert filename_for("нейронные сети").startswith("нейронные-сети-")
    assert filename_for("数据科学").startswith("数据科学-")
    assert filename_for("नमस्ते दुनिया").startswith("नमस्ते-दुनिया-")  # marks stay with letters
    assert filename_for("\u202eevil").startswith("evil-")  # no right-to-left override


def test_nfc_and_nfd_spellings_are_two_keywords_with_one_slug() -> None:
    composed, decomposed = "café", "cafe\u0301"
    assert composed != decomposed
    assert unicodedata.normalize("NFC", decomposed) == composed
    names = filename_for(composed), filename_for(decomposed)
    assert names[0] != names[1]  # GitHub is sent the text as typed: two searches, two files
    assert names[0][:-16] == names[1][:-16] == "café-"  # both NFC


def _legacy(keyword: str) -> str:
    """filename_for before non-ASCII letters were kept (to check that old files resume)."""
    digest = hashlib.sha256(keyword.encode("utf-8", "surrogatepass")).hexdigest()
    slug = re.sub(r"[^a-z0-9_]+", "-", keyword.lower())
    slug = slug[:40].strip("-_") or "keyword"
    return f"{slug}-{digest[:16]}"


@given(st.text(st.characters(max_codepoint=127), max_size=80))
@settings(max_examples=300)
def test_ascii_keywords_keep_the_names_of_earlier_versions(keyword: str) -> None:
    plain = re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", keyword)
    expected = keyword if plain and keyword not in _WINDOWS else _legacy(keyword)
    if plain and re.fullmatch(r".*-[0-9a-f]{16}", keyword):
        expected = _legacy(keyword)
    assert filename_for(keyword) == expected


def test_the_lectures_keywords_resume_under_their_old_names() -> None:
    assert filename_for("torch") == "torch"
    assert filename_for("ML") == "ml-a5713dc015b27286"


@given(KEYWORDS)
@settings(max_examples=500)
def test_every_name_is_safe_on_every_file_system(keyword: str) -> None:
    assert_safe(filename_for(keyword))


def _whole_slug(keyword: str) -> str:
    """The slug before any cut: letters, digits, '_' and the marks that follow them."""
    out = ""
    for ch in unicodedata.normalize("NFC", keyword.lower()):
        kind = unicodedata.category(ch)[0]
        if ch == "_" or kind in "LN" or (kind == "M" and out[-1:] not in ("", "-")):
            out += ch
        elif out[-1:] != "-":
            out += "-"
    return out


@given(st.lists(PIECES, min_size=1, max_size=80).map("".join))
def test_long_names_are_cut_between_whole_letters(keyword: str) -> None:
    name = filename_for(keyword)
    assert len(name.encode("utf-8")) <= 100
    slug = name[:-17]
    if slug == "keyword":
        return
    whole = _whole_slug(keyword)
    start = whole.find(slug)
    assert start >= 0
    # the start of the keyword, not a middle part (a leading mark has no letter to stay with)
    assert all(ch in "-_" or unicodedata.category(ch)[0] == "M" for ch in whole[:start])
    rest = whole[start + len(slug) :]
    assert not rest or unicodedata.category(rest[0])[0] != "M"  # no letter loses its marks


def _variants(text: str) -> set[str]:
    forms = {text, text.upper(), text.lower(), text.title(), text.swapcase(), text.casefold()}
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        forms |= {unicodedata.normalize(form, t) for t in list(forms)}
    return forms


@given(st.lists(KEYWORDS | PIECES, min_size=1, max_size=8))
@settings(max_examples=300)
def test_no_two_keywords_share_a_file_whatever_the_file_system(bases: list[str]) -> None:
    keywords = set().union(*(_variants(base) for base in bases))
    names = {filename_for(k) for k in keywords}
    assert len(names) == len(keywords)
    # A file system may ignore case (Windows, macOS) or normalise names (macOS): still apart.
    folded = {unicodedata.normalize("NFD", name).casefold() for name in names}
    assert len(folded) == len(names)


def _result(keyword: str) -> SearchResult:
    return SearchResult(keyword, search_query(keyword), (1, 2), 2, False, 1, "done")


@given(KEYWORDS.filter(lambda k: k.strip() and not any(0xD800 <= ord(c) < 0xE000 for c in k)))
@settings(max_examples=100, deadline=None)
def test_a_saved_keyword_resumes_and_no_other_one_does(keyword: str) -> None:
    with tempfile.TemporaryDirectory() as root:
        out = Path(root) / "out"
        for fmt in ("json", "list"):
            data = render(_result(keyword), fmt, fetched_at="2026-01-01T00:00:00Z")
            path = OutputDir(out).save(filename_for(keyword), data)
            assert path.parent == out.resolve()
            assert is_saved(out, keyword, fmt)
            for other in _variants(keyword) - {keyword}:
                if other.strip():
                    assert not is_saved(out, other, fmt), (keyword, other)
            path.unlink()
        assert list(out.iterdir()) == []


@pytest.mark.parametrize("keyword", ["данные", "café", "cafe\u0301", "数据科学" * 30, "a/b", ".."])
def test_real_files_get_exactly_these_names(tmp_path: Path, keyword: str) -> None:
    name = filename_for(keyword)
    OutputDir(tmp_path).save(name, b"[1]")
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert is_saved(tmp_path, keyword, "list")
