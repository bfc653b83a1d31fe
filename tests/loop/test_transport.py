"""The engine's transport on the hand-made client, against fakehub and broken servers."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError
from speedlab.loop import HandmadeTransport, HttpClient, gather, run

from ._servers import ScriptedServer, drop, keep_alive, once, redirect_to

SEARCH = "/search/repositories"
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


@pytest.fixture(scope="module")
def hub() -> Iterator[FakeHub]:
    with FakeHub(FakeHubConfig(seed=1)) as server:
        yield server


def send(*requests: HttpRequest, pool_size: int = 10) -> list[HttpResponse | TransportError]:
    async def main() -> list[HttpResponse | TransportError]:
        async with HandmadeTransport(pool_size=pool_size) as transport:
            return [await transport.send(request) for request in requests]

    return run(main)


def get(url: str, timeout: float = 10.0) -> HttpRequest:
    return HttpRequest("GET", url, HEADERS, timeout=timeout)


def test_a_search_page_from_fakehub_decoded_and_parsed(hub: FakeHub) -> None:
    (reply,) = send(get(hub.url + SEARCH + "?q=django%20language%3Apython&per_page=5"))
    assert isinstance(reply, HttpResponse)
    assert reply.status == 200
    assert reply.headers["content-encoding"] == "gzip"  # fakehub compresses; we decoded
    assert reply.headers["x-ratelimit-resource"] == "search"
    page = json.loads(reply.body)
    assert len(page["items"]) == 5
    assert reply.url.endswith("per_page=5")


def test_keep_alive_against_fakehub_uses_one_connection(hub: FakeHub) -> None:
    async def main() -> tuple[list[int], int]:
        async with HttpClient() as client:
            statuses = [
                (await client.get(hub.url + SEARCH + f"?q=k{i}", headers=HEADERS)).status
                for i in range(10)
            ]
            return statuses, client.statistics().connections_opened

    assert run(main) == ([200] * 10, 1)


def test_concurrent_requests_against_fakehub(hub: FakeHub) -> None:
    async def main() -> list[int]:
        async with HttpClient(pool_size=4) as client:
            replies = await gather(
                *(client.get(hub.url + SEARCH + f"?q=c{i}", headers=HEADERS) for i in range(20))
            )
            assert client.statistics().pool.overflow > 0  # more in flight than kept idle
            return [r.status for r in replies]

    assert run(main) == [200] * 20


def test_fakehub_dropping_connections_is_a_connection_error() -> None:
    with FakeHub(FakeHubConfig(drop_rate=1.0)) as hub:
        (reply,) = send(get(hub.url + SEARCH + "?q=x"))
    assert isinstance(reply, TransportError)
    assert reply.kind == "connection"


@pytest.mark.slow
def test_fakehub_latency_past_the_timeout_is_a_timeout() -> None:
    with FakeHub(FakeHubConfig(latency=5.0)) as hub:
        (reply,) = send(get(hub.url + SEARCH + "?q=x", timeout=0.3))
    assert isinstance(reply, TransportError)
    assert reply.kind == "timeout"
    assert "0.3 s" in reply.message


def test_failures_map_to_transport_error_kinds() -> None:
    with (
        ScriptedServer(drop) as dropping,
        ScriptedServer(once(b"garbage\r\n\r\n")) as garbled,
    ):
        replies = send(get(dropping.url), get(garbled.url), get("http://127.0.0.1:1/x y"))
    assert [r.kind for r in replies if isinstance(r, TransportError)] == [
        "connection",
        "protocol",
        "protocol",
    ]


def test_redirects_are_handed_to_the_job_not_followed() -> None:
    with ScriptedServer(redirect_to("http://127.0.0.1:1/elsewhere")) as server:
        (reply,) = send(get(server.url))
    assert isinstance(reply, HttpResponse)
    assert reply.status == 302
    assert reply.headers["location"] == "http://127.0.0.1:1/elsewhere"


def test_the_request_s_size_cap_is_applied_and_reported_as_too_large() -> None:
    with ScriptedServer(keep_alive(b"x" * 5000)) as server:
        small = HttpRequest("GET", server.url, HEADERS, timeout=10.0, max_bytes=1000)
        large = HttpRequest("GET", server.url, HEADERS, timeout=10.0, max_bytes=10_000)
        first, second = send(small, large)
    assert isinstance(first, TransportError)
    assert first.kind == "too_large"
    assert "1000" in first.message
    assert isinstance(second, HttpResponse)
    assert second.body == b"x" * 5000


def test_each_ca_file_gets_its_own_client_and_trusts_only_its_ca(tmp_path: Path) -> None:
    ca, other = trustme.CA(), trustme.CA()
    ca_file, other_file = str(tmp_path / "ca.pem"), str(tmp_path / "other.pem")
    ca.cert_pem.write_to_path(ca_file)
    other.cert_pem.write_to_path(other_file)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)

    async def main() -> tuple[list[HttpResponse | TransportError], int]:
        async with HandmadeTransport() as transport:
            replies = []
            for trusted in (ca_file, other_file, ca_file, None):
                request = HttpRequest("GET", server.url, HEADERS, timeout=10.0, ca_file=trusted)
                replies.append(await transport.send(request))
            return replies, transport._client_for(ca_file).statistics().connections_opened

    with ScriptedServer(keep_alive(b"over tls"), tls=context) as server:
        replies, opened = run(main)
    good, refused, again, system = replies
    assert isinstance(good, HttpResponse)
    assert good.body == b"over tls"
    assert isinstance(refused, TransportError)
    assert refused.kind == "connection"
    assert "certificate" in refused.message
    assert isinstance(again, HttpResponse)
    assert opened == 1  # the connection verified against ca.pem was reused for ca.pem only
    assert isinstance(system, TransportError)  # the system store does not know the test CA
