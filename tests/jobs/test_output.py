"""The output directory: checked before a run, entries never trusted, writes atomic."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from speedlab._exceptions import OutputError, UnusableOutput
from speedlab.jobs._output import OutputDir, check_output_dir, read_regular, save_atomic


def test_a_missing_directory_is_created_and_left_empty(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    assert check_output_dir(out) == os.path.realpath(out)
    assert list(out.iterdir()) == []  # the probe file is gone


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("x"), "--out {p} is not a directory"),
        (lambda p: p.symlink_to(p.parent / "nowhere"), "--out {p} is a symbolic link to nothing"),
    ],
    ids=["regular-file", "dangling-symlink"],
)
def test_an_unusable_out_is_one_clear_error_naming_it(tmp_path: Path, make, message) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "out"
    make(path)
    with pytest.raises(UnusableOutput) as caught:
        check_output_dir(path)
    assert str(caught.value) == message.format(p=path)
    assert caught.value.exit_code == 2


def test_a_path_through_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UnusableOutput, match=f"{tmp_path / 'file'} is not a directory"):
        check_output_dir(tmp_path / "file" / "sub", option="--out")


def test_a_read_only_directory_is_refused_unless_it_can_really_be_written(tmp_path: Path) -> None:
    # Permission bits do not bind root: the check must say what a write would do, so it
    # probes instead of reading the mode.
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.geteuid() == 0:
            check_output_dir(out)
            save_atomic(out, "torch", b"[1]")  # and indeed root can write there
        else:
            with pytest.raises(UnusableOutput, match="is not writable"):
                check_output_dir(out)
    finally:
        out.chmod(stat.S_IRWXU)


def test_a_directory_nobody_can_write_is_refused_even_for_root() -> None:
    # procfs refuses new files to everyone, root included: a read-only file system in effect.
    with pytest.raises(UnusableOutput, match="--out /proc/self is not writable"):
        check_output_dir("/proc/self")


def test_a_read_only_mount_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def read_only(path: str, flags: int, mode: int = 0o777) -> int:
        if ".speedlab-probe" in str(path):
            raise OSError(30, "Read-only file system")
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(UnusableOutput, match=r"is not writable \(Read-only file system\)"):
        check_output_dir(tmp_path)


def test_read_regular_reads_regular_files_only_and_never_blocks(tmp_path: Path) -> None:
    (tmp_path / "plain").write_bytes(b"[1, 2]")
    (tmp_path / "link").symlink_to(tmp_path / "plain")
    (tmp_path / "zero").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dir").mkdir()
    (tmp_path / "big").write_bytes(b"x" * 101)
    assert read_regular(tmp_path / "plain", max_bytes=100) == b"[1, 2]"
    for name in ("link", "zero", "fifo", "dir", "big", "missing"):
        assert read_regular(tmp_path / name, max_bytes=100) is None, name
    assert read_regular("/dev/null", max_bytes=100) is None  # a device


def test_save_replaces_whatever_has_the_name_and_never_follows_it(tmp_path: Path) -> None:
    out = OutputDir(tmp_path / "out")
    out.check()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("keep")
    (out.path / "link").symlink_to(elsewhere)
    (out.path / "dangling").symlink_to(tmp_path / "nowhere")
    os.mkfifo(out.path / "fifo")
    for name in ("link", "dangling", "fifo"):
        path = out.save(name, b"[1]")
        assert not path.is_symlink(), name
        assert path.is_file(), name
        assert path.read_bytes() == b"[1]"
    assert elsewhere.read_text() == "keep"
    assert not (tmp_path / "nowhere").exists()


def test_a_directory_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "inside").write_text("x")
    with pytest.raises(OutputError, match="torch is a directory; remove it"):
        save_atomic(tmp_path, "torch", b"[1]")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["torch"]  # no temporary file left


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer (POSIX)")
# An interruption right as the file is opened drops its FileIO unassigned: its finalizer closes
# the descriptor, and says so with a ResourceWarning; that is the point, not a failure.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interruption_anywhere_in_a_save_leaves_no_file_and_no_descriptor(
    tmp_path: Path,
) -> None:
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    out = OutputDir(tmp_path)
    out.check()
    fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    previous = signal.signal(signal.SIGALRM, interrupt)
    interrupted = 0
    try:
        for i in range(400):  # timers from 10 to 130 µs land at every step of a save
            try:
                signal.setitimer(signal.ITIMER_REAL, 0.00001 * (1 + i % 13))
                out.save(f"f{i % 20}", b"x" * 4000)
            except KeyboardInterrupt:
                interrupted += 1
            finally:
                try:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                except KeyboardInterrupt:
                    interrupted += 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert interrupted  # the test did interrupt saves
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    if fds is not None:
        assert len(os.listdir("/proc/self/fd")) == fds
    for saved in tmp_path.iterdir():  # whatever was saved is whole
        assert saved.read_bytes() == b"x" * 4000


def test_write_is_save_with_the_path_as_text(tmp_path: Path) -> None:
    out = OutputDir(tmp_path)
    written = out.write("a", b"[1]")
    assert written == os.path.join(os.path.realpath(tmp_path), "a")
    assert out.save("b", b"[2]") == Path(os.path.realpath(tmp_path)) / "b"
    assert (tmp_path / "a").read_bytes() == b"[1]"
