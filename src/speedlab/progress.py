"""Show a running job to a person: a progress bar on a terminal, plain lines in a pipe, or nothing.

A :class:`RunProgress` is an ``on_event`` handler for any model (events always arrive on the
caller's thread, so it needs no lock). On a terminal it draws a rich progress bar and prints
failures and long waits above it; in a pipe or a log it prints one plain line per finished unit
("done search: 30 ids, 1 page (0.42 s)", "FAILED x: <reason>") and per long wait ("rate
limited, resuming in 41 s"), each wait announced once even when every worker waits.

Reasons quote servers, so every line goes through a :class:`~speedlab._text.Redactor` before
it is shown: control characters escaped (a server cannot drive the terminal) and the token, or
any long stretch of it, hidden.

    with RunProgress(choose_mode(sys.stdout), noun="search", redactor=redactor) as progress:
        result = run_model("threads", job, on_event=progress)
    print(final_line(result, noun="search"))
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import Literal, TextIO, TypeAlias

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from speedlab._text import NO_SECRETS, Redactor, plural, plural_of
from speedlab.models import RunEvent, RunResult, RunStarted, UnitFinished, UnitRecord, UnitWaiting

__all__ = [
    "WAIT_NOTICE_SECONDS",
    "ProgressMode",
    "RunProgress",
    "choose_mode",
    "failure_summary",
    "final_line",
    "stop_progress",
    "unit_line",
]

ProgressMode: TypeAlias = Literal["bar", "lines", "quiet"]

#: Waits shorter than this (retry backoff, pacing) are not worth a line of their own.
WAIT_NOTICE_SECONDS = 1.0


def stop_progress(progress: Progress) -> None:
    """Stop a rich progress display and join its refresh thread.

    rich signals its refresh thread to end but does not join it; a thread must not outlive
    the display that owns it.
    """
    refresher = getattr(progress.live, "_refresh_thread", None)
    progress.stop()
    if isinstance(refresher, threading.Thread) and refresher.ident is not None:
        refresher.join()


def choose_mode(stream: TextIO, *, quiet: bool = False) -> ProgressMode:
    """Return ``"quiet"`` if asked, ``"bar"`` on a terminal, ``"lines"`` otherwise."""
    if quiet:
        return "quiet"
    isatty = getattr(stream, "isatty", None)
    return "bar" if isatty is not None and isatty() else "lines"


def unit_line(record: UnitRecord) -> str:
    """Return the plain line for one finished unit.

    >>> unit_line(UnitRecord("search", "done", "30 ids, 1 page", start=1.0, end=1.42))
    'done search: 30 ids, 1 page (0.42 s)'
    """
    if record.status == "done":
        return f"done {record.key}: {record.detail} ({record.seconds:.2f} s)"
    if record.status == "skipped":
        return f"skipped {record.key}: {record.detail}"
    if record.interrupted:
        return f"stopped {record.key}: {record.detail}"
    return f"FAILED {record.key}: {record.detail}"


def final_line(result: RunResult, *, noun: str = "unit") -> str:
    """Return the lecture's closing line, "8 searches done in 13.97s", plus what was skipped.

    ``N`` counts the units that ended ``done`` in this run; ``noun`` is the singular.
    """
    line = f"{plural(result.done, noun)} done in {result.wall_seconds:.2f}s"
    extras = []
    if result.skipped:
        extras.append(f"{result.skipped} already saved, skipped")
    if result.failures:
        extras.append(f"{result.failures} failed")
    if result.cut_short:
        extras.append(f"{result.cut_short} interrupted")
    if result.not_run:
        extras.append(f"{len(result.not_run)} not run")
    return f"{line} ({', '.join(extras)})" if extras else line


def failure_summary(result: RunResult, *, noun: str = "unit") -> str | None:
    """Return one line naming every failed unit and why, or None if none failed."""
    failed = result.failed_records
    if not failed:
        return None
    total = result.done + result.failures + result.cut_short
    reasons = "; ".join(f"{r.key}: {r.detail}" for r in failed)
    return f"{len(failed)} of {plural(total, noun)} failed: {reasons}"


class RunProgress:
    """An ``on_event`` handler that shows a run; a context manager (the bar owns a thread).

    Args:
        mode: ``"bar"``, ``"lines"`` or ``"quiet"``.
        stream: Where to write (default: standard output).
        noun: What a unit is called, in the singular ("search").
        redactor: Cleans every line shown (default: escapes control characters only).
    """

    def __init__(
        self,
        mode: ProgressMode,
        *,
        stream: TextIO | None = None,
        noun: str = "unit",
        redactor: Redactor = NO_SECRETS,
    ):
        self.mode = mode
        self._stream = stream
        self._noun = noun
        self._clean = redactor.clean
        self._announced_until = float("-inf")
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._closed = False

    @property
    def stream(self) -> TextIO:
        """The stream written to."""
        return self._stream if self._stream is not None else sys.stdout

    def __call__(self, event: RunEvent) -> None:
        """Show ``event``."""
        if self.mode == "quiet" or self._closed:
            return
        if isinstance(event, RunStarted):
            self._start(event)
        elif isinstance(event, UnitFinished):
            self._finished(event.record)
        elif isinstance(event, UnitWaiting):
            self._waiting(event)

    def _start(self, event: RunStarted) -> None:
        if self.mode != "bar" or self._progress is not None:
            return
        console = Console(file=self.stream)
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            # Not markup: a status quotes servers, and "[link=...]" must stay text.
            TextColumn("{task.fields[status]}", markup=False),
            console=console,
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(
            f"{event.model}: {plural_of(self._noun)}",
            total=event.total + event.skipped,
            status="",
        )

    def _finished(self, record: UnitRecord) -> None:
        if self._progress is not None and self._task is not None:
            if record.status == "failed":
                line = self._clean(unit_line(record))
                self._progress.console.print(line, markup=False, highlight=False)
            word = "stopped" if record.interrupted else record.status
            status = self._clean(f"{word} {record.key}")
            self._progress.update(self._task, advance=1, status=status)
            return
        self._print(unit_line(record))

    def _waiting(self, event: UnitWaiting) -> None:
        if event.seconds < WAIT_NOTICE_SECONDS or not event.reason:
            return
        until = event.at + event.seconds
        # Every worker waits on a shared pause: announce it once, not once per worker.
        if until <= self._announced_until + WAIT_NOTICE_SECONDS:
            return
        self._announced_until = until
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, status=self._clean(event.reason))
            return
        self._print(event.reason)

    def _print(self, line: str) -> None:
        stream = self.stream
        stream.write(self._clean(line) + "\n")
        stream.flush()

    def close(self) -> None:
        """Stop the bar (and its refresh thread); safe to call twice."""
        self._closed = True
        progress, self._progress = self._progress, None
        if progress is not None:
            stop_progress(progress)

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
