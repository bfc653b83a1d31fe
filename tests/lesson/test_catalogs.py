"""The translation catalogs: every message of the lesson in English and Russian, as shipped.

English is the source language; ``src/speedlab/locale/ru/LC_MESSAGES/speedlab.po`` holds the
Russian, and the ``.mo`` beside it is what the lesson reads (committed, and shipped as package
data). ``make translations`` extracts, merges and compiles; these tests fail until the source,
the ``.po`` and the ``.mo`` agree and every message is translated.
"""

from __future__ import annotations

import fnmatch
import io
import re
import string
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from speedlab.lesson._narrator import LANGUAGES, translations

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "src" / "speedlab" / "lesson"
LOCALE = ROOT / "src" / "speedlab" / "locale"
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]

# Messages whose translation is rightly the English text itself (Python syntax).
SAME_IN_EVERY_LANGUAGE = {"yield from"}


def catalog_of(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "speedlab.po").open("rb") as stream:
        return read_po(stream, locale=lang)


def source_messages() -> set[str]:
    found = extract_from_dir(str(LESSON), [("**.py", "python")], keywords=DEFAULT_KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_source_marks_messages_for_extraction() -> None:
    messages = source_messages()
    assert "a Thread" in messages  # narrator._(...)
    assert "the answer is empty" in messages  # N_(...)
    assert len(messages) > 50


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalog_holds_exactly_the_messages_of_the_source(lang: str) -> None:
    catalog = catalog_of(lang)
    in_catalog = {message.id for message in catalog if message.id}
    source = source_messages()
    assert source - in_catalog == set(), "not in the catalog: run make translations"
    assert in_catalog - source == set(), "no longer in the source: run make translations"
    assert not catalog.obsolete


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(lang: str) -> None:
    for message in catalog_of(lang):
        if not message.id:
            continue
        assert isinstance(message.string, str)
        assert message.string.strip(), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        if message.id not in SAME_IN_EVERY_LANGUAGE:
            assert message.string != message.id, f"copied, not translated: {message.id!r}"
            assert re.search("[а-яё]", message.string, re.IGNORECASE), message.id


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_placeholder(lang: str) -> None:
    for message in catalog_of(lang):
        if message.id:
            assert isinstance(message.id, str)
            assert isinstance(message.string, str)
            assert placeholders(message.string) == placeholders(message.id), message.id


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_committed_mo_is_the_compiled_po(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalog_of(lang))
    committed = (LOCALE / lang / "LC_MESSAGES" / "speedlab.mo").read_bytes()
    assert compiled.getvalue() == committed, "stale .mo: run make translations"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_lesson_reads_the_shipped_catalog(lang: str) -> None:
    catalog = catalog_of(lang)
    loaded = translations(lang)
    for message in catalog:
        if message.id:
            assert loaded.gettext(str(message.id)) == message.string


def test_the_compiled_catalogs_are_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["speedlab"]
    package = ROOT / "src" / "speedlab"
    for lang in TRANSLATED:
        shipped = (LOCALE / lang / "LC_MESSAGES" / "speedlab.mo").relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(shipped, pattern) for pattern in patterns), shipped
