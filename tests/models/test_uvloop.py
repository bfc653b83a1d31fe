"""The asyncio model on uvloop: really uvloop, the same files, and every way a run stops.

The checks every model passes (stops, Ctrl-C, SIGINT, memory, errors of the event handler)
are the ones of :mod:`tests.models.test_models`, run again with ``run_model`` bound to
``loop="uvloop"``, and a spy on ``uvloop.new_event_loop`` proves each ran on uvloop's loop.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import tests.models.test_models as every_model
from speedlab._exceptions import UsageError
from speedlab.fakehub import FakeHub, FakeHubConfig
from speedlab.jobs.github import DEFAULT_KEYWORDS, GitHubJob, SearchConfig
from speedlab.jobs.sleep import SleepJob
from speedlab.models import MODELS, RunEvent, RunInterrupted, RunOutOfMemory, run_model
from speedlab.models.aio import LOOPS, UVLOOP_MISSING
from tests.models._await_jobs import AwaitJob

uvloop = pytest.importorskip("uvloop")  # `make install` installs it wherever it builds

FETCHED_AT = "2026-01-02T03:04:05Z"


@pytest.fixture
def uvloops_made(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Count the loops uvloop makes (the model asks ``uvloop.new_event_loop`` for its loop)."""
    made: list[object] = []
    real = uvloop.new_event_loop

    def spy() -> object:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(uvloop, "new_event_loop", spy)
    return made


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("loop", "expected"),
    [("asyncio", "asyncio.unix_events._UnixSelectorEventLoop"), ("uvloop", "uvloop.Loop")],
)
def test_the_units_run_on_the_loop_asked_for_and_the_process_keeps_its_own(
    loop: str, expected: str
) -> None:
    result = run_model("asyncio", AwaitJob(values=(1, 2), fn="loop_type"), loop=loop)
    assert [r.data["value"] for r in result.records] == [expected, expected]

    # No global policy was installed: a plain asyncio.run still gets asyncio's own loop.
    async def which() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert asyncio.run(which()).startswith("asyncio")


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["list", "json"])
def test_the_github_job_on_uvloop_writes_the_bytes_of_asyncio_s_loop(
    fmt: str, tmp_path: Path, uvloops_made: list[object]
) -> None:
    files: dict[str, dict[str, bytes]] = {}
    with FakeHub(FakeHubConfig(latency=0.005, jitter=0.01)) as hub:
        for loop in LOOPS:
            out = tmp_path / loop
            config = SearchConfig(api=hub.url, per_page=10, pages=2, format=fmt, out_dir=out)
            job = GitHubJob(keywords=DEFAULT_KEYWORDS, config=config, fetched_at=FETCHED_AT)
            result = run_model("asyncio", job, concurrency=4, loop=loop)
            assert (result.done, result.failures) == (8, 0)
            files[loop] = _files(out)
    assert len(uvloops_made) == 1
    assert len(files["uvloop"]) == 8
    assert files["uvloop"] == files["asyncio"]


