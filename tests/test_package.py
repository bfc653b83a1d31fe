"""The public surface: version, exports, and the command's entry points."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import speedlab
from speedlab.cli import main

PUBLIC_API = {
    # errors
    "SpeedlabError", "UsageError", "TimeoutExpired", "GitHubError", "UnsafeOutputPath",
    "CannotShare", "ClusterError",
    "LoopError", "HttpError", "HttpTimeout", "HttpConnectError", "HttpTlsError",
    "HttpProtocolError", "HttpTooLarge",
    # the lecture's part 1
    "averager", "runner", "is_prime", "naive_prime_stream", "prime_stream", "PrimeSieve",
    "first_primes", "primes_below", "primality",
    # effects and jobs
    "HttpRequest", "HttpResponse", "Send", "Sleep", "TransportError", "SleepJob",
    "DEFAULT_KEYWORDS", "GitHubJob", "SearchConfig", "SearchResult", "Secret", "RateGate",
    "filename_for", "search_keyword", "token_from_env", "SearchStatistics",
    "Await", "Call", "CallResult", "Compute", "UnitOutcome", "Job", "SharedMemory", "PrimeJob",
    # models
    "MODELS", "MODEL_NAMES", "RunResult", "RunInterrupted", "UnitRecord", "run_model",
    "ModelSpec", "StopSignal", "models_for",
    # fakehub
    "FakeHub", "AsyncFakeHub", "FakeHubConfig", "FakeHubStatistics",
    "__version__",
}  # fmt: skip


def test_the_export_list_is_exactly_the_public_api() -> None:
    assert len(speedlab.__all__) == len(set(speedlab.__all__))
    assert set(speedlab.__all__) == PUBLIC_API
    for name in speedlab.__all__:
        assert hasattr(speedlab, name), name


def test_lazy_exports_name_the_modules_that_define_them() -> None:
    # The table of lazy exports and the public list agree, and each name really comes from
    # the module the table names (what the TYPE_CHECKING imports say to type checkers).
    table = speedlab._EXPORTS
    assert set(table) | {"__version__"} == set(speedlab.__all__)
    for name, module in table.items():
        assert getattr(importlib.import_module(module), name) is getattr(speedlab, name), name
    assert "FakeHub" in dir(speedlab)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = speedlab.nope  # type: ignore[attr-defined]


def test_every_module_declares_all_and_each_name_exists() -> None:
    for info in pkgutil.walk_packages(speedlab.__path__, "speedlab."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        assert isinstance(names, list | tuple), f"{info.name} has no __all__"
        for name in names:
            assert hasattr(module, name), f"{info.name}.{name}"


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
