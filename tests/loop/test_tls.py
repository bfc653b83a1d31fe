"""TLS through ssl.SSLObject over MemoryBIO, against a local server with a trustme certificate."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from speedlab._exceptions import HttpConnectError, HttpTlsError
from speedlab.loop import (
    HttpClient,
    Response,
    TlsStream,
    create_ssl_context,
    open_tcp_stream,
    run,
)

from ._servers import ScriptedServer, gzipped, keep_alive, once


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[ScriptedServer]:
    context = server_context(ca, "localhost", "127.0.0.1")
    with ScriptedServer(keep_alive(b"secret page"), tls=context) as server:
        yield server


def fetch_all(urls: list[str], **options: Any) -> tuple[list[Response], Any]:
    async def main() -> tuple[list[Response], Any]:
        async with HttpClient(**options) as client:
            replies = [await client.get(url) for url in urls]
            return replies, client.statistics()

    return run(main)


def test_verified_tls_with_a_ca_file_and_keep_alive(
    tls_server: ScriptedServer, ca_file: str
) -> None:
    urls = [tls_server.url + f"/page/{i}" for i in range(3)]
    replies, stats = fetch_all(urls, ca_file=ca_file)
    assert [r.body for r in replies] == [b"secret page"] * 3
    assert replies[0].url.startswith("https://127.0.0.1:")
    assert stats.connections_opened == 1  # one handshake, then reuse
    assert tls_server.connections == 1


def test_the_host_name_is_verified_by_name_too(ca: trustme.CA, ca_file: str) -> None:
    context = server_context(ca, "localhost")
    with ScriptedServer(keep_alive(b"by name"), tls=context, url_host="localhost") as server:
        replies, _ = fetch_all([server.url], ca_file=ca_file)
    assert replies[0].body == b"by name"


def test_a_wrong_host_name_is_refused(ca: trustme.CA, ca_file: str) -> None:
    context = server_context(ca, "somewhere-else.test")
    with (
        ScriptedServer(keep_alive(b"never"), tls=context) as server,
        pytest.raises(HttpTlsError, match="certificate") as caught,
    ):
        fetch_all([server.url], ca_file=ca_file)
    assert "127.0.0.1" in str(caught.value)
    assert isinstance(caught.value, HttpConnectError)
    assert server.requests == []  # no request was ever sent


def test_an_untrusted_ca_is_refused_by_the_system_store(
    tls_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(HttpTlsError, match="certificate"):
        fetch_all([tls_server.url])
    assert tls_server.requests == []


def test_ssl_cert_file_is_honoured(
    tls_server: ScriptedServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    replies, _ = fetch_all([tls_server.url])
    assert replies[0].body == b"secret page"


def test_a_given_ssl_context_is_used(tls_server: ScriptedServer, ca: trustme.CA) -> None:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=None)
    ca.configure_trust(context)
    replies, _ = fetch_all([tls_server.url], ssl_context=context)
    assert replies[0].status == 200


def test_gzip_over_tls(ca: trustme.CA, ca_file: str) -> None:
    body = b"compressed and encrypted " * 500
    with ScriptedServer(once(gzipped(body)), tls=server_context(ca, "127.0.0.1")) as server:
        replies, _ = fetch_all([server.url], ca_file=ca_file)
    assert replies[0].body == body


def test_tls_stream_reports_its_version_and_certificate(
    tls_server: ScriptedServer, ca_file: str
) -> None:
    port = int(tls_server.url.rsplit(":", 1)[1])

    async def main() -> tuple[str | None, Any, bytes]:
        tcp = await open_tcp_stream("127.0.0.1", port)
        tls = await TlsStream.wrap(tcp, create_ssl_context(ca_file=ca_file), "127.0.0.1")
        try:
            await tls.send_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while b"secret page" not in data:
                chunk = await tls.receive()
                if not chunk:
                    break
                data += chunk
            return tls.version, tls.peer_certificate(), data
        finally:
            await tls.aclose()
            await tls.aclose()  # idempotent

    version, cert, data = run(main)
    assert version in ("TLSv1.2", "TLSv1.3")
    assert cert is not None
    assert b"200 OK" in data


def test_a_missing_ca_file_is_an_error() -> None:
    with pytest.raises(FileNotFoundError):
        create_ssl_context(ca_file="/nonexistent/ca.pem")
