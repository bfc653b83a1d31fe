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
    "LoopError", "HttpError", "HttpTimeout", "HttpConnectError", "HttpCannotConnect",
    "HttpTlsError", "HttpProtocolError", "HttpTooLarge",
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


LAZY_PACKAGES = [
    "speedlab",
    "speedlab.jobs.github",
    "speedlab.lesson",
    "speedlab.spinner",
    "speedlab.fakehub",
]


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_lazy_exports_name_the_modules_that_define_them(name: str) -> None:
    # The table of lazy exports and the public list agree, and each name really comes from
    # the module the table names (what the TYPE_CHECKING imports say to type checkers).
    package = importlib.import_module(name)
    table = package._EXPORTS
    assert set(table) | {"__version__"} >= set(package.__all__)
    assert set(table) <= set(package.__all__)
    for export, module in table.items():
        assert getattr(importlib.import_module(module), export) is getattr(package, export)
    assert set(table) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = package.nope


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    # `speedlab --version` and `--help` must stay instant: the HTTP clients, the simulator's
    # server, numpy, dask, matplotlib and the event loops are imported only by the commands
    # that use them.
    code = "import sys, speedlab.cli; print(' '.join(sorted(m for m in sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(proc.stdout.split())
    heavy = {
        "aiohttp", "requests", "urllib3", "msgspec", "numpy", "asyncio", "multiprocessing",
        "importlib.metadata", "matplotlib", "dask", "distributed", "psutil", "h11", "uvloop",
        "speedlab.fakehub._app", "speedlab.fakehub._server", "speedlab.loop",
        "speedlab.models._executor_family", "speedlab.lesson.demos",
    }  # fmt: skip
    assert loaded & heavy == set()
    assert {"speedlab.cli.github", "speedlab.cli.bench", "speedlab.cli.spin"} <= loaded


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