# The checks of every model (tests/models/test_models.py) that need no server of their own.
EVERY_MODEL_CHECKS: list[Callable[[str], None]] = [
    every_model.test_stop_event_ends_long_sleeps_and_leaves_the_rest_unrun,
    every_model.test_ctrl_c_in_the_caller_stops_everything_and_carries_the_partial_result,
    every_model.test_an_error_in_the_event_handler_stops_the_run_and_propagates,
    every_model.test_a_real_sigint_interrupts_every_model_cleanly,
    every_model.test_running_out_of_memory_in_a_unit_stops_the_whole_run,
    every_model.test_a_stop_set_before_the_run_starts_no_unit,
    every_model.test_blocking_calls_run_off_the_event_loop_only_under_async_models,
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("check", EVERY_MODEL_CHECKS, ids=lambda check: check.__name__[5:])
def test_every_model_s_checks_hold_on_uvloop(
    check: Callable[[str], None], monkeypatch: pytest.MonkeyPatch, uvloops_made: list[object]
) -> None:
    monkeypatch.setattr(every_model, "run_model", functools.partial(run_model, loop="uvloop"))
    check("asyncio")
    assert len(uvloops_made) == 1


@pytest.mark.timeout(30)
@pytest.mark.parametrize("loop", LOOPS)
def test_memory_running_out_in_a_loop_callback_stops_the_run_on_either_loop(loop: str) -> None:
    # Not in a unit: in a callback of the loop, which only the loop's exception handler sees.
    job = AwaitJob(values=(1, 2, 3), seconds=600, fn="memory_error_in_a_callback")
    with pytest.raises(RunOutOfMemory) as caught:
        run_model("asyncio", job, concurrency=3, loop=loop)
    result = caught.value.result
    assert result.interrupted
    assert result.done == 0
    assert len(result.records) == 3
    assert all(r.interrupted for r in result.records)


@pytest.mark.timeout(30)
def test_an_interrupt_in_a_protocol_callback_stops_the_run_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # SIGTERM (or Ctrl-C) landing in aiohttp's data_received: asyncio's loop re-raises it,
    # uvloop swallows it and reports a transport's fatal error, with a traceback, to the
    # loop's exception handler. The model's handler makes it the run's interruption.
    # Units that wait 10 s: unstopped, they would end "done" (a longer wait would hang the
    # test: pytest-timeout's own signal lands in uvloop's callbacks too).
    job = AwaitJob(values=(1, 2), seconds=10, fn="interrupt_in_a_protocol_callback")
    with pytest.raises(RunInterrupted) as caught:
        run_model("asyncio", job, concurrency=2, loop="uvloop")
    result = caught.value.result
    assert result.interrupted
    assert result.done == 0
    assert caplog.records == []  # no "Fatal error on transport" with its traceback


def test_without_uvloop_the_uvloop_loop_is_refused_in_one_line_before_anything_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # what an import finds when it is missing
    events: list[RunEvent] = []
    threads = threading.active_count()
    with pytest.raises(UsageError) as caught:
        run_model("asyncio", SleepJob(count=2, seconds=600), loop="uvloop", on_event=events.append)
    assert str(caught.value) == UVLOOP_MISSING
    assert str(caught.value) == "the uvloop loop needs uvloop: pip install 'speedlab[uvloop]'"
    assert caught.value.__cause__ is None
    assert events == []
    assert threading.active_count() == threads
    # asyncio's own loop needs nothing more.
    assert run_model("asyncio", SleepJob(count=2, seconds=0), loop="asyncio").done == 2


@pytest.mark.parametrize(
    ("model", "loop", "message"),
    [
        ("asyncio", "tokio", "unknown event loop 'tokio'; choose from asyncio, uvloop"),
        ("threads", "tokio", "unknown event loop 'tokio'; choose from asyncio, uvloop"),
        ("threads", "uvloop", "the threads model does not run on uvloop: only asyncio does"),
        ("handmade", "uvloop", "the handmade model does not run on uvloop: only asyncio does"),
        ("asyncio", "a\x1b[2J", r"unknown event loop 'a\x1b[2J'"),
    ],
)
def test_a_loop_the_model_does_not_run_on_is_a_usage_error(
    model: str, loop: str, message: str
) -> None:
    events: list[RunEvent] = []
    with pytest.raises(UsageError) as caught:
        run_model(model, SleepJob(count=2, seconds=600), loop=loop, on_event=events.append)
    assert message in str(caught.value)
    assert "\x1b" not in str(caught.value)
    assert events == []


@pytest.mark.parametrize("model", list(MODELS))
def test_every_model_accepts_the_default_loop_and_only_asyncio_offers_another(model: str) -> None:
    spec = MODELS[model]
    assert spec.check_loop("asyncio") == "asyncio"
    assert spec.loops == (("asyncio", "uvloop") if model == "asyncio" else ())
    if model in ("sequential", "threads", "asyncio", "handmade"):  # quick without a cluster
        assert run_model(model, SleepJob(count=1, seconds=0), loop="asyncio").done == 1
