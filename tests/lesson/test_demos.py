"""The demo catalogue: settings validation, one demo by name, all of them without stdin."""

from __future__ import annotations

import io
import math
import random

import pytest

import speedlab.lesson
from speedlab._exceptions import UsageError
from speedlab.lesson import (
    _arithmetic,
    _asyncio_demo,
    _narrator,
    asyncio_basics,
    delegation,
    demos,
    generators,
    primes,
    provider,
    request_runner,
    running_average,
    threads_processes,
)
from speedlab.lesson.demos import (
    DEMOS,
    MAX_COUNT,
    DemoSettings,
    demo_names,
    run_all,
    run_demo,
    show_primes,
)


class NoStdin(io.StringIO):
    """A standard input that fails the test if anything reads it."""

    def readline(self, size: int | None = -1, /) -> str:
        raise AssertionError("a demo read standard input")

    def read(self, size: int | None = -1, /) -> str:
        raise AssertionError("a demo read standard input")


def trial_division_primes(count: int) -> list[int]:
    found: list[int] = []
    n = 1
    while len(found) < count:
        n += 1
        if all(n % d for d in range(2, math.isqrt(n) + 1)):
            found.append(n)
    return found


def test_lesson_package_exports_every_public_name_of_its_modules() -> None:
    names = speedlab.lesson.__all__
    assert len(set(names)) == len(names)
    modules = (
        _arithmetic,
        _asyncio_demo,
        _narrator,
        asyncio_basics,
        delegation,
        demos,
        generators,
        provider,
        request_runner,
        running_average,
        threads_processes,
    )
    # From primes (another module's own API) only the stream functions are lifted up.
    from_primes = {"is_prime", "naive_prime_stream", "prime_stream"}
    assert from_primes <= set(primes.__all__)
    assert set(names) == {name for module in modules for name in module.__all__} | from_primes
    for name in names:
        assert hasattr(speedlab.lesson, name), name
    assert speedlab.lesson.prime_stream is primes.prime_stream
    assert speedlab.lesson.runner is request_runner.runner


def test_demo_names_follow_the_lecture() -> None:
    assert demo_names() == [
        "generators",
        "primes",
        "averager",
        "delegation",
        "provider",
        "runner",
        "asyncio-basics",
        "threads-processes",
    ]
    assert [d.section for d in DEMOS] == [f"2.{i}" for i in range(1, 9)]


def test_headings_name_the_lecture_programs_not_sections() -> None:
    assert [demo.header() for demo in DEMOS] == [
        "== gen_fun: a generator function and its object ==",
        "== create_prime_stream: an infinite stream of primes ==",
        "== averager: a coroutine that keeps a running mean ==",
        "== primary, secondary: yield from ==",
        "== value_provider, value_computer: questions out by yield, answers in by send ==",
        "== runner, computer, repeater: asynchrony by hand, then with async def ==",
        "== sleeper, printer: first steps with asyncio, three mistakes and their times ==",
        "== Process, Thread, Event: processes, threads, the GIL, and stopping a thread ==",
    ]
    assert not any("§" in demo.header() for demo in DEMOS)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_headings_fit_an_80_column_terminal(lang: str) -> None:
    lines: list[str] = []
    run_all(DemoSettings(tick=0, lang=lang, echo=lines.append))
    headings = [line for line in lines if line.startswith(("== ", "-- "))]
    assert len(headings) > len(DEMOS)
    assert all(len(line) <= 80 for line in headings), [h for h in headings if len(h) > 80]
    russian = DemoSettings(lang="ru").narrator()
    assert DEMOS[2].header(russian) == "== averager: корутина, которая считает среднее на лету =="


@pytest.mark.parametrize("tick", [-1.0, math.nan, math.inf, 60.5, 1e300])
def test_settings_refuse_a_bad_tick(tick: float) -> None:
    with pytest.raises(UsageError, match="--tick"):
        DemoSettings(tick=tick)


@pytest.mark.parametrize("count", [-1, MAX_COUNT + 1, 10**9])
def test_settings_refuse_a_count_outside_0_to_max(count: int) -> None:
    with pytest.raises(UsageError, match=f"--count must be between 0 and {MAX_COUNT}, got"):
        DemoSettings(count=count)


