"""describe_environment: what a benchmark records about where it ran."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from speedlab._machine import describe_environment, parse_cpu_model

X86 = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Processor
flags\t\t: fpu vme

processor\t: 1
model name\t: Intel(R) Xeon(R) Processor
"""
ARM32 = "Processor\t: ARMv7 Processor rev 4 (v7l)\nprocessor\t: 0\nHardware\t: BCM2835\n"
AARCH64 = "processor\t: 0\nBogoMIPS\t: 48.00\nCPU implementer\t: 0x41\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (X86, "Intel(R) Xeon(R) Processor"),
        (ARM32, "BCM2835"),
        (AARCH64, None),
        ("", None),
        ("model name\t:\nHardware\t: X\n", "X"),  # an empty value is no name
    ],
)
def test_parse_cpu_model(text: str, expected: str | None) -> None:
    assert parse_cpu_model(text) == expected


def test_the_record_is_json_and_says_what_this_process_runs_on(tmp_path: Path) -> None:
    info = describe_environment(packages=["numpy", "no-such-distribution-xyz"], repo=tmp_path)
    assert json.loads(json.dumps(info)) == info
    machine, python = info["machine"], info["python"]
    assert machine["cores_logical"] == os.cpu_count()
    assert 1 <= machine["cores_usable"] <= machine["cores_logical"]
    assert machine["memory_bytes"] > 0
    assert machine["os"] == platform.system()
    assert python["version"] == platform.python_version()
    assert python["implementation"] == platform.python_implementation()
    assert isinstance(python["free_threaded_build"], bool)
    if not python["free_threaded_build"]:
        assert python["gil_enabled"] is True
    assert info["packages"] == {
        "numpy": metadata.version("numpy"),
        "no-such-distribution-xyz": None,
    }
    assert info["git"] is None  # tmp_path is not a git checkout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_commit_and_whether_the_tree_is_dirty(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return done.stdout.strip()

    git("init", "-q")
    (tmp_path / "f.txt").write_text("one\n")
    git("add", "f.txt")
    git("commit", "-q", "-m", "one")
    head = git("rev-parse", "HEAD")
    assert describe_environment(packages=[], repo=tmp_path)["git"] == {
        "commit": head,
        "dirty": False,
    }
    (tmp_path / "f.txt").write_text("two\n")
    assert describe_environment(packages=[], repo=tmp_path)["git"] == {
        "commit": head,
        "dirty": True,
    }
