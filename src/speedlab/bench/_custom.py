"""Your own function under every model: ``speedlab bench custom --fn pkg.mod:fn --inputs FILE``.

The lecture's question, asked of the user's code: which way of running it is fastest here,
and why? Each input becomes one unit. A plain function is one ``Compute(fn, x)`` (inline
under sequential, threads and asyncio, in a worker process under processes); an ``async def``
is one ``Await(fn, x)`` (awaited on the loop by the async models, run with ``asyncio.run`` by
the others). Then the same harness, tables and pictures as the built-in jobs, and the
takeaways say whether waits overlapped, the GIL held the threads back, or cores helped.

Inputs: a JSON list (``[1, 2, "three"]``), or one input per line, each read as a JSON value
when it is one (``42``, ``"x"``, ``[1, 2]``) and as text otherwise (``torch``); blank lines
are skipped.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pickle
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speedlab._exceptions import SpeedlabError, UsageError
from speedlab.bench._harness import BenchProgress, JobBench, Measured, bench_workload
from speedlab.bench._workloads import same_job
from speedlab.jobs.base import Job, SharedMemory
from speedlab.jobs.effects import Await, CallResult, Compute, UnitGenerator, UnitOutcome
from speedlab.models import StopSignal

__all__ = [
    "MAX_INPUTS",
    "CustomJob",
    "CustomWorkload",
    "FunctionFailed",
    "bench_custom",
    "load_inputs",
    "resolve_function",
]

#: The most inputs a custom bench takes (each is a unit with its own record).
MAX_INPUTS = 100_000
# Characters of an input or a value shown in a key or a message.
_SHOWN = 40
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


class FunctionFailed(SpeedlabError):
    """The user's function raised on an input: the bench stops (exit code 1)."""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def resolve_function(spec: str) -> Callable[..., Any]:
    """Import ``package.module:function`` (the current folder first on the path, as ``-m``).

    Raises:
        UsageError: A malformed spec, a missing module or attribute, a module that fails to
            import, something that is not callable, or cannot be sent to another process.
    """
    module_name, colon, attribute = spec.partition(":")
    if not colon or not _DOTTED.match(module_name) or not _DOTTED.match(attribute):
        raise UsageError(f"--fn must look like package.module:function, not {spec!r}")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise UsageError(f"--fn {spec}: no module named {exc.name or module_name!r}") from None
    except Exception as exc:
        raise UsageError(
            f"--fn {spec}: importing {module_name} failed: {type(exc).__name__}: {exc}"
        ) from None
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise UsageError(f"--fn {spec}: {module_name} has no attribute {attribute!r}")
        target = getattr(target, part)
    if not callable(target):
        raise UsageError(
            f"--fn {spec}: {attribute} is not callable: it is of type {type(target).__name__}"
        )
    try:
        pickle.dumps(target)
    except Exception as exc:
        raise UsageError(
            f"--fn {spec}: cannot be sent to a worker process ({type(exc).__name__}); "
            "define it at the top level of its module"
        ) from None
    return target  # type: ignore[no-any-return]


def load_inputs(path: Path) -> tuple[object, ...]:
    """Read the inputs: a JSON list, or one input per line (JSON value or plain text).

    Raises:
        UsageError: The file cannot be read, is not UTF-8, is malformed JSON, holds no
            input or more than ``MAX_INPUTS``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--inputs {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--inputs {path}: not UTF-8 text") from None
    if text.lstrip().startswith("["):
        try:
            values = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"--inputs {path}: not a valid JSON list: {exc}") from None
        if not isinstance(values, list):
            raise UsageError(f"--inputs {path}: a JSON document must be a list")
    else:
        values = [_line_value(line) for line in text.splitlines() if line.strip()]
    if not values:
        raise UsageError(f"--inputs {path}: no inputs")
    if len(values) > MAX_INPUTS:
        raise UsageError(f"--inputs {path}: {len(values):,} inputs, more than {MAX_INPUTS:,}")
    return tuple(values)


def _line_value(line: str) -> object:
    try:
        return json.loads(line)
    except ValueError:
        return line


@dataclass(frozen=True)
class CustomJob:
    """One unit per input: ``fn(input)``, computed (sync) or awaited (async)."""

    fn: Callable[..., Any]
    inputs: tuple[object, ...]
    is_async: bool = False
    name: str = "custom"

    def units(self) -> Sequence[str]:
        """``"[3] 'abc'"``: the input's index (keys stay distinct) and its start."""
        return [f"[{i}] {_short(v)}" for i, v in enumerate(self.inputs)]

    def skipped(self) -> Sequence[UnitOutcome]:
        """Nothing is skipped."""
        return []

    def new_shared_state(self, memory: SharedMemory) -> object:
        """Nothing is shared."""
        del memory
        return None

    def unit(self, key: str, shared: object) -> UnitGenerator:
        """Ask the model to run ``fn`` on the input; report its value or its error."""
        del shared
        value = self.inputs[int(key[1:].partition("]")[0])]
        effect = Await(self.fn, value) if self.is_async else Compute(self.fn, value)
        reply = yield effect
        if not isinstance(reply, CallResult):
            raise TypeError(f"expected a CallResult, got {reply!r}")
        if reply.error is not None:
            error = reply.error
            return UnitOutcome(key, "failed", f"{type(error).__name__}: {error}", attempts=1)
        return UnitOutcome(
            key, "done", _short(reply.value), attempts=1, data={"value": _short(reply.value)}
        )


@dataclass(frozen=True)
class CustomWorkload:
    """The user's function over the inputs, as a workload for the harness."""

    spec: str
    fn: Callable[..., Any]
    inputs: tuple[object, ...]
    is_async: bool
    name: str = "custom"
    noun: str = "calls"

    @property
    def units(self) -> int:
        """One unit per input."""
        return len(self.inputs)

    def title(self) -> str:
        """What is run."""
        kind = "async def" if self.is_async else "def"
        return f"Your function {self.spec} ({kind}) on {len(self.inputs)} inputs"

    def settings(self) -> Mapping[str, Any]:
        """The function and the inputs (shortened)."""
        return {
            "fn": self.spec,
            "async": self.is_async,
            "inputs": [_short(v) for v in self.inputs[:20]],
        }

    @contextmanager
    def open(self) -> Iterator[Callable[[str, int], Job]]:
        """Nothing to set up; yield the job maker."""
        yield same_job(CustomJob(self.fn, self.inputs, self.is_async))


def bench_custom(
    spec: str,
    inputs: Path,
    models: Sequence[str],
    *,
    repeat: int,
    concurrency: int | None = None,
    progress: BenchProgress | None = None,
    stop: StopSignal | None = None,
) -> JobBench:
    """Run the user's function over the inputs under each model, ``repeat`` times.

    Raises:
        UsageError: A bad ``--fn`` or ``--inputs``.
        FunctionFailed: The function raised on an input under the first model: the message
            names the input and the error, in one line.
    """
    fn = resolve_function(spec)
    values = load_inputs(inputs)
    workload = CustomWorkload(spec, fn, values, inspect.iscoroutinefunction(fn))

    def check(model: str, measured: Measured) -> None:
        failed = measured.result.failed_records
        if failed and model == models[0]:
            first = failed[0]
            raise FunctionFailed(
                f"{spec} failed under {model} on input {first.key}: {first.detail}"
                + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else "")
            )

    return bench_workload(
        workload,
        models,
        repeat=repeat,
        concurrency=concurrency,
        progress=progress,
        stop=stop,
        check=check,
    )
