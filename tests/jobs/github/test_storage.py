"""File names from keywords, the file formats, atomic writes and resume checks."""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab._exceptions import UnsafeOutputPath
from speedlab.jobs.github._job import DEFAULT_KEYWORDS
from speedlab.jobs.github._search import SearchResult
from speedlab.jobs.github._storage import (
    OutputDir,
    filename_for,
    is_saved,
    render,
    save_atomic,
)

NASTY = st.sampled_from(
    [
        "/",
        "\\",
        "..",
        ".",
        "\x00",
        "\n",
        "\x7f",
        " ",
        "~",
        ":",
        "*",
        "?",
        "con",
        "NUL",
        "ML",
        "é",
        "\u202e",
        "\ud7ff",
        "𝔘",
        "-",
        "_",
    ]
)
KEYWORDS = st.one_of(
    st.text(),
    st.lists(st.one_of(NASTY, st.text(max_size=3)), max_size=12).map("".join),
    st.text(min_size=100, max_size=400),
    st.from_regex(r"[a-z0-9][a-z0-9_-]{0,70}", fullmatch=True),
)


def result(ids: tuple[int, ...] = (1, 2, 3), **changes: object) -> SearchResult:
    fields: dict[str, object] = {
        "keyword": "torch",
        "query": "torch language:python",
        "ids": ids,
        "total_count": 42,
        "incomplete_results": False,
        "pages": 1,
        "status": "done",
    }
    fields.update(changes)
    return SearchResult(**fields)  # type: ignore[arg-type]


def test_the_lectures_keywords_keep_their_names_except_ml() -> None:
    assert [filename_for(k) for k in DEFAULT_KEYWORDS[:7]] == list(DEFAULT_KEYWORDS[:7])
    # 'ML' is not lower case: kept as 'ML' it would clash with 'ml' on a case-insensitive disk.
    assert filename_for("ML") == "ml-a5713dc015b27286"
    assert filename_for("ml") == "ml"


@pytest.mark.parametrize(
    ("keyword", "name"),
    [
        ("web scraping", "web-scraping-"),
        ("../../etc/passwd", "etc-passwd-"),
        ("..", "keyword-"),
        ("", "keyword-"),
        ("con", "con-"),
        ("com1", "com1-"),
        ("-leading", "leading-"),
        ("a" * 65, "a" * 40 + "-"),
        ("abc-0123456789abcdef", "abc-0123456789abcdef-"),  # looks hashed: hashed itself
    ],
)
def test_unsafe_or_ambiguous_keywords_are_hashed(keyword: str, name: str) -> None:
    result_name = filename_for(keyword)
    assert result_name.startswith(name)
    assert re.fullmatch(r".*-[0-9a-f]{16}", result_name)


def check_name(name: str) -> None:
    assert 0 < len(name.encode("utf-8")) <= 100
    # letters, marks and digits of any script, '_' and '-': no separator, dot or control
    assert all(ch in "-_" or unicodedata.category(ch)[0] in "LMN" for ch in name), name
    assert unicodedata.category(name[0])[0] in "LN"
    assert name == unicodedata.normalize("NFC", name)
    assert name == name.lower()
    assert name not in {"con", "prn", "aux", "nul"}


@given(KEYWORDS)
@settings(max_examples=300)
def test_names_are_always_safe(keyword: str) -> None:
    check_name(filename_for(keyword))
    assert filename_for(keyword) == filename_for(keyword)


@given(st.lists(KEYWORDS, unique=True, min_size=2, max_size=20))
@settings(max_examples=200)
def test_distinct_keywords_never_share_a_file(keywords: list[str]) -> None:
    names = [filename_for(k) for k in keywords]
    assert len(set(names)) == len(names)
    # and not even on a case-insensitive file system
    assert len({n.casefold() for n in names}) == len(names)


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=20))
def test_case_only_differences_never_clash(keyword: str) -> None:
    for other in (keyword.swapcase(), keyword.upper(), keyword.lower()):
        if other != keyword:
            assert filename_for(other) != filename_for(keyword)


