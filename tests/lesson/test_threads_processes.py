"""Process and Thread start/join, and a worker thread stopped through an Event."""

from __future__ import annotations

import os
import threading

import pytest

from speedlab.lesson.threads_processes import (
    hello,
    hello_in_process,
    hello_in_thread,
    run_stoppable_worker,
    show_threads_processes,
)
from tests.lesson._lines import notes_of


def test_hello() -> None:
    assert hello("bob") == "hello bob"


def test_process_greets_from_another_pid() -> None:
    greeting = hello_in_process("bob")
    assert greeting.text == "hello bob"
    assert greeting.pid != os.getpid()
    assert greeting.thread == "MainThread"


def test_thread_greets_from_our_pid_in_another_thread() -> None:
    greeting = hello_in_thread("alice")
    assert greeting.text == "hello alice"
    assert greeting.pid == os.getpid()
    assert greeting.thread == "greeter"
    assert not any(t.name == "greeter" for t in threading.enumerate())


def test_worker_runs_during_the_work_and_is_joined_after_the_event() -> None:
    lines: list[str] = []
    alive_during_work: list[bool] = []

    def work() -> None:
        alive_during_work.append(any(t.name == "stoppable-worker" for t in threading.enumerate()))

    report = run_stoppable_worker(work, tick=0.001, echo=lines.append)
    assert alive_during_work == [True]
    assert report.alive_after_join is False
    assert lines == [
        "worker: started, waiting on the stop event between beats",
        "main: stop.set()",
        "worker: stop event is set, leaving",
        "main: worker joined, alive: False",
    ]
    assert not any(t.name == "stoppable-worker" for t in threading.enumerate())


def test_worker_stops_at_once_even_with_a_long_beat() -> None:
    # A one-hour beat: only waiting on the event (not sleeping) lets it stop within the timeout.
    report = run_stoppable_worker(lambda: None, tick=3600, timeout=30, echo=lambda line: None)
    assert report.beats == 0
    assert report.alive_after_join is False


def test_worker_is_stopped_and_joined_when_the_work_fails() -> None:
    lines: list[str] = []

    def work() -> None:
        raise RuntimeError("work failed")

    with pytest.raises(RuntimeError, match="work failed"):
        run_stoppable_worker(work, tick=0.001, echo=lines.append)
    assert lines[-2:] == ["main: stop.set()", "worker: stop event is set, leaving"]
    assert not any(t.name == "stoppable-worker" for t in threading.enumerate())


def test_thread_prints_through_echo_from_its_own_thread() -> None:
    seen: list[tuple[str, str]] = []
    hello_in_thread("bob", echo=lambda line: seen.append((line, threading.current_thread().name)))
    assert seen == [("hello bob", "greeter")]


def test_show_threads_processes(capfd: pytest.CaptureFixture[str]) -> None:
    lines: list[str] = []
    slept: list[float] = []
    show_threads_processes(tick=0.001, count=4, sleep=slept.append, echo=lines.append, notes=False)
    # The child process prints on the shared standard output, not through echo: once.
    assert capfd.readouterr().out == "hello bob\n"
    assert lines.count("hello bob") == 1  # the thread's own print
    assert [line for line in lines if line.startswith("-- ")] == [
        "-- a Process --",
        "-- a Thread --",
        "-- stopping a thread with threading.Event --",
    ]
    process = lines.index(">>> p.pid != os.getpid()")
    assert lines[process + 1] == "True"
    assert lines[-5:] == [
        "worker: started, waiting on the stop event between beats",
        "main: working for 4 ticks",
        "main: stop.set()",
        "worker: stop event is set, leaving",
        "main: worker joined, alive: False",
    ]
    assert ">>> print('main: working for 4 ticks'); sleep(0.004)" in lines
    assert slept == [pytest.approx(0.004)]


def test_show_threads_processes_explains_the_gil_and_thread_like_task() -> None:
    lines: list[str] = []
    show_threads_processes(tick=0, count=0, echo=lines.append)
    notes = notes_of(lines)
    assert "GIL" in notes
    assert "threading.Thread is much like asyncio.Task" in notes
    assert "main: working for 0 ticks" in lines
