"""Tasks: spawn, join, cancel at every kind of await, errors reaching the joiner."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from speedlab._exceptions import LoopError
from speedlab.loop import (
    CancelledError,
    Event,
    Kernel,
    Queue,
    Task,
    current_task,
    current_time,
    sleep,
    spawn,
    wait_readable,
    wait_writable,
)


async def add(a: int, b: int) -> int:
    await sleep(1.0)
    return a + b


def test_join_returns_the_value_and_await_task_is_the_same(vrun: Any) -> None:
    async def main() -> tuple[int, int, bool]:
        first = await spawn(add, 1, 2)
        second = await spawn(add(3, 4), name="second")
        assert (second.name, first.name) == ("second", "add")
        return await first.join(), await second, first.done()

    assert vrun(main) == (3, 7, True)


def test_the_child_error_reaches_the_joiner_as_raised(vrun: Any) -> None:
    error = KeyError("the child's own")

    async def child() -> None:
        await sleep(1.0)
        raise error

    async def main() -> BaseException | None:
        task = await spawn(child)
        with pytest.raises(KeyError) as caught:
            await task.join()
        assert caught.value is error
        return task.exception()

    assert vrun(main) is error


def test_result_and_exception_before_the_end_are_errors(vrun: Any) -> None:
    async def main() -> str:
        task = await spawn(add, 1, 1)
        with pytest.raises(LoopError, match="not finished"):
            task.result()
        with pytest.raises(LoopError, match="not finished"):
            task.exception()
        text = repr(task)
        await task.join()
        return text + " / " + repr(task)

    text = vrun(main)
    assert "'add' ready" in text
    assert "'add' done" in text


def test_a_task_cannot_wait_for_itself(vrun: Any) -> None:
    async def main() -> None:
        me = await current_task()
        await me.join()

    with pytest.raises(LoopError, match="itself"):
        vrun(main)


def _waits() -> dict[str, Callable[[Event], Awaitable[Any]]]:
    """Each coroutine sets ``ready`` and then waits, forever, on one kind of await."""

    async def on_sleep(ready: Event) -> None:
        await ready.set()
        await sleep(1000.0)

    async def on_event(ready: Event) -> None:
        await ready.set()
        await Event().wait()

    async def on_get(ready: Event) -> None:
        await ready.set()
        await Queue[int]().get()

    async def on_put(ready: Event) -> None:
        queue: Queue[int] = Queue(maxsize=1)
        await queue.put(0)
        await ready.set()
        await queue.put(1)

    async def on_join(ready: Event) -> None:
        other = await spawn(sleep, 1000.0)
        await ready.set()
        try:
            await other.join()
        finally:
            await other.cancel()

    async def on_read(ready: Event) -> None:
        a, b = socket.socketpair()
        with a, b:
            await ready.set()
            await wait_readable(a)

    async def on_write(ready: Event) -> None:
        a, b = socket.socketpair()
        with a, b:
            a.setblocking(False)
            while True:  # fill the buffer until a send would block
                try:
                    a.send(b"x" * 65536)
                except BlockingIOError:
                    break
            await ready.set()
            await wait_writable(a)

    return {
        "sleep": on_sleep,
        "event wait": on_event,
        "queue get": on_get,
        "queue put": on_put,
        "join": on_join,
        "socket read": on_read,
        "socket write": on_write,
    }


WAITS = _waits()


@pytest.mark.parametrize("kind", WAITS)
def test_cancel_reaches_every_kind_of_await_and_clean_up_runs(kind: str, kernel: Kernel) -> None:
    log: list[str] = []

    async def victim(ready: Event) -> None:
        try:
            await WAITS[kind](ready)
        except CancelledError:
            await sleep(1.0)  # clean-up may wait
            log.append(f"cleaned at {await current_time():g}")
            raise

    async def main() -> tuple[bool, bool]:
        ready = Event()
        task = await spawn(victim, ready)
        await ready.wait()
        await sleep(0)  # let it reach its await
        delivered = await task.cancel()
        return delivered, task.cancelled()

    assert kernel.run(main) == (True, True)
    assert log == ["cleaned at 1"]
    stats = kernel.statistics()
    assert stats.tasks_alive == 0
    assert stats.cancellations == (2 if kind == "join" else 1)  # "join" cancels its child too
    assert stats.leftovers_cancelled == 0


def test_cancelling_a_task_that_never_started_skips_its_body(vrun: Any) -> None:
    ran: list[bool] = []

    async def body() -> None:
        ran.append(True)

    async def main() -> bool:
        task = await spawn(body)
        await task.cancel()
        return task.cancelled()

    assert vrun(main) is True
    assert ran == []


def test_cancel_without_blocking_then_join_raises_cancelled(vrun: Any) -> None:
    async def main() -> str:
        task = await spawn(sleep, 10.0)
        await sleep(0)
        assert await task.cancel(blocking=False) is True
        assert not task.done()
        try:
            await task.join()
        except CancelledError:
            return "cancelled"
        return "not cancelled"

    assert vrun(main) == "cancelled"


def test_cancelling_a_finished_task_is_a_no_op(vrun: Any) -> None:
    async def main() -> tuple[bool, int]:
        task = await spawn(add, 2, 2)
        value = await task.join()
        return await task.cancel(), value

    assert vrun(main) == (False, 4)


def test_an_error_during_clean_up_is_raised_by_cancel_not_swallowed(vrun: Any) -> None:
    async def messy() -> None:
        try:
            await sleep(10.0)
        finally:
            raise OSError("clean-up failed")

    async def main() -> str:
        task = await spawn(messy)
        await sleep(0)
        try:
            await task.cancel()
        except OSError as exc:
            return str(exc)
        return "swallowed"

    assert vrun(main) == "clean-up failed"


def test_a_task_that_cancels_itself_gets_cancelled_error_at_once(vrun: Any) -> None:
    async def main() -> str:
        me: Task[Any] = await current_task()
        try:
            await me.cancel(blocking=False)
        except CancelledError:
            return "cancelled at the call"
        return "went on"

    assert vrun(main) == "cancelled at the call"


def test_spawn_refuses_what_it_cannot_run(vrun: Any) -> None:
    async def main() -> list[str]:
        errors = []
        for fn, args in [(42, ()), (len, ([],)), (add(1, 2), (3,))]:
            try:
                await spawn(fn, *args)  # type: ignore[arg-type]
            except TypeError as exc:
                errors.append(str(exc).split(";")[0][:30])
        return errors

    assert len(vrun(main)) == 3
