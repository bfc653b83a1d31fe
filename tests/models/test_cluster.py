"""The dask model's pieces on their own: Ctrl-C held back, the stop flag, the scheduler probe."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import signal
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from distributed import Event, LocalCluster

from speedlab.models._cluster import ClusterStop, probe_scheduler, quiet_loop, sigint_deferred


def _blocked_in_new_thread() -> bool:
    seen: list[bool] = []
    thread = threading.Thread(
        target=lambda: seen.append(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))
    )
    thread.start()
    thread.join()
    return seen[0]


def test_ctrl_c_is_remembered_not_raised_and_threads_started_meanwhile_block_it() -> None:
    before = signal.getsignal(signal.SIGINT)
    with sigint_deferred() as pressed:
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt, now or at the end
        assert _blocked_in_new_thread()  # what the cluster's threads and workers inherit
    # Delivered to another thread of this process at once, or to this one when the block
    # ended: either way the remembering handler ran, not Python's default one.
    assert pressed == [True]
    assert signal.getsignal(signal.SIGINT) is before
    assert not _blocked_in_new_thread()


def test_without_a_press_nothing_is_remembered() -> None:
    with sigint_deferred() as pressed:
        pass
    assert pressed == []


def test_off_the_main_thread_it_changes_nothing() -> None:
    seen: list[object] = []

    def body() -> None:
        with sigint_deferred() as pressed:
            seen.append(pressed)
            seen.append(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert seen == [[], False]


class _Scheduler:
    def __getattr__(self, op: str) -> str:
        return op


class _FakeClient:
    """Records what the stop flag asks of the scheduler."""

    def __init__(self) -> None:
        self.scheduler = _Scheduler()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def sync(self, method: str, **kwargs: Any) -> bool:
        self.calls.append((method, kwargs))
        return True


def test_a_stop_before_the_client_exists_is_sent_once_it_does() -> None:
    stop = ClusterStop()
    stop.set()
    assert stop.is_set()
    assert stop.wait(0) is True
    client = _FakeClient()
    stop.bind(client)
    assert [op for op, _ in client.calls] == ["event_set"]
    assert client.calls[0][1]["name"] == stop.name
    stop.forget()
    assert [op for op, _ in client.calls] == ["event_set", "event_clear"]


def test_a_bound_flag_waits_on_the_scheduler_and_travels_as_a_dask_event() -> None:
    stop = ClusterStop()
    client = _FakeClient()
    stop.bind(client)
    assert not stop.is_set()
    assert stop.wait(2.5) is True
    expected = {"name": stop.name, "timeout": 2.5, "callback_timeout": 10.0}
    assert client.calls == [("event_wait", expected)]
    copy = pickle.loads(pickle.dumps(stop))
    assert isinstance(copy, Event)
    assert copy.name == stop.name


def test_the_probe_accepts_a_scheduler_and_refuses_a_closed_port() -> None:
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        probe_scheduler(address, timeout=5)
        probe_scheduler(address.removeprefix("tcp://"), timeout=5)  # tcp:// is the default
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        probe_scheduler(f"tcp://127.0.0.1:{port}", timeout=5)  # closed now
    probe_scheduler("inproc://nowhere/1/2", timeout=5)  # not TCP: left to the client


def _http_server() -> Iterator[int]:
    """A server that answers anything with an HTTP error, as a web server at a wrong port."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)

        def answer() -> None:
            with contextlib.suppress(OSError):
                conn, _ = server.accept()
                with conn:
                    conn.recv(1024)
                    conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" + b"x" * 64)

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        yield int(server.getsockname()[1])
        thread.join(5)


@pytest.mark.parametrize("talks", [False, True], ids=["silent", "http"])
def test_a_listener_that_is_not_a_scheduler_is_refused_within_the_timeout(talks: bool) -> None:
    # A Client would wait for its handshake forever, or read "HTTP/1.0" as a frame length.
    if talks:
        servers = _http_server()
        port = next(servers)
    else:
        silent = socket.create_server(("127.0.0.1", 0))
        port = silent.getsockname()[1]
    try:
        with pytest.raises(OSError, match=r"no dask scheduler answered within 0\.5 s"):
            probe_scheduler(f"tcp://127.0.0.1:{port}", timeout=0.5)
    finally:
        if talks:
            next(servers, None)
        else:
            silent.close()


def _lost_task_error(loop: asyncio.AbstractEventLoop) -> None:
    async def fails() -> None:
        raise KeyError("tcp://127.0.0.1:1")

    task = loop.create_task(fails())
    loop.run_until_complete(asyncio.sleep(0.01))
    assert task.done()
    del task
    gc.collect()  # the task's exception was never retrieved: reported now


@pytest.mark.parametrize("quiet", [False, True])
def test_a_quiet_loop_reports_no_lost_task_errors(
    quiet: bool, caplog: pytest.LogCaptureFixture
) -> None:
    loop = asyncio.new_event_loop()
    try:
        if quiet:
            quiet_loop(loop)
        with caplog.at_level("ERROR", logger="asyncio"):
            _lost_task_error(loop)
    finally:
        loop.close()
    reported = any("never retrieved" in r.getMessage() for r in caplog.records)
    assert reported is not quiet  # the unquiet loop shows the report is really made
