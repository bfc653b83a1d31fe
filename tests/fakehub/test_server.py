"""FakeHub and AsyncFakeHub lifecycles: start, stop, threads, loopback only, HTTPS."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import socket
import threading
import time
import warnings

import aiohttp
import psutil
import pytest
import requests

from speedlab._exceptions import SpeedlabError, UsageError
from speedlab.fakehub import (
    AsyncFakeHub,
    FakeHub,
    FakeHubConfig,
    parse_query,
    serve,
    total_count,
)
from tests.fakehub.client import Tls

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


# -- HTTPS -------------------------------------------------------------------------------------


def test_https_with_a_trusted_certificate(tls: Tls) -> None:
    with FakeHub(FakeHubConfig(), ssl_context=tls.server_context) as hub:
        assert hub.url.startswith("https://127.0.0.1:")
        response = requests.get(
            hub.url + SEARCH,
            params={"q": "torch language:python", "per_page": 5},
            verify=str(tls.ca_file),
            timeout=10,
        )
        assert response.status_code == 200
        body = response.json()
        assert body["total_count"] == total_count(parse_query("torch language:python"))
        assert len(body["items"]) == 5
        assert response.links["next"]["url"].startswith(hub.url + SEARCH + "?")  # https too
        with pytest.raises(requests.exceptions.SSLError):  # a client without the CA refuses it
            requests.get(hub.url + SEARCH, params={"q": "x"}, timeout=10)
        with pytest.raises(requests.ConnectionError):  # and plain HTTP gets no answer
            requests.get(hub.url.replace("https", "http") + SEARCH, params={"q": "x"}, timeout=10)
    assert _fakehub_threads() == []
    assert _leaked_sockets() == []  # the TLS connection did not outlive the server


def _leaked_sockets() -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def test_connections_in_their_tls_handshake_end_with_the_server(
    tls: Tls, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeHub(FakeHubConfig(), ssl_context=tls.server_context) as hub:
        port = int(hub.url.rsplit(":", 1)[1])
        silent = socket.create_connection(("127.0.0.1", port), timeout=10)  # no ClientHello
        client_port = silent.getsockname()[1]
        deadline = time.monotonic() + 10
        while not any(  # until the server holds its end: accepted, waiting for the handshake
            c.raddr and c.raddr.port == client_port for c in psutil.Process().net_connections("tcp")
        ):
            assert time.monotonic() < deadline, "the connection was never accepted"
            time.sleep(0.01)
    silent.close()
    assert _leaked_sockets() == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no "Task was destroyed"


def test_failed_handshakes_are_the_clients_problem_not_logged_errors(
    tls: Tls, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeHub(FakeHubConfig(), ssl_context=tls.server_context) as hub:
        for url, verify in [(hub.url, True), (hub.url.replace("https", "http"), True)]:
            with pytest.raises(requests.ConnectionError):  # SSLError is a ConnectionError
                requests.get(url + SEARCH, params={"q": "x"}, verify=verify, timeout=10)
        served = requests.get(
            hub.url + SEARCH, params={"q": "x"}, verify=str(tls.ca_file), timeout=10
        )
        assert served.status_code == 200  # the server is unharmed
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_https_with_aiohttp_inside_a_running_loop(tls: Tls) -> None:
    async def main() -> tuple[str, int, int]:
        async with (
            AsyncFakeHub(FakeHubConfig(), ssl_context=tls.server_context) as hub,
            aiohttp.ClientSession() as session,
            session.get(
                hub.url + SEARCH, params={"q": "data"}, ssl=tls.client_context()
            ) as response,
        ):
            body = await response.json()
            return hub.url, response.status, len(body["items"])

    url, status, items = asyncio.run(main())
    assert url.startswith("https://")
    assert (status, items) == (200, 30)
