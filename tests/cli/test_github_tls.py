"""``speedlab github`` over HTTPS: --ca-file (or $SSL_CERT_FILE) under every model, and refusals."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from speedlab.cli import main
from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.models import models_for
from tests.fakehub.client import Tls, make_tls

MODELS = models_for("io")
KEYWORDS = ("torch", "ML")


def _concurrency(model: str) -> list[str]:
    return [] if model == "sequential" else ["--concurrency", "2"]


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A trustme CA and a certificate for 127.0.0.1, localhost and ::1."""
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def https_hub(tls: Tls) -> Iterator[FakeHub]:
    with FakeHub(FakeHubConfig(), ssl_context=tls.server_context) as hub:
        yield hub


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of a plain-HTTP run: HTTPS must not change a byte."""
    out = tmp_path_factory.mktemp("http")
    with FakeHub(FakeHubConfig()) as hub:
        assert main(["github", *KEYWORDS, "--api", hub.url, "--out", str(out), "-q"]) == 0
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture(autouse=True)
def _no_ssl_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)


def _run(capsys: pytest.CaptureFixture[str], model: str, *args: str) -> tuple[int, list[str], str]:
    code = main(["github", *KEYWORDS, "-m", model, *_concurrency(model), *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", MODELS)
def test_every_model_searches_over_https_trusting_the_ca_file(
    model: str,
    tls: Tls,
    https_hub: FakeHub,
    reference: dict[str, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert https_hub.url.startswith("https://127.0.0.1:")
    code, out, err = _run(
        capsys, model, "--api", https_hub.url, "--ca-file", str(tls.ca_file), "--out", str(tmp_path)
    )
    assert (code, err) == (0, "")
    assert out[-1].startswith("2 searches done in ")
    assert {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())} == reference


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", MODELS)
def test_ssl_cert_file_is_honoured_like_ca_file(
    model: str,
    tls: Tls,
    https_hub: FakeHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))
    code, out, err = _run(capsys, model, "--api", https_hub.url, "--out", str(tmp_path))
    assert (code, err) == (0, "")
    assert out[-1].startswith("2 searches done in ")
    assert len(list(tmp_path.iterdir())) == 2


def _failures(out: list[str]) -> list[str]:
    return [line for line in out if line.startswith("FAILED ")]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", MODELS)
def test_without_the_ca_every_keyword_fails_with_one_line_and_exit_1(
    model: str, https_hub: FakeHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ("--api", https_hub.url, "--out", str(tmp_path), "--retries", "0")
    code, out, err = _run(capsys, model, *common)
    assert code == 1
    failed = _failures(out)
    assert sorted(line.split(":")[0] for line in failed) == ["FAILED ML", "FAILED torch"]
    for line in failed:
        assert re.search(r"certificate|CERTIFICATE_VERIFY_FAILED", line), line
    assert out[-1].startswith("0 searches done in ")
    assert err.startswith("speedlab: 2 of 2 searches failed:")
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", MODELS)
def test_a_certificate_for_another_host_name_is_refused(
    model: str, tls: Tls, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CA is trusted, but its certificate names another host: verification must still fail.
    elsewhere = _server_context(tls.ca, "somewhere-else.test")
    with FakeHub(FakeHubConfig(), ssl_context=elsewhere) as hub:
        common = ("--api", hub.url, "--ca-file", str(tls.ca_file), "--out", str(tmp_path))
        code, out, _ = _run(capsys, model, *common, "--retries", "0")
    assert code == 1
    failed = _failures(out)
    assert len(failed) == 2
    for line in failed:
        assert re.search(r"hostname|host name|IP address mismatch|match", line), line
    assert list(tmp_path.iterdir()) == []


def _server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--ca-file", "{tmp}/missing.pem"], None, "--ca-file '{tmp}/missing.pem': cannot read it"),
        (["--ca-file", "{tmp}/garbage.pem"], None, "holds no usable CA certificate"),
        ([], "{tmp}/garbage.pem", "SSL_CERT_FILE '{tmp}/garbage.pem' holds no usable CA"),
    ],
)
def test_an_unusable_ca_file_is_a_one_line_usage_error_before_any_request(
    args: list[str],
    env: str | None,
    message: str,
    https_hub: FakeHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "garbage.pem").write_text("not a certificate\n")
    if env is not None:
        monkeypatch.setenv("SSL_CERT_FILE", env.format(tmp=tmp_path))
    before = https_hub.statistics().requests
    out_dir = tmp_path / "out"
    argv = [a.format(tmp=tmp_path) for a in args]
    code = main(["github", "torch", "--api", https_hub.url, "--out", str(out_dir), *argv])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("speedlab: error: ")
    assert message.format(tmp=tmp_path) in captured.err
    assert https_hub.statistics().requests == before
    assert not out_dir.exists()
