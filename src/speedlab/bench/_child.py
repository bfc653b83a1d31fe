"""The far side of :func:`~speedlab.bench.run_isolated`: one task in a fresh interpreter.

Peak memory is a per-process high-water mark, and a model's libraries (aiohttp, a process
pool, a dask cluster) stay loaded once imported, so every measured run gets an interpreter of
its own: ``python -m speedlab.bench._child``. The parent writes two pickles to its standard
input (the ``sys.path`` to use, then a :class:`ChildTask`); the child runs the task and
writes one JSON document to the standard output it had when it started:

    {"value": <what the task returned>, "main_peak_bytes": <the child's high-water mark>}
    {"error": "<one line>", "error_type": "UsageError", "exit_code": 2}

Anything the task prints goes to standard error instead (standard output is re-pointed
there first), so a user's ``print`` cannot corrupt the answer. No child outlives its parent:
the parent holds the write end of a pipe whose read end a daemon thread here waits on; when
the parent dies, however it dies, the read returns and the child stops as on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

__all__ = ["GUARD_ENV", "ChildTask", "main"]

#: The variable naming the file descriptor of the guard pipe (see :func:`main`).
GUARD_ENV = "SPEEDLAB_BENCH_GUARD_FD"
#: Seconds an orphaned child gets to stop the orderly way (join its workers) before it exits.
ORPHAN_GRACE = 10.0


@dataclass(frozen=True)
class ChildTask:
    """A picklable call: ``fn(*args)`` must return JSON-ready data."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()


def _answer(channel: TextIO, document: dict[str, Any]) -> None:
    channel.write(json.dumps(document, allow_nan=False))
    channel.flush()


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _interrupt_self(*_: object) -> None:
    raise KeyboardInterrupt


def _watch_parent(fd: int) -> None:
    """Block until the parent's end of the guard pipe closes, then stop as on Ctrl-C.

    The SIGINT goes to the main thread itself: sent to the process, the kernel may hand it to
    this thread, and then a main thread asleep in ``time.sleep`` is never woken. If the
    orderly stop has not ended the process ``ORPHAN_GRACE`` seconds later, it exits anyway
    (its workers die with it: they asked for SIGKILL when their parent dies).
    """
    with contextlib.suppress(OSError):
        while os.read(fd, 1):
            pass
    main = threading.main_thread().ident
    if main is not None:
        signal.pthread_kill(main, signal.SIGINT)
    time.sleep(ORPHAN_GRACE)
    os._exit(130)


def _guard_from(environment: Mapping[str, str]) -> int | None:
    try:
        return int(environment[GUARD_ENV])
    except (KeyError, ValueError):
        return None


def main() -> int:
    """Read the task from stdin, run it, answer on the original stdout; return the exit code."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # from here on, fd 1 (and print) reach standard error
    # Ctrl-C and SIGTERM both stop the run the orderly way (the models join their workers),
    # even when this process was started with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt_self)
    guard = _guard_from(os.environ)
    if guard is not None:
        threading.Thread(
            target=_watch_parent, args=(guard,), name="speedlab-parent-guard", daemon=True
        ).start()
    try:
        extra_path = pickle.load(sys.stdin.buffer)
        sys.path[:0] = [p for p in extra_path if p not in sys.path]
        task = pickle.load(sys.stdin.buffer)
        value = task.fn(*task.args)
    except KeyboardInterrupt:
        _answer(channel, {"error": "interrupted", "error_type": "KeyboardInterrupt"})
        return 130
    except Exception as exc:
        from speedlab._exceptions import SpeedlabError

        code = exc.exit_code if isinstance(exc, SpeedlabError) else 1
        message = str(exc) if isinstance(exc, SpeedlabError) else _describe(exc)
        _answer(
            channel,
            {"error": message, "error_type": type(exc).__name__, "exit_code": code},
        )
        return code
    from speedlab.models._recorder import peak_rss_bytes

    _answer(channel, {"value": value, "main_peak_bytes": peak_rss_bytes()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
