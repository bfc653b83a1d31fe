"""``speedlab primes``: each mode, each kind of bad input, streaming and a closed pipe."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from itertools import count, islice

import psutil
import pytest

from speedlab.cli import main
from speedlab.cli.primes import MAX_BELOW, MAX_CHECK, MAX_COUNT, MAX_START
from speedlab.lesson.primes import is_prime, naive_prime_stream


def naive_first(how_many: int, start: int = 2) -> list[int]:
    return list(islice(filter(is_prime, count(start)), how_many))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["primes", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def lines(text: str) -> list[int]:
    return [int(line) for line in text.splitlines()]


def test_count_10_prints_2_to_29(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--count", "10")
    assert (code, err) == (0, "")
    assert out == "".join(f"{p}\n" for p in islice(naive_prime_stream(), 10))
    assert out.splitlines()[-1] == "29"


def test_count_with_start(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-n", "7", "--start", "1000")
    assert code == 0
    assert lines(out) == naive_first(7, 1000)


def test_count_zero_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--count", "0") == (0, "", "")


def test_a_count_larger_than_one_output_block(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--count", "10000")
    assert code == 0
    assert lines(out) == list(islice(naive_prime_stream(), 10_000))


def test_below(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--below", "30")
    assert code == 0
    assert lines(out) == [n for n in range(30) if is_prime(n)]


def test_below_with_start(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--below", "200", "--start", "100")
    assert code == 0
    assert lines(out) == [n for n in range(100, 200) if is_prime(n)]


def test_below_under_the_start_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--below", "50", "--start", "60") == (0, "", "")


def test_json_count(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--count", "5000", "--start", "17", "--json")
    assert code == 0
    assert json.loads(out) == naive_first(5000, 17)
    assert out.endswith("]\n")


def test_json_below_and_empty(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--below", "20", "--json")
    assert (code, out) == (0, "[2, 3, 5, 7, 11, 13, 17, 19]\n")
    code, out, _ = run(capsys, "--count", "0", "--json")
    assert (code, out) == (0, "[]\n")


def test_check_says_prime_composite_or_neither(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--check", "7", "8", "9", "0", "1", "2", "561", "7919")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "7 is prime",
        "8 is composite",
        "9 is composite",
        "0 is neither prime nor composite",
        "1 is neither prime nor composite",
        "2 is prime",
        "561 is composite",
        "7919 is prime",
    ]


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--check", "1", "97", "100", "--json")
    assert code == 0
    assert json.loads(out) == [
        {"number": 1, "primality": "neither prime nor composite"},
        {"number": 97, "primality": "prime"},
        {"number": 100, "primality": "composite"},
    ]


def test_check_accepts_the_documented_maximum(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--check", str(MAX_CHECK))
    assert (code, out) == (0, f"{MAX_CHECK} is composite\n")


def test_help_explains_every_mode(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for word in ("--count", "--below", "--start", "--check", "--json", "neither prime"):
        assert word in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "choose one of --count N, --below N or --check NUMBER"),
        (["--count", "-1"], "--count: -1 is out of range (0 to 100,000,000)"),
        (["--below", "-5"], "--below: -5 is out of range (0 to 2,000,000,000)"),
        (["--count", "3", "--start", "-2"], "--start: -2 is out of range (0 to "),
        (["--count", str(MAX_COUNT + 1)], "--count: 100000001 is out of range (0 to 100,000,000)"),
        (
            ["--below", str(MAX_BELOW + 1)],
            "--below: 2000000001 is out of range (0 to 2,000,000,000)",
        ),
        (["--count", "1", "--start", str(MAX_START + 1)], "--start: 100000000000001 is out of"),
        (["--check", str(MAX_CHECK + 1)], "NUMBER: 1000000000000001 is out of range"),
        (["--check", "--", "-7"], "NUMBER: -7 is out of range (0 to "),
        (
            ["--check", "-7"],
            "no such option: -7 (to give a negative number as an argument, put -- before",
        ),
        (["--count", "abc"], "--count: abc is not an integer"),
        (["--below", "1.5"], "--below: 1.5 is not an integer"),
        (["--check", "7", "x"], "NUMBER: x is not an integer"),
        (["--count", "3", "--below", "10"], "--count and --below cannot be used together"),
        (["--count", "3", "--check", "7"], "--count and --check cannot be used together"),
        (["--below", "3", "--check"], "--below and --check cannot be used together"),
        (["--check"], "--check needs at least one number"),
        (["--check", "7", "--start", "3"], "--start cannot be used with --check"),
        (["7", "8"], "put --check before them"),
        (["--count", "3", "7"], "numbers can only be given with --check"),
        (["--start", "5"], "choose one of"),
        (["--compare", "--check", "7"], "--check and --compare cannot be used together"),
        (["--count", "3", "--model", "threads"], "--model only applies to --check, not --count"),
        (["--check", "7", "--model", "fibers"], "--model 'fibers' is not one of sequential, "),
        (["--check", "7", "-c", "2"], "--concurrency only applies to --check with --model"),
        (["--below", "9", "--scheduler", "tcp://h:1"], "--scheduler only applies to --check"),
        (
            ["--check", "7", "-m", "threads", "--scheduler", "tcp://h:1"],
            "--scheduler only applies to --model dask, not threads",
        ),
        (["--compare", "--scheduler", " "], "--scheduler needs an address"),
        (["--compare", "--start", "3"], "--start cannot be used with --compare"),
        (["--check", "-m", "threads", "-c", "0"], "--concurrency: 0 is out of range (1 or more)"),
        (["--compare", str(MAX_CHECK + 1)], "NUMBER: 1000000000000001 is out of range"),
    ],
)
def test_bad_input_is_a_one_line_error_with_exit_code_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("speedlab: error: ")
    assert err.endswith("\n")
    assert err.count("\n") == 1
    assert message in err


class ClosingReader:
    """A stdout whose reader goes away after ``keep`` writes, like ``| head``."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.written: list[str] = []

    def write(self, text: str) -> int:
        if len(self.written) >= self.keep:
            raise BrokenPipeError(32, "Broken pipe")
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        raise OSError("not a real file")


