"""The HTTP client against small hostile servers on 127.0.0.1: framing, caps, deadlines, reuse."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from speedlab._exceptions import (
    HttpConnectError,
    HttpError,
    HttpProtocolError,
    HttpTimeout,
    HttpTooLarge,
    TimeoutExpired,
)
from speedlab.loop import HttpClient, Response, run, sleep, timeout_after

from ._servers import (
    ScriptedServer,
    chunked,
    close_after_each,
    drop,
    endless,
    gzip_bomb,
    gzipped,
    header,
    keep_alive,
    once,
    redirect_to,
    trickle,
)

T = TypeVar("T")


def fetch(url: str, **options: Any) -> Response:
    """GET ``url`` with a fresh client on a fresh (real-time) kernel."""

    async def main() -> Response:
        async with HttpClient(**options) as client:
            return await client.get(url)

    return run(main)


def with_client(body: Callable[[HttpClient], Awaitable[T]], **options: Any) -> T:
    async def main() -> T:
        async with HttpClient(**options) as client:
            return await body(client)

    return run(main)


def test_a_plain_response_with_status_headers_body_and_url() -> None:
    with ScriptedServer(keep_alive(b'{"ok": true}', [("Content-Type", "application/json")])) as srv:
        reply = fetch(srv.url + "/search?q=a%20b&x=1")
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.body == b'{"ok": true}'
    assert reply.url == srv.url + "/search?q=a%20b&x=1"
    head = srv.requests[0]
    assert head.startswith(b"GET /search?q=a%20b&x=1 HTTP/1.1\r\n")  # the query as given
    assert header(head, "host") == srv.url.removeprefix("http://")
    assert header(head, "accept-encoding") == "gzip, deflate"


def test_a_chunked_body_is_reassembled() -> None:
    with ScriptedServer(once(chunked(b"hello", b", ", b"chunked world"))) as srv:
        assert fetch(srv.url).body == b"hello, chunked world"


def test_gzip_is_decoded_and_repeated_headers_are_joined() -> None:
    body = b'{"items": []}' * 1000
    with ScriptedServer(once(gzipped(body))) as srv:
        reply = fetch(srv.url)
    assert reply.body == body
    assert reply.headers["content-encoding"] == "gzip"
    assert reply.headers["x-repeated"] == "one, two"


def test_keep_alive_reuses_one_connection() -> None:
    async def five(client: HttpClient) -> list[int]:
        return [(await client.get(srv.url + f"/{i}")).status for i in range(5)]

    with ScriptedServer(keep_alive(b"x")) as srv:
        assert with_client(five) == [200] * 5
    assert srv.connections == 1
    assert len(srv.requests) == 5


def test_without_a_pool_every_request_opens_a_connection() -> None:
    async def three(client: HttpClient) -> int:
        for _ in range(3):
            await client.get(srv.url)
        return client.statistics().connections_opened

    with ScriptedServer(keep_alive(b"x")) as srv:
        assert with_client(three, pool_size=0) == 3
    assert srv.connections == 3


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async def twice(client: HttpClient) -> list[bytes]:
        first = await client.get(srv.url)
        async with timeout_after(10.0):
            while srv.closed < 1:  # the server has closed its end of the pooled connection
                await sleep(0.005)
        second = await client.get(srv.url)
        return [first.body, second.body]

    with ScriptedServer(close_after_each(b"fresh")) as srv:
        assert with_client(twice) == [b"fresh", b"fresh"]
    assert srv.connections == 2


def test_a_dropped_connection_is_a_connection_error() -> None:
    with ScriptedServer(drop) as srv, pytest.raises(HttpConnectError, match="closed"):
        fetch(srv.url)


def test_a_refused_connection_is_a_connection_error() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(HttpConnectError, match="cannot connect"):
        fetch(f"http://127.0.0.1:{port}/")


def test_a_malformed_status_line_is_a_protocol_error() -> None:
    with (
        ScriptedServer(once(b"HTTX/1.1 200 OK\r\n\r\n")) as srv,
        pytest.raises(HttpProtocolError, match="status line"),
    ):
        fetch(srv.url)


def test_a_truncated_body_is_a_connection_error() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this much"
    with ScriptedServer(once(raw)) as srv, pytest.raises(HttpConnectError, match="closed early"):
        fetch(srv.url)


@pytest.mark.parametrize("chunks", [False, True], ids=["close-delimited", "chunked"])
def test_an_endless_body_stops_at_the_cap(chunks: bool) -> None:
    with (
        ScriptedServer(endless(chunks=chunks)) as srv,
        pytest.raises(HttpTooLarge, match="bytes received, the limit"),
    ):
        fetch(srv.url, max_bytes=1_000_000)


def test_a_gzip_bomb_stops_at_the_decompressed_cap() -> None:
    bomb = gzip_bomb(64 << 20)  # 64 MiB of zeros in about 64 KiB
    assert len(bomb) < 200_000
    with ScriptedServer(once(bomb)) as srv, pytest.raises(HttpTooLarge, match="decompressed"):
        fetch(srv.url, max_bytes=1 << 20)


def test_a_content_length_over_the_cap_fails_before_the_body() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n"
    with (
        ScriptedServer(once(raw)) as srv,
        pytest.raises(HttpTooLarge, match="the server announced"),
    ):
        fetch(srv.url, max_bytes=1000)


@pytest.mark.slow
def test_a_slow_server_hits_the_deadline_on_the_whole_response() -> None:
    # One byte a second arrives well within any idle timeout; only a deadline on the whole
    # response (connect, headers and body) stops it.
    with (
        ScriptedServer(trickle(interval=1.0)) as srv,
        pytest.raises(HttpTimeout, match=r"within 2\.5 s") as caught,
    ):
        fetch(srv.url, timeout=2.5)
    assert srv.connections == 1
    assert isinstance(caught.value, TimeoutExpired)
    assert isinstance(caught.value, TimeoutError)


@pytest.mark.slow
def test_a_server_that_never_answers_hits_the_deadline() -> None:
    with ScriptedServer(once(b"", then_close=False)) as srv, pytest.raises(HttpTimeout):
        fetch(srv.url, timeout=0.3)


def test_redirects_are_not_followed_by_default() -> None:
    with ScriptedServer(redirect_to("/elsewhere")) as srv:
        reply = fetch(srv.url + "/start")
    assert reply.status == 302
    assert reply.headers["location"] == "/elsewhere"


def test_a_followed_redirect_keeps_credentials_on_the_same_origin_only() -> None:
    async def follow(client: HttpClient) -> Response:
        return await client.get(a.url + "/start", headers={"Authorization": "Bearer secret"})

    with (
        ScriptedServer(keep_alive(b"landed")) as b,
        ScriptedServer(redirect_to(b.url + "/landing")) as a,
    ):
        reply = with_client(follow, follow_redirects=True)
    assert reply.status == 200
    assert reply.body == b"landed"
    assert reply.url == b.url + "/landing"
    assert header(a.requests[0], "authorization") == "Bearer secret"
    assert header(b.requests[0], "authorization") is None
    assert header(b.requests[0], "host") == b.url.removeprefix("http://")


def test_more_than_five_redirects_is_a_protocol_error() -> None:
    async def loop(client: HttpClient) -> None:
        await client.get(srv.url + "/again", follow_redirects=True)

    with (
        ScriptedServer(redirect_to("/again", "307 Temporary Redirect")) as srv,
        pytest.raises(HttpProtocolError, match="more than 5 redirects"),
    ):
        with_client(loop)
    assert len(srv.requests) == 6


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_ipv6_loopback() -> None:
    try:
        server = ScriptedServer(keep_alive(b"six"), host="::1")
    except OSError:
        pytest.skip("::1 is not available here")
    with server as srv:
        assert srv.url.startswith("http://[::1]:")
        assert fetch(srv.url).body == b"six"


def test_a_host_name_is_resolved_off_the_loop_thread() -> None:
    with ScriptedServer(keep_alive(b"named"), url_host="localhost") as srv:
        assert fetch(srv.url).body == b"named"


def test_bad_urls_and_limits_are_value_errors() -> None:
    for url in ("ftp://x/", "/relative", "http://user:pw@127.0.0.1/", "http://127.0.0.1/a b"):
        with pytest.raises(ValueError, match=r"URL|credentials"):
            fetch(url)
    with pytest.raises(ValueError, match="timeout"):
        HttpClient(timeout=0)
    with pytest.raises(ValueError, match="max_bytes"):
        HttpClient(max_bytes=0)


def test_statistics_and_a_closed_client() -> None:
    async def use(client: HttpClient) -> Any:
        await client.get(srv.url)
        await client.get(srv.url)
        stats = client.statistics()
        client.close()
        client.close()
        with pytest.raises(HttpError, match="closed"):
            await client.get(srv.url)
        return stats

    with ScriptedServer(keep_alive(b"ok")) as srv:
        stats = with_client(use)
    assert (stats.requests, stats.responses, stats.connections_opened) == (2, 2, 1)
    assert stats.pool.reused == 1
    assert stats.failures == 0
