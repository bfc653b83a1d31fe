"""The narrator: program lines untouched, notes wrapped and optional, headings translated."""

from __future__ import annotations

import pytest

from speedlab._exceptions import UsageError
from speedlab.lesson._narrator import N_, NOTE_PREFIX, NOTE_WIDTH, Narrator, translations


def narrate(**options: object) -> tuple[Narrator, list[str]]:
    lines: list[str] = []
    return Narrator(echo=lines.append, **options), lines  # type: ignore[arg-type]


def test_output_and_code_are_printed_as_they_are_in_every_language() -> None:
    for lang in ("en", "ru"):
        n, lines = narrate(lang=lang)
        n.out("SEC 1 from first prim")
        n.code("core = primary()\nfor i in range(3):\n    print(next(core))")
        assert lines == [
            "SEC 1 from first prim",
            ">>> core = primary()",
            ">>> for i in range(3):",
            "...     print(next(core))",
        ]


def test_code_continues_statements_after_decorators_and_else_and_skips_blank_lines() -> None:
    n, lines = narrate()
    n.code("@types.coroutine\ndef computer():\n    pass\n\nif x:\n    a()\nelse:\n    b()")
    assert lines == [
        ">>> @types.coroutine",
        "... def computer():",
        "...     pass",
        ">>> if x:",
        "...     a()",
        "... else:",
        "...     b()",
    ]


def test_notes_are_wrapped_prefixed_and_never_cut_a_word() -> None:
    n, lines = narrate()
    words = ["yield", "from", "secondary_with_a_rather_long_name()", "StopIteration.value"] * 12
    n.note(" ".join(words))
    assert len(lines) > 1
    assert all(line.startswith(NOTE_PREFIX) and len(line) <= NOTE_WIDTH for line in lines)
    assert " ".join(line.removeprefix(NOTE_PREFIX) for line in lines).split() == words


def test_no_notes_leaves_only_the_rest() -> None:
    n, lines = narrate(notes=False)
    n.heading("title")
    n.note("an explanation")
    n.out("42")
    assert lines == ["== title ==", "42"]


def test_headings_and_notes_are_translated_to_russian() -> None:
    n, lines = narrate(lang="ru")
    n.heading(n._("a coroutine that keeps a running mean"))
    n.section(n._("a Thread"))
    assert lines == ["== корутина, которая считает среднее на лету ==", "-- тред (Thread) --"]


def test_english_is_the_source_language() -> None:
    n, _ = narrate()
    assert n._("a Thread") == "a Thread"
    assert n._("a message nobody wrote") == "a message nobody wrote"


def test_an_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--lang must be one of en, ru, got 'de'"):
        Narrator(lang="de")
    with pytest.raises(UsageError):
        translations("ru_RU")


def test_the_russian_catalog_knows_the_plural_rule_of_the_lecture_language() -> None:
    catalog = translations("ru")
    assert catalog.info()["language"] == "ru"
    assert "nplurals=3" in catalog.info()["plural-forms"]


def test_n_marks_without_translating() -> None:
    assert N_("a Thread") == "a Thread"
