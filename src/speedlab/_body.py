"""Read an HTTP body within a size cap, decompressing it ourselves: one reader for every transport.

A server decides how large a response is, and a compressed one can inflate a thousandfold (a
4 MB gzip body of zeros is 4 GB). Letting a client library read and decompress the whole body
and checking its size afterwards is too late: the memory is gone, and a retry downloads it
again. So the transports ask for ``gzip`` or ``deflate`` only (``ACCEPT_ENCODING``), read the
raw bytes off the connection (chunked framing already removed), and feed them to a
:class:`BodyReader`, which counts the bytes received *and* the bytes they decompress to, and
stops at the first byte over either cap. Decompression goes through ``decompressobj`` with
``max_length``, so it never produces more than the cap allows plus one byte, whatever the input.
The decoders are zlib-ng's where it is installed (:mod:`speedlab._zlib`: 2.2x faster).

The reader is sans-I/O (it only sees bytes), so ``requests`` (sequential, threads, processes)
and ``aiohttp`` (asyncio) share it and enforce exactly the same caps.

    reader = BodyReader(headers.get("content-encoding"), max_bytes=8 << 20)
    for chunk in raw_chunks:
        reader.feed(chunk)          # raises BodyTooLarge past the cap
    body = reader.finish()          # raises BodyError if a compressed body ended early
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

from speedlab import _zlib

__all__ = [
    "ACCEPT_ENCODING",
    "BodyError",
    "BodyReader",
    "BodyTooLarge",
    "declared_length",
    "reader_for",
]

#: The only codings the transports ask for: the ones :class:`BodyReader` can bound.
ACCEPT_ENCODING = "gzip, deflate"


_GZIP = frozenset({"gzip", "x-gzip"})
_DEFLATE = "deflate"


class BodyError(ValueError):
    """The body cannot be read: an unknown or broken compression."""


class BodyTooLarge(Exception):
    """The body (as received, or decompressed) is larger than the cap.

    Attributes:
        limit: The cap, in bytes.
        received: Bytes received so far (or the length the server announced).
        decoded: Bytes they decompressed to so far.
    """

    def __init__(self, limit: int, received: int, decoded: int, *, announced: bool = False):
        self.limit = limit
        self.received = received
        self.decoded = decoded
        if announced:
            text = f"the server announced {received} bytes, more than the limit of {limit}"
        elif received > limit:
            text = f"more than {limit} bytes received, the limit"
        else:
            text = f"more than {limit} bytes once decompressed (from {received} received)"
        super().__init__(text)


def declared_length(value: str | None) -> int | None:
    """Read a ``Content-Length`` value: None when absent or unreadable (it is only a hint)."""
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or not text.isascii() or len(text) > 20:
        return None
    return int(text)


def _coding(content_encoding: str | None) -> str | None:
    """Return the one coding to undo (None for identity), or raise BodyError."""
    if not content_encoding:
        return None
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and (codings[0] in _GZIP or codings[0] == _DEFLATE):
        return codings[0]
    shown = content_encoding.strip()[:60].encode("ascii", "backslashreplace").decode()
    raise BodyError(f"unsupported Content-Encoding {shown!r} (asked for {ACCEPT_ENCODING})")


def reader_for(headers: Mapping[str, str], max_bytes: int) -> BodyReader:
    """Return the reader for a response with these (case-insensitive) headers.

    Raises:
        BodyError: an unsupported ``Content-Encoding``.
        BodyTooLarge: the announced ``Content-Length`` is over the cap.
    """
    return BodyReader(
        headers.get("content-encoding"),
        max_bytes,
        length=declared_length(headers.get("content-length")),
    )


class BodyReader:
    """Collect one body within ``max_bytes``, received and decompressed.

    Args:
        content_encoding: The response's ``Content-Encoding`` (None: identity).
        max_bytes: The most bytes the body may have, as received and once decompressed.
        length: The ``Content-Length`` the server announced, if any: a larger one fails at
            once, before anything is read.

    Raises:
        BodyError: an unsupported ``Content-Encoding``.
        BodyTooLarge: the announced length is over the cap.
    """

    __slots__ = (
        "_chunks",
        "_coding",
        "_decoder",
        "_ended",
        "_head",
        "_magic",
        "decoded",
        "max_bytes",
        "received",
    )

    def __init__(self, content_encoding: str | None, max_bytes: int, *, length: int | None = None):
        if max_bytes < 0:
            raise ValueError(f"max_bytes must not be negative, got {max_bytes}")
        self.max_bytes = max_bytes
        self._coding = _coding(content_encoding)
        if length is not None and length > max_bytes:
            raise BodyTooLarge(max_bytes, length, 0, announced=True)
        self._chunks: list[bytes] = []
        self._decoder: zlib._Decompress | None = None
        self._ended = False  # the compressed stream reached its end
        self._head = b""  # the first byte of a deflate body, until the second tells its kind
        self._magic = b""  # a gzip member's first byte after the last, until the second comes
        self.received = 0
        self.decoded = 0

    def feed(self, data: bytes) -> None:
        """Take the next raw bytes of the body.

        Raises:
            BodyTooLarge: the body went over the cap (nothing more should be read).
            BodyError: the compressed data is corrupt.
        """
        if not data:
            return
        self.received += len(data)
        if self.received > self.max_bytes:
            raise BodyTooLarge(self.max_bytes, self.received, self.decoded)
        if self._coding is None:
            self._keep(data)
        else:
            self._inflate(data)

    def finish(self) -> bytes:
        """Return the whole (decompressed) body once the connection says it is complete.

        Raises:
            BodyError: a compressed body stopped before its end.
        """
        if self._head:
            head, self._head = self._head, b""
            self._decoder = self._new_decoder(head)
            self._inflate_step(head)
        if self._coding is not None and self.received and not self._ended:
            raise BodyError(f"the {self._coding} body ended before its end")
        chunks, self._chunks = self._chunks, []
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _keep(self, data: bytes) -> None:
        self.decoded += len(data)
        if self.decoded > self.max_bytes:
            raise BodyTooLarge(self.max_bytes, self.received, self.decoded)
        self._chunks.append(data)

    def _new_decoder(self, data: bytes) -> zlib._Decompress:
        if self._coding in _GZIP:
            return _zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" should be zlib-wrapped (RFC 9110 §8.4.1.2); some servers send it raw.
        wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        return _zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def _inflate(self, data: bytes) -> None:
        if self._decoder is None and self._coding == _DEFLATE and not self._ended:
            data = self._head + data
            if len(data) < 2:  # zlib-wrapped or raw: the first two bytes tell
                self._head = data
                return
            self._head = b""
        while data:
            if self._ended:
                if self._coding in _GZIP:
                    data, self._magic = self._magic + data, b""
                    if data == b"\x1f":  # a read ended inside the next member's magic
                        self._magic = data
                        return
                if self._coding not in _GZIP or not data.startswith(b"\x1f\x8b"):
                    return  # padding after the end of the stream: ignored, as browsers do
                self._ended = False  # another gzip member follows (RFC 1952 §2.2)
                self._decoder = None
            if self._decoder is None:
                self._decoder = self._new_decoder(data)
            data = self._inflate_step(data)

    def _inflate_step(self, data: bytes) -> bytes:
        """Decompress what ``data`` gives within the cap; return the input left to do."""
        decoder = self._decoder
        assert decoder is not None
        try:
            # Never more than one byte past the cap: max_length bounds the output.
            out = decoder.decompress(data, self.max_bytes - self.decoded + 1)
        except _zlib.ZlibError as exc:
            raise BodyError(f"corrupt {self._coding} body: {exc}") from None
        self._keep(out)
        if decoder.eof:
            self._ended = True
            return decoder.unused_data
        return decoder.unconsumed_tail
