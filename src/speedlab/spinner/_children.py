"""Child processes that never outlive their parent and leave the stopping to it.

Two kinds of child serve the spinner: the processes model's spinner process, and the process
pool worker of the fixed asyncio program. Both must obey the same rules:

* Ctrl-C (and a SIGTERM sent to the process group) reaches every process of the group, but
  only the parent decides: a child ignores SIGINT and SIGTERM and is stopped by its parent
  (an ``Event``, or ``kill()`` as the last resort). This also replaces the Python handlers a
  forked child inherits (they raise, see :mod:`speedlab.spinner._signals`). And it matters
  for the ``multiprocessing.Event``: a child killed while waiting on it would leave the
  parent's ``set()`` waiting for it to wake up, forever.
* On Linux the child asks the kernel for SIGKILL when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``), so that even a parent killed with SIGKILL leaves no child
  behind; daemon processes and joins cover every other exit path. The signal is tied to the
  *thread* that started the child, so start children from a thread that outlives them.

The start method is ``fork`` on Linux: the spinner process must draw within milliseconds,
while a spawned interpreter here needs ~0.4 s to import speedlab before its first frame.
Elsewhere ``spawn``, the only safe choice on macOS and the only one on Windows.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Final

__all__ = ["START_METHOD", "context", "kill_pool", "prepare_child"]

START_METHOD: Final = "fork" if sys.platform == "linux" else "spawn"

# From <linux/prctl.h>.
_PR_SET_PDEATHSIG: Final = 1


def context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context every spinner child is started with."""
    return multiprocessing.get_context(START_METHOD)


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies; exit if it already has."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)  # the interpreter's own symbols: libc's too
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def prepare_child(parent_pid: int) -> None:
    """Make this child obey the rules above; call it first thing in the child.

    Args:
        parent_pid: The parent's pid, read in the parent before the child started.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent_pid)


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers now, even in the middle of a task, then shut it down.

    ``shutdown(cancel_futures=True)`` cancels only what has not started: a worker inside a long
    ``is_prime`` would hold Ctrl-C up until it finished. The workers ignore SIGTERM (see above),
    so they are killed. Python 3.14 has ``kill_workers()``; before it, the workers are only
    reachable through the private ``_processes``.
    """
    kill = getattr(pool, "kill_workers", None)
    if kill is not None:  # Python 3.14+
        kill()
    else:
        for process in list((pool._processes or {}).values()):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)