@pytest.mark.parametrize("argv", [["--count", str(MAX_COUNT)], ["--below", str(MAX_BELOW)]])
def test_a_huge_run_streams_and_stops_quietly_when_the_reader_leaves(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    # Only streaming output can get here: building 10**8 primes first would not end in time.
    reader = ClosingReader(keep=2)
    monkeypatch.setattr(sys, "stdout", reader)
    code = main(["primes", *argv])
    assert code == 1
    assert len(reader.written) == 2
    printed = lines("".join(reader.written))
    assert printed == list(islice(naive_prime_stream(), len(printed)))
    assert 0 < len(printed) < 100_000
    assert capsys.readouterr().err == ""


def test_real_process_prints_primes_and_survives_a_closed_pipe() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "speedlab", "primes", "--count", "10"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split() == [str(p) for p in islice(naive_prime_stream(), 10)]

    with subprocess.Popen(
        [sys.executable, "-m", "speedlab", "primes", "--count", str(MAX_COUNT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        head = [proc.stdout.readline() for _ in range(3)]
        proc.stdout.close()  # the reader leaves, as `| head -3` does
        try:
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err = proc.stderr.read()
    assert head == ["2\n", "3\n", "5\n"]
    assert code == 1
    assert err == ""


# ------------------------------------------------------------------- the CPU-bound job


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "model", ["sequential", "threads", "processes", "asyncio", "asyncio-processes"]
)
def test_check_under_a_model_prints_the_same_lines(
    capsys: pytest.CaptureFixture[str], model: str
) -> None:
    numbers = ["7", "8", "9", "0", "1", "2", "561", "7919", "7"]
    code, plain, _ = run(capsys, "--check", *numbers)
    assert code == 0
    code, out, err = run(capsys, "--check", *numbers, "--model", model)
    assert code == 0
    assert out == plain  # duplicates too, in the order given
    workers = "1 worker" if model == "sequential" else r"\d+ workers"
    assert re.fullmatch(
        rf"speedlab: checked 9 numbers in \d+\.\d\d s under {model} \({workers}\)\n", err
    )
    code, out, _ = run(capsys, "--check", "1", "97", "--model", model, "--json", "-c", "1")
    assert code == 0
    assert json.loads(out) == [
        {"number": 1, "primality": "neither prime nor composite"},
        {"number": 97, "primality": "prime"},
    ]


@pytest.mark.timeout(60)
def test_compare_prints_a_row_per_model_with_its_reason(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from speedlab.models import MODELS, dask, models_for

    cpu_models = list(models_for("cpu"))
    # dask is pointed at a closed port: its row says why it did not run (no cluster started).
    monkeypatch.setattr(dask, "CONNECT_TIMEOUT", 0.5)
    code, out, err = run(
        capsys, "--compare", "97", "91", "7919", "--scheduler", "tcp://127.0.0.1:9"
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "The CPU-bound job: is_prime of 3 numbers by trial division, under 6 models."
    assert lines[1].startswith("Python: ")
    assert "free-threaded build" in lines[1]
    assert lines[2].split()[:5] == ["model", "workers", "seconds", "speedup", "cores"]
    rows = lines[3:-1]
    assert [row.split()[0] for row in rows] == cpu_models
    assert rows[0].split()[1:4:2] == ["1", "1.00x"]
    for row in rows[:-1]:
        assert row.endswith(MODELS[row.split()[0]].compute)
    assert rows[-1].split()[0] == "dask"
    assert "not run: cannot reach the dask scheduler at tcp://127.0.0.1:9" in rows[-1]
    assert lines[-1] == "every model that ran gave the same answers (2 prime, 1 not)"

    code, out, _ = run(
        capsys, "--compare", "97", "-c", "1", "--json", "--scheduler", "tcp://127.0.0.1:9"
    )
    assert code == 0
    report = json.loads(out)
    assert report["numbers"] == [97]
    assert [row["model"] for row in report["rows"]] == cpu_models
    assert report["rows"][0]["speedup"] == pytest.approx(1.0)
    assert report["rows"][-1]["error"].startswith("cannot reach the dask scheduler")
    assert report["agree"] is True


def test_help_imports_no_dask() -> None:
    code = (
        "import sys; from speedlab.cli import main; main(['primes', '--help']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'numpy'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "[]"


def _workers_of(proc: subprocess.Popen[str]) -> list[psutil.Process]:
    """Wait until the command has two children (its workers); return them."""
    parent = psutil.Process(proc.pid)
    children: list[psutil.Process] = []
    deadline = time.monotonic() + 60
    while len(children) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        children = parent.children(recursive=True)
    assert len(children) >= 2, "the workers never started"
    return children


@pytest.mark.timeout(90)
@pytest.mark.parametrize("model", ["asyncio-processes", "dask"])
def test_a_real_ctrl_c_ends_the_run_and_every_worker(model: str) -> None:
    # As a terminal does: SIGINT to the whole process group, workers included.
    argv = [sys.executable, "-m", "speedlab", "primes", "--check", "--model", model, "-c", "2"]
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as proc:
        try:
            children = _workers_of(proc)
            time.sleep(1.0)  # into the run (or the workers' start-up: both must end cleanly)
            os.killpg(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert all(re.fullmatch(r"\d+ is (prime|composite)", line) for line in out.splitlines())
    assert "interrupted" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1
    _, alive = psutil.wait_procs(children, timeout=5)
    assert alive == []


@pytest.mark.timeout(90)
@pytest.mark.parametrize("model", ["asyncio-processes", "dask"])
def test_no_worker_outlives_a_killed_command(model: str) -> None:
    # SIGKILL leaves no chance to clean up: the workers must notice on their own.
    argv = [sys.executable, "-m", "speedlab", "primes", "--check", "--model", model, "-c", "2"]
    with subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    ) as proc:
        children = _workers_of(proc)
        time.sleep(1.0)
        proc.kill()
        proc.wait(timeout=30)
    _, alive = psutil.wait_procs(children, timeout=15)
    for orphan in alive:  # do not leave them to the next test
        orphan.kill()
    assert alive == []


@pytest.mark.parametrize("args", [["--check", "97", "--model", "threads"], ["--compare", "97"]])
def test_sigterm_before_the_run_exits_143_not_130(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import speedlab.cpu as cpu
    from speedlab.cli._signals import Terminated

    def terminated(*args: object, **kwargs: object) -> None:
        raise Terminated("terminated by signal 15")

    monkeypatch.setattr(cpu, "run_cpu_model", terminated)
    assert main(["primes", *args]) == 143
    assert "speedlab: interrupted" in capsys.readouterr().err
