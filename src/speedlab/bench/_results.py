"""The raw results as JSON, and back into the result types: a report can be redrawn later.

``results.json`` holds everything a report shows and where it was measured: the machine,
the Python build (free-threaded or not), library versions, the git commit (through
:mod:`speedlab._machine` when this build has it), the command, and per job and model every
run's full :class:`~speedlab.models.RunResult` with its memory. :func:`load_report` turns the
file back into a :class:`BenchReport` of the same types the benchmark produced, so pictures
and tables can be rebuilt from a file alone.

A RunResult's ``to_dict()`` flattens a unit's typed statistics into its record; this module
adds the statistics' class name (``stats_type``) so that they come back typed. Only classes
inside ``speedlab`` are imported back; others stay None.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speedlab._exceptions import UsageError
from speedlab.bench._harness import JobBench, Measured, ModelRuns
from speedlab.bench._isolate import MemoryUsage
from speedlab.bench._memory import MemoryBench
from speedlab.bench._spinner import SpinnerBench
from speedlab.models import RunResult, UnitRecord

__all__ = [
    "FORMAT",
    "PACKAGES",
    "BenchReport",
    "decode_result",
    "describe_machine",
    "encode_result",
    "load_report",
    "machine_line",
]

#: The results file's format tag; bumped when a field changes meaning.
FORMAT = "speedlab-bench/1"
#: Libraries whose versions a results file records.
PACKAGES = ("speedlab", "aiohttp", "requests", "psutil", "matplotlib", "numpy", "dask")

_RECORD_FIELDS = ("key", "status", "detail", "start", "end", "worker", "attempts", "waited")


def _type_name(obj: object) -> str | None:
    """``module:qualname``, naming the public package when a private module's class is its
    export (``speedlab.jobs.github:SearchStatistics``), so a file outlives a module's rename."""
    if obj is None:
        return None
    cls = type(obj)
    module = cls.__module__
    parent, _, last = module.rpartition(".")
    if last.startswith("_") and parent:
        try:
            public = getattr(importlib.import_module(parent), cls.__qualname__, None)
        except ImportError:
            public = None
        if public is cls:
            module = parent
    return f"{module}:{cls.__qualname__}"


def _stats_class(name: object) -> type | None:
    """Import a statistics class named ``module:qualname`` (only from speedlab)."""
    if not isinstance(name, str) or not name.startswith("speedlab."):
        return None
    module, _, qualname = name.partition(":")
    try:
        value: Any = importlib.import_module(module)
        for part in qualname.split("."):
            value = getattr(value, part)
    except (ImportError, AttributeError):
        return None
    return value if isinstance(value, type) and dataclasses.is_dataclass(value) else None


def encode_result(result: RunResult) -> dict[str, Any]:
    """Return ``result.to_dict()`` plus each record's statistics class (for decoding)."""
    data = result.to_dict()
    for record, encoded in zip(result.records, data["records"], strict=True):
        encoded["stats_type"] = _type_name(record.stats)
    return data


def _decode_record(data: Mapping[str, Any]) -> UnitRecord:
    cls = _stats_class(data.get("stats_type"))
    stats = None
    if cls is not None:
        stats = cls(**{f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data})
    values = {name: data[name] for name in _RECORD_FIELDS if name in data}
    return UnitRecord(
        **values,
        data=dict(data.get("data") or {}),
        stats=stats,
        interrupted=bool(data.get("interrupted", False)),
    )


