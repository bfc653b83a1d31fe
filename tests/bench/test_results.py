"""results.json: everything a report shows, and back into the same result types."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from speedlab._exceptions import UsageError
from speedlab.bench import BenchReport, decode_result, encode_result, load_report, machine_line
from speedlab.bench._results import describe_machine
from speedlab.jobs.github import SearchStatistics
from speedlab.jobs.primes import PrimeJob
from speedlab.models import RunResult, run_model
from tests.bench import _fixtures


def test_a_real_run_result_comes_back_equal_with_typed_statistics() -> None:
    result = run_model("sequential", PrimeJob(numbers=(97, 91, 7919)))
    back = decode_result(json.loads(json.dumps(encode_result(result))))
    assert back == result
    assert isinstance(back, RunResult)


def test_typed_statistics_come_back_as_their_class() -> None:
    result = _fixtures.io_job().models[0].runs[0].result
    back = decode_result(json.loads(json.dumps(encode_result(result))))
    assert [type(r.stats) for r in back.records] == [SearchStatistics] * 4
    assert back.statistics() == SearchStatistics(requests=4, retries=0, limited=0)
    assert back.records[0].data == {"ids": 30, "pages": [1]}
    assert back.wall_seconds == result.wall_seconds


def test_a_statistics_class_is_named_by_its_public_package() -> None:
    # Not by its private module (speedlab.jobs.github._job): a file outlives a rename.
    result = _fixtures.io_job().models[0].runs[0].result
    names = {r["stats_type"] for r in encode_result(result)["records"]}
    assert names == {"speedlab.jobs.github:SearchStatistics"}


def test_tuples_in_a_record_s_data_come_back_as_lists() -> None:
    result = _fixtures.run("x", [_fixtures.record("k", 0, 1, "main")], 1.0, 0.0)
    record = result.records[0].__class__("k", "done", data={"pages": (1, 2)})
    back = decode_result(encode_result(result.__class__("x", "j", 1, (record,), 1.0, 0.0, 0)))
    assert back.records[0].data == {"pages": [1, 2]}


def test_statistics_classes_outside_speedlab_are_not_imported() -> None:
    data = encode_result(_fixtures.io_job().models[0].runs[0].result)
    data["records"][0]["stats_type"] = "os:system"
    assert decode_result(data).records[0].stats is None


def test_a_whole_report_survives_the_round_trip(tmp_path: Path) -> None:
    report = _fixtures.report()
    path = tmp_path / "results.json"
    report.save(path)
    back = load_report(path)
    assert back.to_dict() == report.to_dict()
    assert BenchReport.from_dict(back.to_dict()) == back  # stable after one trip
    assert back.memory == report.memory
    assert back.spinner == report.spinner
    assert back.jobs == report.jobs
    assert json.loads(path.read_text())["format"] == "speedlab-bench/1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read"),
        ("[]", "not a speedlab bench results file"),
        ('{"format": "speedlab-bench/1"}', "malformed"),
        (
            '{"format": "speedlab-bench/1", "environment": {}, "command": "x", "jobs": [{}]}',
            "malformed",
        ),
    ],
)
def test_a_bad_results_file_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content)
    with pytest.raises(UsageError, match=message):
        load_report(path)


def test_a_missing_results_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        load_report(tmp_path / "nope.json")


def test_the_machine_is_described_with_python_build_and_versions() -> None:
    info = describe_machine()
    assert info["python"]["implementation"]
    assert isinstance(info["python"]["gil_enabled"], bool)
    assert "free_threaded_build" in info["python"]
    assert info["packages"]["matplotlib"]
    assert info["machine"]["cores_logical"] >= 1


def test_the_machine_line_names_cores_python_and_commit() -> None:
    line = machine_line(_fixtures.report().environment)
    assert line == (
        "Test CPU <1>, 2 cores, Linux, CPython 3.11.7 (with the GIL), speedlab commit 0123456789"
    )
    assert "free-threaded" in machine_line({"python": {"gil_enabled": False}})


def test_a_report_without_spinner_and_memory_keeps_them_absent() -> None:
    report = BenchReport({}, "speedlab bench io", {}, (_fixtures.io_job(),))
    back = BenchReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert (back.spinner, back.memory) == (None, None)
    assert back.jobs[0].models[3].error == "cannot run the github job: no shared lock"
