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
