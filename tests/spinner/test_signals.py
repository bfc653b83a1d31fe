"""interrupts_raise: SIGINT and SIGTERM raise at once, only over Python's defaults."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from speedlab.spinner import Terminated, interrupts_raise


@pytest.fixture
def default_handlers() -> Iterator[None]:
    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGINT, saved[0])
    signal.signal(signal.SIGTERM, saved[1])


@pytest.mark.usefixtures("default_handlers")
@pytest.mark.parametrize(
    ("signum", "error"), [(signal.SIGTERM, Terminated), (signal.SIGINT, KeyboardInterrupt)]
)
def test_signals_raise_inside_and_defaults_come_back(
    signum: signal.Signals, error: type[BaseException]
) -> None:
    seen: list[object] = []

    def interrupted() -> None:
        with interrupts_raise():
            seen.append(signal.getsignal(signum))
            os.kill(os.getpid(), signum)
            signal.pause()  # not reached: the handler raises first (or as pause returns)

    with pytest.raises(error) as raised:
        interrupted()
    assert type(raised.value) is error
    assert seen
    assert seen[0] not in (signal.default_int_handler, signal.SIG_DFL)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_terminated_is_an_interrupt_so_asyncio_and_except_exception_let_it_through() -> None:
    assert issubclass(Terminated, KeyboardInterrupt)
    assert not issubclass(Terminated, Exception)


@pytest.mark.usefixtures("default_handlers")
def test_handlers_of_a_program_of_its_own_are_left_alone() -> None:
    def mine(signum: int, frame: object) -> None:
        pass

    signal.signal(signal.SIGTERM, mine)
    with interrupts_raise():
        assert signal.getsignal(signal.SIGTERM) is mine
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is mine


@pytest.mark.usefixtures("default_handlers")
def test_outside_the_main_thread_nothing_changes() -> None:
    seen: list[object] = []

    def other() -> None:
        with interrupts_raise():
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [signal.default_int_handler]
