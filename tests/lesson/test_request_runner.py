"""The hand-made runner: round-robin turns, seeded answers, completion order, closing."""

from __future__ import annotations

import gc
import inspect
import random
from collections import deque
from collections.abc import Generator
from typing import Any

import pytest

from speedlab.lesson.request_runner import (
    ALPHABET,
    answer_request,
    async_repeater,
    computer,
    coro_computer,
    repeater,
    runner,
    show_runner,
)
from tests.lesson._lines import notes_of


def replay(ns: list[int], seed: int) -> list[str]:
    """Compute the runner's results from the random stream alone, without any generator.

    Command i repeats n[i] times: ask int, ask str, join str * int. One answer per turn,
    round-robin in the order given; results in the order the commands finish.
    """
    rng = random.Random(seed)
    queue = deque(range(len(ns)))
    pending: list[object] = [None] * len(ns)
    done = [0] * len(ns)
    times = [0] * len(ns)
    text = [""] * len(ns)
    results: list[str] = []
    while queue:
        i = queue.popleft()
        if pending[i] is int:
            times[i] = rng.randint(1, 7)
        elif pending[i] is str:
            text[i] += rng.choice(ALPHABET) * times[i]
            done[i] += 1
        if done[i] == ns[i]:
            results.append(text[i])
            continue
        pending[i] = str if pending[i] is int else int
        queue.append(i)
    return results


def test_computer_asks_int_then_str_and_multiplies() -> None:
    gen = computer()
    assert next(gen) is int
    assert gen.send(3) is str
    with pytest.raises(StopIteration) as stop:
        gen.send("ab")
    assert stop.value.value == "ababab"


def test_computer_refuses_answers_of_the_wrong_type() -> None:
    gen = computer()
    next(gen)
    gen.send("not an int")
    with pytest.raises(TypeError, match="asked for an int"):
        gen.send("A")


def test_answer_request_draws_from_the_lecture_ranges() -> None:
    rng = random.Random(3)
    ints = {answer_request(int, rng) for _ in range(500)}
    chars = {answer_request(str, rng) for _ in range(500)}
    assert ints == set(range(1, 8))
    assert chars == set(ALPHABET)
    assert answer_request(None, rng) is None


@pytest.mark.parametrize("bad", [float, bytes, "int", 3])
def test_answer_request_rejects_unknown_requests(bad: object) -> None:
    with pytest.raises(ValueError, match=r"."):
        answer_request(bad, random.Random(0))


@pytest.mark.parametrize("seed", [1, 2, 99])
def test_runner_results_match_an_independent_replay(seed: int) -> None:
    got = runner(repeater(10), repeater(2), repeater(6), rng=random.Random(seed))
    assert got == replay([10, 2, 6], seed)


def test_runner_under_seed_1_the_lecture_call() -> None:
    expected = replay([10, 2, 6], 1)
    assert runner(repeater(10), repeater(2), repeater(6), rng=random.Random(1)) == expected
    assert runner(repeater(3), rng=random.Random(1)) == replay([3], 1)


def test_native_coroutines_through_one_types_coroutine_give_the_same_results() -> None:
    native = runner(async_repeater(10), async_repeater(2), async_repeater(6), rng=random.Random(1))
    assert native == replay([10, 2, 6], 1)


def test_mixed_generators_and_coroutines_and_empty_repeaters() -> None:
    got = runner(repeater(0), async_repeater(1), computer(), rng=random.Random(4))
    assert got == replay([0, 1, 1], 4)
    assert got[0] == ""


def test_await_coro_computer_outside_a_runner_yields_its_requests() -> None:
    coro = coro_computer()
    assert coro.send(None) is int
    assert coro.send(2) is str
    with pytest.raises(StopIteration) as stop:
        coro.send("Z")
    assert stop.value.value == "ZZ"


def test_runner_closes_finished_generators() -> None:
    gen = repeater(2)
    runner(gen, rng=random.Random(0))
    assert inspect.getgeneratorstate(gen) == inspect.GEN_CLOSED


def test_unknown_request_raises_value_error_and_closes_every_command() -> None:
    cleaned: list[str] = []

    def bad() -> Generator[Any, Any, str]:
        try:
            yield float
        finally:
            cleaned.append("bad")
        return "never"

    def good() -> Generator[Any, Any, str]:
        try:
            yield from repeater(5)
        finally:
            cleaned.append("good")
        return "never"

    with pytest.raises(ValueError, match="float"):
        runner(bad(), good(), rng=random.Random(0))
    assert sorted(cleaned) == ["bad", "good"]


def test_a_failing_command_leaves_no_coroutine_unawaited() -> None:
    def boom() -> Generator[Any, Any, str]:
        raise RuntimeError("boom")
        yield int  # a generator, that fails on its first step

    waiting = async_repeater(1)
    with pytest.raises(RuntimeError, match="boom"):
        runner(boom(), waiting, rng=random.Random(0))
    assert inspect.getcoroutinestate(waiting) == inspect.CORO_CLOSED
    gc.collect()  # would raise here (filterwarnings=error) if it had been dropped unclosed


def test_trace_shows_one_line_per_turn() -> None:
    lines: list[str] = []
    result = runner(computer(), rng=random.Random(2), trace=lines.append)
    rng = random.Random(2)
    times, letter = rng.randint(1, 7), rng.choice(ALPHABET)
    assert result == [letter * times]
    assert lines == [
        "computer#0: next() -> int",
        f"computer#0: send({times}) -> str",
        f"computer#0: send({letter!r}) -> return {letter * times!r}",
    ]


def test_trace_names_each_command_and_interleaves_them() -> None:
    lines: list[str] = []
    runner(computer(), async_repeater(1), rng=random.Random(2), trace=lines.append)
    assert [line.split(":")[0] for line in lines] == ["computer#0", "async_repeater#1"] * 3


def test_show_runner_prints_both_styles_with_equal_results() -> None:
    lines: list[str] = []
    show_runner(seed=1, echo=lines.append, notes=False)
    expected = replay([10, 2, 6], 1)
    assert lines.count(str(expected)) == 2  # the generator and the async def versions
    after = lines.index(">>> runner(repeater(3))")
    assert lines[after + 1] == repr(replay([3], 1))
    assert lines[-1] == "the same results as the generator version: True"
    assert (
        lines[0]
        == "-- the runner's trace: the lecture's commented-out prints, one line per turn --"
    )


def test_results_come_in_the_order_the_commands_finish_whatever_the_seed() -> None:
    for seed in range(5):
        lines: list[str] = []
        runner(repeater(10), repeater(2), repeater(6), rng=random.Random(seed), trace=lines.append)
        finished = [line.split(":")[0] for line in lines if "-> return" in line]
        assert finished == ["repeater#1", "repeater#2", "repeater#0"]


def test_show_runner_explains_the_order_of_the_results() -> None:
    lines: list[str] = []
    show_runner(seed=1, echo=lines.append)
    notes = notes_of(lines)
    assert "The results come in the order the commands finish" in notes
    assert "repeater(2) needs 5 turns, repeater(6) 13 and repeater(10) 21" in notes
