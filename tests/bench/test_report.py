"""The report folder: results.json, pictures, tables.md and a page that shows them all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from speedlab._exceptions import UsageError
from speedlab.bench import load_report, write_report
from tests.bench import _fixtures
from tests.bench._chromium import check_page, find_chromium

PICTURES = ["io-timeline", "cpu-timeline", "speedups", "spinner-gaps", "memory"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    write_report(_fixtures.report(), out)
    return out


def test_every_file_is_written(folder: Path) -> None:
    names = sorted(p.name for p in folder.iterdir())
    expected = [f"{n}.{ext}" for n in PICTURES for ext in ("png", "svg")]
    assert names == sorted([*expected, "index.html", "results.json", "tables.md"])
    for name in PICTURES:
        assert (folder / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert "<svg" in (folder / f"{name}.svg").read_text()[:500]


def test_the_page_links_every_picture_relatively_and_escapes_text(folder: Path) -> None:
    page = (folder / "index.html").read_text()
    for name in PICTURES:
        assert f'<img src="{name}.png"' in page
        assert f'<a href="{name}.svg">' in page
    assert "/tmp" not in page
    assert str(folder) not in page
    assert "4 searches &lt;fake&gt;" in page
    assert "<fake>" not in page
    assert "made-up figures &amp; &lt;tags&gt;" in page
    assert "Test CPU &lt;1&gt;" in page
    assert "speedlab bench all --quick --out &#x27;a b&#x27;" in page
    assert "<script" not in page
    assert "fastest: processes" in page


def test_tables_md_holds_every_table_and_the_command(folder: Path) -> None:
    text = (folder / "tables.md").read_text()
    assert text.startswith("Measured on Test CPU <1>, 2 cores")
    assert text.count("| model |") == 2
    assert "| way |" in text
    assert "| spinner |" in text
    assert "`speedlab bench all --quick --out 'a b'`" in text


def test_the_report_is_redrawn_from_its_json(folder: Path, tmp_path: Path) -> None:
    again = write_report(load_report(folder / "results.json"), tmp_path / "again")
    assert (tmp_path / "again" / "tables.md").read_text() == (folder / "tables.md").read_text()
    assert len(again.pictures) == 2 * len(PICTURES)


def test_an_out_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        write_report(_fixtures.report(), tmp_path / "file")


def _need_chromium() -> None:
    if find_chromium() is None:
        if os.environ.get("SPEEDLAB_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is not installed (make test installs it)")
        pytest.skip("chromium is not installed; make test installs it")


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_chromium_shows_every_picture_without_a_console_error(folder: Path) -> None:
    _need_chromium()
    check = check_page(folder / "index.html")
    assert check.title == "speedlab bench"
    assert sorted(src for src, _, _ in check.images) == sorted(f"{n}.png" for n in PICTURES)
    assert check.broken == []
    assert all(width > 300 for _, _, width in check.images)
    assert check.errors == []


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_chromium_notices_a_missing_picture(tmp_path: Path) -> None:
    _need_chromium()
    out = tmp_path / "out"
    write_report(_fixtures.report(), out)
    (out / "memory.png").unlink()
    check = check_page(out / "index.html")
    assert check.broken == ["memory.png"]
    assert any("memory.png" in e or "ERR_FILE_NOT_FOUND" in e for e in check.errors)


def test_every_file_of_the_report_is_written_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A report read while it is rewritten (a browser open on index.html) is the old or the new.
    import speedlab.bench._report as report_module

    through: list[str] = []
    real = report_module.save_atomic

    def recording(out_dir: Path | str, name: str, data: bytes, **kwargs: bool) -> Path:
        through.append(name)
        return real(out_dir, name, data, **kwargs)

    monkeypatch.setattr(report_module, "save_atomic", recording)
    write_report(_fixtures.report(), tmp_path)
    written = {p.name for p in tmp_path.iterdir()} - {"results.json"}
    assert written == set(through)
    assert {"index.html", "tables.md"} <= written
    assert any(name.endswith(".svg") for name in written)
