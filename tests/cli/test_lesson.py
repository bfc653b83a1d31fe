"""``speedlab lesson NAME``: every demo through main(), provider on stdin, and a real subprocess."""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys

import pytest

from speedlab.cli import main
from speedlab.cli.lesson import LessonName
from speedlab.lesson.delegation import paired_primary
from speedlab.lesson.demos import DEMOS, demo_names


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lesson", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_names_are_the_demos_and_all() -> None:
    assert [n.value for n in LessonName] == [*demo_names(), "all"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("generators", ["  obj_fun.send(None)  -> 44", "  StopIteration.value == 'string'"]),
        ("primes", ["same sequence: True"]),
        ("averager", ["coro_avg.send(15) -> 12.5", "coro_avg.send(20) -> 15.0"]),
        ("delegation", ["10 Prim", "11 SEC 0", "secondary-0: ", "secondary-1: prim"]),
        ("runner", ["same seed, same results: True"]),
        ("asyncio-basics", ["  TypeError: a coroutine was expected, got None"]),
        ("threads-processes", ["  the thread 'greeter' (same pid: True) said: hello bob"]),
    ],
)
def test_each_demo_by_name(
    capsys: pytest.CaptureFixture[str], name: str, expected: list[str]
) -> None:
    code, out, err = run(capsys, name, "--tick", "0", "--seed", "1")
    assert code == 0, err
    lines = out.splitlines()
    header = next(d.header() for d in DEMOS if d.name == name)
    assert lines[0] == header
    for line in expected:
        assert line in lines
    assert err == ""


def test_delegation_interleaving_follows_seed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "delegation", "--tick", "0", "--seed", "7", "-n", "5")
    assert code == 0
    replay = random.Random(7)
    streams = [paired_primary("first prim"), paired_primary("second prim")]
    expected = [f"{i}| {next(streams[0 if replay.random() > 0.8 else 1])}" for i in range(5)]
    assert [line for line in out.splitlines() if re.match(r"\d+\| ", line)] == expected


def test_all_prints_every_demo_and_exits_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "all", "--tick", "0", "--seed", "1")
    assert code == 0, err
    headers = [line for line in out.splitlines() if line.startswith("== §")]
    assert headers == [d.header() for d in DEMOS]
    assert "provider finished: StopIteration.value = " in out
    assert "RuntimeWarning: coroutine 'asleeper' was never awaited" in out


def test_provider_reads_answers_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n5\n3\n1\n"))
    code, out, err = run(capsys, "provider")
    assert code == 0, err
    assert "computer 1: get val x 2\n" in out
    assert "provider: got 9 from computer" in out
    assert "provider: got 10 from computer" in out
    assert out.splitlines()[-1] == "provider finished: StopIteration.value = 119"


def test_provider_reasks_after_a_non_number(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("2\nabc\n5\n3\n1\n"))
    code, out, err = run(capsys, "provider")
    assert code == 0, err
    assert "computer 1: get val y abc\nnot a number: 'abc'; please type a number\n" in out
    assert "computer 1: get val y 5\n" in out
    assert out.splitlines()[-1] == "provider finished: StopIteration.value = 119"
    assert "Traceback" not in out + err


def test_provider_ends_cleanly_at_end_of_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("2\nnope\n"))
    code, out, err = run(capsys, "provider")
    assert code == 0
    assert err == ""
    assert out.splitlines()[-1] == "no more answers: the provider was closed before it finished"


def test_provider_with_scripted_answers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "provider", "--answers", "1, 2, 3, 4")
    assert code == 0
    assert out.splitlines()[-1] == "provider finished: StopIteration.value = 116"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["provider", "--answers", "1,x"], "speedlab: error: not a number: 'x'"),
        (["delegation", "--tick", "-1"], "speedlab: error: --tick must be"),
        (["primes", "--count", "0"], "speedlab: error: --count must be at least 1"),
    ],
)
def test_bad_options_are_one_line_errors_with_exit_code_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_unknown_lesson_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "nope")
    assert code == 2
    assert err.startswith("speedlab: error:")
    assert "nope" in err


def test_python_dash_m_lesson_all_runs_without_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "speedlab", "lesson", "all", "--tick", "0", "--seed", "1"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert [line for line in lines if line.startswith("== §")] == [d.header() for d in DEMOS]
    # The child process printed its own line on the shared stdout, before our report of it.
    child = lines.index("hello bob")
    assert (
        lines[child + 1] == "  the child printed that on its own stdout and sent it back: hello bob"
    )
