"""yield from: the endless primary, two primaries interleaved by a seeded coin, return values."""

from __future__ import annotations

import itertools
import random

import pytest

from speedlab.lesson.delegation import (
    collecting_primary,
    counting_secondary,
    endless_primary,
    interleave,
    paired_primary,
    returning_secondary,
    show_delegation,
    tick_steps,
)
from tests.lesson._lines import notes_of, output_of


def test_endless_primary_passes_the_secondary_through_then_its_name() -> None:
    values = list(itertools.islice(endless_primary(), 23))
    expected = [f"SEC {i}" for i in range(10)] + ["Prim"]
    assert values == expected + expected + ["SEC 0"]


def test_counting_secondary_counts_from_zero() -> None:
    assert list(counting_secondary(3)) == ["SEC 0", "SEC 1", "SEC 2"]


def test_paired_primary_rounds() -> None:
    assert list(paired_primary("p", rounds=2)) == [
        "SEC 1 from p",
        "SEC 2 from p",
        "p-0",
        "SEC 1 from p",
        "SEC 2 from p",
        "p-1",
    ]


def test_tick_steps_sleeps_one_tick_before_every_step() -> None:
    slept: list[float] = []
    steps = list(tick_steps(endless_primary(), 3, tick=0.25, sleep=slept.append))
    assert steps == [(0, "SEC 0"), (1, "SEC 1"), (2, "SEC 2")]
    assert slept == [0.25, 0.25, 0.25]


def test_tick_zero_never_sleeps() -> None:
    slept: list[float] = []
    list(tick_steps(endless_primary(), 3, tick=0, sleep=slept.append))
    assert slept == []


def test_tick_steps_stops_when_the_generator_ends() -> None:
    assert list(tick_steps(counting_secondary(2), 5, tick=0)) == [(0, "SEC 0"), (1, "SEC 1")]


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_interleave_follows_the_seeded_draws(seed: int) -> None:
    steps = 40
    got = list(
        interleave(
            paired_primary("first prim"),
            paired_primary("second prim"),
            steps,
            rng=random.Random(seed),
            tick=0,
        )
    )
    # Replay the draws independently: each tick one random(), first primary when above 0.8.
    replay = random.Random(seed)
    streams = {0: iter(paired_primary("first prim")), 1: iter(paired_primary("second prim"))}
    expected = []
    for i in range(steps):
        which = 0 if replay.random() > 0.8 else 1
        expected.append((i, which, next(streams[which])))
    assert [(s.index, s.core, s.value) for s in got] == expected
    assert {s.core for s in got} == {0, 1}  # both primaries ran, suspended in between


def test_interleave_threshold_extremes_pick_one_side() -> None:
    only_second = interleave(
        paired_primary("a"), paired_primary("b"), 4, rng=random.Random(3), threshold=1.0, tick=0
    )
    assert [s.core for s in only_second] == [1, 1, 1, 1]


def test_interleave_rejects_a_threshold_outside_0_1() -> None:
    with pytest.raises(ValueError, match="threshold"):
        interleave(paired_primary(), paired_primary(), 1, rng=random.Random(0), threshold=1.5)


def test_interleave_stops_when_a_primary_is_exhausted() -> None:
    got = list(
        interleave(
            paired_primary("a", rounds=1),
            paired_primary("b", rounds=1),
            100,
            rng=random.Random(0),
            threshold=0.0,  # random() > 0.0 almost surely: always the first
            tick=0,
        )
    )
    assert [s.value for s in got] == ["SEC 1 from a", "SEC 2 from a", "a-0"]


def test_returning_secondary_returns_name_times_i() -> None:
    gen = returning_secondary("ab", 3)
    assert [next(gen), next(gen)] == ["SEC 1 from ab #3", "SEC 2 from ab #3"]
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == "ababab"


def test_collecting_primary_reports_each_return_between_the_driver_lines() -> None:
    lines: list[str] = []
    core = collecting_primary(report=lines.append)
    for i, value in tick_steps(core, 10, tick=0):
        lines.append(f"{i} | {value}")
    assert lines[:7] == [
        "0 | SEC 1 from prim #0",
        "1 | SEC 2 from prim #0",
        "secondary-0: ",
        "2 | SEC 1 from prim #1",
        "3 | SEC 2 from prim #1",
        "secondary-1: prim",
        "4 | SEC 1 from prim #2",
    ]
    assert "secondary-3: primprimprim" in lines
    assert lines[-1] == "9 | SEC 2 from prim #4"


def test_collecting_primary_returns_every_result() -> None:
    core = collecting_primary("x", rounds=3, report=lambda line: None)
    for _ in range(6):
        next(core)
    with pytest.raises(StopIteration) as stop:
        next(core)
    assert stop.value.value == ["", "x", "xx"]


def test_show_delegation_prints_the_three_programs_with_the_lecture_steps() -> None:
    lines: list[str] = []
    show_delegation(rng=random.Random(1), tick=0, echo=lines.append, notes=False)
    out = output_of(lines)
    assert out[:12] == [f"{i} SEC {i}" for i in range(10)] + ["10 Prim", "11 SEC 0"]
    replay = random.Random(1)
    streams = {0: iter(paired_primary("first prim")), 1: iter(paired_primary("second prim"))}
    expected = [f"{i}| {next(streams[0 if replay.random() > 0.8 else 1])}" for i in range(30)]
    assert out[12:42] == expected  # the lecture's n = 30
    assert out[42:45] == ["0 | SEC 1 from prim #0", "1 | SEC 2 from prim #0", "secondary-0: "]
    assert out[-1] == "9 | SEC 2 from prim #4"  # n = 10
    assert ">>> for i in range(30):" in lines
    assert [line for line in lines if line.startswith("-- ")] == [
        "-- primary() delegates to secondary() --",
        "-- two primaries, one step at a time, chosen at random --",
        "-- res = yield from secondary(): the secondary's return value --",
    ]


def test_show_delegation_explains_one_step_one_yield() -> None:
    lines: list[str] = []
    show_delegation(rng=random.Random(1), tick=0, echo=lines.append)
    notes = notes_of(lines)
    assert "One step of the loop is one yield of the primary the coin chose" in notes


def test_show_delegation_count_and_tick() -> None:
    lines: list[str] = []
    slept: list[float] = []
    show_delegation(
        rng=random.Random(0), count=2, tick=0.5, sleep=slept.append, echo=lines.append, notes=False
    )
    assert slept == [0.5] * 6
    assert len(output_of(lines)) == 2 * 3
    assert "...     sleep(0.5)" in lines


def test_show_delegation_count_zero_runs_no_step() -> None:
    lines: list[str] = []
    slept: list[float] = []
    show_delegation(rng=random.Random(0), count=0, tick=1, sleep=slept.append, echo=lines.append)
    assert output_of(lines) == []
    assert slept == []
