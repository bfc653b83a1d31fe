"""Test helpers: exact requests to a running fakehub, down to the raw bytes.

``requests`` and ``http.client`` refuse to send many of the things a hostile or broken client
sends (non-ASCII header bytes, a crafted ``Host``, no ``User-Agent``), so :func:`raw_request`
writes the request itself on a socket and lets ``http.client`` parse only the response.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
import trustme

from speedlab.fakehub import FakeHub

SEARCH = "/search/repositories"
TIMEOUT = 10.0

#: ``make_hub(**config_fields)`` (the fixture of conftest.py).
MakeHub = Callable[..., FakeHub]


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def raw_request(
    url: str,
    target: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    method: bytes = b"GET",
    user_agent: bytes | None = b"speedlab-tests",
    host: bytes | None = None,
    context: ssl.SSLContext | None = None,
) -> RawResponse:
    """Send one HTTP/1.1 request, written byte for byte, and read the whole response.

    Args:
        url: the server's base URL (``http://127.0.0.1:PORT``).
        target: the request target, e.g. ``b"/search/repositories?q=x"``.
        headers: extra header lines as ``(name, value)`` bytes, sent as they are.
        method: the method.
        user_agent: the ``User-Agent`` value, or ``None`` to send none.
        host: the ``Host`` value (default: the server's own address).
        context: a client TLS context for an ``https`` URL.
    """
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    lines = [method + b" " + target + b" HTTP/1.1"]
    lines.append(b"Host: " + (host if host is not None else parts.netloc.encode()))
    if user_agent is not None:
        lines.append(b"User-Agent: " + user_agent)
    lines.extend(name + b": " + value for name, value in headers or [])
    lines.append(b"Connection: close")
    data = b"\r\n".join(lines) + b"\r\n\r\n"
    sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
    if parts.scheme == "https":
        sock = (context or ssl.create_default_context()).wrap_socket(
            sock, server_hostname=parts.hostname
        )
    with sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock, method=method.decode("latin-1"))
        response.begin()
        try:
            body = response.read()
        finally:
            response.close()
        return RawResponse(response.status, response.headers, body)


def get(
    url: str,
    params: object = None,
    *,
    headers: dict[str, str] | None = None,
    path: str = SEARCH,
) -> requests.Response:
    """GET ``url + path`` with ``requests`` (a well-behaved client)."""
    return requests.get(url + path, params=params, headers=headers, timeout=TIMEOUT)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Tls:
    """A throw-away certificate authority and a certificate for 127.0.0.1, localhost and ::1."""

    ca: trustme.CA
    ca_file: Path
    cert_file: Path
    key_file: Path
    server_context: ssl.SSLContext

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts only this CA."""
        return ssl.create_default_context(cafile=str(self.ca_file))


def make_tls(directory: Path) -> Tls:
    """Make a CA and a server certificate with ``trustme`` and write their PEM files."""
    ca = trustme.CA()
    certificate = ca.issue_cert("127.0.0.1", "localhost", "::1")
    ca_file, cert_file, key_file = (directory / n for n in ("ca.pem", "cert.pem", "key.pem"))
    ca.cert_pem.write_to_path(str(ca_file))
    certificate.private_key_pem.write_to_path(str(key_file))
    for index, pem in enumerate(certificate.cert_chain_pems):
        pem.write_to_path(str(cert_file), append=index > 0)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    return Tls(ca, ca_file, cert_file, key_file, context)
