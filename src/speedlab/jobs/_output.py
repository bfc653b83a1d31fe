"""A job's output directory: checked before the run, written atomically, its entries never trusted.

Any job that saves one file per unit (the GitHub job, and later others) goes through this:

- :func:`check_output_dir` runs before the first unit: the directory exists or can be created,
  is a directory and is writable (a probe file is created and removed: permission bits say
  nothing when running as root, and nothing about a read-only mount), else one
  :class:`~speedlab._exceptions.UnusableOutput` naming the path. A run never spends a rate
  limit to find out at the end that it cannot save.
- :class:`OutputDir.save` writes a temporary file next to the target and renames it over
  whatever has the target's name: a file, a symbolic link (the link itself is replaced; what
  it pointed to is never touched), a FIFO, a socket. A directory in the way fails clearly.
  Readers see the old content or the new, never half a file.
- :func:`read_regular` (for a resume check) opens without following symbolic links and
  without blocking (a FIFO or a device named like a unit's file would otherwise hang the
  run or feed it endless bytes), accepts regular files only, and reads at most a given size.

So nothing already in the directory can make the run block, read or write elsewhere, or share
one file between two units.

    out = OutputDir("github_downloads")
    out.check()                                   # UnusableOutput if it cannot be used
    out.save("torch", b"[1, 2]")
    read_regular(out.path / "torch", max_bytes=1 << 20)   # b"[1, 2]", or None
"""

from __future__ import annotations

import contextlib
import errno
import io
import itertools
import os
import stat
import threading
from pathlib import Path

from speedlab._exceptions import OutputError, UnsafeOutputPath, UnusableOutput
from speedlab._text import printable

__all__ = ["OutputDir", "check_output_dir", "read_regular", "save_atomic"]

# Open flags that never follow a symlink at the last component, never wait (a FIFO with no
# writer, a device) and never make a terminal ours. Absent on Windows: 0 there.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ_FLAGS = (
    os.O_RDONLY
    | _NOFOLLOW
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)

# Temporary and probe names: unique per process, thread and write, so no random name is needed
# (tempfile.mkstemp draws random names and cost ~0.8 ms a file here, as much as parsing a page).
_counter = itertools.count()


def _unique(prefix: str) -> str:
    return f".{prefix}.{os.getpid()}.{threading.get_ident()}.{next(_counter)}.tmp"


def _blocker(path: str) -> str:
    """Return the first existing ancestor of ``path`` that is not a directory (or ``path``)."""
    current = os.path.abspath(path)
    chain = []
    while True:
        chain.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for candidate in reversed(chain):
        if os.path.lexists(candidate) and not os.path.isdir(candidate):
            return candidate
    return path


def check_output_dir(path: Path | str, *, option: str = "--out") -> str:
    """Make sure files can be saved in ``path``: create it if missing, then probe it.

    Args:
        path: The output directory.
        option: How the user named it, for the message ("--out").

    Returns:
        The directory's real path.

    Raises:
        UnusableOutput: it cannot be created, is not a directory (a file, a symbolic link to
            nothing, a path through a file), or is not writable (permissions, a read-only
            file system); the message names the path.
    """
    shown = printable(os.fspath(path))
    try:
        os.makedirs(path, exist_ok=True)
    except FileExistsError:
        if os.path.islink(path) and not os.path.exists(path):
            raise UnusableOutput(f"{option} {shown} is a symbolic link to nothing") from None
        raise UnusableOutput(f"{option} {shown} is not a directory") from None
    except NotADirectoryError:
        blocker = printable(_blocker(os.fspath(path)))
        raise UnusableOutput(f"{option} {shown}: {blocker} is not a directory") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UnusableOutput(f"{option} {shown} cannot be created ({reason})") from None
    real = os.path.realpath(path)
    if not os.path.isdir(real):
        raise UnusableOutput(f"{option} {shown} is not a directory")
    probe = os.path.join(real, _unique("speedlab-probe"))
    try:
        os.close(os.open(probe, _CREATE_FLAGS, 0o600))
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UnusableOutput(f"{option} {shown} is not writable ({reason})") from None
    return real


