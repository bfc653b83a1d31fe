"""The asyncio demo: wall times rounded to the tick, masked addresses, the lecture's order."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from speedlab.lesson._asyncio_demo import mask_addresses, round_to_tick, show_asyncio_basics
from tests.lesson._lines import notes_of

TICK = 0.001  # real asyncio sleeps of 5 ms; the measured times come from a fake clock


def fake_clock(durations: Iterable[float]) -> Callable[[], float]:
    """A clock under which the timed programs take ``durations``, one after another."""
    readings: list[float] = []
    now = 100.0
    for duration in durations:
        readings += [now, now + duration]
        now += duration + 7.0
    values = iter(readings)
    return lambda: next(values)


def run_demo(durations: Iterable[float], *, tick: float = TICK, notes: bool = True) -> list[str]:
    lines: list[str] = []
    slept: list[float] = []
    show_asyncio_basics(
        tick=tick,
        sleep=slept.append,
        echo=lines.append,
        notes=notes,
        clock=fake_clock(durations),
    )
    assert slept == ([5 * tick] if tick else [])  # only the plain sleeper uses `sleep`
    return lines


@pytest.mark.parametrize(
    ("seconds", "tick", "expected"),
    [(5.013, 1.0, 5.0), (4.6, 1.0, 5.0), (1.004, 0.2, 1.0), (0.3, 0.0, 0.0), (0.0004, 0.001, 0.0)],
)
def test_round_to_tick(seconds: float, tick: float, expected: float) -> None:
    assert round_to_tick(seconds, tick) == pytest.approx(expected)


def test_mask_addresses_hides_every_address_and_nothing_else() -> None:
    text = "got <function sleeper at 0x7f3fc94f0720> and <object at 0x55d0c0ffee00>"
    assert mask_addresses(text) == "got <function sleeper at 0x...> and <object at 0x...>"
    assert mask_addresses("answer 0x10, got None") == "answer 0x10, got None"


def test_each_program_ends_with_its_wall_time_rounded_to_the_tick() -> None:
    lines = run_demo([5.2 * TICK, 0.3 * TICK, 4.9 * TICK, 0.1 * TICK, 5.4 * TICK])
    walls = [line for line in lines if line.startswith("Wall time: ")]
    # plain 5 ticks, no await 0, awaited 5, create_task(print(...)) 0, two tasks 5
    assert walls == ["Wall time: 0.005 s", "Wall time: 0 s", "Wall time: 0.005 s",
                     "Wall time: 0 s", "Wall time: 0.005 s"]  # fmt: skip
    plain = lines.index(">>> %time main()")
    assert lines[plain + 1 : plain + 3] == ["Woke up", "Wall time: 0.005 s"]


def test_jitter_in_the_measured_times_does_not_change_a_byte() -> None:
    steady = run_demo([5 * TICK, 0, 5 * TICK, 0, 5 * TICK])
    jittery = run_demo([5.4 * TICK, 0.45 * TICK, 4.6 * TICK, 0.2 * TICK, 5.1 * TICK])
    assert jittery == steady


def test_the_lecture_order_of_mistake_two_and_of_the_fixed_tasks() -> None:
    lines = run_demo([0] * 5, tick=0)
    second = lines.index("-- mistake 2: asyncio.create_task(print('woke up')) --")
    run = lines.index(">>> %time asyncio.run(main())", second)
    assert lines[run + 1 : run + 7] == [
        "Running wait",
        "slept",
        "woke up",
        "sleeping for 0 seconds",
        "TypeError: a coroutine was expected, got None",
        "Wall time: 0 s",
    ]
    assert lines.index("-- fixed: sleeper and printer as two tasks --") > run
    last_run = len(lines) - lines[::-1].index(">>> %time asyncio.run(main())") - 1
    assert lines[last_run + 1 : last_run + 7] == [
        "Running wait",
        "slept",
        "Finish",
        "sleeping for 0 seconds",
        "woke up",
        "Wall time: 0 s",
    ]


def test_the_mistakes_show_python_s_own_words_without_addresses() -> None:
    lines = run_demo([0] * 5, tick=0, notes=False)
    assert "RuntimeWarning: coroutine 'sleeper' was never awaited" in lines
    assert "RuntimeWarning: coroutine 'printer' was never awaited" in lines
    assert "SyntaxError: 'await' outside async function" in lines
    assert "TypeError: a coroutine was expected, got <function sleeper at 0x...>" in lines
    assert not any(line.startswith("# ") for line in lines)


def test_tick_zero_says_so_and_notes_only_add_lines() -> None:
    quiet = run_demo([0] * 5, tick=0, notes=False)
    loud = run_demo([0] * 5, tick=0)
    notes = notes_of(loud)
    assert "With --tick 0 nothing sleeps, so every wall time is 0 s." in notes
    assert [line for line in loud if not line.startswith("# ")] == quiet
