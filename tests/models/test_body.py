"""The body reader every transport shares: decompression within a cap, as the bytes arrive."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab._body import BodyError, BodyReader, BodyTooLarge, declared_length

MB = 2**20


def _deflate_raw(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


ENCODERS = {
    None: lambda data: data,
    "gzip": lambda data: gzip.compress(data, mtime=0),
    "x-gzip": lambda data: gzip.compress(data, mtime=0),
    "deflate": zlib.compress,
    "deflate-raw": _deflate_raw,
}


def _read(encoding: str | None, body: bytes, limit: int, chunk: int = 4096) -> BodyReader:
    reader = BodyReader(encoding, limit)
    for i in range(0, len(body), chunk):
        reader.feed(body[i : i + chunk])
    return reader


@given(
    data=st.binary(max_size=20_000),
    name=st.sampled_from(sorted(ENCODERS, key=str)),
    chunk=st.integers(min_value=1, max_value=5000),
)
@settings(max_examples=200, deadline=None)
def test_any_body_comes_back_whole_however_it_is_cut(
    data: bytes, name: str | None, chunk: int
) -> None:
    header = "deflate" if name == "deflate-raw" else name
    reader = _read(header, ENCODERS[name](data), limit=len(data) + 64, chunk=chunk)
    assert reader.finish() == data
    assert reader.decoded == len(data)


def test_two_gzip_members_are_one_body_and_padding_after_the_end_is_ignored() -> None:
    body = gzip.compress(b"hello ", mtime=0) + gzip.compress(b"world", mtime=0)
    assert _read("gzip", body, 100, chunk=7).finish() == b"hello world"
    assert _read("deflate", zlib.compress(b"abc") + b"\0\0\0", 100).finish() == b"abc"


@given(st.integers(min_value=1, max_value=80))
def test_gzip_members_are_joined_wherever_the_reads_split_them(split: int) -> None:
    # Split between the next member's two magic bytes, its first byte was once taken for
    # padding and the member dropped.
    first, second = gzip.compress(b"AAA", mtime=0), gzip.compress(b"BBB", mtime=0)
    body = first + second
    reader = BodyReader("gzip", max_bytes=100)
    reader.feed(body[:split])
    reader.feed(body[split:])
    assert reader.finish() == b"AAABBB"


def test_a_lone_magic_byte_after_the_end_is_padding() -> None:
    reader = BodyReader("gzip", max_bytes=100)
    reader.feed(gzip.compress(b"AAA", mtime=0))
    reader.feed(b"\x1f")
    assert reader.finish() == b"AAA"


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_bomb_stops_one_byte_past_the_cap_however_large_it_would_grow(encoding: str) -> None:
    # 64 MiB of zeros in about 64 KB: inflating it whole is what the cap must prevent.
    body = ENCODERS[encoding](bytes(64 * MB))
    assert len(body) < 100_000
    with pytest.raises(BodyTooLarge, match="once decompressed") as caught:
        _read(encoding, body, MB, chunk=65536)
    assert caught.value.decoded == MB + 1  # never more than the cap plus one byte
    assert caught.value.received < 100_000


def test_received_bytes_are_capped_too_and_an_announced_length_fails_at_once() -> None:
    reader = BodyReader(None, 10)
    reader.feed(b"0123456789")
    with pytest.raises(BodyTooLarge, match="more than 10 bytes received"):
        reader.feed(b"x")
    # Compressed data that does not shrink is capped as it arrives, before inflating.
    reader = BodyReader("gzip", 1000)
    with pytest.raises(BodyTooLarge, match="received"):
        reader.feed(b"\x1f\x8b" + bytes(1000))
    with pytest.raises(BodyTooLarge, match="announced 2000000000 bytes"):
        BodyReader(None, MB, length=2_000_000_000)
    assert BodyReader(None, MB, length=MB).finish() == b""


@pytest.mark.parametrize(
    ("encoding", "body", "message"),
    [
        ("br", b"", "unsupported Content-Encoding 'br'"),
        ("gzip, gzip", b"", "unsupported Content-Encoding"),
        ("gzip", b"not gzip at all", "corrupt gzip body"),
        ("gzip", gzip.compress(b"x" * 1000, mtime=0)[:20], "ended before its end"),
    ],
)
def test_what_cannot_be_read_is_a_clear_body_error(
    encoding: str, body: bytes, message: str
) -> None:
    with pytest.raises(BodyError, match=message):
        _read(encoding, body, MB).finish()


def test_identity_codings_mean_no_coding() -> None:
    for header in ("", "identity", " Identity , "):
        assert _read(header, b"plain", 10).finish() == b"plain"


@pytest.mark.parametrize(
    ("value", "length"),
    [("123", 123), (" 7 ", 7), (None, None), ("-1", None), ("1e3", None), ("9" * 40, None)],
)
def test_a_content_length_is_read_only_when_it_is_a_plain_number(
    value: str | None, length: int | None
) -> None:
    assert declared_length(value) == length
