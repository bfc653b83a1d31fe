"""``speedlab lesson NAME``: every demo, notes and languages, repeatable bytes, stdin, bad input."""

from __future__ import annotations

import contextlib
import io
import random
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedlab.cli import main
from speedlab.cli.lesson import LessonName
from speedlab.lesson.delegation import paired_primary
from speedlab.lesson.demos import DEMOS, DemoSettings, demo_names

NAMES = [name.value for name in LessonName]


def run(capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run in-process; capture at the file descriptors, where the child process also writes."""
    sys.stdout.flush()
    capfd.readouterr()
    code = main(["lesson", *args])
    sys.stdout.flush()
    out, err = capfd.readouterr()
    return code, out, err


def notes_of(out: str) -> str:
    return " ".join(line[2:] for line in out.splitlines() if line.startswith("# "))


def run_subprocess(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "speedlab", "lesson", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_cli_names_are_the_demos_and_all() -> None:
    assert [*demo_names(), "all"] == NAMES


@pytest.mark.parametrize(
    ("name", "expected", "explained"),
    [
        ("generators", [">>> obj_fun.send(None)", "44", "string"], "inside the StopIteration"),
        ("primes", ["the same sequence from both streams: True"], "A generator can be infinite"),
        ("averager", [">>> coro_avg.send(15)", "12.5"], "close() raises GeneratorExit"),
        ("delegation", ["10 Prim", "29| SEC 1 from second prim", "secondary-1: prim"],
         "One step of the loop is one yield"),
        ("runner", ["the same results as the generator version: True"],
         "The results come in the order the commands finish"),
        ("asyncio-basics", ["TypeError: a coroutine was expected, got None", "Wall time: 0 s"],
         "so slept and Finish come before the sleeper's first line"),
        ("threads-processes", ["hello bob", "main: worker joined, alive: False"],
         "threading.Thread is much like asyncio.Task"),
    ],
)  # fmt: skip
def test_each_demo_by_name_prints_its_program_and_explains_it(
    capfd: pytest.CaptureFixture[str], name: str, expected: list[str], explained: str
) -> None:
    code, out, err = run(capfd, name, "--tick", "0", "--seed", "1")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == next(d.header() for d in DEMOS if d.name == name)
    for line in expected:
        assert line in lines
    assert explained in notes_of(out)
    assert all(len(line) <= 78 for line in lines if line.startswith("# "))


def test_hello_bob_is_printed_once_per_program(capfd: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capfd, "threads-processes", "--tick", "0")
    lines = out.splitlines()
    assert lines.count("hello bob") == 2  # the Process's f, then the Thread's f
    assert lines.index("hello bob") == lines.index(">>> p.join()") + 1


def test_delegation_interleaving_follows_the_seed(capfd: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capfd, "delegation", "--tick", "0", "--seed", "7", "-n", "5")
    assert code == 0
    replay = random.Random(7)
    streams = [paired_primary("first prim"), paired_primary("second prim")]
    expected = [f"{i}| {next(streams[0 if replay.random() > 0.8 else 1])}" for i in range(5)]
    assert [line for line in out.splitlines() if re.match(r"\d+\| ", line)] == expected


@pytest.mark.parametrize("name", NAMES)
def test_the_same_options_print_the_same_bytes(
    capfd: pytest.CaptureFixture[str], name: str
) -> None:
    for lang in ("en", "ru"):
        args = (name, "--tick", "0", "--seed", "5", "--lang", lang, "--answers", "3, 2**3, 1, 0")
        first, again = run(capfd, *args), run(capfd, *args)
        assert first[0] == 0, first[2]
        assert first == again
        assert not re.search(r"0x[0-9a-f]{6,}", first[1])  # no memory address


def test_another_seed_changes_only_the_random_parts(capfd: pytest.CaptureFixture[str]) -> None:
    one = run(capfd, "runner", "--tick", "0", "--seed", "1")[1]
    two = run(capfd, "runner", "--tick", "0", "--seed", "2")[1]
    assert one != two
    assert [line for line in one.splitlines() if line.startswith("# ")] == [
        line for line in two.splitlines() if line.startswith("# ")
    ]


def test_lesson_all_is_byte_identical_across_processes_in_both_languages() -> None:
    for lang in ("en", "ru"):
        args = ("all", "--tick", "0", "--seed", "3", "--lang", lang)
        first, again = run_subprocess(*args), run_subprocess(*args)
        assert first.returncode == 0, first.stderr.decode()
        assert first.stderr == b""
        assert first.stdout == again.stdout
        assert first.stdout.count(b"\n== ") == len(DEMOS) - 1


def test_no_notes_prints_only_headings_programs_and_output(
    capfd: pytest.CaptureFixture[str],
) -> None:
    _, loud, _ = run(capfd, "all", "--tick", "0", "--seed", "2")
    _, quiet, _ = run(capfd, "all", "--tick", "0", "--seed", "2", "--no-notes")
    assert "# " not in "".join(line[:2] for line in quiet.splitlines())
    assert [line for line in loud.splitlines() if not line.startswith("# ")] == quiet.splitlines()
    assert len(quiet.splitlines()) < len(loud.splitlines()) - 100


def test_russian_headings_and_notes_with_the_programs_unchanged(
    capfd: pytest.CaptureFixture[str],
) -> None:
    _, english, _ = run(capfd, "all", "--tick", "0", "--seed", "2", "--no-notes")
    _, russian, _ = run(capfd, "all", "--tick", "0", "--seed", "2", "--lang", "ru")
    assert "== averager: корутина, которая считает среднее на лету ==" in russian
    assert "-- тред (Thread) --" in russian
    assert "Один такт цикла — один отработанный yield" in notes_of(russian)
    assert "GIL" in notes_of(russian)
    # The programs print the same in both languages (the lecture's own output is English);
    # only the two lines that state a comparison's result speak the reader's language.
    programs = [line for line in english.splitlines() if not line.startswith(("==", "--"))]
    russian_programs = [
        line for line in russian.splitlines() if not line.startswith(("==", "--", "# "))
    ]
    assert len(russian_programs) == len(programs)
    differing = [(en, ru) for en, ru in zip(programs, russian_programs, strict=True) if en != ru]
    assert [english for english, _ in differing] == [
        "the same sequence from both streams: True",
        "the same results as the generator version: True",
    ]
    assert [russian for _, russian in differing] == [
        "оба стрима дают одну и ту же последовательность: True",
        "те же результаты, что у версии на генераторах: True",
    ]


def test_all_prints_every_demo_and_exits_0_without_reading_stdin(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("this must not be read\n"))
    code, out, err = run(capfd, "all", "--tick", "0", "--seed", "1")
    assert (code, err) == (0, "")
    headers = [line for line in out.splitlines() if line.startswith("== ")]
    assert headers == [d.header() for d in DEMOS]
    assert "StopIteration: 118" in out.splitlines()
    assert "RuntimeWarning: coroutine 'sleeper' was never awaited" in out


def test_provider_reads_answers_arithmetic_included_from_stdin(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n1+4\n0x3\n2**0\n"))
    code, out, err = run(capfd, "provider", "--no-notes")
    assert (code, err) == (0, "")
    assert "computer: get val x 2\n" in out
    assert "computer: get val y 1+4\n" in out
    assert "provider: got 9 from computer" in out
    assert "provider: got 10 from computer" in out
    assert out.splitlines()[-1] == "StopIteration: 119"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("abc", "'abc' is a name, not a number."),
        ("1e200", "'1e200' is too large: numbers must stay within ±10**15."),
        ("5" * 5000, "A number with 5000 digits is too long: at most 30 digits."),
        ("9**9**9", "The exponent in '9**9**9' is 387420489; at most 100."),
        ("1/0", "'1/0' divides by zero."),
        ("__import__('os').system('echo hacked')", "is not allowed"),
    ],
)
def test_provider_says_what_was_wrong_and_asks_again(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, bad: str, reason: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"2\n{bad}\n5\n3\n1\n"))
    code, out, err = run(capfd, "provider", "--no-notes")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    refused = next(i for i, line in enumerate(lines) if reason in line)
    assert lines[refused].endswith("Please type a number, e.g. 7, 2.5 or 2**3.")
    assert lines[refused + 1] == "computer: get val y 5"  # the same question again
    assert lines[-1] == "StopIteration: 119"
    assert "hacked" not in out.replace(bad, "")
    assert "Traceback" not in out + err


def test_provider_in_russian_refuses_in_russian(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n1\n2\n3\n4\n"))
    _, out, _ = run(capfd, "provider", "--lang", "ru")
    assert "'x' — это имя, а не число. Введите число, например 7, 2.5 или 2**3." in out
    assert "Вводите каждый ответ и нажимайте Enter." in notes_of(out)


def test_provider_ends_cleanly_at_end_of_input(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("2\nnope\n"))
    code, out, err = run(capfd, "provider", "--no-notes")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "(no more answers: the provider was closed before it finished)"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_no_standard_input_at_all_ends_in_a_traceback(
    capfd: pytest.CaptureFixture[str], text: str
) -> None:
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        code, out, err = run(capfd, "provider")
    finally:
        sys.stdin = saved
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("# ")  # it ran to its closing notes


def test_provider_over_a_real_pipe_of_arbitrary_bytes() -> None:
    junk = bytes(random.Random(12).randrange(256) for _ in range(3000)) + b"\xff\xfe\n\x00\n"
    for stdin in (junk, b"1\n\xff\xfe\n2\n3\n4\n", b"\x1b[2J\n" * 3):
        proc = run_subprocess("provider", "--lang", "ru", stdin=stdin)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        assert proc.stderr == b""
        assert b"\x1b" not in proc.stdout  # escape sequences are echoed escaped
    finished = run_subprocess("provider", stdin=b"1\n\xff\xfe\n2\n3\n4\n")
    assert b"StopIteration: 116" in finished.stdout


def test_provider_with_scripted_answers(capfd: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capfd, "provider", "--answers", "1, 2, 1+2, 2**2", "--no-notes")
    assert code == 0
    assert out.splitlines()[-1] == "StopIteration: 116"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["provider", "--answers", "1,x"], "--answers, answer 2: 'x' is a name, not a number"),
        (["provider", "--answers", "1,2,3,4,5,6"], "--answers gives 6 answers, but the provider"),
        (["delegation", "--tick", "-1"], "--tick: -1 is out of range (0 to 60)"),
        (["delegation", "--tick", "abc"], "--tick: abc is not a number"),
        (["primes", "--count", "1001"], "--count: 1001 is out of range (0 to 1,000)"),
        (["primes", "--count", "-1"], "--count: -1 is out of range (0 to 1,000)"),
        (["primes", "--count", "5.0"], "--count: 5.0 is not an integer (write it in digits: 5)"),
        (["primes", "--count", "1e3"], "--count: 1e3 is not an integer (write it in digits: 1000)"),
        (["runner", "--seed", "x"], "--seed: x is not an integer"),
        (["runner", "--lang", "de"], "'de'"),
    ],
)
def test_bad_options_are_one_line_errors_with_exit_code_2(
    capfd: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capfd, *args)
    assert code == 2
    assert err.startswith("speedlab: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_count_zero_runs_no_step(capfd: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capfd, "primes", "--count", "0", "--no-notes")
    assert code == 0
    assert out.splitlines()[2] == "[]"
    code, out, _ = run(capfd, "delegation", "--count", "0", "--no-notes", "--tick", "5")
    assert code == 0
    assert not any(line[:1].isdigit() for line in out.splitlines())


def test_unknown_lesson_name_is_a_usage_error(capfd: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capfd, "nope")
    assert code == 2
    assert err.startswith("speedlab: error:")
    assert "nope" in err


def test_help_names_the_new_options() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["lesson", "--help"]) == 0
    text = out.getvalue()
    for option in ("--no-notes", "--lang", "--count", "--answers", "--seed", "--tick"):
        assert option in text


def test_settings_default_to_english_with_notes() -> None:
    assert (DemoSettings().lang, DemoSettings().notes) == ("en", True)
