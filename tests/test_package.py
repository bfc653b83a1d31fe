"""The public surface: version, exports, and the command's entry points."""

from __future__ import annotations

import subprocess
import sys

import speedlab
from speedlab.cli import main


def test_all_is_sorted_and_every_name_exists() -> None:
    assert list(speedlab.__all__) == sorted(speedlab.__all__)
    for name in speedlab.__all__:
        assert hasattr(speedlab, name), name


def test_version_flag_prints_the_package_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"speedlab {speedlab.__version__}"


def test_unknown_option_is_a_one_line_error_with_exit_code_2(capsys) -> None:
    assert main(["--no-such-option"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("speedlab: error:")
    assert "\n" not in err


def test_python_dash_m_runs_the_same_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "speedlab", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"speedlab {speedlab.__version__}"
