"""Your own function under every model: inputs, resolution, sync and async, failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from speedlab._exceptions import UsageError
from speedlab.bench import CustomJob, FunctionFailed, bench_custom, load_inputs, resolve_function
from speedlab.models import run_model
from tests.bench import user_functions

MODELS = ("sequential", "threads", "processes", "asyncio")


def write(tmp_path: Path, text: str | bytes, name: str = "inputs.txt") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_inputs_one_per_line_are_json_values_or_text(tmp_path: Path) -> None:
    path = write(tmp_path, '42\ntorch\n\n"quoted"\n[1, 2]\n  deep learning  \n')
    assert load_inputs(path) == (42, "torch", "quoted", [1, 2], "  deep learning  ")


def test_inputs_as_a_json_list(tmp_path: Path) -> None:
    assert load_inputs(write(tmp_path, ' [1, "a", null]')) == (1, "a", None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no inputs"),
        ("\n \n", "no inputs"),
        ("[1, 2", "not a valid JSON list"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_bad_inputs_are_usage_errors(tmp_path: Path, content: str | bytes, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_inputs(write(tmp_path, content))


def test_a_missing_inputs_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="No such file"):
        load_inputs(tmp_path / "nope.txt")


def test_a_function_is_found_by_module_and_name() -> None:
    assert resolve_function("tests.bench.user_functions:square") is user_functions.square


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("square", "must look like package.module:function"),
        ("tests.bench.user_functions:", "must look like"),
        ("tests/bench:square", "must look like"),
        ("tests.bench.no_such_module:square", "no module named 'tests.bench.no_such_module'"),
        ("tests.bench.user_functions:cube", "has no attribute 'cube'"),
        ("tests.bench.user_functions:NOT_A_FUNCTION", "is not callable: it is of type int"),
    ],
)
def test_a_bad_fn_is_a_usage_error(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_function(spec)


def test_a_module_that_fails_to_import_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_module_for_speedlab.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(
        UsageError, match="importing broken_module_for_speedlab failed: RuntimeError: boom"
    ):
        resolve_function("broken_module_for_speedlab:f")


@pytest.mark.parametrize("model", MODELS)
def test_a_custom_job_runs_sync_and_async_functions_under_every_model(model: str) -> None:
    sync = run_model(model, CustomJob(user_functions.square, (2, 3)))
    assert [r.data["value"] for r in sync.records] == ["4", "9"]
    assert [r.key for r in sync.records] == ["[0] 2", "[1] 3"]
    awaited = run_model(model, CustomJob(user_functions.fetch_like, ("a",), is_async=True))
    assert awaited.records[0].data["value"] == "'got a'"


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_the_bench_of_an_async_function_overlaps_its_waits(tmp_path: Path) -> None:
    path = write(tmp_path, "[1, 2, 3, 4, 5, 6]")
    job = bench_custom("tests.bench.user_functions:fetch_like", path, MODELS, repeat=1)
    assert (
        job.title == "Your function tests.bench.user_functions:fetch_like (async def) on 6 inputs"
    )
    assert [m.model for m in job.models] == list(MODELS)
    assert all(m.error is None and m.runs[0].result.done == 6 for m in job.models)
    asyncio_run = job.models[3].runs[0].result
    assert len(asyncio_run.workers) == 6  # six tasks awaited at once


def test_a_function_that_raises_stops_the_bench_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "2\n3\n5\n")
    with pytest.raises(FunctionFailed) as caught:
        bench_custom(
            "tests.bench.user_functions:explode", path, ("sequential", "threads"), repeat=1
        )
    assert str(caught.value) == (
        "tests.bench.user_functions:explode failed under sequential on input [1] 3: "
        "ValueError: odd input 3 (and 1 more)"
    )
    assert caught.value.exit_code == 1
