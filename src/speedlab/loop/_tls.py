"""TLS on the hand-made loop: ``ssl.SSLObject`` over two ``MemoryBIO``s, bytes moved by us.

``ssl.SSLSocket`` wants to own a blocking (or callback-driven) socket. ``SSLObject`` is TLS
without I/O, the way h11 is HTTP without I/O: OpenSSL reads ciphertext from an incoming memory
buffer and writes ciphertext to an outgoing one, and raises ``SSLWantReadError`` when it needs
more. :class:`TlsStream` answers that by flushing what OpenSSL wrote to the socket and feeding
it what the socket received, on the loop's own ``send_all``/``receive``.

Verification is on: :func:`create_ssl_context` checks the certificate chain against the system
store (OpenSSL honours ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``) or against ``ca_file`` only, and
the host name against the certificate.

    tcp = await open_tcp_stream("api.github.com", 443)
    tls = await TlsStream.wrap(tcp, create_ssl_context(), "api.github.com")
"""

from __future__ import annotations

import contextlib
import functools
import ssl
from collections.abc import Callable
from typing import Protocol, TypeVar

from speedlab.loop._io import DEFAULT_RECEIVE_SIZE, SocketStream

__all__ = ["Stream", "TlsStream", "create_ssl_context"]

T = TypeVar("T")


class Stream(Protocol):
    """A byte stream the HTTP client can use: plain TCP or TLS."""

    async def send_all(self, data: bytes) -> None:
        """Send every byte of ``data``."""
        ...

    async def receive(self, max_bytes: int = DEFAULT_RECEIVE_SIZE) -> bytes:
        """Return the next bytes; ``b""`` at end of stream."""
        ...

    def is_readable(self) -> bool:
        """True if a read would not block (for an idle connection: the server closed it)."""
        ...

    def close(self) -> None:
        """Close the stream at once (safe to call twice)."""
        ...


def create_ssl_context(*, ca_file: str | None = None) -> ssl.SSLContext:
    """Return a client context that verifies certificates and host names.

    Args:
        ca_file: A PEM file of CA certificates to trust *instead of* the system store
            (``--ca-file``); None trusts the system store, where OpenSSL honours
            ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``.

    Returns:
        A context with ``CERT_REQUIRED``, host name checking and TLS 1.2 or newer.

    Raises:
        OSError: ``ca_file`` cannot be read.
        ssl.SSLError: ``ca_file`` holds no usable certificate.
    """
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    return context


class TlsStream:
    """TLS over a :class:`SocketStream`, through ``SSLObject`` and memory buffers.

    Create it with :meth:`wrap`, which also performs the handshake. Owns the TCP stream.
    """

    __slots__ = ("_incoming", "_object", "_outgoing", "_transport")

    def __init__(
        self, transport: SocketStream, context: ssl.SSLContext, server_hostname: str
    ) -> None:
        self._transport = transport
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._object = context.wrap_bio(
            self._incoming, self._outgoing, server_side=False, server_hostname=server_hostname
        )

    @classmethod
    async def wrap(
        cls, transport: SocketStream, context: ssl.SSLContext, server_hostname: str
    ) -> TlsStream:
        """Start TLS on ``transport`` and complete the handshake.

        Args:
            transport: A connected TCP stream (closed here if the handshake fails).
            context: Usually :func:`create_ssl_context`'s.
            server_hostname: The name to send (SNI) and to verify the certificate against.

        Returns:
            The encrypted stream.

        Raises:
            ssl.SSLCertVerificationError: Untrusted certificate or wrong host name.
            ssl.SSLError: Any other handshake failure.
            OSError: The connection broke.
        """
        stream = cls(transport, context, server_hostname)
        try:
            await stream._drive(stream._object.do_handshake)
        except BaseException:
            transport.close()
            raise
        return stream

    async def _drive(self, operation: Callable[[], T]) -> T:
        """Run an SSLObject operation, moving bytes until it no longer wants to read."""
        while True:
            try:
                result = operation()
            except ssl.SSLWantReadError:
                await self._flush()
                data = await self._transport.receive()
                if data:
                    self._incoming.write(data)
                else:
                    self._incoming.write_eof()  # the next try raises SSLEOFError
                continue
            await self._flush()
            return result

    async def _flush(self) -> None:
        data = self._outgoing.read()
        if data:
            await self._transport.send_all(data)

    @property
    def version(self) -> str | None:
        """The negotiated protocol version, e.g. ``"TLSv1.3"``."""
        return self._object.version()

    def peer_certificate(self) -> dict[str, object] | None:
        """The server's verified certificate, as ``ssl`` decodes it."""
        return self._object.getpeercert()  # type: ignore[return-value]

    async def send_all(self, data: bytes) -> None:
        """Encrypt and send every byte of ``data``."""
        view = memoryview(data)
        while view:
            written = await self._drive(functools.partial(self._object.write, view))
            view = view[written:]

    async def receive(self, max_bytes: int = DEFAULT_RECEIVE_SIZE) -> bytes:
        """Return the next decrypted bytes; ``b""`` at end of stream.

        A TCP close without TLS's ``close_notify`` also reads as end of stream, as browsers
        and httpx treat it; HTTP's own framing (h11) still detects a truncated body.
        """
        try:
            return await self._drive(functools.partial(self._object.read, max_bytes))
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
            return b""

    def is_readable(self) -> bool:
        """True if the idle connection got anything (data, ``close_notify``, end of stream)."""
        return self._object.pending() > 0 or self._transport.is_readable()

    def close(self) -> None:
        """Close the connection without waiting for TLS's goodbye (safe to call twice)."""
        self._transport.close()

    async def __aenter__(self) -> TlsStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Send ``close_notify`` if the socket takes it at once, then close."""
        with contextlib.suppress(ssl.SSLError):  # SSLWantReadError: no waiting for the reply
            self._object.unwrap()
        data = self._outgoing.read()
        with contextlib.suppress(OSError):
            if data:
                self._transport.socket.send(data)
        self.close()
