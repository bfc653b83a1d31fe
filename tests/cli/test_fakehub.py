"""``speedlab fakehub``: options, errors, and a real server process stopped by a signal."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from speedlab.cli import main
from tests.fakehub.client import Tls, make_tls

URL_LINE = re.compile(r"^fakehub serving on (https?://127\.0\.0\.1:\d+)  \(Ctrl-C to stop\)$")


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fakehub", "--help"]) == 0
    out = capsys.readouterr().out
    for option in (
        "--host", "--port", "--latency", "--jitter", "--rate-limit", "--limit-status",
        "--secondary-inflight", "--error-rate", "--drop-rate", "--malformed-rate", "--seed",
        "--realistic", "--token", "--no-retry-after-rate", "--duration", "--tls-cert",
        "--tls-key", "--public-url", "--null-owner-rate",
    ):  # fmt: skip
        assert option in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rate-limit", "30"], "rate limit must look like N/SECONDS"),
        (["--rate-limit", "0/60"], "rate limit needs N >= 1"),
        (["--error-rate", "1.5"], "--error-rate: 1.5 is out of range (0 to 1)"),
        (["--drop-rate", "-0.1"], "--drop-rate: -0.1 is out of range (0 to 1)"),
        (["--malformed-rate", "0.6", "--error-rate", "0.6"], "must sum to <= 1"),
        (["--latency", "-1"], "--latency: -1 is out of range (0 or more)"),
        (["--jitter", "-0.5"], "--jitter: -0.5 is out of range (0 or more)"),
        (["--limit-status", "500"], "--limit-status: 500 is not 403 or 429"),
        (["--secondary-inflight", "0"], "--secondary-inflight: 0 is out of range (1 or more)"),
        (["--host", "0.0.0.0"], "refusing to serve on '0.0.0.0'"),
        (["--port", "-1"], "--port: -1 is out of range (0 to 65,535)"),
        (["--latency", "soon"], "--latency: soon is not a number"),
        (["--duration", "-1"], "--duration: -1 is out of range (0 or more)"),
        (["--tls-cert", "cert.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-key", "key.pem"], "--tls-cert and --tls-key go together"),
        (
            ["--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"],
            "TLS certificate",
        ),
        (["--public-url", "http://h/path"], "public URL must look like http(s)://HOST[:PORT]"),
        (["--public-url", "ftp://h"], "public URL must look like"),
        (["--null-owner-rate", "2"], "--null-owner-rate: 2 is out of range (0 to 1)"),
    ],
)
def test_bad_options_are_one_line_usage_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["fakehub", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("speedlab: error: ")
    assert message in lines[0]


def test_runs_for_a_duration_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fakehub", "--duration", "0.05", "--realistic", "--seed", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert URL_LINE.match(lines[0])
    assert lines[1] == (
        "fakehub: rate limit: 30/60s with a token, 10/60s without (status 403); seed 4"
    )
    assert lines[2].startswith("fakehub stopped: 0 requests")


def test_real_process_serves_and_stops_cleanly_on_ctrl_c() -> None:
    """SIGINT (Ctrl-C) ends the server normally: exit code 0, statistics, no traceback.

    SIGTERM takes the same path; it is tested in-process in tests/fakehub/test_server.py.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "speedlab", "fakehub", "--port", "0", "--rate-limit", "5/60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().rstrip("\n")
        match = URL_LINE.match(first)
        assert match, first
        response = requests.get(
            match.group(1) + "/search/repositories", params={"q": "torch"}, timeout=10
        )
        assert response.status_code == 200
        assert response.headers["x-ratelimit-limit"] == "5"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in err
    assert err == ""
    last = out.strip().splitlines()[-1]
    assert last.startswith("fakehub stopped: 1 requests (200: 1)")


def test_options_reach_the_server(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "fakehub", "--duration", "0", "--rate-limit", "10/2", "--unauthenticated-limit", "3",
        "--limit-status", "429", "--secondary-inflight", "4", "--latency", "0.1", "--jitter",
        "0.05", "--error-rate", "0.1", "--drop-rate", "0.2", "--token", "a", "--token", "b",
    ]  # fmt: skip
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "fakehub: rate limit: 10/2s with a token, 3/2s without (status 429); "
        "secondary: > 4 in flight; latency 0.1s + U[0, 0.05]s; faults: errors 0.1, drops 0.2; "
        "2 token(s) accepted; seed 0"
    )


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


def _serve_until_first_line(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "speedlab", "fakehub", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline().rstrip("\n")
    match = URL_LINE.match(first)
    if match is None:
        process.kill()
        out, err = process.communicate(timeout=30)
        raise AssertionError(f"no URL line: {first!r} {out!r} {err!r}")
    return process, match.group(1)


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def test_https_with_a_certificate_and_key(tls: Tls) -> None:
    process, url = _serve_until_first_line(
        ["--tls-cert", str(tls.cert_file), "--tls-key", str(tls.key_file)]
    )
    try:
        assert url.startswith("https://127.0.0.1:")
        response = requests.get(
            url + "/search/repositories",
            params={"q": "torch language:python"},
            verify=str(tls.ca_file),
            timeout=10,
        )
        assert response.status_code == 200
        assert len(response.json()["items"]) == 30
        assert response.links["next"]["url"].startswith(url + "/search/repositories?")
    finally:
        out, err = _stop(process)
    assert process.returncode == 0
    assert err == ""
    assert out.strip().splitlines()[-1].startswith("fakehub stopped: 1 requests (200: 1)")


def test_public_url_and_null_owners_reach_the_server() -> None:
    process, url = _serve_until_first_line(
        ["--public-url", "https://hub.example:8443/", "--null-owner-rate", "1"]
    )
    try:
        response = requests.get(
            url + "/search/repositories", params={"q": "data", "per_page": 5}, timeout=10
        )
    finally:
        _stop(process)
    assert response.status_code == 200
    assert [item["owner"] for item in response.json()["items"]] == [None] * 5
    assert response.links["next"]["url"] == (
        "https://hub.example:8443/search/repositories?q=data&per_page=5&page=2"
    )


def test_a_key_that_is_not_the_certificates_is_one_line(tls: Tls, tmp_path: Path, capsys) -> None:
    other_key = tmp_path / "other.pem"
    tls.ca.issue_cert("127.0.0.1").private_key_pem.write_to_path(str(other_key))
    assert main(["fakehub", "--tls-cert", str(tls.cert_file), "--tls-key", str(other_key)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("speedlab: error: cannot load the TLS certificate")
    assert "\n" not in err