def test_count_zero_runs_no_step_of_any_looping_demo() -> None:
    lines: list[str] = []
    slept: list[float] = []
    settings = DemoSettings(count=0, tick=1, notes=False, echo=lines.append, sleep=slept.append)
    run_all(settings, names=["primes", "delegation"])
    assert slept == []  # no step, no tick
    assert lines.count("[]") == 3  # each prime stream took 0 values
    assert not any(line[:1].isdigit() for line in lines)  # no numbered delegation step


def test_settings_refuse_more_answers_than_questions_and_an_unknown_language() -> None:
    with pytest.raises(UsageError, match="gives 5 answers, but the provider asks only 4"):
        DemoSettings(answers=(1, 2, 3, 4, 5))
    with pytest.raises(UsageError, match="--lang"):
        DemoSettings(lang="fr")


def test_run_demo_refuses_an_unknown_name() -> None:
    with pytest.raises(UsageError, match="no lesson named 'nope'"):
        run_demo("nope", DemoSettings(tick=0))


def test_run_demo_prints_the_header_first() -> None:
    lines: list[str] = []
    run_demo("averager", DemoSettings(tick=0, echo=lines.append))
    assert lines[0] == "== averager: a coroutine that keeps a running mean =="
    assert lines[1:4] == [">>> coro_avg = averager()", ">>> next(coro_avg)", "0.0"]
    assert lines[4].startswith("# next() primes the coroutine")


def test_show_primes_prints_both_streams_and_checks() -> None:
    lines: list[str] = []
    show_primes(DemoSettings(tick=0, count=8, notes=False, echo=lines.append))
    expected = str(trial_division_primes(8))
    assert lines == [
        ">>> list(islice(create_prime_stream(), 8))",
        expected,
        ">>> list(islice(prime_stream(), 8))",
        expected,
        ">>> list(islice(prime_stream(start=1000), 8))",
        "[1009, 1013, 1019, 1021, 1031, 1033, 1039, 1049]",
        ">>> [is_prime(n) for n in [0, 1, 2, 91, 97, 2147483647]]",
        "[False, False, True, False, True, True]",
        "the same sequence from both streams: True",
    ]


def test_provider_alone_with_answers_does_not_read_stdin() -> None:
    lines: list[str] = []
    settings = DemoSettings(tick=0, answers=(1, 2, 3, 4), stdin=NoStdin(), echo=lines.append)
    run_demo("provider", settings)
    assert "StopIteration: 116" in lines


def run_all_lines(seed: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr("sys.stdin", NoStdin())
    lines: list[str] = []
    slept: list[float] = []
    run_all(DemoSettings(seed=seed, tick=0, echo=lines.append, sleep=slept.append))
    assert slept == []
    return lines


def test_run_all_runs_every_demo_in_order_without_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = run_all_lines(1, monkeypatch)
    headers = [line for line in lines if line.startswith("== ")]
    assert headers == [demo.header() for demo in DEMOS]
    for header in headers[1:]:  # a blank line before every demo but the first
        assert lines[lines.index(header) - 1] == ""
    rng = random.Random(1)
    x1, y1, x2, y2 = (rng.randint(0, 9) for _ in range(4))
    asked = [line for line in lines if line.startswith("computer: get val ")]
    assert asked == [
        f"computer: get val x {x1}",
        f"computer: get val y {y1}",
        f"computer: get val x {x2}",
        f"computer: get val y {y2}",
    ]
    total = (x1**2 + y1) + (x2**2 + y2) + 100
    assert f"StopIteration: {total}" in lines


def test_run_all_is_repeatable_and_follows_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    first, again = run_all_lines(1, monkeypatch), run_all_lines(1, monkeypatch)
    other = run_all_lines(2, monkeypatch)
    assert first == again
    assert first != other


def test_run_all_subset() -> None:
    lines: list[str] = []
    run_all(DemoSettings(tick=0, echo=lines.append), names=["generators", "averager"])
    assert [line for line in lines if line.startswith("==")] == [
        DEMOS[0].header(),
        DEMOS[2].header(),
    ]
