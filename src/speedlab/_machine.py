"""Where a measurement was taken: the machine, the OS, the Python build, versions, the commit.

A timing means something only next to what produced it: the same benchmark is 2x apart on two
machines, and a free-threaded build or another numpy changes the ratios.  Every benchmark
writes :func:`describe_environment` into its results JSON (``benchmarks/results/*.json``), so
two runs can be compared only when they match; it is the one place that knows how to ask, so
the benchmarks and ``speedlab bench`` do not each grow their own copy.

Nothing here fails: a fact that cannot be learnt (no git, no ``/proc/cpuinfo``, a package not
installed) is None.  The host name is left out on purpose: results files get shared.

    >>> info = describe_environment(packages=["numpy"])
    >>> sorted(info)
    ['git', 'machine', 'packages', 'python', 'when']
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

__all__ = ["COMMAND_TIMEOUT", "DEFAULT_PACKAGES", "describe_environment", "parse_cpu_model"]

#: Distributions whose versions are reported when the caller names none.
DEFAULT_PACKAGES = ("speedlab", "numpy")
#: Seconds each outside command (git, sysctl) may take: a slow disk must not hang a benchmark.
COMMAND_TIMEOUT = 5.0

_CPUINFO = Path("/proc/cpuinfo")
# Keys of /proc/cpuinfo that name the CPU: x86, then ARM and other architectures.
_CPU_MODEL_KEYS = ("model name", "Model", "Hardware", "cpu model", "Processor", "cpu")


def describe_environment(
    *,
    packages: Iterable[str] = DEFAULT_PACKAGES,
    repo: str | os.PathLike[str] | None = None,
    timeout: float = COMMAND_TIMEOUT,
) -> dict[str, Any]:
    """Return the machine, Python build, package versions and git commit, as JSON-ready data.

    Args:
        packages: Distribution names whose installed versions to report (None if missing).
        repo: A directory inside the git checkout to report (default: the current directory).
        timeout: Seconds each ``git`` command may take.

    Returns:
        A dict with ``when`` (UTC, ISO 8601), ``machine`` (CPU model, cores, memory, OS),
        ``python`` (version, implementation, free-threaded or not), ``packages`` (name to
        version) and ``git`` (``commit``, ``dirty``; None outside a git checkout).

    Example:
        >>> describe_environment(packages=["speedlab"])["python"]["implementation"]
        'CPython'
    """
    return {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "python": _python(),
        "packages": {name: _version(name) for name in packages},
        "git": _git(Path(repo) if repo is not None else Path.cwd(), timeout),
    }


def _machine() -> dict[str, Any]:
    try:
        usable: int | None = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on macOS or Windows
        usable = os.cpu_count()
    return {
        "cpu_model": _cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "cores_usable": usable,
        "memory_bytes": psutil.virtual_memory().total,
        "arch": platform.machine(),
        "os": platform.system(),
        "os_release": platform.release(),
        "platform": platform.platform(),
    }


def _python() -> dict[str, Any]:
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)  # Python 3.13+
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "build": " ".join(platform.python_build()),
        "compiler": platform.python_compiler(),
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": True if is_gil_enabled is None else bool(is_gil_enabled()),
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str | None:
    """Name the CPU: /proc/cpuinfo on Linux, sysctl on macOS, else what platform knows."""
    try:
        found = parse_cpu_model(_CPUINFO.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        found = None
    if found is None and sys.platform == "darwin":
        found = _run(["sysctl", "-n", "machdep.cpu.brand_string"], Path.cwd(), COMMAND_TIMEOUT)
    return found or platform.processor() or None


def parse_cpu_model(cpuinfo: str) -> str | None:
    """Return the CPU's name from the text of ``/proc/cpuinfo``, or None if it has none."""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip():
            fields.setdefault(key.strip(), value.strip())
    return next((fields[key] for key in _CPU_MODEL_KEYS if key in fields), None)


def _git(repo: Path, timeout: float) -> dict[str, Any] | None:
    commit = _run(["git", "rev-parse", "HEAD"], repo, timeout)
    if commit is None:
        return None
    changes = _run(["git", "status", "--porcelain", "--untracked-files=no"], repo, timeout)
    return {"commit": commit, "dirty": None if changes is None else changes != ""}


def _run(argv: list[str], cwd: Path, timeout: float) -> str | None:
    """Return a command's stripped output, or None if it cannot run, fails or times out."""
    try:
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
