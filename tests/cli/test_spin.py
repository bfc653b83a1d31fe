"""``speedlab spin``: the summary, --json, one-line usage errors, and real Ctrl-C / SIGTERM.

The signal tests run the command in a pseudo-terminal (so that frames are drawn), wait for the
first frame, note the command's child processes, send the signal, and check that everything
ended within a second: the exit code, one line on stderr, a cleared line, no child left.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

import psutil
import pytest

from speedlab.cli import main
from speedlab.spinner import MODEL_NAMES
from tests.spinner.test_frames import CLEAR

SUMMARY = r"^{name}: \d+ frames? in \d+\.\d s \(\d+\.\d fps of 5\), longest gap \d+\.\d\d s; "

# The largest prime below 10**18 (MAX_NUMBER): trial division takes ~half a minute here.
ENDLESS_PRIME = "999999999999999989"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["spin", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_piped_output_gets_only_the_summary(model: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--model", model, "--seconds", "0.05")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    assert "\r" not in out
    assert re.search(r"sleep\(0\.05 s\) = 1337 in \d+\.\d\d s$", out.rstrip("\n")), out
    assert re.match(SUMMARY.format(name=model), out), out


def test_json_has_the_statistics_and_every_frame_time(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-m", "asyncio", "--work", "prime", "--number", "97", "--fix",
                       "--json", "--fps", "20", "--message", "thinking")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["name"] == "asyncio (fixed)"
    assert (data["work"], data["result"], data["target_fps"]) == ("is_prime(97)", True, 20.0)
    assert data["frames"] == len(data["frame_times"]) >= 1
    assert data["drawn"] is False


def test_a_frozen_asyncio_spinner_gets_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    # At 100 fps an inline computation of ~0.1 s (a prime near 1e13) spans ten frames.
    code, out, _ = run(capsys, "-m", "asyncio", "--work", "prime", "--number", "10000000000037",
                       "--fps", "100")  # fmt: skip
    assert code == 0
    summary, *hint = out.splitlines()
    assert summary.startswith("asyncio: 1 frame in")
    assert hint
    assert hint[0].startswith("the spinner froze for ")
    assert hint[0].endswith("blocked the event loop; --fix runs it in a process pool")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--seconds", "-1"], "--seconds: -1 is out of range (0 to 3,600)"),
        (["--fps", "0"], "--fps: 0 is out of range (more than 0, at most 100)"),
        (["--number", "1.5"], "--number: 1.5 is not an integer"),
        (["--number", "-3", "--work", "prime"], "--number: -3 is out of range (0 to "),
        (["--model", "greenlets"], "--model: 'greenlets' is not one of"),
        (["--work", "nap"], "--work: 'nap' is not one of"),
        (["--model", "processes", "--fix"], "--fix applies to the asyncio model only"),
        (["--message", "a\tb"], "--message must be printable text on one line"),
    ],
)
def test_bad_options_are_one_line_errors_with_exit_code_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"speedlab: error: {message}")
    assert err.count("\n") == 1


def read_until(fd: int, needle: bytes, *, timeout: float) -> bytes:
    """Read a pseudo-terminal until ``needle`` shows (the first frame)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {needle!r} within {timeout} s: {seen!r}"
        if select.select([fd], [], [], left)[0]:
            seen += os.read(fd, 4096)
    return seen


def read_rest(fd: int) -> bytes:
    rest = b""
    try:
        while chunk := os.read(fd, 4096):
            rest += chunk
    except OSError:  # EIO: the other side is closed
        pass
    return rest


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE  # dead, not yet reaped
    except psutil.NoSuchProcess:
        return True


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "signum", "code", "said"),
    [
        (["-m", "asyncio"], signal.SIGINT, 130, "interrupted"),
        (["-m", "asyncio", "--fix"], signal.SIGINT, 130, "interrupted"),
        (["-m", "threads"], signal.SIGINT, 130, "interrupted"),
        (["-m", "processes"], signal.SIGINT, 130, "interrupted"),
        (["-m", "processes"], signal.SIGTERM, 143, "terminated"),
        (["-m", "asyncio", "--fix"], signal.SIGTERM, 143, "terminated"),
    ],
)
def test_a_signal_ends_every_model_within_a_second_and_leaves_no_process(
    argv: list[str], signum: signal.Signals, code: int, said: str
) -> None:
    primary, secondary = pty.openpty()
    command = [sys.executable, "-m", "speedlab", "spin", "--work", "prime", "--number",
               ENDLESS_PRIME, *argv]  # fmt: skip
    process = subprocess.Popen(command, stdout=secondary, stderr=subprocess.PIPE, text=True)
    os.close(secondary)
    try:
        read_until(primary, b"loading...", timeout=30)  # start-up imports take a while
        time.sleep(0.3)  # inside the computation now
        children = psutil.Process(process.pid).children(recursive=True)
        sent = time.monotonic()
        process.send_signal(signum)
        _, err = process.communicate(timeout=10)
        took = time.monotonic() - sent
        shown = read_rest(primary)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        os.close(primary)
    assert (process.returncode, err) == (code, f"speedlab: {said}\n")
    assert took < 1.0
    assert shown.endswith(CLEAR.encode())
    if "--fix" in argv or "processes" in argv:
        assert children  # the pool worker or the spinner process
    assert all(gone(child.pid) for child in children)
