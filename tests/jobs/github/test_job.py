"""The job as models see it: units, resume, shared state, and one unit end to end."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from speedlab._exceptions import CannotShare, UsageError
from speedlab.jobs.base import Job
from speedlab.jobs.effects import TransportError, UnitOutcome
from speedlab.jobs.github._job import (
    DEFAULT_KEYWORDS,
    GitHubJob,
    SearchStatistics,
    SeededOnUse,
    utc_timestamp,
)
from speedlab.jobs.github._query import SearchConfig, Secret
from speedlab.jobs.github._ratelimit import RateGate
from speedlab.jobs.github._storage import filename_for
from speedlab.models._sharing import LocalMemory, NoSharedMemory, ProcessMemory
from speedlab.testing import VirtualClock, drive, error, ok
from tests.jobs.github.driver import TOKEN


def make_job(tmp_path: Path, **options: Any) -> GitHubJob:
    config_options = {"out_dir": tmp_path, "reset_margin": 0.05, **options.pop("config", {})}
    return GitHubJob(
        config=SearchConfig(**config_options), fetched_at="2026-01-02T03:04:05Z", **options
    )


def run_unit(job: GitHubJob, key: str, replies: Any) -> UnitOutcome:
    clock = VirtualClock()
    outcome, _ = drive(
        job.unit(key, job.new_shared_state(LocalMemory()), clock=clock), replies, clock
    )
    assert isinstance(outcome, UnitOutcome)
    return outcome


def test_default_keywords_are_the_lectures() -> None:
    assert DEFAULT_KEYWORDS == (
        "search",
        "torch",
        "tensorflow",
        "requests",
        "alice",
        "data",
        "deep",
        "ML",
    )
    job = GitHubJob()
    assert job.keywords == DEFAULT_KEYWORDS
    assert job.name == "github"
    assert (job.resume, job.force) == (True, False)


def test_is_a_job(tmp_path: Path) -> None:
    job: Job = make_job(tmp_path, keywords=["x"])  # mypy checks the protocol
    assert (job.name, job.units(), job.skipped()) == ("github", ("x",), ())
    outcome, _ = drive(
        job.unit("x", job.new_shared_state(LocalMemory())), [ok([1])], VirtualClock()
    )
    assert outcome.status == "done"


def test_keywords_are_deduplicated_in_order(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["b", "a", "b", "ML", "ml", "a"])
    assert job.keywords == ("b", "a", "ML", "ml")
    assert job.units() == ("b", "a", "ML", "ml")
    assert job.skipped() == ()


@pytest.mark.parametrize("keywords", [[""], ["ok", "  "], [], "torch"])
def test_bad_keywords_are_usage_errors(keywords: Any) -> None:
    with pytest.raises(UsageError):
        GitHubJob(keywords=keywords)


def test_a_unit_searches_and_saves_the_lectures_format(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["torch"])
    outcome = run_unit(job, "torch", [ok([3, 1, 2], total=99)])
    assert outcome == UnitOutcome(
        "torch",
        "done",
        detail="3 ids, 1 page",
        attempts=1,
        data={
            "ids": 3,
            "total_count": 99,
            "incomplete_results": False,
            "pages": 1,
            "file": "torch",
        },
        stats=SearchStatistics(requests=1, retries=0, limited=0),
    )
    assert (tmp_path / "torch").read_bytes() == b"[3, 1, 2]"


def test_a_unit_saves_json_with_the_runs_timestamp(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["ML"], config={"format": "json"})
    outcome = run_unit(job, "ML", [ok([1], incomplete=True)])
    assert outcome.detail == "1 id, 1 page, incomplete results"
    name = filename_for("ML")
    assert outcome.data["file"] == name
    document = json.loads((tmp_path / name).read_text())
    assert document == {
        "keyword": "ML",
        "query": "ML language:python",
        "ids": [1],
        "total_count": 1,
        "incomplete_results": True,
        "pages": 1,
        "fetched_at": "2026-01-02T03:04:05Z",
    }


def test_a_failed_unit_saves_nothing_and_gives_the_reason(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["torch"], config={"token": Secret(TOKEN), "retries": 1})
    outcome = run_unit(job, "torch", [TransportError("connection", "refused")] * 2)
    assert outcome.status == "failed"
    assert outcome.detail == "refused (gave up after 1 retry)"
    assert outcome.attempts == 2
    assert outcome.stats == SearchStatistics(requests=2, retries=1, limited=0)
    assert list(tmp_path.iterdir()) == []
    outcome = run_unit(job, "torch", [error(401, "Bad credentials")])
    assert outcome.detail.startswith("bad credentials (HTTP 401)")
    assert TOKEN not in repr(outcome)


def test_a_save_failure_is_a_failed_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_replace(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", broken_replace)
    job = make_job(tmp_path, keywords=["torch"])
    outcome = run_unit(job, "torch", [ok([1])])
    assert outcome.status == "failed"
    assert outcome.detail == "cannot save torch: Permission denied"
    assert list(tmp_path.iterdir()) == []


def test_resume_skips_saved_keywords_and_force_refetches(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["torch", "ML", "data"])
    run_unit(job, "ML", [ok([1])])
    assert job.units() == ("torch", "data")
    skipped = job.skipped()
    assert [(o.key, o.status) for o in skipped] == [("ML", "skipped")]
    assert skipped[0].data == {"file": filename_for("ML")}
    assert skipped[0].detail == f"already saved in {tmp_path / filename_for('ML')}"
    forced = make_job(tmp_path, keywords=["torch", "ML", "data"], force=True)
    assert forced.units() == ("torch", "ML", "data")
    assert forced.skipped() == ()
    no_resume = make_job(tmp_path, keywords=["torch", "ML", "data"], resume=False)
    assert no_resume.units() == ("torch", "ML", "data")
    as_json = make_job(tmp_path, keywords=["torch", "ML"], config={"format": "json"})
    assert as_json.units() == ("torch", "ML")  # saved as a list: fetch again for JSON


def test_units_are_deterministic_per_keyword(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["torch"], force=True)
    sleeps = []
    for _ in range(2):
        clock = VirtualClock()
        gen = job.unit("torch", job.new_shared_state(LocalMemory()), clock=clock)
        _, trace = drive(gen, [error(502, "x"), error(502, "x"), ok([1])], clock)
        sleeps.append([s.seconds for s in trace.sleeps])
    assert sleeps[0] == sleeps[1]


def test_shared_state_kinds(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["x"], config={"token": Secret(TOKEN)})
    local = job.new_shared_state(LocalMemory())
    assert isinstance(local, RateGate)
    assert local.statistics().remaining == 30  # a token: GitHub's 30 per minute
    assert local.reset_margin == 0.05
    shared = job.new_shared_state(ProcessMemory(multiprocessing.get_context("spawn")))
    assert isinstance(shared, RateGate)
    assert shared.statistics().remaining == 30
    plain = make_job(tmp_path, keywords=["x"])
    assert plain.new_shared_state(LocalMemory()).statistics().remaining == 10
    with pytest.raises(CannotShare, match="far away"):
        job.new_shared_state(NoSharedMemory("dask", "far away"))


def test_unit_checks_its_arguments(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["x"])
    with pytest.raises(TypeError, match="RateGate"):
        job.unit("x", object())
    with pytest.raises(ValueError, match="not one of"):
        job.unit("y", job.new_shared_state(LocalMemory()))


def test_the_job_pickles_for_worker_processes(tmp_path: Path) -> None:
    job = make_job(tmp_path, keywords=["torch", "ML"], config={"token": Secret(TOKEN)})
    clone = pickle.loads(pickle.dumps(job))
    assert clone == job
    assert clone.config.token is not None
    assert clone.config.token.reveal() == TOKEN
    assert TOKEN not in repr(job)


def test_utc_timestamp() -> None:
    assert utc_timestamp(1_700_000_000.5) == "2023-11-14T22:13:20Z"
    assert len(utc_timestamp()) == 20
    assert GitHubJob(keywords=["x"]).fetched_at.endswith("Z")


def test_a_unit_s_random_is_seeded_on_its_first_draw_with_the_same_draws() -> None:
    lazy = SeededOnUse("3:torch")
    eager = random.Random("3:torch")
    assert [lazy.uniform(0, 5) for _ in range(3)] == [eager.uniform(0, 5) for _ in range(3)]
    assert lazy.randrange(10**30) == eager.randrange(10**30)  # getrandbits, seeded already
    fresh = SeededOnUse("3:torch")
    assert fresh.getrandbits(64) == random.Random("3:torch").getrandbits(64)


def test_a_unit_s_random_copies_pickles_and_reseeds_as_random_random_does() -> None:
    import copy

    expected = random.Random("3:torch")
    for made in (
        copy.copy(SeededOnUse("3:torch")),
        copy.deepcopy(SeededOnUse("3:torch")),
        pickle.loads(pickle.dumps(SeededOnUse("3:torch"))),
    ):
        assert made.getstate() == expected.getstate()
    reseeded = SeededOnUse("3:torch")
    reseeded.seed(5)  # an explicit seed wins over the pending one
    assert reseeded.random() == random.Random(5).random()
    restored = SeededOnUse("3:torch")
    restored.setstate(random.Random(9).getstate())
    assert restored.random() == random.Random(9).random()