@given(KEYWORDS)
@settings(max_examples=150, deadline=None)
def test_save_atomic_never_writes_outside_out_dir(keyword: str) -> None:
    with tempfile.TemporaryDirectory() as root:
        out = Path(root) / "out"
        path = save_atomic(out, filename_for(keyword), b"[1]")
        assert path.resolve().parent == out.resolve()
        assert path.read_bytes() == b"[1]"
        assert sorted(p.name for p in Path(root).iterdir()) == ["out"]
        assert [p.name for p in out.iterdir()] == [path.name]


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "a\x00b"])
def test_save_atomic_refuses_names_that_are_not_plain(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafeOutputPath):
        save_atomic(tmp_path / "out", name, b"x")
    assert not (tmp_path / "x").exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_save_atomic_replaces_a_symlink_and_never_writes_where_it_leads(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "victim"
    outside.write_text("keep")
    (out / "torch").symlink_to(outside)
    path = save_atomic(out, "torch", b"[1]")
    assert outside.read_text() == "keep"
    assert not path.is_symlink()
    assert path.read_bytes() == b"[1]"


def test_save_atomic_replaces_and_creates_directories(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    save_atomic(out, "torch", b"old")
    path = save_atomic(str(out), "torch", b"new")
    assert path == (out / "torch").resolve()
    assert path.read_bytes() == b"new"
    assert [p.name for p in out.iterdir()] == ["torch"]


def test_a_failed_write_leaves_no_temp_file_and_the_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_atomic(tmp_path, "torch", b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        save_atomic(tmp_path, "torch", b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["torch"]
    assert (tmp_path / "torch").read_bytes() == b"old"


def test_an_interrupted_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_atomic(tmp_path, "torch", b"new")
    assert list(tmp_path.iterdir()) == []


def test_durable_writes_fsync_the_file_and_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    save_atomic(tmp_path, "torch", b"fast")
    assert synced == []
    save_atomic(tmp_path, "torch", b"durable", durable=True)
    assert len(synced) == 2
    assert (tmp_path / "torch").read_bytes() == b"durable"


def test_render_list_is_the_lectures_str_of_a_list() -> None:
    assert render(result((1, 2, 3)), "list", fetched_at="x") == b"[1, 2, 3]"
    assert render(result(()), "list", fetched_at="x") == b"[]"
    ids = (5_000_000_000, 7, 7)
    assert render(result(ids), "list", fetched_at="x") == str(list(ids)).encode()


def test_render_json_exact_bytes() -> None:
    data = render(
        result((1, 2), incomplete_results=True, pages=2), "json", fetched_at="2026-01-02T03:04:05Z"
    )
    assert data == (
        b"{\n"
        b'  "fetched_at": "2026-01-02T03:04:05Z",\n'
        b'  "ids": [\n    1,\n    2\n  ],\n'
        b'  "incomplete_results": true,\n'
        b'  "keyword": "torch",\n'
        b'  "pages": 2,\n'
        b'  "query": "torch language:python",\n'
        b'  "total_count": 42\n'
        b"}\n"
    )


def test_render_json_keeps_any_keyword_readable_back() -> None:
    keyword = "naïve/\x00\ud800"
    document = json.loads(render(result(keyword=keyword), "json", fetched_at="t"))
    assert document["keyword"] == keyword


def test_render_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(result(), "csv", fetched_at="t")  # type: ignore[arg-type]


def test_is_saved_list(tmp_path: Path) -> None:
    assert not is_saved(tmp_path, "torch", "list")
    save_atomic(tmp_path, "torch", render(result(), "list", fetched_at="t"))
    assert is_saved(tmp_path, "torch", "list")
    assert not is_saved(tmp_path, "torch", "json")  # another format: fetch again
    for broken in (b"[1, 2", b"", b"[1, 'a']", b"[true]", b'{"ids": []}', b"\xff"):
        (tmp_path / "torch").write_bytes(broken)
        assert not is_saved(tmp_path, "torch", "list"), broken
    (tmp_path / "torch").write_bytes(b"[]")
    assert is_saved(tmp_path, "torch", "list")


def test_is_saved_json(tmp_path: Path) -> None:
    name = filename_for("ML")
    save_atomic(
        tmp_path,
        name,
        render(result(keyword="ML", query="ML language:python"), "json", fetched_at="t"),
    )
    assert is_saved(tmp_path, "ML", "json")
    assert not is_saved(tmp_path, "ml", "json")  # another file altogether
    (tmp_path / "ml").write_text(json.dumps({"keyword": "ML", "ids": []}))
    assert not is_saved(tmp_path, "ml", "json")  # the keyword inside does not match
    (tmp_path / name).write_text("{")
    assert not is_saved(tmp_path, "ML", "json")
    (tmp_path / name).write_text(
        json.dumps({"keyword": "ML", "query": "ML language:python", "ids": ["x"]})
    )
    assert not is_saved(tmp_path, "ML", "json")


def test_is_saved_never_looks_outside(tmp_path: Path) -> None:
    (tmp_path / "passwd").write_text("[1]")
    out = tmp_path / "out"
    out.mkdir()
    assert not is_saved(out, "../passwd", "list")
    assert os.path.exists(tmp_path / "passwd")


def test_an_output_dir_resolves_once_and_replaces_symlinks_instead_of_following_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = OutputDir(tmp_path / "out")
    assert out.save("torch", b"[1]") == (tmp_path / "out" / "torch").resolve()
    resolved: list[str] = []
    real_realpath = os.path.realpath

    def counting_realpath(path: str) -> str:
        resolved.append(path)
        return real_realpath(path)

    monkeypatch.setattr(os.path, "realpath", counting_realpath)
    out.save("data", b"[2]")
    assert resolved == []  # the directory was resolved by the first save only
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "out" / "ml").symlink_to(victim)
    out.save("ml", b"[3]")
    assert victim.read_text() == "keep"
    assert not (tmp_path / "out" / "ml").is_symlink()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["data", "ml", "torch"]


def test_an_output_dir_removed_during_a_run_is_created_again(tmp_path: Path) -> None:
    out = OutputDir(tmp_path / "out")
    out.save("torch", b"[1]")
    (tmp_path / "out" / "torch").unlink()
    (tmp_path / "out").rmdir()
    path = out.save("torch", b"[2]")
    assert path.read_bytes() == b"[2]"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["torch"]