def read_regular(path: Path | str, *, max_bytes: int) -> bytes | None:
    """Return the content of ``path`` if it is a regular file of at most ``max_bytes``.

    A symbolic link (even to a valid file), a directory, a FIFO, a device, a missing or
    unreadable entry, or a larger file give None. It never blocks and reads at most
    ``max_bytes + 1`` bytes.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:  # ELOOP for a symlink, ENOENT, EACCES, ENXIO...
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        chunks = []
        left = max_bytes + 1  # one more, to see a file that grew since fstat
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            return None
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _check_name(name: str) -> None:
    if (
        not name
        or name in (".", "..")
        or name.startswith(".")
        or any(sep in name for sep in ("/", "\\", "\0", os.sep))
        or (os.altsep is not None and os.altsep in name)
    ):
        raise UnsafeOutputPath(f"refusing the file name {name!r}: not a plain name")


def _resolve_directory(out_dir: Path) -> str:
    # The directory's real path, created if missing (one realpath; mkdir only when needed).
    directory = os.path.realpath(out_dir)
    if not os.path.isdir(directory):
        out_dir.mkdir(parents=True, exist_ok=True)
        directory = os.path.realpath(out_dir)
    return directory


class OutputDir:
    """An output directory that is checked and resolved once, then receives many files.

    Every file system call counts here (a metadata call costs tens of microseconds on a busy
    disk, and the asyncio model makes them on its loop), so a run resolves its directory once
    instead of on every save. If the directory disappears, it is created and resolved again.

    Example::

        out = OutputDir("github_downloads")
        out.save("torch", b"[1, 2]")

    Args:
        path: The output directory (created on ``check()`` or the first save if missing).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._real: str | None = None  # set on the first save; a race only resolves twice

    def check(self, *, option: str = "--out") -> None:
        """Create the directory if missing and make sure it is a writable directory.

        Raises:
            UnusableOutput: it cannot be used (see :func:`check_output_dir`).
        """
        self._real = check_output_dir(self.path, option=option)

    def save(self, name: str, data: bytes, *, durable: bool = False) -> Path:
        """Write ``data`` to the file ``name`` atomically; see :func:`save_atomic`."""
        return Path(self.write(name, data, durable=durable))

    def write(self, name: str, data: bytes, *, durable: bool = False) -> str:
        """:meth:`save`, returning the path written as text (a ``Path`` costs 4 µs a file).

        Whatever interrupts it, even a ``KeyboardInterrupt`` between two of its lines, the
        temporary file is removed and its descriptor closed.
        """
        directory = self._real or _resolve_directory(self.path)
        _check_name(name)
        target = os.path.join(directory, name)
        temp = ""  # the temporary file, once it may be ours
        file: io.FileIO | None = None
        opened = False
        try:
            while True:
                temp = os.path.join(directory, _unique(name[:40]))
                try:
                    # A FileIO owns the descriptor from the moment open() returns (O_CREAT |
                    # O_EXCL, which never follows a symbolic link): even if an interruption
                    # lands before it is assigned, dropping it closes the descriptor.
                    file = io.FileIO(temp, "xb")
                    break
                except FileExistsError:  # a stale file of an earlier process: not ours
                    temp = ""
            opened = True
            self._real = directory
            view = memoryview(data)
            while view:
                view = view[file.write(view) or 0 :]
            if durable:
                os.fsync(file.fileno())
            file.close()
            # Renaming replaces whatever non-directory entry has the name, a symbolic link
            # included (never what it points to).
            os.replace(temp, target)
            temp = ""
        except BaseException as exc:
            if file is not None:
                with contextlib.suppress(OSError):
                    file.close()
            if temp:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
            if isinstance(exc, FileNotFoundError) and not opened and self._real is not None:
                # Removed since it was resolved: create and resolve it again, as a first save
                # would.
                self._real = None
                return self.write(name, data, durable=durable)
            if isinstance(exc, OSError) and exc.errno in (errno.EISDIR, errno.ENOTEMPTY):
                raise OutputError(
                    f"{printable(target)} is a directory; remove it to save this file"
                ) from None
            raise
        if durable:
            _fsync_directory(directory)
        return target


def save_atomic(out_dir: Path | str, name: str, data: bytes, *, durable: bool = False) -> Path:
    """Write ``data`` to ``out_dir/name`` so that readers see the old file or the new, never half.

    Writes a temporary file in ``out_dir`` and renames it over the target; the temporary file
    is removed if anything fails. The rename makes the write atomic against a crash of this
    process. It is not fsynced by default: a result can be fetched again, while two fsyncs
    cost about 5 ms a file here, enough to dominate an I/O benchmark and to stall the asyncio
    model's loop. A file that a power cut leaves empty fails a resume check and is fetched
    again on the next run. ``durable=True`` fsyncs the file and its directory. To write many
    files into one directory, :class:`OutputDir` resolves it only once.

    Example::

        path = save_atomic("github_downloads", "torch", b"[1, 2]")

    Args:
        out_dir: The output directory (created if missing).
        name: A plain file name.
        data: The bytes to write.
        durable: Also fsync the file and the directory (survives a power cut).

    Returns:
        The path written.

    Raises:
        UnsafeOutputPath: the name is not a plain name.
        OutputError: a directory has the name.
        OSError: the file could not be written.
    """
    return OutputDir(out_dir).save(name, data, durable=durable)


def _fsync_directory(directory: str) -> None:
    # Make the rename itself durable where the platform allows it (POSIX); best effort.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
