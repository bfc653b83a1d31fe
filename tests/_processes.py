"""Child processes a test may have left, but for multiprocessing's own helpers.

multiprocessing starts a resource tracker (and, with forkserver, a fork server) the first
time something needs one, and both live as long as the interpreter: they belong to the
standard library, not to the code under test, so a check for leftovers must not count them.
"""

from __future__ import annotations

import psutil

__all__ = ["our_children"]

_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def _is_helper(process: psutil.Process) -> bool:
    try:
        command = " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    return any(helper in command for helper in _HELPERS)


def our_children(*, recursive: bool = False) -> list[psutil.Process]:
    """Return this process's children, without multiprocessing's lifelong helpers."""
    children = psutil.Process().children(recursive=recursive)
    return [p for p in children if not _is_helper(p)]
