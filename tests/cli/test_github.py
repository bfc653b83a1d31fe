"""``speedlab github``: files, progress lines, the lecture's last line, exit codes, the token."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import speedlab.models
from speedlab.cli import main
from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.jobs.github import DEFAULT_KEYWORDS, GitHubJob
from speedlab.models import models_for

TOKEN = "ghp_FAKE_cli_token_3b9d0e7a"
FINAL = re.compile(r"^(\d+) search(?:es)? done in \d+\.\d\ds(?: \((.*)\))?$")


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub(FakeHubConfig()) as server:
        yield server


@pytest.fixture
def strict_hub() -> Iterator[FakeHub]:
    """A server that knows one token only: any other gets 401 Bad credentials."""
    with FakeHub(FakeHubConfig(tokens=frozenset({"the-only-good-token"}))) as server:
        yield server


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["github", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.timeout(30)
def test_default_keywords_are_saved_with_a_line_each_and_the_lecture_s_last_line(
    hub: FakeHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "--api", hub.url, "--out", str(tmp_path), "--model", "asyncio")
    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    done = [line for line in lines if line.startswith("done ")]
    assert len(done) == 8
    assert all(re.fullmatch(r"done \S+: \d+ ids?, 1 page \(\d+\.\d\d s\)", d) for d in done)
    assert {d.split(":")[0].removeprefix("done ") for d in done} == set(DEFAULT_KEYWORDS)
    match = FINAL.match(lines[-1])
    assert match is not None
    assert (match.group(1), match.group(2)) == ("8", None)
    assert len(list(tmp_path.iterdir())) == 8
    assert (tmp_path / "torch").read_text().startswith("[")
    assert hub.statistics().requests == 8


@pytest.mark.timeout(30)
def test_quiet_prints_only_the_last_line(
    hub: FakeHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "torch", "ML", "--api", hub.url, "--out", str(tmp_path), "-q")
    assert code == 0
    assert len(out.splitlines()) == 1
    assert FINAL.match(out.strip()) is not None


@pytest.mark.timeout(30)
def test_json_prints_only_the_run_result_on_stdout(
    hub: FakeHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("torch", "data", "--api", hub.url, "--out", str(tmp_path), "--json", "-m", "processes")
    code, out, err = _run(capsys, *args, "-c", "2")
    assert code == 0
    data = json.loads(out)
    assert (data["model"], data["job"], data["concurrency"]) == ("processes", "github", 2)
    assert [r["key"] for r in data["records"]] == ["torch", "data"]
    assert all(r["status"] == "done" and r["worker"].startswith("pid ") for r in data["records"])
    assert data["requests"] == 2
    assert "done torch" in err  # progress went to standard error


@pytest.mark.timeout(30)
def test_a_second_run_resumes_and_force_fetches_again(
    hub: FakeHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("torch", "ML", "data", "--api", hub.url, "--out", str(tmp_path), "--format", "json")
    assert _run(capsys, *base)[0] == 0
    first = _files(tmp_path)

    code, out, _ = _run(capsys, *base)
    assert code == 0
    assert out.count("skipped ") == 3
    match = FINAL.match(out.splitlines()[-1])
    assert match is not None
    assert (match.group(1), match.group(2)) == ("0", "3 already saved, skipped")
    assert hub.statistics().requests == 3
    assert _files(tmp_path) == first

    code, out, _ = _run(capsys, *base, "--force")
    assert code == 0
    assert out.splitlines()[-1].startswith("3 searches done in ")
    assert hub.statistics().requests == 6


@pytest.mark.timeout(30)
def test_a_failing_keyword_gives_exit_code_1_and_a_summary(
    hub: FakeHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = f"{hub.url}/no/such/prefix"
    code, out, err = _run(capsys, "torch", "ML", "--api", api, "--out", str(tmp_path))
    assert code == 1
    assert out.count("FAILED ") == 2
    assert "404" in out
    assert out.splitlines()[-1].startswith("0 searches done in ")
    assert out.splitlines()[-1].endswith("(2 failed)")
    assert err.startswith("speedlab: 2 of 2 searches failed: torch: ")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", models_for("io"))
def test_the_token_never_shows_even_when_github_rejects_it(
    model: str,
    strict_hub: FakeHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MY_FAKE_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    common = ("torch", "--api", strict_hub.url, "--out", str(tmp_path), "--token-env")
    code, out, err = _run(capsys, *common, "MY_FAKE_TOKEN", "-m", model)
    assert code == 1
    assert "401" in out
    assert "Bad credentials" in out
    code_json, out_json, err_json = _run(capsys, *common, "MY_FAKE_TOKEN", "-m", model, "--json")
    assert code_json == 1
    assert json.loads(out_json)["failures"] == 1
    for text in (out, err, out_json, err_json, caplog.text):
        assert TOKEN not in text
        assert TOKEN[4:20] not in text


@pytest.mark.timeout(30)
def test_an_unset_token_variable_is_a_usage_error_naming_the_variable(
    hub: FakeHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN_VAR", raising=False)
    monkeypatch.setenv("EMPTY_TOKEN_VAR", "   ")
    for var in ("NO_SUCH_TOKEN_VAR", "EMPTY_TOKEN_VAR"):
        code, out, err = _run(capsys, "--api", hub.url, "--out", str(tmp_path), "--token-env", var)
        assert code == 2
        assert out == ""
        assert err == (
            f"speedlab: error: --token-env {var}: the environment variable {var} "
            "is not set or empty\n"
        )
    assert hub.statistics().requests == 0


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--model", "fibers"),
            "'fibers' is not one of sequential, threads, processes, asyncio, handmade\n",
        ),
        (("--per-page", "0"), "--per-page: 0 is out of range (1 to 100)"),
        (("--api", "ftp://example.org"), "--api must be an http:// or https:// URL"),
        (("--concurrency", "0"), "--concurrency: 0 is out of range (1 or more)"),
        (("--timeout", "0"), "--timeout: 0 is out of range (more than 0, at most 3,600)"),
        (("--retries", "2.0"), "--retries: 2.0 is not an integer (write it in digits: 2)"),
        (("--max-wait", "nan"), "--max-wait: nan is not a number"),
        (("--model", "sequential", "--concurrency", "3"), "concurrency must be 1, not 3"),
        (("--format", "xml"), "'xml' is not one of"),
        (("--loop", "tokio"), "unknown event loop 'tokio'; choose from asyncio, uvloop"),
        (
            ("--model", "threads", "--loop", "uvloop"),
            "the threads model does not run on uvloop: only asyncio does",
        ),
        # Not offered here, and refused by the model itself: the rate gate cannot be shared
        # by workers on other machines. Nothing is started, nothing is written.
        (
            ("--model", "dask"),
            "cannot run the github job: the dask model cannot run a job whose workers "
            "share state (its workers may run on other machines); choose another model",
        ),
    ],
)
def test_bad_input_is_a_one_line_error_with_exit_code_2(
    args: tuple[str, ...], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys, "torch", "--out", str(tmp_path), "--api", "http://127.0.0.1:9", *args
    )
    assert code == 2
    assert out == ""
    assert err.startswith("speedlab: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_help_explains_every_option_and_both_servers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code = main(["github", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert code == 0
    for option in (
        "--model",
        "--loop",
        "--concurrency",
        "--out",
        "--api",
        "--token-env",
        "--per-page",
        "--pages",
        "--timeout",
        "--retries",
        "--max-wait",
        "--format",
        "--force",
        "--quiet",
        "--json",
        "--seed",
        "--reset-margin",
        "--resume",
        "--max-bytes",
        "--ca-file",
    ):
        assert option in text, option
    defaults = ("github_downloads", "https://api.github.com", "GITHUB_TOKEN", "threads", "uvloop")
    for default in defaults:
        assert default in text, default
    for model in models_for("io"):  # the models meant for I/O, each with its summary
        assert f"{model}:" in text, model
    assert "dask" not in text
    assert "speedlab fakehub" in text
    assert "export GITHUB_TOKEN" in text


@pytest.mark.timeout(30)
def test_ctrl_c_stops_cleanly_prints_what_finished_and_exits_130(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = threading.active_count()

    def interrupt_after_the_first_save() -> None:
        # Not after a fixed time: a fresh pytest worker may still be importing the model then.
        # 0.1 s after the first file is saved, the next search waits on the server's 0.2 s.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not list(tmp_path.glob("[!.]*")):
            time.sleep(0.01)
        time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGINT)

    with FakeHub(FakeHubConfig(latency=0.2)) as slow:
        timer = threading.Thread(target=interrupt_after_the_first_save)
        timer.start()
        try:
            code, out, err = _run(
                capsys, "--api", slow.url, "--out", str(tmp_path), "-m", "sequential"
            )
        finally:
            timer.join()
    assert code == 130
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert 1 <= len(saved) < 8
    for name in saved:  # nothing half-written
        assert (tmp_path / name).read_text().endswith("]")
    lines = out.splitlines()
    assert sum(1 for line in lines if line.startswith("done ")) == len(saved)
    match = FINAL.match(lines[-1])
    assert match is not None
    assert match.group(1) == str(len(saved))
    assert "interrupted" in match.group(2)
    assert "not run" in match.group(2)
    noun = "search" if len(saved) == 1 else "searches"
    assert f"speedlab: interrupted; {len(saved)} {noun} saved" in err
    assert threading.active_count() == before


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ["threads", "handmade"])
def test_the_command_runs_as_a_real_process_against_fakehub(
    model: str, hub: FakeHub, tmp_path: Path
) -> None:
    env = {**os.environ, "GITHUB_TOKEN": TOKEN}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "speedlab",
            "github",
            "torch",
            "ML",
            "--api",
            hub.url,
            "--out",
            str(tmp_path),
            "--model",
            model,
        ],
        capture_output=True,
        text=True,
        timeout=50,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert FINAL.match(proc.stdout.splitlines()[-1]) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ml-a5713dc015b27286", "torch"]
    assert TOKEN not in proc.stdout + proc.stderr


@pytest.mark.timeout(60)
def test_the_implicit_github_token_goes_to_api_github_com_only(
    hub: FakeHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    seen: list[object] = []
    real_run_model = speedlab.models.run_model

    def spy(name: str, job: GitHubJob, **kwargs: object) -> object:
        seen.append(job.config.token)
        return real_run_model(name, job, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(speedlab.models, "run_model", spy)
    assert main(["github", "torch", "--api", hub.url, "--out", str(tmp_path)]) == 0
    assert seen == [None]
    err = capsys.readouterr().err
    assert "$GITHUB_TOKEN is only sent to https://api.github.com" in err
    assert TOKEN not in err
    # Named explicitly, it is sent.
    assert main(["github", "ML", "--api", hub.url, "--out", str(tmp_path), "--token-env",
                 "GITHUB_TOKEN"]) == 0  # fmt: skip
    assert seen[1] is not None
    assert seen[1].reveal() == TOKEN  # type: ignore[attr-defined]
