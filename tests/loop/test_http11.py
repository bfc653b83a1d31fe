"""HTTP/1.1 without I/O: URLs, request bytes, response parsing, body caps, redirects."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speedlab._exceptions import HttpConnectError, HttpProtocolError, HttpTooLarge
from speedlab.loop._http11 import (
    BodyDecoder,
    Http11Connection,
    Origin,
    Response,
    parse_url,
    prepare_request,
    redirect_target,
)


def test_parse_url_keeps_the_target_as_encoded_and_fills_in_ports() -> None:
    assert parse_url("https://API.GitHub.com/search?q=a%20b+c") == (
        Origin("https", "api.github.com", 443),
        "/search?q=a%20b+c",
    )
    origin, target = parse_url("http://[::1]:8080")
    assert (origin, target) == (Origin("http", "::1", 8080), "/")
    assert origin.host_header == "[::1]:8080"
    assert str(origin) == "http://[::1]:8080"
    assert Origin("https", "x.org", 443).host_header == "x.org"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x/",
        "//x/",
        "http://",
        "http://u:p@x/",
        "http://x/a b",
        "http://x/\x00",
        "http://x:99999/",
    ],
)
def test_parse_url_refuses(url: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        parse_url(url)


def test_prepare_request_puts_host_first_and_adds_missing_defaults() -> None:
    request = prepare_request("get", "http://h:81/p", {"Accept": "x", "User-Agent": "me"})
    assert request.method == "GET"
    assert request.headers == (
        ("Host", "h:81"),
        ("Accept", "x"),
        ("User-Agent", "me"),
        ("Accept-Encoding", "gzip, deflate"),
    )
    assert "Bearer" not in repr(prepare_request("GET", "http://h/", {"Authorization": "Bearer t"}))
    post = prepare_request("POST", "http://h/", body=b"abc")
    assert ("Content-Length", "3") in post.headers


def exchange(raw: bytes, *, max_bytes: int = 1 << 20, pieces: int = 1) -> Response:
    connection = Http11Connection(Origin("http", "h", 80))
    sent = connection.start(prepare_request("GET", "http://h/x"), max_bytes=max_bytes)
    assert sent.startswith(b"GET /x HTTP/1.1\r\nHost: h\r\n")
    step = max(1, len(raw) // pieces)
    for i in range(0, len(raw), step):
        if connection.receive(raw[i : i + step]):
            return connection.response()
    assert connection.receive(b"")
    return connection.response()


def test_a_content_length_response_in_pieces() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-X: 1\r\nSet-X: 2\r\n\r\nhello"
    reply = exchange(raw, pieces=7)
    assert (reply.status, reply.reason, reply.body) == (200, "OK", b"hello")
    assert reply.headers["set-x"] == "1, 2"


def test_a_close_delimited_body_ends_at_end_of_stream() -> None:
    raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"
    assert exchange(raw).body == b"until the end"


def test_informational_responses_are_skipped() -> None:
    raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
    assert exchange(raw).status == 204


def test_keep_alive_state_across_two_exchanges() -> None:
    connection = Http11Connection(Origin("http", "h", 80))
    for _ in range(2):
        connection.start(prepare_request("GET", "http://h/"), max_bytes=100)
        assert connection.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        assert connection.reusable
    connection.start(prepare_request("GET", "http://h/"), max_bytes=100)
    assert connection.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    assert not connection.reusable
    assert connection.exchanges == 3


def test_bytes_after_the_response_spoil_the_connection() -> None:
    connection = Http11Connection(Origin("http", "h", 80))
    connection.start(prepare_request("GET", "http://h/"), max_bytes=100)
    assert connection.receive(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK")
    assert not connection.reusable


def test_end_of_stream_before_a_response_is_a_connection_error() -> None:
    connection = Http11Connection(Origin("http", "h", 80))
    connection.start(prepare_request("GET", "http://h/"), max_bytes=100)
    with pytest.raises(HttpConnectError, match="closed"):
        connection.receive(b"")


def test_malformed_heads_are_protocol_errors() -> None:
    for raw in (b"HTTP/1.1 2OO OK\r\n\r\n", b"HTTP/1.1 200 OK\r\nbad header\r\n\r\n"):
        with pytest.raises(HttpProtocolError):
            exchange(raw)


def test_a_header_block_growing_past_h11_s_limit_is_refused() -> None:
    raw = b"HTTP/1.1 200 OK\r\nX: " + b"a" * 100_000 + b"\r\n\r\n"
    with pytest.raises(HttpProtocolError, match=r"too long|exceeded"):
        exchange(raw, pieces=100)  # arriving 1 KB at a time, as from a slow server


@given(st.binary(max_size=5000), st.integers(1, 50), st.sampled_from(["gzip", "deflate", ""]))
def test_decoding_in_any_pieces_gives_the_body_back(body: bytes, pieces: int, how: str) -> None:
    data = {"gzip": gzip.compress, "deflate": zlib.compress, "": bytes}[how](body)
    decoder = BodyDecoder(how, max_bytes=10_000)
    step = max(1, len(data) // pieces)
    for i in range(0, len(data), step):
        decoder.feed(data[i : i + step])
    assert decoder.finish() == body


def test_the_cap_applies_on_the_wire_and_after_decompression() -> None:
    with pytest.raises(HttpTooLarge, match="bytes received, the limit"):
        BodyDecoder("", max_bytes=10).feed(b"x" * 11)
    BodyDecoder("", max_bytes=10).feed(b"x" * 10)  # exactly the cap is fine
    bomb = gzip.compress(bytes(1_000_000))
    decoder = BodyDecoder("gzip", max_bytes=100_000)
    with pytest.raises(HttpTooLarge, match="decompressed"):
        decoder.feed(bomb)
    assert decoder._reader.decoded <= 100_001  # it stopped at the cap, not after inflating all


def test_multi_member_gzip_and_broken_or_truncated_bodies() -> None:
    decoder = BodyDecoder("x-gzip", max_bytes=100)
    decoder.feed(gzip.compress(b"one ") + gzip.compress(b"two"))
    assert decoder.finish() == b"one two"
    with pytest.raises(HttpProtocolError, match="corrupt"):
        BodyDecoder("gzip", 100).feed(b"not gzip at all")
    truncated = BodyDecoder("gzip", 100)
    truncated.feed(gzip.compress(b"x" * 50)[:-10])
    with pytest.raises(HttpProtocolError, match="ended before its end"):
        truncated.finish()
    with pytest.raises(HttpProtocolError, match="unsupported"):
        BodyDecoder("br", 100)


def test_raw_deflate_and_padding_after_the_end_read_as_under_the_other_models() -> None:
    # One body reader for every transport: the hand-made client once refused both.
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = BodyDecoder("deflate", 100)
    raw.feed(packer.compress(b"raw") + packer.flush())
    assert raw.finish() == b"raw"
    padded = BodyDecoder("gzip", 100)
    padded.feed(gzip.compress(b"body") + b"\0\0")
    assert padded.finish() == b"body"


def redirect(status: int, location: str | None, method: str = "GET") -> object:
    request = prepare_request(
        method, "https://a.example/start", {"Authorization": "t", "Cookie": "c"}, b"x"
    )
    headers = {"location": location} if location is not None else {}
    return redirect_target(request, Response(status, headers, b"", request.url))


def test_redirect_targets_resolve_and_drop_credentials_across_origins() -> None:
    method, url, headers, body = redirect(307, "/next")  # type: ignore[misc]
    assert (method, url, body) == ("GET", "https://a.example/next", b"x")
    assert headers["Authorization"] == "t"
    assert "Host" not in headers
    method, url, headers, body = redirect(303, "https://b.example/", "POST")  # type: ignore[misc]
    assert (method, url, body) == ("GET", "https://b.example/", b"")
    assert "Authorization" not in headers
    assert "Cookie" not in headers
    assert redirect(200, "/ignored") is None
    with pytest.raises(HttpProtocolError, match="Location"):
        redirect(302, None)
    with pytest.raises(HttpProtocolError, match="unusable"):
        redirect(302, "ftp://x/")
