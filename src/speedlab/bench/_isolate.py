"""Run one measured task in a fresh interpreter and watch the memory of its whole process tree.

A model's peak memory is what *its* processes hold: the interpreter running it, plus its
worker processes (a pool, a cluster). ``ru_maxrss`` cannot say that: it is a per-process
high-water mark that never goes down, so a second run in the same process inherits the first
one's peak, and a pool's workers are not counted at all. So :func:`run_isolated` starts
``python -m speedlab.bench._child`` for each run, and a :class:`TreeSampler` thread adds up
the resident memory of that child and of every descendant every ``SAMPLE_INTERVAL`` seconds.

Stopping: a :class:`~speedlab.models.StopSignal` or Ctrl-C sends the child SIGINT, which
every model turns into an orderly stop (workers joined); if it is not gone within
``STOP_GRACE`` seconds (or on a second Ctrl-C) the whole tree is killed. No process of the
run outlives the call.

    >>> from speedlab.bench import run_isolated
    >>> run_isolated(max, [3, 1, 2]).value            # doctest: +SKIP
    3
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from speedlab import _exceptions
from speedlab._exceptions import SpeedlabError, TimeoutExpired
from speedlab.bench._child import GUARD_ENV, ChildTask
from speedlab.models import StopSignal

__all__ = [
    "SAMPLE_INTERVAL",
    "STOP_GRACE",
    "ChildFailed",
    "Isolated",
    "MemoryUsage",
    "TreeSampler",
    "run_isolated",
]

#: Seconds between two samples of the process tree's memory: often enough to catch a pool's
#: plateau, rarely enough that reading /proc costs the measured run next to nothing.
SAMPLE_INTERVAL = 0.05
#: Seconds a stopped child may take to join its workers before its tree is killed.
STOP_GRACE = 10.0
#: Characters of the child's standard error kept for an error message.
_STDERR_TAIL = 2000


class ChildFailed(SpeedlabError):
    """The isolated task raised, or its interpreter died; the message is one line."""

    def __init__(self, message: str, *, exit_code: int = 1, error_type: str = "") -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.error_type = error_type


@dataclass(frozen=True)
class MemoryUsage:
    """The memory a run's own processes held.

    Attributes:
        peak_rss_bytes: The largest total resident memory of the child and all its
            descendants at one sample (at least the child's own high-water mark).
        main_peak_bytes: The child's own high-water mark (``VmHWM``), or its largest
            waited-for worker's if larger: exact, where the sampler may miss a short peak.
        peak_processes: The most processes alive at once in the tree (1: no workers).
        samples: How many samples were taken (a run shorter than ``SAMPLE_INTERVAL`` may have
            only one, so its workers may be missed; ``main_peak_bytes`` never is).
    """

    peak_rss_bytes: int
    main_peak_bytes: int
    peak_processes: int
    samples: int

    def to_dict(self) -> dict[str, int]:
        """Return the fields as a plain dict."""
        return {
            "peak_rss_bytes": self.peak_rss_bytes,
            "main_peak_bytes": self.main_peak_bytes,
            "peak_processes": self.peak_processes,
            "samples": self.samples,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MemoryUsage:
        """Rebuild a usage from ``to_dict()``'s output."""
        return cls(
            peak_rss_bytes=int(data["peak_rss_bytes"]),
            main_peak_bytes=int(data["main_peak_bytes"]),
            peak_processes=int(data["peak_processes"]),
            samples=int(data["samples"]),
        )


@dataclass(frozen=True)
class Isolated:
    """What an isolated task returned, and the memory its process tree held."""

    value: Any
    memory: MemoryUsage


class TreeSampler:
    """Add up the resident memory of a process and its descendants, on a thread, until closed.

    Args:
        pid: The root of the tree.
        interval: Seconds between samples.
    """

    def __init__(self, pid: int, *, interval: float = SAMPLE_INTERVAL) -> None:
        import psutil

        self._psutil = psutil
        try:
            self._root: Any = psutil.Process(pid)
        except psutil.Error:
            self._root = None  # it is gone already: there is nothing to sample
        self._interval = interval
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._peak = 0
        self._processes = 0
        self._samples = 0
        self._thread = threading.Thread(target=self._run, name="speedlab-memory", daemon=True)

    def start(self) -> TreeSampler:
        """Take the first sample and start the thread."""
        self.sample()
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._done.wait(self._interval):
            self.sample()

    def _tree(self) -> list[Any]:
        """The root and its descendants, from /proc's children lists where the kernel has them.

        ``psutil``'s ``children()`` reads every process of the machine (milliseconds each
        time); ``/proc/PID/task/TID/children`` lists one thread's children directly.
        """
        psutil = self._psutil
        if self._root is None:
            return []
        found = [self._root]
        index = 0
        while index < len(found):
            pid = found[index].pid
            index += 1
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
                pids: set[int] = set()
                for tid in tasks:
                    with (
                        contextlib.suppress(OSError),
                        open(f"/proc/{pid}/task/{tid}/children") as f,
                    ):
                        pids.update(int(p) for p in f.read().split())
            except OSError:
                return [self._root, *self._root.children(recursive=True)]
            for child in sorted(pids):
                with contextlib.suppress(psutil.Error):
                    found.append(psutil.Process(child))
        return found

    def sample(self) -> None:
        """Take one sample now."""
        psutil = self._psutil
        try:
            tree = self._tree()
        except psutil.Error:
            return  # the root is gone: nothing left to count
        total = alive = 0
        for process in tree:
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
                alive += 1
        with self._lock:
            self._samples += 1
            self._peak = max(self._peak, total)
            self._processes = max(self._processes, alive)

    def close(self) -> None:
        """Stop sampling and join the thread (idempotent)."""
        self._done.set()
        if self._thread.ident is not None:
            self._thread.join()

    def usage(self, main_peak_bytes: int) -> MemoryUsage:
        """Return what was seen, with the root's own exact high-water mark."""
        with self._lock:
            return MemoryUsage(
                peak_rss_bytes=max(self._peak, main_peak_bytes),
                main_peak_bytes=main_peak_bytes,
                peak_processes=max(self._processes, 1),
                samples=self._samples,
            )

    def __enter__(self) -> TreeSampler:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child and every descendant it left, then reap the child."""
    import psutil

    with contextlib.suppress(psutil.Error):
        for process in psutil.Process(proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                process.kill()
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    proc.wait()


def _interrupt(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, OSError):
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """After Ctrl-C: let the child stop its workers, else (or on another Ctrl-C) kill them."""
    _interrupt(proc)
    try:
        proc.communicate(timeout=STOP_GRACE)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        _kill_tree(proc)


def _read_answer(out: bytes, err: bytes, returncode: int) -> dict[str, Any]:
    try:
        answer = json.loads(out.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if isinstance(answer, dict):
        return answer
    tail = err.decode("utf-8", "replace")[-_STDERR_TAIL:].strip().splitlines()
    last = tail[-1] if tail else "no output"
    raise ChildFailed(f"the measured process ended with code {returncode}: {last}")


def _raise_error(answer: dict[str, Any], *, stopped: bool) -> None:
    """Re-raise a speedlab error by its own class (so CannotShare stays CannotShare)."""
    message = str(answer.get("error", "failed"))
    name = str(answer.get("error_type", ""))
    code = int(answer.get("exit_code", 1))
    if name == "KeyboardInterrupt":
        if stopped:
            raise ChildFailed("stopped before it finished", exit_code=130, error_type=name)
        raise KeyboardInterrupt
    known = getattr(_exceptions, name, None) if name in _exceptions.__all__ else None
    if isinstance(known, type) and issubclass(known, SpeedlabError) and known is not SpeedlabError:
        raise known(message)
    raise ChildFailed(message, exit_code=code, error_type=name)


def run_isolated(
    fn: Callable[..., Any],
    *args: Any,
    stop: StopSignal | None = None,
    timeout: float | None = None,
) -> Isolated:
    """Run ``fn(*args)`` in a fresh interpreter; return its value and its tree's memory.

    Args:
        fn: A module-level function (it is pickled by reference) returning JSON-ready data.
        *args: Its arguments (pickled).
        stop: When set, the child gets SIGINT: a model run ends ``interrupted``, early.
        timeout: Seconds the whole call may take (None: no limit).

    Returns:
        The value ``fn`` returned and the :class:`MemoryUsage` of the child's process tree.

    Raises:
        UsageError, CannotShare, ...: ``fn`` raised that speedlab error in the child.
        ChildFailed: ``fn`` raised anything else, the child died, or ``stop`` cut short a
            task that does not handle Ctrl-C itself (one-line message).
        TimeoutExpired: ``timeout`` passed; the child's tree was killed.
        KeyboardInterrupt: Ctrl-C; the child was stopped (or killed) and reaped first.
    """
    payload = pickle.dumps(list(sys.path)) + pickle.dumps(ChildTask(fn, args))
    # The child watches the read end: when this process dies (even by SIGKILL), the write
    # end closes, the child sees the end of the pipe and stops itself and its workers.
    guard, keep = os.pipe()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "speedlab.bench._child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(guard,),
            env={**os.environ, GUARD_ENV: str(guard)},
        ) as proc:  # leaving the block closes the pipes and reaps the child on every path
            os.close(guard)
            guard = -1
            out, err, sampler = _communicate(proc, payload, stop=stop, timeout=timeout)
    finally:
        for fd in (guard, keep):
            if fd >= 0:
                os.close(fd)
    answer = _read_answer(out, err, proc.returncode)
    if "value" not in answer:
        _raise_error(answer, stopped=stop is not None and stop.is_set())
    main_peak = int(answer.get("main_peak_bytes", 0))
    return Isolated(answer["value"], sampler.usage(main_peak))


def _communicate(
    proc: subprocess.Popen[bytes],
    payload: bytes,
    *,
    stop: StopSignal | None,
    timeout: float | None,
) -> tuple[bytes, bytes, TreeSampler]:
    """Send the task, sample the tree until the child answers; stop it on any error."""
    unsubscribe = stop.subscribe(lambda: _interrupt(proc)) if stop is not None else None
    sampler = TreeSampler(proc.pid)
    try:
        with sampler:
            out, err = proc.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        raise TimeoutExpired(f"the measured run took more than {timeout:g} s") from None
    except BaseException:
        _stop(proc)
        raise
    finally:
        if unsubscribe is not None:
            unsubscribe()
    return out, err, sampler
