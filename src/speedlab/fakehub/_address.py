"""Where fakehub listens: a loopback address only, over plain HTTP or TLS, and who hears of it.

speedlab never opens a port to the network, so every address is checked to be loopback before it
is bound. TLS is opt-in: a server context (from :func:`load_tls_context` for the command's
``--tls-cert``/``--tls-key``, or any ``ssl.SSLContext`` a test builds, e.g. with ``trustme``)
turns the same server into an HTTPS one.

A client that sends bytes no HTTP parser accepts, or fails the TLS handshake, gets its 400 or its
closed connection; the server's console gets no traceback for it (:data:`PROTOCOL_LOGGER`'s filter,
:func:`quiet_handshake_errors`). An exception in fakehub's own code is still logged.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
from typing import TYPE_CHECKING, Any

from speedlab._exceptions import UsageError

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "DEFAULT_HOST",
    "PROTOCOL_LOGGER",
    "base_url",
    "check_loopback",
    "check_server_context",
    "load_tls_context",
    "quiet_handshake_errors",
]

#: The address the simulator binds by default.
DEFAULT_HOST = "127.0.0.1"


def check_loopback(host: str) -> str:
    """Return the address to bind for ``host``, refusing anything but loopback.

    Args:
        host: ``localhost`` (bound as 127.0.0.1) or a loopback IP address (127.0.0.0/8, ::1).

    Returns:
        The IP address to bind.

    Raises:
        UsageError: ``host`` is not a loopback address.

    >>> check_loopback("localhost")
    '127.0.0.1'
    """
    if host.strip().lower() == "localhost":
        return DEFAULT_HOST
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise UsageError(
            f"refusing to serve on {host!r}: fakehub only binds loopback addresses "
            "(127.0.0.1, ::1 or localhost)"
        )
    return str(address)


def load_tls_context(cert_file: str, key_file: str) -> ssl.SSLContext:
    """Return a server TLS context for a certificate (chain) file and its private key file.

    Args:
        cert_file: PEM file with the server certificate, then any intermediates.
        key_file: PEM file with the certificate's private key (unencrypted).

    Returns:
        A context with Python's secure defaults for servers (TLS 1.2 or newer).

    Raises:
        UsageError: a file cannot be read, or is not a matching PEM certificate and key.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        # An encrypted key would prompt on the terminal: a password callback that refuses instead.
        context.load_cert_chain(cert_file, key_file, password=lambda: b"")
    except OSError as exc:
        reason = exc.strerror or getattr(exc, "reason", None) or str(exc)
        raise UsageError(
            f"cannot load the TLS certificate {cert_file!r} and key {key_file!r}: {reason}"
        ) from exc
    return context


def check_server_context(context: ssl.SSLContext | None) -> None:
    """Refuse anything but ``None`` or an ``ssl.SSLContext`` that can serve (not a client's).

    Raises:
        UsageError: ``context`` is another object, or a ``PROTOCOL_TLS_CLIENT`` context (such a
            context fails every handshake as a server, far from where it was made).
    """
    if context is None:
        return
    if not isinstance(context, ssl.SSLContext) or context.protocol == ssl.PROTOCOL_TLS_CLIENT:
        raise UsageError(
            "ssl_context must be a server ssl.SSLContext, e.g. "
            "ssl.create_default_context(ssl.Purpose.CLIENT_AUTH) with load_cert_chain(...)"
        )


def base_url(scheme: str, host: str, port: int) -> str:
    """Return ``scheme://host:port``, with an IPv6 host in brackets.

    >>> base_url("https", "::1", 8443), base_url("http", "127.0.0.1", 80)
    ('https://[::1]:8443', 'http://127.0.0.1:80')
    """
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


class _QuietClientErrors(logging.Filter):
    """Drop aiohttp's tracebacks for requests it could not parse and already answered with a 4xx.

    A client that sends garbage gets its 400; the server's console should not get a traceback
    per such request. An exception in a handler (a 500, a real bug) is still logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # Imported here: this module is imported without aiohttp (by the limiters' users).
        from aiohttp.http_exceptions import HttpProcessingError

        error = record.exc_info[1] if record.exc_info else None
        return not (isinstance(error, HttpProcessingError) and 400 <= (error.code or 0) < 500)


#: The logger of fakehub's HTTP connections (aiohttp's "aiohttp.server" otherwise).
PROTOCOL_LOGGER = logging.getLogger("speedlab.fakehub.protocol")
PROTOCOL_LOGGER.addFilter(_QuietClientErrors())


def quiet_handshake_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Loop exception handler: a client that fails the TLS handshake is not a server error.

    A plain-HTTP request to the HTTPS port, or a client that does not trust the certificate,
    ends the connection in the handshake; asyncio would log a traceback for each. Anything else
    goes to the default handler.
    """
    if isinstance(context.get("exception"), ssl.SSLError | ConnectionError):
        return
    loop.default_exception_handler(context)
