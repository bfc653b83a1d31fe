"""Where fakehub listens: loopback only; TLS contexts loaded from files or refused clearly."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from speedlab._exceptions import UsageError
from speedlab.fakehub import FakeHub, check_loopback, load_tls_context
from speedlab.fakehub._address import base_url, check_server_context
from tests.fakehub.client import Tls


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::", ""])
def test_only_loopback_hosts(host: str) -> None:
    with pytest.raises(UsageError, match="loopback"):
        FakeHub(host=host)


@pytest.mark.parametrize(
    ("host", "address"), [("localhost", "127.0.0.1"), ("127.0.0.2", "127.0.0.2"), ("::1", "::1")]
)
def test_loopback_addresses(host: str, address: str) -> None:
    assert check_loopback(host) == address


def test_base_url_brackets_ipv6() -> None:
    assert base_url("https", "::1", 443) == "https://[::1]:443"
    assert base_url("http", "127.0.0.1", 8000) == "http://127.0.0.1:8000"


def test_a_certificate_and_its_key_load_into_a_server_context(tls: Tls) -> None:
    context = load_tls_context(str(tls.cert_file), str(tls.key_file))
    assert isinstance(context, ssl.SSLContext)
    assert context.protocol == ssl.PROTOCOL_TLS_SERVER
    check_server_context(context)  # accepted


def test_unusable_files_are_one_clear_usage_error(tls: Tls, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    other_key = tmp_path / "other-key.pem"
    tls.ca.issue_cert("127.0.0.1").private_key_pem.write_to_path(str(other_key))
    cases = [
        (str(tmp_path / "missing.pem"), str(tls.key_file), "No such file"),
        (str(garbage), str(tls.key_file), "cannot load the TLS certificate"),
        (str(tls.cert_file), str(other_key), "cannot load the TLS certificate"),  # not its key
    ]
    for cert, key, message in cases:
        with pytest.raises(UsageError, match=message) as refused:
            load_tls_context(cert, key)
        assert "\n" not in str(refused.value)


def test_a_client_context_cannot_serve(tls: Tls) -> None:
    with pytest.raises(UsageError, match=r"server ssl\.SSLContext"):
        FakeHub(ssl_context=tls.client_context())
    with pytest.raises(UsageError, match=r"server ssl\.SSLContext"):
        check_server_context("cert.pem")  # type: ignore[arg-type]
