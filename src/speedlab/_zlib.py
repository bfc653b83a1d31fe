"""The fastest zlib at hand: zlib-ng's where it is installed, the standard library's otherwise.

Inflating a search page is most of what a client does besides parsing it: a 150 KB page
costs 225 µs with ``zlib`` and 100 µs with ``zlib_ng`` (``benchmarks/parse.py``). zlib-ng
speaks the same streams and has the same ``decompressobj`` API (``max_length``, ``eof``,
``unused_data``, ``unconsumed_tail``), so both body readers (:mod:`speedlab._body`
and the hand-made loop's :mod:`speedlab.loop._http11`) take their decoders from here.
"""

from __future__ import annotations

import zlib

__all__ = ["MAX_WBITS", "ZlibError", "backend", "decompressobj"]

MAX_WBITS = zlib.MAX_WBITS


def _load() -> tuple[str, object]:
    try:
        from zlib_ng import zlib_ng
    except ImportError:  # pragma: no cover - a platform without zlib-ng's wheels
        return "zlib", zlib
    return "zlib-ng", zlib_ng


_NAME, _MODULE = _load()

#: What a corrupt stream raises, under either library.
ZlibError: type[Exception] = getattr(_MODULE, "error")  # noqa: B009


def backend() -> str:
    """Which library inflates bodies: ``"zlib-ng"`` or ``"zlib"``."""
    return _NAME


def decompressobj(wbits: int) -> zlib._Decompress:
    """A streaming decoder (typed as zlib's: zlib-ng's has the same methods and attributes)."""
    decoder: zlib._Decompress = getattr(_MODULE, "decompressobj")(wbits)  # noqa: B009
    return decoder
