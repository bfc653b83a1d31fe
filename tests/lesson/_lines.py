"""Reading a demo's lines in tests: its notes as one text, its programs' output alone."""

from __future__ import annotations

from collections.abc import Iterable

from speedlab.lesson._narrator import NOTE_PREFIX

__all__ = ["notes_of", "output_of"]


def notes_of(lines: Iterable[str]) -> str:
    """Every note, unwrapped into one text, so that a test can look for a whole sentence."""
    return " ".join(
        line.removeprefix(NOTE_PREFIX) for line in lines if line.startswith(NOTE_PREFIX)
    )


def output_of(lines: Iterable[str]) -> list[str]:
    """The programs' own output: no code, no headings, no notes."""
    return [line for line in lines if not line.startswith((">>> ", "... ", "-- ", NOTE_PREFIX))]
