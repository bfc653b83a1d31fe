"""The zlib the body readers use: zlib-ng's, with zlib's streams and API."""

from __future__ import annotations

import gzip
import zlib

import pytest

from speedlab import _zlib


def test_zlib_ng_is_the_backend_where_it_is_installed() -> None:
    pytest.importorskip("zlib_ng")
    assert _zlib.backend() == "zlib-ng"
    assert type(_zlib.decompressobj(_zlib.MAX_WBITS)).__module__ != "zlib"


@pytest.mark.parametrize("wbits", [16 + zlib.MAX_WBITS, zlib.MAX_WBITS, -zlib.MAX_WBITS])
def test_a_stream_inflates_within_max_length_as_zlib_does(wbits: int) -> None:
    data = b'{"items":[' + b'{"id":1},' * 5000 + b"]}"
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    packed = packer.compress(data) + packer.flush() + b"tail"
    ours, theirs = _zlib.decompressobj(wbits), zlib.decompressobj(wbits)
    for decoder in (ours, theirs):
        head = decoder.decompress(packed, 100)
        assert head == data[:100]
    assert ours.unconsumed_tail == theirs.unconsumed_tail
    assert ours.decompress(ours.unconsumed_tail) == data[100:]
    assert ours.eof
    assert ours.unused_data == b"tail"


def test_corrupt_data_raises_the_error_the_readers_catch() -> None:
    broken = bytearray(gzip.compress(b"x" * 1000))
    broken[12:20] = b"\xff" * 8
    with pytest.raises(_zlib.ZlibError):
        _zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(bytes(broken))
