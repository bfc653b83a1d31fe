"""The watchdog: fires late requests' alarms, costs nothing per request, outlives no user."""

from __future__ import annotations

import threading

import pytest

from speedlab.models._watchdog import WATCHDOG, Watchdog


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "speedlab-watchdog"]


@pytest.mark.slow
def test_an_alarm_fires_at_its_deadline_and_not_once_disarmed() -> None:
    dog = Watchdog()
    fired = threading.Event()
    late = dog.alarm(fired.set)
    quiet = dog.alarm(pytest.fail)
    try:
        quiet.arm(0.05)
        quiet.disarm()
        late.arm(0.1)
        assert fired.wait(5)
        assert late.fired
        assert not quiet.fired
        assert dog.statistics().fired == 1
    finally:
        late.close()
        quiet.close()


@pytest.mark.slow
def test_re_arming_for_a_shorter_time_is_not_held_back_by_the_earlier_deadline() -> None:
    dog = Watchdog()
    fired = threading.Event()
    alarm = dog.alarm(fired.set)
    try:
        alarm.arm(60)
        alarm.disarm()
        alarm.arm(0.05)
        assert fired.wait(5), "the alarm waited for its first, longer deadline"
    finally:
        alarm.close()


def test_arming_and_disarming_many_requests_wakes_the_thread_at_most_once() -> None:
    # What every request costs: an arm and a disarm. The thread must not hear about them.
    dog = Watchdog()
    alarms = [dog.alarm(pytest.fail) for _ in range(8)]
    try:
        for _ in range(5_000):
            for alarm in alarms:
                alarm.arm(30)
                alarm.disarm()
        stats = dog.statistics()
        assert stats.running
        assert stats.wakeups <= 1
        assert stats.fired == 0
    finally:
        for alarm in alarms:
            alarm.close()


def test_the_thread_starts_with_the_first_armed_alarm_and_is_joined_with_the_last_close() -> None:
    before = _threads()
    dog = Watchdog()
    first, second = dog.alarm(lambda: None), dog.alarm(lambda: None)
    assert not dog.statistics().running  # nobody armed anything yet: no thread
    first.arm(30)
    assert dog.statistics().running
    assert len(_threads()) == len(before) + 1
    first.close()
    first.close()  # idempotent
    assert dog.statistics().running  # the second alarm still needs it
    second.close()
    assert not dog.statistics().running
    assert _threads() == before  # joined, not left behind


def test_the_process_watchdog_is_idle_when_no_transport_is_open() -> None:
    from speedlab.models._requests_transport import RequestsTransport

    with RequestsTransport():
        pass
    stats = WATCHDOG.statistics()
    assert (stats.alarms, stats.running) == (0, False)


def test_a_failing_callback_does_not_stop_the_watchdog() -> None:
    dog = Watchdog()
    fired = threading.Event()

    def broken() -> None:
        raise OSError("socket already closed")

    bad, good = dog.alarm(broken), dog.alarm(fired.set)
    before = _threads()
    try:
        bad.arm(0)
        good.arm(0.01)
        assert fired.wait(5)
        assert bad.fired
        assert dog.statistics().fired == 2
    finally:
        bad.close()
        good.close()
    assert not dog.statistics().running
    assert _threads() == before
