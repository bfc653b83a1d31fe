"""The averager coroutine: priming, running means, close, and send after close."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speedlab.lesson.running_average import averager, running_means, show_averager
from tests.lesson._lines import notes_of


def test_priming_gives_zero_then_send_returns_the_running_mean() -> None:
    coro = averager()
    assert next(coro) == 0.0
    assert coro.send(10) == 10.0
    assert coro.send(15) == 12.5
    assert coro.send(20) == 15.0


def test_send_after_close_raises_stop_iteration() -> None:
    coro = averager()
    next(coro)
    coro.send(10)
    coro.close()
    with pytest.raises(StopIteration):
        coro.send(20)


def test_send_before_priming_is_refused() -> None:
    with pytest.raises(TypeError):
        averager().send(10)


@given(st.lists(st.integers(min_value=-1000, max_value=1000), max_size=30))
def test_running_means_match_the_prefix_means(values: list[int]) -> None:
    expected = [0.0] + [sum(values[: i + 1]) / (i + 1) for i in range(len(values))]
    assert running_means(values) == pytest.approx(expected)


def test_show_averager_prints_the_lecture_session() -> None:
    lines: list[str] = []
    show_averager(echo=lines.append, notes=False)
    assert lines == [
        ">>> coro_avg = averager()",
        ">>> next(coro_avg)",
        "0.0",
        ">>> coro_avg.send(10)",
        "10.0",
        ">>> coro_avg.send(15)",
        "12.5",
        ">>> coro_avg.send(20)",
        "15.0",
        ">>> coro_avg.close()",
        ">>> coro_avg.send(20)",
        "StopIteration",
    ]


def test_show_averager_explains_generator_exit() -> None:
    lines: list[str] = []
    show_averager(echo=lines.append)
    notes = notes_of(lines)
    assert "close() raises GeneratorExit inside the coroutine" in notes
    closed = lines.index(">>> coro_avg.close()")
    assert lines[closed + 1 : closed + 3] == [">>> coro_avg.send(20)", "StopIteration"]
