"""Every model against a hostile server: time and size bounded, Ctrl-C prompt, memory kept.

The GitHub job runs against :class:`~tests.models._hostile.HostileServer`, whose keyword
chooses the misbehaviour: a response dripped a byte at a time must end at ``--timeout``
(whole response, not per read), Ctrl-C must end a worker stuck in one at once, a body over
``--max-bytes`` (announced, streamed forever, chunked forever, or a gzip/deflate
bomb) must fail its keyword after reading about the cap, once, without a retry; and the
process tree's memory must stay small while it happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from speedlab.jobs.github import GitHubJob, SearchConfig
from speedlab.models import RunEvent, RunInterrupted, UnitStarted, models_for, run_model
from tests.models._hostile import HostileServer

ALL = list(models_for("io"))  # every model that runs the GitHub job
MB = 2**20
CAP = MB
# What a loopback connection can hold in flight past the point where the client stops reading
# (socket buffers on both ends); a client that read everything would show gigabytes.
IN_FLIGHT = 16 * MB
TOO_LARGE = ("big", "endless", "chunked", "bomb", "deflate-bomb")


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer(interval=0.25, bomb_mb=64) as server:
        yield server


def _job(server: HostileServer, tmp_path: Path, keywords: list[str], **config: object) -> GitHubJob:
    options: dict[str, object] = {"api": server.url, "out_dir": tmp_path, **config}
    return GitHubJob(keywords=keywords, config=SearchConfig(**options), resume=False)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.timeout(40)
@pytest.mark.parametrize("model", ALL)
def test_timeout_bounds_the_whole_response_even_when_it_drips(
    model: str, hostile: HostileServer, tmp_path: Path
) -> None:
    # Each read gets a byte well within the timeout: only a bound on the whole response ends it.
    job = _job(hostile, tmp_path, ["drip-headers", "drip-body"], timeout=1.0, retries=0)
    started = time.monotonic()
    result = run_model(model, job)
    elapsed = time.monotonic() - started
    for record in result.records:
        assert record.status == "failed"
        assert record.detail == f"no complete response from {hostile.url[7:]} within 1 s"
    assert elapsed < 15  # about 1 s each; without the bound, never


@pytest.mark.slow
@pytest.mark.timeout(20)
@pytest.mark.parametrize("model", ALL)
def test_ctrl_c_ends_a_worker_stuck_in_a_dripping_response_at_once(
    model: str, hostile: HostileServer, tmp_path: Path
) -> None:
    # The responses would take 30 s (the timeout); Ctrl-C must not wait for them.
    timers: list[threading.Timer] = []

    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitStarted) and not timers:
            timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
            timers.append(timer)
            timer.start()

    job = _job(hostile, tmp_path, ["drip-headers", "drip-body"], timeout=30.0)
    started = time.monotonic()
    try:
        with pytest.raises(RunInterrupted) as caught:
            run_model(model, job, on_event=on_event)
    finally:
        for timer in timers:
            timer.join()
    assert time.monotonic() - started < 10
    result = caught.value.result
    assert result.interrupted
    assert result.done == 0
    assert all(r.interrupted for r in result.records)


@pytest.fixture
def never_accepts() -> Iterator[str]:
    """A listener whose accept queue is full: new connections hang in the TCP handshake."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        address = listener.getsockname()
        fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(address)
            fillers.append(filler)
        try:
            yield f"http://127.0.0.1:{address[1]}"
        finally:
            for filler in fillers:
                filler.close()


@pytest.mark.slow
@pytest.mark.timeout(20)
@pytest.mark.parametrize("model", ALL)
def test_ctrl_c_ends_a_worker_stuck_in_a_connect_at_once(
    model: str, never_accepts: str, tmp_path: Path
) -> None:
    config = SearchConfig(api=never_accepts, out_dir=tmp_path, timeout=30.0)
    job = GitHubJob(keywords=["torch", "ml"], config=config, resume=False)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(RunInterrupted) as caught:
            run_model(model, job)
    finally:
        timer.join()
    assert time.monotonic() - started < 10
    assert caught.value.result.done == 0


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ALL)
def test_a_response_over_the_cap_fails_at_once_after_reading_about_the_cap(
    model: str, tmp_path: Path
) -> None:
    with HostileServer(bomb_mb=64) as server:
        job = _job(server, tmp_path, [*TOO_LARGE, "fine"], max_response_bytes=CAP, retries=3)
        result = run_model(model, job)
        requests, sent = dict(server.requests), dict(server.sent)
    for mode in TOO_LARGE:
        record = result.record(mode)
        assert record.status == "failed"
        assert record.detail.startswith("response too large: "), record.detail
        assert record.detail.endswith("(see --max-bytes)")
        assert requests[mode] == 1  # never downloaded again
        assert sent[mode] < CAP + IN_FLIGHT, (mode, sent[mode])
    assert f"more than {CAP} bytes once decompressed" in result.record("bomb").detail
    assert "once decompressed" in result.record("deflate-bomb").detail
    assert "announced 2000000000 bytes" in result.record("big").detail
    assert sent["big"] < IN_FLIGHT  # refused on its Content-Length: nothing read
    assert result.record("fine").status == "done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fine"]


# Run in a fresh interpreter under a cap on its address space (each worker process gets the
# same cap), so that a client reading everything fails instead of swapping the machine.
_UNDER_LIMIT = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from speedlab.cli import main
sys.exit(main(sys.argv[2:]))
"""
ADDRESS_SPACE = 800 * MB


def _speedlab_under_limit(
    args: list[str], limit: int = ADDRESS_SPACE, timeout: float = 50
) -> subprocess.CompletedProcess[str]:
    # One malloc arena: glibc reserves 64 MiB of address space per arena and thread.
    env = {**os.environ, "MALLOC_ARENA_MAX": "1"}
    return subprocess.run(
        [sys.executable, "-c", _UNDER_LIMIT, str(limit), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ALL)
def test_the_process_tree_stays_small_while_huge_responses_are_refused(
    model: str, hostile: HostileServer, tmp_path: Path
) -> None:
    # The default cap (8 MiB) for every response in flight at once, under the default
    # concurrency, and the whole process tree stays small.
    args = ["github", *TOO_LARGE, "--api", hostile.url, "--out", str(tmp_path), "-m", model]
    proc = _speedlab_under_limit([*args, "--json"])
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert [r["status"] for r in data["records"]] == ["failed"] * len(TOO_LARGE)
    assert all("response too large" in r["detail"] for r in data["records"])
    # The peak of this process and of its largest worker process (the processes model).
    assert data["peak_rss_bytes"] < 150 * MB


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ALL)
def test_running_out_of_memory_ends_the_run_with_one_line_and_exit_1(
    model: str, hostile: HostileServer, tmp_path: Path
) -> None:
    # A cap far above the memory there is: the endless body fills it until an allocation fails.
    args = ["github", "fine", "endless", "--api", hostile.url, "--out", str(tmp_path)]
    proc = _speedlab_under_limit(
        [*args, "-m", model, "--max-bytes", str(2**40), "-q"], limit=500 * MB
    )
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("speedlab: error: out of memory"), lines[0]
    assert "Traceback" not in proc.stdout + proc.stderr
    for saved in tmp_path.iterdir():  # whatever was saved is whole
        assert saved.name == "fine"
        assert saved.read_text() == "[]"