def decode_result(data: Mapping[str, Any]) -> RunResult:
    """Rebuild a RunResult from :func:`encode_result`'s output.

    Raises:
        UsageError: A field is missing or of the wrong kind.
    """
    try:
        return RunResult(
            model=str(data["model"]),
            job=str(data["job"]),
            concurrency=int(data["concurrency"]),
            records=tuple(_decode_record(r) for r in data["records"]),
            wall_seconds=float(data["wall_seconds"]),
            cpu_seconds=float(data["cpu_seconds"]),
            peak_rss_bytes=int(data["peak_rss_bytes"]),
            not_run=tuple(str(k) for k in data.get("not_run", ())),
            interrupted=bool(data.get("interrupted", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"not a run result: {type(exc).__name__}: {exc}") from None


def _encode_job(job: JobBench) -> dict[str, Any]:
    return {
        "name": job.name,
        "title": job.title,
        "noun": job.noun,
        "units": job.units,
        "settings": dict(job.settings),
        "models": [
            {
                "model": m.model,
                "family": m.family,
                "error": m.error,
                "runs": [
                    {
                        "result": encode_result(r.result),
                        "memory": r.memory.to_dict(),
                        "machine_cpu_seconds": r.machine_cpu_seconds,
                    }
                    for r in m.runs
                ],
            }
            for m in job.models
        ],
    }


def _decode_job(data: Mapping[str, Any]) -> JobBench:
    return JobBench(
        name=str(data["name"]),
        title=str(data["title"]),
        noun=str(data["noun"]),
        units=int(data["units"]),
        settings=dict(data.get("settings") or {}),
        models=tuple(
            ModelRuns(
                model=str(m["model"]),
                family=str(m["family"]),
                error=m.get("error"),
                runs=tuple(
                    Measured(
                        decode_result(r["result"]),
                        MemoryUsage.from_dict(r["memory"]),
                        r.get("machine_cpu_seconds"),
                    )
                    for r in m["runs"]
                ),
            )
            for m in data["models"]
        ),
    )


@dataclass(frozen=True)
class BenchReport:
    """Everything one ``speedlab bench`` invocation measured, and where.

    Attributes:
        environment: Machine, Python build, versions, commit (see :func:`describe_machine`).
        command: The command line that produced it.
        settings: The options (quick, repeat, models).
        jobs: The jobs x models benchmarks (io, cpu, custom).
        spinner: The spinner's frame statistics, if it was run.
        memory: The heavy-list experiment, if it was run.
    """

    environment: Mapping[str, Any]
    command: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    jobs: tuple[JobBench, ...] = ()
    spinner: SpinnerBench | None = None
    memory: MemoryBench | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "format": FORMAT,
            "command": self.command,
            "environment": dict(self.environment),
            "settings": dict(self.settings),
            "jobs": [_encode_job(j) for j in self.jobs],
            "spinner": None if self.spinner is None else self.spinner.to_dict(),
            "memory": None if self.memory is None else self.memory.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BenchReport:
        """Rebuild a report from :meth:`to_dict`'s output.

        Raises:
            UsageError: Not a results document of this format.
        """
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise UsageError(f"not a speedlab bench results file (expected format {FORMAT})")
        try:
            return cls(
                environment=dict(data["environment"]),
                command=str(data["command"]),
                settings=dict(data.get("settings") or {}),
                jobs=tuple(_decode_job(j) for j in data["jobs"]),
                spinner=None
                if data.get("spinner") is None
                else SpinnerBench.from_dict(data["spinner"]),
                memory=None
                if data.get("memory") is None
                else MemoryBench.from_dict(data["memory"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"a malformed results file: {type(exc).__name__}: {exc}") from None

    def save(self, path: Path) -> None:
        """Write the report as JSON to ``path`` (atomically: a temporary file, then a rename)."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n")
        os.replace(temporary, path)


def load_report(path: Path) -> BenchReport:
    """Read a ``results.json`` written by :meth:`BenchReport.save`.

    Raises:
        UsageError: The file cannot be read or is not a results file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    return BenchReport.from_dict(data)


def describe_machine() -> dict[str, Any]:
    """Return the machine, Python build, library versions and git commit, JSON-ready."""
    from speedlab._machine import describe_environment

    described: dict[str, Any] = describe_environment(packages=PACKAGES)
    return described


def _git_commit() -> dict[str, Any] | None:
    """The checkout's commit, if the current folder is in one (None otherwise)."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return {"commit": commit, "dirty": None} if done.returncode == 0 and commit else None


def machine_line(environment: Mapping[str, Any]) -> str:
    """Say in one line where the figures were measured.

    >>> machine_line({"machine": {"cores_logical": 2, "os": "Linux"},
    ...               "python": {"implementation": "CPython", "version": "3.11.7"}})
    '2 cores, Linux, CPython 3.11.7 (with the GIL)'
    """
    machine = environment.get("machine") or {}
    python = environment.get("python") or {}
    parts = []
    if machine.get("cpu_model"):
        parts.append(str(machine["cpu_model"]))
    if machine.get("cores_logical"):
        parts.append(f"{machine['cores_logical']} cores")
    if machine.get("os"):
        parts.append(str(machine["os"]))
    gil = "with the GIL" if python.get("gil_enabled", True) else "free-threaded, no GIL"
    parts.append(f"{python.get('implementation', 'Python')} {python.get('version', '?')} ({gil})")
    git = environment.get("git") or {}
    if git.get("commit"):
        dirty = " + local changes" if git.get("dirty") else ""
        parts.append(f"speedlab commit {str(git['commit'])[:10]}{dirty}")
    return ", ".join(parts)
