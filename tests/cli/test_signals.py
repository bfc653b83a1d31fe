"""SIGTERM becomes an interruption while a command runs, with its own exit code."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from speedlab.cli._signals import Terminated, interrupt_exit_code, terminate_as_interrupt
from speedlab.models import RunInterrupted


def test_sigterm_raises_terminated_inside_and_the_old_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGTERM)

    def terminate() -> None:
        with terminate_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)  # the handler runs before kill returns
            raise AssertionError("SIGTERM did not interrupt")

    with pytest.raises(Terminated):
        terminate()
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_exit_code_follows_the_cause_of_an_interruption() -> None:
    assert interrupt_exit_code(KeyboardInterrupt()) == 130
    assert interrupt_exit_code(Terminated()) == 143
    wrapped = RunInterrupted.__new__(RunInterrupted)
    wrapped.__cause__ = Terminated()
    assert interrupt_exit_code(wrapped) == 143


def test_outside_the_main_thread_nothing_is_installed() -> None:
    seen: list[object] = []

    def probe() -> None:
        with terminate_as_interrupt():
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    assert seen == [signal.getsignal(signal.SIGTERM)]


@pytest.mark.parametrize(
    ("raised", "code"), [(KeyboardInterrupt, 130), (Terminated, 143)], ids=["sigint", "sigterm"]
)
def test_an_interrupt_typer_turns_into_an_exit_still_says_so(
    raised: type[BaseException],
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # As when the signal lands while a command imports its modules, before its own handling.
    import speedlab.lesson.demos as demos
    from speedlab.cli import main

    def interrupted(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(demos, "run_demo", interrupted)
    assert main(["lesson", "generators"]) == code
    assert "speedlab: interrupted" in capsys.readouterr().err
