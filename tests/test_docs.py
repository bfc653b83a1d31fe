"""The docs: every picture exists, and no page shows one without the command behind it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(DOCS.glob("*.md"))
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_picture_and_local_link_exists(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if "://" not in target:
            assert (page.parent / target).exists(), f"{page.name} links to a missing {target}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_figure_without_its_command_and_machine(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    pictures = IMAGE.findall(text)
    if not pictures:
        return
    for picture in pictures:
        folder = picture.split("/")[1]  # bench/<folder>/<picture>.png
        assert f"speedlab bench {folder}" in text, f"{page.name}: {picture} without its command"
        assert (DOCS / "bench" / folder / "results.json").is_file()
        svg = (DOCS / picture).with_suffix(".svg")
        assert svg.is_file(), f"{picture} has no SVG beside it"
    assert "CPython" in text, f"{page.name} does not name its Python"
    assert "cores" in text, f"{page.name} does not name its machine"


def test_the_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for page in PAGES:
        if page.name not in ("README.md", "answers.md"):
            assert f"({page.name})" in index, f"the docs index does not link {page.name}"


def _cells(line: str) -> list[str]:
    return [cell.strip().strip("*") for cell in line.strip().strip("|").split("|")]


def _rows(text: str) -> dict[tuple[str, ...], list[str]]:
    """A report table's rows by the cells that name them (one, or two where one repeats)."""
    lines = [_cells(ln) for ln in text.splitlines() if ln.startswith("| ")]
    rows = [cells for cells in lines if not cells[0].startswith("---")]
    firsts = [cells[0] for cells in rows]
    return {
        (cells[0],) if firsts.count(cells[0]) == 1 else (cells[0], cells[1]): cells
        for cells in rows
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_quotes_its_report_s_tables_as_they_are(page: Path) -> None:
    # A report regenerated without its page (or the reverse) would show other figures.
    text = page.read_text(encoding="utf-8")
    for folder in ("io", "cpu", "memory", "spinner"):
        if f"speedlab bench {folder} --out docs/bench/{folder}" not in text:
            continue
        report = _rows((DOCS / "bench" / folder / "tables.md").read_text(encoding="utf-8"))
        width = len(next(iter(report.values())))
        quoted = [c for c in map(_cells, text.splitlines()) if len(c) == width]
        shown = _rows("\n".join("| " + " | ".join(c) for c in quoted))
        for key, cells in shown.items():
            if key in report:
                assert cells == report[key], f"{page.name}: {key} differs from bench/{folder}"
