"""The GitHub job under every model against fakehub: same files, faults survived, limits kept."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.jobs.github import DEFAULT_KEYWORDS, GitHubJob, SearchConfig
from speedlab.models import models_for, run_model
from tests.models._servers import RecordingServer

ALL = list(models_for("io"))
FETCHED_AT = "2026-01-02T03:04:05Z"
TOKEN = "ghp_models_redirect_5e1d"


def _concurrency(model: str, wanted: int) -> int | None:
    return None if model == "sequential" else wanted


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def clean_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The files of a clean sequential run, per format: the reference for every other run."""
    reference: dict[str, dict[str, bytes]] = {}
    with FakeHub(FakeHubConfig()) as hub:
        for fmt in ("list", "json"):
            out = tmp_path_factory.mktemp(f"clean-{fmt}")
            config = SearchConfig(api=hub.url, per_page=10, pages=2, format=fmt, out_dir=out)
            job = GitHubJob(keywords=DEFAULT_KEYWORDS, config=config, fetched_at=FETCHED_AT)
            result = run_model("sequential", job)
            assert result.done == len(DEFAULT_KEYWORDS)
            reference[fmt] = _files(out)
    return reference


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["list", "json"])
@pytest.mark.parametrize("model", ALL)
def test_every_model_writes_the_same_bytes(
    model: str, fmt: str, tmp_path: Path, clean_files: dict[str, dict[str, bytes]]
) -> None:
    with FakeHub(FakeHubConfig(latency=0.005, jitter=0.01)) as hub:
        config = SearchConfig(api=hub.url, per_page=10, pages=2, format=fmt, out_dir=tmp_path)
        job = GitHubJob(keywords=DEFAULT_KEYWORDS, config=config, fetched_at=FETCHED_AT)
        result = run_model(model, job, concurrency=_concurrency(model, 4))
    assert result.done == 8
    assert _files(tmp_path) == clean_files[fmt]
    assert len(clean_files[fmt]) == 8
    # Two pages each (torch has fewer than 10 Python repositories, so one page for it).
    assert sum(r.data["pages"] for r in result.records) >= 15


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ALL)
def test_a_faulty_server_still_ends_with_every_keyword_saved_correctly(
    model: str, tmp_path: Path, clean_files: dict[str, dict[str, bytes]]
) -> None:
    faults = FakeHubConfig(error_rate=0.2, drop_rate=0.1, malformed_rate=0.05, seed=7)
    with FakeHub(faults) as hub:
        config = SearchConfig(
            api=hub.url,
            per_page=10,
            pages=2,
            retries=12,
            backoff_base=0.005,
            backoff_cap=0.05,
            out_dir=tmp_path,
        )
        job = GitHubJob(keywords=DEFAULT_KEYWORDS, config=config, fetched_at=FETCHED_AT)
        result = run_model(model, job, concurrency=_concurrency(model, 4))
        stats = hub.statistics()
    assert [r.status for r in result.records] == ["done"] * 8, result.failed_records
    assert _files(tmp_path) == clean_files["list"]
    injected = stats.server_errors + stats.dropped + stats.malformed
    assert injected > 0
    totals = result.statistics()
    assert totals.retries >= injected
    assert totals.requests == stats.requests


@pytest.mark.slow
@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ["threads", "asyncio", "handmade"])
def test_a_rate_limited_run_never_hits_the_limit_after_the_first_window(
    model: str, tmp_path: Path
) -> None:
    limit, window, keywords, margin = 10, 2, 40, 0.1
    with FakeHub(FakeHubConfig(rate_limit=(limit, window))) as hub:
        config = SearchConfig(api=hub.url, reset_margin=margin, out_dir=tmp_path)
        job = GitHubJob(keywords=[f"kw{i}" for i in range(keywords)], config=config)
        result = run_model(model, job, concurrency=10)
        stats = hub.statistics()

    assert result.done == keywords
    windows = sorted(stats.windows, key=lambda w: w.start)
    assert sum(w.accepted for w in windows) == keywords
    assert [w.limited for w in windows[1:]] == [0] * (len(windows) - 1)
    # The limit allows `limit` requests a window: the last batch can start once the
    # (keywords / limit - 1)-th window after the first has reset, plus the margin.
    waits = math.ceil(keywords / limit) - 1
    bound = waits * (window + margin)
    assert result.wall_seconds <= 1.2 * bound


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ["sequential", "asyncio", "handmade"])
def test_the_token_never_follows_a_redirect_to_another_origin(model: str, tmp_path: Path) -> None:
    # requests (sequential), aiohttp (asyncio) and speedlab.loop's client (handmade) all hand
    # the 307 to the job, which follows it itself, without the Authorization header.
    with RecordingServer() as other, RecordingServer(target=other.url) as home:
        config = SearchConfig(api=f"{home.url}/redirect", token=TOKEN, out_dir=tmp_path)
        job = GitHubJob(keywords=["torch"], config=config)
        run_model(model, job, concurrency=_concurrency(model, 1))
        assert home.requests, "the job never reached the first server"
        assert home.requests[0][1].get("authorization") == f"Bearer {TOKEN}"
        assert other.requests, "the redirect was not followed"
        assert all("authorization" not in headers for _, headers in other.requests)
