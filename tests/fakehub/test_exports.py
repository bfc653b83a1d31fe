"""The package's shape: private modules of a readable size, explicit exports, lazy aiohttp.

The limiters are meant to be reused without a server (a virtual-time simulator reuses GitHub's
fixed window): importing them must not import aiohttp, and the examples in the docstrings must
run as written.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import speedlab.fakehub

PACKAGE = Path(speedlab.fakehub.__file__).parent
MODULES = sorted(
    f"speedlab.fakehub.{info.name}" for info in pkgutil.iter_modules(speedlab.fakehub.__path__)
)
# Module size of the project's conventions (DESIGN.md): one concept per module, at most 400 lines.
MAX_LINES = 400


def test_every_module_is_private_and_at_most_400_lines() -> None:
    assert MODULES, "no modules found"
    for path in PACKAGE.glob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{path.name}: {lines} lines"
        assert path.name == "__init__.py" or path.name.startswith("_"), path.name


@pytest.mark.parametrize("old", ["app", "config", "data", "limits", "paging", "query", "server"])
def test_the_old_public_module_names_are_gone(old: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"speedlab.fakehub.{old}")


def test_every_exported_name_comes_from_a_private_module() -> None:
    names = speedlab.fakehub.__all__
    assert len(names) == len(set(names))
    for name in names:
        value = getattr(speedlab.fakehub, name)
        module = getattr(value, "__module__", None)
        if module is not None and module.startswith("speedlab.fakehub"):
            assert module.split(".")[2].startswith("_"), (name, module)
    # What the rest of speedlab imports from here.
    for name in ("FakeHub", "AsyncFakeHub", "FakeHubConfig", "FakeHubStatistics"):
        assert name in names
    with pytest.raises(AttributeError):
        _ = speedlab.fakehub.no_such_name  # type: ignore[attr-defined]


def test_the_limiters_import_without_aiohttp() -> None:
    """Import speedlab.fakehub alone (not speedlab's own __init__, which the lead is changing)."""
    code = f"""
import sys, types
package = types.ModuleType("speedlab")
package.__path__ = [{str(PACKAGE.parent)!r}]
sys.modules["speedlab"] = package
from speedlab.fakehub import InFlight, PrimaryLimiter, parse_query, total_count
now = [100.0]
limiter = PrimaryLimiter(window=60, clock=lambda: now[0])
assert [limiter.acquire("a", 1).allowed for _ in range(2)] == [True, False]
assert InFlight(limit=1).enter("a")
assert total_count(parse_query("torch language:python")) > 1000
assert "aiohttp" not in sys.modules, "the limiters imported aiohttp"
from speedlab.fakehub import FakeHub  # the server: now aiohttp is needed
assert "aiohttp" in sys.modules
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert failures == 0
    if name.endswith(("_limits", "_paging", "_population", "_ratelimit", "_server")):
        assert tried > 0, f"{name} lost its examples"
