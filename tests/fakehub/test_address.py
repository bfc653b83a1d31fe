"""Where fakehub listens: loopback only; TLS contexts loaded from files or refused clearly."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import pytest

from speedlab._exceptions import UsageError
from speedlab.fakehub import FakeHub, check_loopback, load_tls_context
from speedlab.fakehub._address import base_url, check_server_context
from tests.fakehub.client import MakeHub, Tls, raw_request


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


def test_client_garbage_is_quiet_but_a_bug_in_fakehub_is_logged(
    make_hub: MakeHub, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    hub = make_hub()
    garbage = raw_request(hub.url, b"/search/repositories?q=x", [(b"Bad", b"\x00")])
    assert garbage.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    def broken(q: object) -> None:
        raise RuntimeError("a bug in fakehub")

    monkeypatch.setattr("speedlab.fakehub._app.parse_query", broken)
    assert raw_request(hub.url, b"/search/repositories?q=x").status == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["speedlab.fakehub.protocol"]
    assert errors[0].exc_info is not None
    assert "a bug in fakehub" in str(errors[0].exc_info[1])
