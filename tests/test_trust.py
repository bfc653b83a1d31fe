"""Which CAs HTTPS trusts: --ca-file and $SSL_CERT_FILE, checked once before any request."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import trustme

from speedlab._exceptions import UsageError
from speedlab._trust import ca_file_from_env, check_ca_file
from speedlab.jobs.github import SearchConfig
from speedlab.jobs.github._query import build_search_request, request_for


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


def test_a_pem_file_with_a_certificate_is_accepted_as_it_is(ca_file: str) -> None:
    assert check_ca_file(ca_file) == ca_file


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.pem", None, "--ca-file '{path}': cannot read it (No such file or directory)"),
        ("garbage.pem", "hello\n", "--ca-file '{path}' holds no usable CA certificate"),
        (".", None, "--ca-file '{path}': cannot read it"),
    ],
)
def test_an_unusable_file_is_one_usage_error_naming_it(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as caught:
        check_ca_file(str(path))
    assert str(caught.value).startswith(message.format(path=path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_name_is_refused(blank: str) -> None:
    with pytest.raises(UsageError, match="must name a PEM file"):
        check_ca_file(blank)


def test_ssl_cert_file_is_read_checked_and_named(ca_file: str, tmp_path: Path) -> None:
    assert ca_file_from_env({}) is None
    assert ca_file_from_env({"SSL_CERT_FILE": ""}) is None
    assert ca_file_from_env({"SSL_CERT_FILE": ca_file}) == ca_file
    with pytest.raises(UsageError, match=r"^SSL_CERT_FILE '.*nope\.pem': cannot read it"):
        ca_file_from_env({"SSL_CERT_FILE": str(tmp_path / "nope.pem")})


def test_the_search_config_checks_its_ca_file_and_every_request_carries_it(
    ca_file: str, tmp_path: Path
) -> None:
    config = SearchConfig(api="https://127.0.0.1:8443", ca_file=Path(ca_file))  # type: ignore[arg-type]
    assert config.ca_file == ca_file  # a path is kept as text: requests wants a str
    assert build_search_request("torch", config).ca_file == ca_file
    assert request_for("https://elsewhere.test/page2", config).ca_file == ca_file
    assert pickle.loads(pickle.dumps(config)) == config  # it travels to worker processes
    assert build_search_request("torch", SearchConfig()).ca_file is None
    with pytest.raises(UsageError, match="--ca-file"):
        SearchConfig(ca_file=str(tmp_path / "missing.pem"))
