"""``speedlab github`` facing a hostile server and a careless user, under every model.

SIGTERM stops a run as Ctrl-C does; server text never drives the terminal nor shows the token
(or a long stretch of it); an unusable ``--out`` is refused before any request; entries already
in ``--out`` are never trusted; a refused connection reads as one short reason, in English.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from speedlab.cli import main
from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.jobs.github import filename_for
from speedlab.models import models_for
from tests.models._hostile import HostileServer
from tests.models._servers import send_json, serving

ALL = list(models_for("io"))  # every model that runs the GitHub job
# The promise: no stretch of the token longer than this is ever printed.
MIN_FRAGMENT = 8
TOKEN = "ghp_SafetyT0kenForTests0123456789abcdefXYZ"
FINAL = re.compile(r"^(\d+) search(?:es)? done in \d+\.\d\ds(?: \((.*)\))?$")
# What a terminal obeys: C0 controls but newline, DEL, C1 controls.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["github", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------------------------- SIGTERM


@pytest.mark.slow
@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_sigterm_stops_like_ctrl_c_with_a_summary_and_exit_143(
    model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with HostileServer(interval=0.25) as server:
        timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
        timer.start()
        try:
            code, out, err = _run(
                capsys, "fine", "drip-headers", "drip-body", "--api", server.url,
                "--out", str(tmp_path), "-m", model, "--timeout", "30",
            )  # fmt: skip
        finally:
            timer.join()
    assert code == 143
    match = FINAL.match(out.splitlines()[-1])
    assert match is not None, out
    assert match.group(1) == "1"
    assert "interrupted" in (match.group(2) or "")
    assert "speedlab: interrupted; 1 search saved, the others were not" in err
    assert "Traceback" not in out + err
    assert [p.name for p in tmp_path.iterdir()] == ["fine"]
    assert (tmp_path / "fine").read_text() == "[]"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back as it was


# ---------------------------------------------------------------- server text, the token


class _EchoServer(ThreadingHTTPServer):
    """Echoes the Authorization header it received, mangled, with escape sequences.

    Keyword ``echo``: a 401 whose message repeats the token lower-cased, split by a space and
    cut short. ``redirect``: a 302 to a Location with escape sequences. ``loop``: such 302s
    for ever (a failure that quotes the URL). ``link``: a 200 page whose ``Link`` next URL
    holds them.
    """

    daemon_threads = False
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _EchoHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class _EchoHandler(BaseHTTPRequestHandler):
    server: _EchoServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        keyword = query.get("q", ["page"])[0].split()[0]
        secret = self.headers.get("Authorization", "").removeprefix("Bearer ")
        headers: dict[str, str] = {}
        if keyword == "echo":
            status = 401
            message = (
                f"Bad credentials \x1b[2J\x1b]0;pwned\x07 {secret.lower()} | "
                f"{secret[:15]} {secret[15:]} | {secret[3:20]}\u009b31m"
            )
            body = json.dumps({"message": message})
        elif keyword == "redirect":
            status, body = 302, "{}"
            headers["Location"] = f"{self.server.url}/\x1b]0;title\x07/x?{secret}"
        elif keyword == "loop":
            status, body = 302, "{}"
            headers["Location"] = f"{self.server.url}/\x1b]0;loop\x07\x9b?q=loop+{secret}"
        elif keyword == "link" and "page" not in query:
            status = 200
            body = json.dumps({"total_count": 1, "incomplete_results": False, "items": []})
            headers["Link"] = f'<{self.server.url}/\x1b[31m?page=2&t={secret}>; rel="next"'
        else:
            status = 200
            body = json.dumps({"total_count": 0, "incomplete_results": False, "items": []})
        send_json(self, status, body.encode(), headers)


@pytest.fixture
def echo() -> Iterator[_EchoServer]:
    with serving(_EchoServer()) as server:
        yield server


def _leaks(text: str) -> list[str]:
    """Every stretch of the token longer than MIN_FRAGMENT readable in ``text``."""
    readable = re.sub(r"\s", "", text).lower()
    token = TOKEN.lower()
    grams = (token[i : i + MIN_FRAGMENT + 1] for i in range(len(token) - MIN_FRAGMENT))
    return [gram for gram in grams if gram in readable]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ALL)
def test_server_text_never_drives_the_terminal_nor_shows_the_token(
    model: str,
    echo: _EchoServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAFETY_TOKEN", TOKEN)
    common = ("echo", "redirect", "loop", "link", "--api", echo.url, "--out", str(tmp_path))
    options = (
        "--token-env",
        "SAFETY_TOKEN",
        "-m",
        model,
        "--retries",
        "0",
        "--pages",
        "2",
        "--force",
    )
    code, out, err = _run(capsys, *common, *options)
    code_json, out_json, err_json = _run(capsys, *common, *options, "--json")
    assert (code, code_json) == (1, 1)
    # The message is shown (its controls blanked, the C1 one escaped), the token is not.
    assert "Bad credentials [2J ]0;pwned ******** | ******** | ********\\x9b31m" in out
    records = {r["key"]: r for r in json.loads(out_json)["records"]}
    assert records["echo"]["status"] == "failed"
    assert "********" in records["echo"]["detail"]
    assert records["loop"]["detail"].startswith("too many redirects (more than 5), last to ")
    # The same bytes under every model: control bytes percent-encoded, as they were sent.
    assert records["loop"]["detail"].endswith("/%1B]0;loop%07%9B")
    assert [records[k]["status"] for k in ("redirect", "link")] == ["done", "done"]
    for text in (out, err, out_json, err_json):
        assert not CONTROL.search(text), repr(CONTROL.search(text))
        assert _leaks(text) == []


# -------------------------------------------------------------------------------- --out


@pytest.mark.parametrize(
    ("make", "below", "message"),
    [
        (lambda p: p.write_text("x"), "", "--out {p} is not a directory"),
        (
            lambda p: p.symlink_to(p.parent / "nowhere"),
            "",
            "--out {p} is a symbolic link to nothing",
        ),
        (lambda p: p.write_text("x"), "sub", "--out {p}/sub: {p} is not a directory"),
    ],
    ids=["regular-file", "dangling-symlink", "through-a-file"],
)
@pytest.mark.parametrize("model", ALL)
def test_an_unusable_out_is_refused_before_any_request(
    model: str,
    make,  # type: ignore[no-untyped-def]
    below: str,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "out"
    make(target)
    out_arg = target / below if below else target
    with FakeHub(FakeHubConfig()) as hub:
        code, out, err = _run(capsys, "torch", "--api", hub.url, "--out", str(out_arg), "-m", model)
        requests = hub.statistics().requests
    assert code == 2
    assert out == ""
    assert err == f"speedlab: error: {message.format(p=target)}\n"
    assert requests == 0


def test_a_directory_nobody_may_write_is_refused_before_any_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FakeHub(FakeHubConfig()) as hub:
        code, _, err = _run(capsys, "torch", "--api", hub.url, "--out", "/proc/self")
        assert hub.statistics().requests == 0
    assert code == 2
    assert err.startswith("speedlab: error: --out /proc/self is not writable (")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ALL)
def test_entries_already_in_out_are_never_trusted_and_never_block(
    model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    keywords = ("torch", "data", "deep", "search", "alice", "ML")
    with FakeHub(FakeHubConfig()) as hub:
        base = (*keywords, "--api", hub.url, "--out", str(out), "-m", model)
        assert _run(capsys, *base)[0] == 0
        saved = {k: (out / filename_for(k)).read_bytes() for k in keywords}
        (out / "torch").unlink()
        os.mkfifo(out / "torch")  # would hang a plain open() forever
        (out / "data").unlink()
        (out / "data").symlink_to("/dev/zero")  # would feed a plain read() forever
        elsewhere = tmp_path / "valid-list-elsewhere"
        elsewhere.write_bytes(b"[1, 2, 3]")
        (out / "deep").unlink()
        (out / "deep").symlink_to(elsewhere)  # valid, but not ours
        (out / "search").unlink()
        (out / "search").symlink_to(out / "alice")  # another keyword's file
        (out / filename_for("ML")).unlink()
        (out / filename_for("ML")).mkdir()  # cannot be replaced
        before = hub.statistics().requests
        code, stdout, _ = _run(capsys, *base)
        fetched = hub.statistics().requests - before

    assert code == 1
    assert "skipped alice: already saved" in stdout
    assert fetched == 5  # everything but alice was fetched again
    for keyword in ("torch", "data", "deep", "search", "alice"):
        path = out / keyword
        assert not path.is_symlink(), keyword
        assert path.is_file(), keyword
        assert path.read_bytes() == saved[keyword], keyword
    assert elsewhere.read_bytes() == b"[1, 2, 3]"  # never written through the link
    ml = f"FAILED ML: cannot save {filename_for('ML')}: {out / filename_for('ML')} is a directory"
    assert ml in stdout


# ------------------------------------------------------------------ messages, in English


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_a_refused_connection_is_one_short_reason(
    model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("torch", "--api", "http://127.0.0.1:9", "--out", str(tmp_path), "-m", model)
    code, out, err = _run(capsys, *args, "--retries", "1")
    reason = "connection refused by 127.0.0.1:9 (gave up after 1 retry)"
    assert code == 1
    assert out.splitlines()[0] == f"FAILED torch: {reason}"
    assert out.splitlines()[1].startswith("0 searches done in ")
    assert err == f"speedlab: 1 of 1 search failed: torch: {reason}\n"
    assert "Max retries" not in out + err
