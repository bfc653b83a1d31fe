"""``speedlab bench``: the tables printed, the folder written, every bad input in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from speedlab.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["bench", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_cpu_bench_prints_the_table_and_writes_the_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "report"
    code, out, err = run(
        capsys, "cpu", "--quick", "--models", "sequential,processes", "--out", str(out_dir)
    )
    assert (code, err) == (0, "")
    assert "CPU-bound: is_prime by trial division" in out
    assert "cpu: processes, run 1 of 1:" in out  # progress lines in a pipe
    assert "processes:" in out
    assert "sequential: the baseline" in out
    assert f"report: {out_dir / 'index.html'}" in out
    data = json.loads((out_dir / "results.json").read_text())
    assert (
        data["command"]
        == f"speedlab bench cpu --quick --models sequential,processes --out {out_dir}"
    )
    assert [m["model"] for m in data["jobs"][0]["models"]] == ["sequential", "processes"]
    for name in ("cpu-timeline.png", "cpu-timeline.svg", "speedups.png", "index.html", "tables.md"):
        assert (out_dir / name).is_file()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_custom_bench_of_a_sync_function_says_which_model_was_fastest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    inputs = tmp_path / "in.txt"
    inputs.write_text("1\n2\n3\n4\n")
    code, out, err = run(  # no WHAT: --fn means custom, as SPEC section 8 writes it
        capsys,
        "--fn",
        "tests.bench.user_functions:nap_and_echo",
        "--inputs",
        str(inputs),
        "--models",
        "sequential,threads,asyncio",
        "--quiet",
        "--out",
        str(tmp_path / "r"),
    )
    assert (code, err) == (0, "")
    assert "Your function tests.bench.user_functions:nap_and_echo (def) on 4 inputs" in out
    assert "custom: " not in out  # --quiet: no progress lines
    verdicts = [line for line in out.splitlines() if line.startswith(("fastest:", "no model beat"))]
    assert len(verdicts) == 1
    assert (tmp_path / "r" / "custom-timeline.png").is_file()


BAD = [
    (
        ["custom", "--fn", "tests.bench.user_functions:nope", "--inputs", "IN"],
        "has no attribute 'nope'",
    ),
    (["custom", "--fn", "tests.bench.missing:f", "--inputs", "IN"], "no module named"),
    (
        ["custom", "--fn", "tests.bench.user_functions:NOT_A_FUNCTION", "--inputs", "IN"],
        "not callable",
    ),
    (["custom", "--fn", "no-colon", "--inputs", "IN"], "must look like"),
    (["custom", "--fn", "tests.bench.user_functions:square", "--inputs", "MISSING"], "--inputs"),
    (["custom", "--fn", "tests.bench.user_functions:square"], "needs --fn"),
    (["io", "--fn", "tests.bench.user_functions:square"], "go with speedlab bench custom"),
    (["warp"], "unknown bench 'warp'"),
    (["cpu", "--models", "fibers"], "unknown model 'fibers'"),
    (["cpu", "--repeat", "0"], "--repeat"),
    (["memory", "--workers", "0"], "--workers"),
    (["cpu", "--out", "FILE"], "not a folder"),
    ([], "say what to measure"),
]


@pytest.mark.parametrize(("argv", "message"), BAD)
def test_bad_input_is_one_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    inputs = tmp_path / "in.txt"
    inputs.write_text("1\n")
    (tmp_path / "file").write_text("x")
    names = {
        "IN": str(inputs),
        "MISSING": str(tmp_path / "missing.txt"),
        "FILE": str(tmp_path / "file"),
    }
    argv = [names.get(a, a) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "r")]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("speedlab: error:")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_function_that_raises_is_exit_code_1_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    inputs = tmp_path / "in.txt"
    inputs.write_text("1\n")
    code, _, err = run(
        capsys,
        "custom",
        "--fn",
        "tests.bench.user_functions:explode",
        "--inputs",
        str(inputs),
        "--models",
        "sequential,threads",
        "--out",
        str(tmp_path / "r"),
        "--quiet",
    )
    assert code == 1
    assert err == (
        "speedlab: error: tests.bench.user_functions:explode failed under sequential on "
        "input [0] 1: ValueError: odd input 1\n"
    )


def test_help_does_not_import_the_heavy_libraries() -> None:
    script = (
        "import sys\n"
        "from speedlab.cli import main\n"
        "code = main(['bench', '--help'])\n"
        "heavy = ('matplotlib', 'psutil', 'speedlab.bench')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip().splitlines()[-1] == "0 []"
    assert "io|cpu" not in proc.stdout  # the choices are explained in words
    assert "spinner" in proc.stdout
    assert "--quick" in proc.stdout


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_memory_bench_as_a_real_command(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "speedlab",
            "bench",
            "memory",
            "--size",
            "50000",
            "--workers",
            "1",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "A list of 50,000 ints" in proc.stdout
    assert "threads: one process, one list" in proc.stdout
    assert (tmp_path / "memory.png").is_file()
    assert "(1 picture, PNG and SVG;" in " ".join(proc.stdout.split())
