"""Sockets on the loop: streams both ways, connect, worker threads, readiness waits."""

from __future__ import annotations

import socket
import threading

import pytest

from speedlab._exceptions import TimeoutExpired
from speedlab.loop import (
    Kernel,
    SocketStream,
    gather,
    open_tcp_stream,
    run,
    run_in_thread,
    timeout_after,
)


def test_ten_megabytes_through_a_socket_pair_both_ends_on_the_loop(kernel: Kernel) -> None:
    payload = bytes(range(256)) * 40_000  # about 10 MB: the buffers fill, writers must wait

    async def receive_all(stream: SocketStream, size: int) -> bytes:
        parts, total = [], 0
        while total < size:
            chunk = await stream.receive(65536)
            assert chunk, "end of stream too early"
            parts.append(chunk)
            total += len(chunk)
        return b"".join(parts)

    async def main() -> bytes:
        a, b = socket.socketpair()
        async with SocketStream(a) as left, SocketStream(b) as right:
            _, got = await gather(left.send_all(payload), receive_all(right, len(payload)))
            left.close()
            assert await right.receive() == b""  # end of stream
            return got

    assert kernel.run(main) == payload
    assert kernel.statistics().io_waits > 2


def test_is_readable_tells_an_idle_socket_from_a_closed_one() -> None:
    a, b = socket.socketpair()
    stream = SocketStream(a)
    try:
        assert not stream.is_readable()
        b.close()
        assert stream.is_readable()
    finally:
        stream.close()
        stream.close()


def test_open_tcp_stream_connects_and_a_refused_port_raises() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    async def main() -> bytes:
        stream = await open_tcp_stream("127.0.0.1", port, timeout=5.0)
        peer, _ = listener.accept()
        with peer:
            peer.sendall(b"hello")
            async with stream:
                return await stream.receive()

    with listener:
        assert run(main) == b"hello"
    with pytest.raises(ConnectionRefusedError):
        run(open_tcp_stream, "127.0.0.1", port)


def test_run_in_thread_returns_raises_and_does_not_block_the_loop() -> None:
    async def main() -> tuple[str, str]:
        value = await run_in_thread(str.upper, "threaded")
        try:
            await run_in_thread(int, "not a number")
        except ValueError as exc:
            return value, type(exc).__name__
        return value, "no error"

    assert run(main) == ("THREADED", "ValueError")


@pytest.mark.slow
def test_a_task_waiting_on_a_thread_can_give_up() -> None:
    release = threading.Event()
    released: list[bool] = []

    def slow() -> str:
        released.append(release.wait(10))  # False only if the loop sat waiting for us
        return "too late"

    async def main() -> str:
        try:
            async with timeout_after(0.05):
                return await run_in_thread(slow)
        except TimeoutExpired:
            return "gave up"
        finally:
            release.set()  # let the thread end: the test checks no thread is left behind

    assert run(main) == "gave up"
    for thread in threading.enumerate():
        if thread.name.startswith("speedlab-loop-"):
            thread.join(10)
    assert released == [True]  # the loop went on (and set the event) while the thread ran
