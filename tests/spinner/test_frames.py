"""The Spinner: frames, pacing against the clock, the record and the clean-up, in virtual time."""

from __future__ import annotations

import asyncio
import io

import pytest

from speedlab.spinner import LECTURE_FRAMES, Spinner, spin_async, spin_until
from tests.spinner._fakes import FakeClock, FakeStop

CLEAR = "\r" + " " * 17 + "\r"  # "(⊙﹏⊙) loading..." is 17 cells wide: ﹏ takes two


def test_draws_the_lecture_faces_in_turn_and_clears_the_whole_line() -> None:
    out, clock = io.StringIO(), FakeClock()
    with Spinner(stream=out, clock=clock) as spinner:
        for _ in range(3):
            spinner.draw()
    faces = [f"\r{face} loading..." for face in (*LECTURE_FRAMES, LECTURE_FRAMES[0])]
    assert out.getvalue() == "".join(faces) + CLEAR
    assert spinner.closed


def test_pace_is_kept_against_the_clock_so_drawing_time_does_not_add_up() -> None:
    clock = FakeClock(start=0.0)
    spinner = Spinner(fps=5, clock=clock)
    assert spinner.draw() == pytest.approx(0.2)
    clock.advance(0.21)  # the wait overslept a little
    assert spinner.draw() == pytest.approx(0.19)  # the next frame is due at 0.4, not 0.41
    clock.advance(0.19)
    spinner.draw()
    assert spinner.frame_times == pytest.approx((0.0, 0.21, 0.4))


def test_a_frozen_spinner_restarts_its_pace_instead_of_drawing_a_burst() -> None:
    clock = FakeClock(start=0.0)
    spinner = Spinner(fps=5, clock=clock)
    spinner.draw()
    clock.advance(1.0)  # blocked for five intervals
    assert spinner.draw() == pytest.approx(0.2)  # one late frame, then the normal pace
    clock.advance(0.2)
    assert spinner.draw() == pytest.approx(0.2)
    assert spinner.frame_times == pytest.approx((0.0, 1.0, 1.2))


def test_without_a_stream_frames_are_counted_not_drawn() -> None:
    clock = FakeClock()
    with Spinner(stream=None, clock=clock) as spinner:
        spinner.draw()
        spinner.draw()
    assert len(spinner.frame_times) == 2
    assert spinner.cleared_at == clock.now


def test_close_is_idempotent_and_erases_nothing_that_was_never_drawn() -> None:
    out, clock = io.StringIO(), FakeClock()
    spinner = Spinner(stream=out, clock=clock)
    spinner.close()
    first = spinner.cleared_at
    clock.advance(1)
    spinner.close()
    assert (out.getvalue(), spinner.cleared_at) == ("", first)
    with pytest.raises(RuntimeError, match="closed"):
        spinner.draw()


def test_a_line_wider_than_the_terminal_is_cut_so_that_it_can_be_erased() -> None:
    out = io.StringIO()
    with Spinner("a long message " * 5, stream=out, width=20, clock=FakeClock()) as spinner:
        spinner.draw()
    drawn, cleared = out.getvalue()[1:].split("\r", 1)
    assert len(drawn) < 20
    assert cleared == " " * 19 + "\r"


@pytest.mark.parametrize(
    ("fps", "frames", "message"),
    [(0, LECTURE_FRAMES, "fps"), (-1, LECTURE_FRAMES, "fps"), (5, (), "at least one frame")],
)
def test_bad_settings_are_refused(fps: float, frames: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Spinner(fps=fps, frames=frames)


def test_spin_until_draws_until_the_event_is_set_then_clears() -> None:
    out, clock = io.StringIO(), FakeClock(start=0.0)
    stop = FakeStop(clock, waits=4, late=[0, 0.5])
    started: list[float] = []
    spinner = Spinner(stream=out, clock=clock)
    spin_until(spinner, stop, on_first_frame=lambda: started.append(clock()))
    assert started == [0.0]
    assert spinner.frame_times == pytest.approx((0.0, 0.2, 0.9, 1.1, 1.3))
    assert stop.timeouts == pytest.approx([0.2] * 5)
    assert out.getvalue().endswith(CLEAR)


def test_spin_until_clears_the_line_when_waiting_fails() -> None:
    class Broken:
        def wait(self, timeout: float | None = None) -> bool:
            raise KeyboardInterrupt

    out = io.StringIO()
    spinner = Spinner(stream=out, clock=FakeClock())
    with pytest.raises(KeyboardInterrupt):
        spin_until(spinner, Broken())
    assert spinner.closed
    assert out.getvalue().endswith(CLEAR)


def test_spin_async_is_cancelled_like_the_lectures_task_and_clears_the_line() -> None:
    out, clock = io.StringIO(), FakeClock(start=0.0)
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)
        clock.advance(seconds)
        await asyncio.sleep(0)

    async def main() -> Spinner:
        spinner = Spinner(stream=out, clock=clock)
        task = asyncio.create_task(spin_async(spinner, sleep=fake_sleep))
        while len(spinner.frame_times) < 3:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task  # the cancellation is not swallowed, unlike the lecture's version
        return spinner

    spinner = asyncio.run(main())
    assert spinner.frame_times == pytest.approx((0.0, 0.2, 0.4))
    assert delays[:2] == pytest.approx([0.2, 0.2])
    assert out.getvalue().endswith(CLEAR)
