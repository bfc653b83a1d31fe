"""Ctrl-C and SIGTERM wait for a short call on the loop's thread, then take effect."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from speedlab._exceptions import Terminated
from speedlab.models._held_signals import call_with_signals_held


def _raise_terminated(_signum: int, _frame: object) -> None:
    raise Terminated


def test_a_ctrl_c_during_the_call_is_raised_once_it_has_returned() -> None:
    steps: list[str] = []

    def save() -> str:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the call runs
        steps.append("after the signal")  # reached: the call is not cut
        return "saved"

    with pytest.raises(KeyboardInterrupt):
        call_with_signals_held(save)
    assert steps == ["after the signal"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


def test_sigterm_reaches_the_handler_that_was_there(monkeypatch: pytest.MonkeyPatch) -> None:
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with pytest.raises(Terminated):
            call_with_signals_held(lambda: os.kill(os.getpid(), signal.SIGTERM))
        assert signal.getsignal(signal.SIGTERM) is _raise_terminated
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_without_a_signal_the_value_comes_back_and_nothing_changes() -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    assert call_with_signals_held(lambda: 42) == 42
    assert {s: signal.getsignal(s) for s in before} == before


def test_an_error_of_the_call_still_puts_the_handlers_back() -> None:
    def fail() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        call_with_signals_held(fail)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_outside_the_main_thread_the_call_just_runs() -> None:
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(call_with_signals_held(lambda: 7)))
    worker.start()
    worker.join(10)
    assert seen == [7]


def test_a_signal_that_fires_as_its_handler_is_put_back_leaves_the_other_put_back_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import _signal  # type: ignore[import-not-found]

    real = _signal.signal
    restored: list[int] = []

    def signal_that_fires(signum: int, handler: object) -> object:
        previous = real(signum, handler)
        if handler is signal.default_int_handler:  # SIGINT is back: a Ctrl-C lands right now
            restored.append(signum)
            raise KeyboardInterrupt
        restored.append(signum)
        return previous

    previous_term = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        monkeypatch.setattr(_signal, "signal", signal_that_fires)
        with pytest.raises(KeyboardInterrupt):
            call_with_signals_held(lambda: None)
        monkeypatch.undo()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert signal.getsignal(signal.SIGTERM) is _raise_terminated  # not left holding
    finally:
        signal.signal(signal.SIGTERM, previous_term)
