"""FakeHub and AsyncFakeHub lifecycles: start, stop, threads, loopback only."""

from __future__ import annotations

import asyncio
import signal
import threading
import time

import aiohttp
import pytest
import requests

from speedlab._exceptions import SpeedlabError, UsageError
from speedlab.fakehub import AsyncFakeHub, FakeHub, FakeHubConfig, check_loopback, serve

SEARCH = "/search/repositories"


def _fakehub_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "fakehub"]


def test_context_manager_serves_and_joins_its_thread() -> None:
    with FakeHub() as hub:
        assert hub.url.startswith("http://127.0.0.1:")
        assert requests.get(hub.url + SEARCH, params={"q": "x"}, timeout=10).status_code == 200
        assert len(_fakehub_threads()) == 1
        url = hub.url
    assert _fakehub_threads() == []
    with pytest.raises(requests.ConnectionError):
        requests.get(url + SEARCH, params={"q": "x"}, timeout=10)


def test_close_is_idempotent_and_url_needs_a_running_server() -> None:
    hub = FakeHub(FakeHubConfig())
    hub.close()  # never started: nothing to do
    with pytest.raises(SpeedlabError, match="not running"):
        _ = hub.url
    hub.start()
    hub.start()  # already running: nothing to do
    hub.close()
    hub.close()
    with pytest.raises(SpeedlabError, match="not running"):
        _ = hub.url
    with pytest.raises(SpeedlabError, match="restarted"):
        hub.start()
    assert _fakehub_threads() == []


def test_port_in_use_is_a_usage_error() -> None:
    with FakeHub() as first:
        port = int(first.url.rsplit(":", 1)[1])
        second = FakeHub(port=port)
        with pytest.raises(UsageError, match="cannot serve"):
            second.start()
        second.close()
    assert _fakehub_threads() == []


def test_close_while_a_request_is_being_served() -> None:
    hub = FakeHub(FakeHubConfig(latency=30))
    hub.start()
    errors: list[BaseException] = []

    def slow_request() -> None:
        try:
            requests.get(hub.url + SEARCH, params={"q": "x"}, timeout=20)
        except requests.RequestException as exc:
            errors.append(exc)

    client = threading.Thread(target=slow_request)
    client.start()
    deadline = time.monotonic() + 20
    while hub.statistics().in_flight == 0:
        assert time.monotonic() < deadline, "the request never arrived"
        time.sleep(0.005)
    hub.close()
    client.join(30)
    assert not client.is_alive()
    assert len(errors) == 1
    assert isinstance(errors[0], requests.ConnectionError)
    assert hub.statistics().in_flight == 0


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::", ""])
def test_only_loopback_hosts(host: str) -> None:
    with pytest.raises(UsageError, match="loopback"):
        FakeHub(host=host)


@pytest.mark.parametrize(
    ("host", "address"), [("localhost", "127.0.0.1"), ("127.0.0.2", "127.0.0.2"), ("::1", "::1")]
)
def test_loopback_addresses(host: str, address: str) -> None:
    assert check_loopback(host) == address


def test_bad_port() -> None:
    with pytest.raises(UsageError, match="port"):
        FakeHub(port=70_000)


def test_async_hub_inside_a_running_loop() -> None:
    async def main() -> tuple[int, str, int]:
        params = {"q": "deep language:python"}
        async with (
            AsyncFakeHub(FakeHubConfig(rate_limit=(5, 60))) as hub,
            aiohttp.ClientSession() as session,
            session.get(hub.url + SEARCH, params=params) as response,
        ):
            await response.json()
            return response.status, response.headers["x-ratelimit-limit"], hub.statistics().requests

    assert asyncio.run(main()) == (200, "5", 1)


def test_serve_until_sigterm_reports_ready_and_statistics() -> None:
    urls: list[str] = []
    statuses: list[int] = []
    clients: list[threading.Thread] = []

    def request_then_terminate(url: str) -> None:
        statuses.append(requests.get(url + SEARCH, params={"q": "x"}, timeout=10).status_code)
        signal.raise_signal(signal.SIGTERM)  # serve() handles it: stop, do not die

    def ready(url: str) -> None:
        # The server listens when ready() runs; it must not block the loop, so use a thread.
        urls.append(url)
        clients.append(threading.Thread(target=request_then_terminate, args=(url,)))
        clients[0].start()

    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        stats = serve(FakeHubConfig(latency=0.01), duration=30.0, ready=ready)
    finally:
        for client in clients:
            client.join(30)
    assert len(urls) == 1
    assert urls[0].startswith("http://127.0.0.1:")
    assert statuses == [200]
    assert stats.by_status == {200: 1}
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_serve_for_a_duration() -> None:
    assert serve(FakeHubConfig(), duration=0.05).requests == 0
