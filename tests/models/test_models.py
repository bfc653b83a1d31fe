"""Every model runs any job the same way: records, workers, attempts, stops, Ctrl-C, cleanup."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator

import pytest

from speedlab._constants import ASYNCIO_MAX_CONNECTIONS, DEFAULT_ASYNCIO_TASKS
from speedlab.jobs.effects import Call, CallResult
from speedlab.jobs.sleep import SLOW_RESULT, SleepJob
from speedlab.models import (
    MODELS,
    RunEvent,
    RunInterrupted,
    RunOutOfMemory,
    RunStarted,
    StopSignal,
    UnitFinished,
    UnitStarted,
    UnitWaiting,
    _async_family,
    aio,
    models_for,
    run_model,
)
from speedlab.models._async_family import QuickCalls
from speedlab.models._unit import INTERRUPTED
from tests.models._jobs import (
    CallJob,
    CrashJob,
    HttpJob,
    HttpStats,
    MemoryJob,
    QuickCallJob,
    RendezvousJob,
    StuckJob,
)
from tests.models._servers import RecordingServer

ALL = list(models_for("io"))  # the CPU-only models have their own tests
CONCURRENT = [m for m in ALL if MODELS[m].family != "sequential"]
# What each family calls its workers: "main", "thread-3" or "pid 1234", "task-7".
PREFIX = {"sequential": "main", "executor": "thread-", "async": "task-"}
TOKEN = "tok_models_7f3a9c"


def _concurrency(model: str, wanted: int) -> int | None:
    return None if model == "sequential" else wanted


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer(fail=2, delay=30.0) as srv:
        yield srv


# ------------------------------------------------------------------------------ sleep job


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_sleep_job_gives_one_done_record_per_unit_in_job_order(model: str) -> None:
    job = SleepJob(count=6, seconds=0.02, steps=2)
    result = run_model(model, job, concurrency=_concurrency(model, 3))

    assert result.model == model
    assert result.job == "sleep"
    assert [r.key for r in result.records] == [f"sleep-{i}" for i in range(6)]
    assert {r.status for r in result.records} == {"done"}
    assert all(r.data == {"result": SLOW_RESULT} for r in result.records)
    assert all(r.waited == pytest.approx(0.02) for r in result.records)
    assert all(0 <= r.start <= r.end <= result.wall_seconds for r in result.records)
    assert (result.statistics(), result.failures) == (None, 0)
    assert result.not_run == ()
    assert not result.interrupted
    assert result.peak_rss_bytes > 10 * 2**20
    assert result.cpu_seconds >= 0


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", [m for m in ALL if m != "processes"])
def test_worker_labels_name_the_model_s_workers(model: str) -> None:
    prefix = PREFIX[MODELS[model].family]
    result = run_model(model, SleepJob(count=4, seconds=0), concurrency=_concurrency(model, 2))
    assert result.workers
    assert all(w.startswith(prefix) for w in result.workers)
    assert len(result.workers) <= (1 if model == "sequential" else 2)


@pytest.mark.timeout(30)
def test_process_workers_are_other_processes() -> None:
    import os

    result = run_model("processes", SleepJob(count=4, seconds=0), concurrency=2)
    pids = {int(w.removeprefix("pid ")) for w in result.workers}
    assert 1 <= len(pids) <= 2
    assert os.getpid() not in pids


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", CONCURRENT)
def test_concurrent_models_really_run_concurrency_units_at_once(model: str) -> None:
    # Each unit waits until all four have started: a model running fewer at once fails them.
    result = run_model(model, RendezvousJob(count=4), concurrency=4)
    assert [r.status for r in result.records] == ["done"] * 4, result.records
    assert len(result.workers) == 4


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_skipped_units_come_first_as_skipped_records_and_are_not_run(model: str) -> None:
    job = SleepJob(count=4, seconds=0, done={"sleep-1", "sleep-3"})
    events: list[RunEvent] = []
    result = run_model(model, job, concurrency=_concurrency(model, 2), on_event=events.append)

    assert [(r.key, r.status) for r in result.records] == [
        ("sleep-1", "skipped"),
        ("sleep-3", "skipped"),
        ("sleep-0", "done"),
        ("sleep-2", "done"),
    ]
    assert result.skipped == 2
    assert result.done == 2
    assert result.record("sleep-1").detail == "done in an earlier run"
    started = [e.key for e in events if isinstance(e, UnitStarted)]
    assert sorted(started) == ["sleep-0", "sleep-2"]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_events_come_on_the_caller_thread_in_order_per_unit(model: str) -> None:
    caller = threading.get_ident()
    threads_seen: set[int] = set()
    events: list[RunEvent] = []

    def on_event(event: RunEvent) -> None:
        threads_seen.add(threading.get_ident())
        events.append(event)

    job = SleepJob(count=3, seconds=0.01, steps=2, done={"sleep-2"})
    run_model(model, job, concurrency=_concurrency(model, 2), on_event=on_event)

    assert threads_seen == {caller}
    assert events[0] == RunStarted(model, "sleep", 1 if model == "sequential" else 2, 2, 1)
    assert isinstance(events[1], UnitFinished)
    assert events[1].record.status == "skipped"
    for key in ("sleep-0", "sleep-1"):
        mine = [
            e
            for e in events[2:]
            if getattr(e, "key", None) == key
            or (isinstance(e, UnitFinished) and e.record.key == key)
        ]
        kinds = [type(e) for e in mine]
        assert kinds == [UnitStarted, UnitWaiting, UnitWaiting, UnitFinished]
        waits = [e for e in mine if isinstance(e, UnitWaiting)]
        assert [w.reason for w in waits] == [
            "slow function, nap 1 of 2",
            "slow function, nap 2 of 2",
        ]
        assert waits[0].seconds == pytest.approx(0.005)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_a_unit_that_raises_fails_alone_with_the_error_as_reason(model: str) -> None:
    result = run_model(model, CrashJob(), concurrency=_concurrency(model, 2))
    assert [(r.key, r.status) for r in result.records] == [
        ("a", "done"),
        ("boom", "failed"),
        ("c", "done"),
    ]
    assert result.record("boom").detail == "internal error in the job: RuntimeError: boom"
    assert result.failures == 1


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_an_empty_job_gives_an_empty_result(model: str) -> None:
    result = run_model(model, SleepJob(count=0), concurrency=_concurrency(model, 2))
    assert result.records == ()
    assert not result.interrupted


# ------------------------------------------------------------------------------- HTTP job


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_http_job_counts_attempts_and_retries(model: str, server: RecordingServer) -> None:
    job = HttpJob(server.url, ("k1", "k2", "k3"), route="flaky", retries=3)
    result = run_model(model, job, concurrency=_concurrency(model, 3))

    for key in ("k1", "k2", "k3"):
        record = result.record(key)
        assert record.status == "done"
        assert record.data["body"] == {"key": key}
        assert (record.attempts, record.stats) == (3, HttpStats(requests=3, retries=2))
        assert server.count(f"/flaky/{key}") == 3
    assert result.statistics() == HttpStats(requests=9, retries=6)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_http_replies_have_lower_case_headers_and_the_raw_body(
    model: str, server: RecordingServer
) -> None:
    result = run_model(model, HttpJob(server.url, ("x",)), concurrency=_concurrency(model, 1))
    data = result.record("x").data
    assert data["status"] == 200
    assert data["content_type"] == "application/json"
    assert all(name == name.lower() for name in data["header_names"])
    assert "content-length" in data["header_names"]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_dropped_connections_become_connection_errors(model: str, server: RecordingServer) -> None:
    job = HttpJob(server.url, ("d",), route="drop", retries=1)
    record = run_model(model, job, concurrency=_concurrency(model, 1)).record("d")
    assert record.status == "failed"
    assert record.data["kind"] == "connection"
    assert record.attempts == 2
    assert server.count("/drop/d") == 2  # no transport resends on its own


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_slow_responses_become_timeouts(model: str, server: RecordingServer) -> None:
    job = HttpJob(server.url, ("s",), route="slow", retries=0, timeout=0.2)
    record = run_model(model, job, concurrency=_concurrency(model, 1)).record("s")
    assert record.status == "failed"
    assert record.data["kind"] == "timeout"


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_refused_connections_become_connection_errors(model: str) -> None:
    with RecordingServer() as srv:
        base = srv.url
    job = HttpJob(base, ("r",), retries=0)  # nobody listens there any more
    record = run_model(model, job, concurrency=_concurrency(model, 1)).record("r")
    assert (record.status, record.data["kind"]) == ("failed", "connection")


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_redirects_are_not_followed_so_the_token_stays_home(model: str) -> None:
    with RecordingServer() as other, RecordingServer(target=other.url) as home:
        job = HttpJob(home.url, ("a", "b"), route="redirect", token=TOKEN)
        result = run_model(model, job, concurrency=_concurrency(model, 2))
        assert other.requests == []
        assert [h.get("authorization") for _, h in home.requests] == [f"Bearer {TOKEN}"] * 2
    record = result.record("a")
    assert record.data["status"] == 307
    assert record.data["location"] == f"{other.url}/a"
    assert TOKEN not in result.to_json()


# ---------------------------------------------------------------------- stopping, Ctrl-C


def _stop_after_first_start(stop: StopSignal, starts: int = 1):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitStarted):
            seen.append(event.key)
            if len(seen) >= starts:
                stop.set()

    return on_event


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_stop_event_ends_long_sleeps_and_leaves_the_rest_unrun(model: str) -> None:
    stop = StopSignal()
    job = SleepJob(count=10, seconds=600, steps=1)  # would outlive the test's timeout
    n = 1 if model == "sequential" else 2
    result = run_model(
        model,
        job,
        concurrency=_concurrency(model, n),
        on_event=_stop_after_first_start(stop, n),
        stop=stop,
    )
    assert result.interrupted
    cut = [r for r in result.records if r.status == "failed"]
    assert 1 <= len(cut) <= n
    assert all(r.detail == INTERRUPTED and r.interrupted for r in cut)
    assert (result.done, result.failures, result.cut_short) == (0, 0, len(cut))
    assert len(result.not_run) == 10 - len(cut)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_ctrl_c_in_the_caller_stops_everything_and_carries_the_partial_result(
    model: str,
) -> None:
    finished: list[str] = []

    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitFinished):
            finished.append(event.record.key)
            if len(finished) == 2:
                raise KeyboardInterrupt

    job = SleepJob(count=3 if model == "sequential" else 12, seconds=0.05)
    with pytest.raises(RunInterrupted) as caught:
        run_model(model, job, concurrency=_concurrency(model, 2), on_event=on_event)

    result = caught.value.result
    assert isinstance(caught.value, KeyboardInterrupt)
    assert result.interrupted
    assert result.model == model
    assert result.done >= 2
    assert {r.key for r in result.records} | set(result.not_run) == set(job.units())
    assert result.not_run


@pytest.mark.timeout(30)
def test_ctrl_c_during_a_long_sleep_in_the_threads_model_is_prompt() -> None:
    # The main thread gets the KeyboardInterrupt; the workers must wake from a 600 s sleep.
    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitWaiting):
            raise KeyboardInterrupt

    with pytest.raises(RunInterrupted) as caught:
        run_model("threads", SleepJob(count=4, seconds=600), concurrency=4, on_event=on_event)
    result = caught.value.result
    assert all(r.detail == INTERRUPTED for r in result.records)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_an_error_in_the_event_handler_stops_the_run_and_propagates(model: str) -> None:
    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitStarted):
            raise ValueError("handler broke")

    with pytest.raises(ValueError, match="handler broke"):
        run_model(
            model,
            SleepJob(count=20, seconds=0.01),
            concurrency=_concurrency(model, 2),
            on_event=on_event,
        )


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_a_real_sigint_interrupts_every_model_cleanly(model: str) -> None:
    # What Ctrl-C does: one SIGINT to this process while units sleep for ten minutes.
    sent: list[bool] = []

    def on_event(event: RunEvent) -> None:
        if isinstance(event, UnitWaiting) and not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)

    job = SleepJob(count=6, seconds=600)
    with pytest.raises(RunInterrupted) as caught:
        run_model(model, job, concurrency=_concurrency(model, 2), on_event=on_event)
    result = caught.value.result
    assert result.interrupted
    assert result.done == 0
    assert all(r.detail == INTERRUPTED for r in result.records)
    assert len(result.records) + len(result.not_run) == 6


@pytest.mark.timeout(30)
def test_a_second_sigint_kills_process_workers_stuck_in_work_that_cannot_be_cut() -> None:
    # A request is broken off by the first Ctrl-C; a Compute cannot be: the first Ctrl-C asks
    # the workers to stop, the second one kills them, and the lost units count as interrupted.
    timers: list[threading.Timer] = []

    def on_event(event: RunEvent) -> None:
        # Both Ctrl-Cs once the units are surely inside their Compute (they enter it right
        # after they start): one earlier would find them before it, and stop them there.
        if isinstance(event, UnitStarted) and not timers:
            for delay in (0.3, 0.6):
                timers.append(threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT)))
                timers[-1].start()

    try:
        with pytest.raises(RunInterrupted) as caught:
            run_model("processes", StuckJob(keys=("s1", "s2")), concurrency=2, on_event=on_event)
    finally:
        for timer in timers:
            timer.join()
    result = caught.value.result
    assert result.done == 0
    assert all(r.interrupted and r.detail == INTERRUPTED for r in result.records), result.records
    assert multiprocessing.active_children() == []


@pytest.mark.timeout(60)
# Every model, the CPU-only ones too; dask on its test module's cluster (tests/models/test_dask).
@pytest.mark.parametrize("model", [m for m in MODELS if m != "dask"])
def test_running_out_of_memory_in_a_unit_stops_the_whole_run(model: str) -> None:
    with pytest.raises(RunOutOfMemory) as caught:
        run_model(model, MemoryJob(), concurrency=_concurrency(model, 2))
    result = caught.value.result
    oom = result.record("oom")
    assert (oom.status, oom.detail, oom.interrupted) == ("failed", "out of memory", False)
    assert result.interrupted
    where = {"processes": "a worker process", "threads": "a worker thread"}
    place = where.get(model, "this process")
    assert str(caught.value).startswith(f"out of memory in {place}: the {model} run of memory")
    assert caught.value.exit_code == 1
    # The run stopped instead of going on to fail the other units one by one.
    assert result.not_run
    assert len(result.records) + len(result.not_run) == len(MemoryJob().keys)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_a_stop_set_before_the_run_starts_no_unit(model: str) -> None:
    stop = StopSignal()
    stop.set()
    result = run_model(
        model, SleepJob(count=5, seconds=600), concurrency=_concurrency(model, 2), stop=stop
    )
    assert result.records == ()
    assert result.not_run == tuple(f"sleep-{i}" for i in range(5))
    assert result.interrupted


@pytest.mark.parametrize("model", ALL)
def test_blocking_calls_run_off_the_event_loop_only_under_async_models(model: str) -> None:
    result = run_model(model, CallJob(keys=("a", "b")), concurrency=_concurrency(model, 2))
    assert [r.status for r in result.records] == ["done", "done"]
    # The exception a call raised comes back in its CallResult, it does not crash the unit.
    assert [r.detail for r in result.records] == ["PermissionError", "PermissionError"]
    for record in result.records:
        thread, pid = record.data["thread"], record.data["pid"]
        if MODELS[model].family == "async":
            assert thread != threading.main_thread().name  # a worker thread, not the loop's
            assert pid == os.getpid()
        elif model == "processes":
            assert pid != os.getpid()
        elif model == "sequential":
            assert thread == threading.main_thread().name
        else:
            assert thread != threading.main_thread().name


@pytest.mark.parametrize("model", [m for m in ALL if MODELS[m].family == "async"])
def test_quick_calls_run_on_the_loop_while_they_stay_quick(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_async_family, "QUICK_CALL_LIMIT", 60.0)  # quick, however busy the box
    loop_thread = threading.main_thread().name
    result = run_model(model, QuickCallJob(), concurrency=1)
    threads = result.record("a").data
    # No thread hop for a quick call; a call not marked quick still goes to a worker thread.
    assert threads["before"] == threads["after"] == loop_thread
    assert threads["plain"] != loop_thread


@pytest.mark.parametrize("model", [m for m in ALL if MODELS[m].family == "async"])
def test_after_one_slow_quick_call_the_next_ones_go_to_a_worker_thread(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_async_family, "QUICK_CALL_LIMIT", 0.2)
    loop_thread = threading.main_thread().name
    threads = run_model(model, QuickCallJob(nap=0.5), concurrency=1).record("a").data
    assert threads["before"] == loop_thread
    assert threads["after"] != loop_thread  # the slow call moved the rest off the loop


def test_quick_calls_leave_the_loop_after_the_first_that_overran() -> None:
    ticks = iter([0.0, 0.001, 1.0, 1.5, 2.0])  # the second call takes 0.5 s
    quick = QuickCalls(limit=0.1, clock=lambda: next(ticks))
    call = Call(divmod, 7, 2, quick=True)
    assert quick.run(call) == CallResult((3, 1))
    assert quick.inline
    assert quick.run(call) == CallResult((3, 1))
    assert not quick.inline


def test_asyncio_tasks_share_one_connection_each_up_to_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert aio.connections_for(1) == 1
    assert aio.connections_for(ASYNCIO_MAX_CONNECTIONS) == ASYNCIO_MAX_CONNECTIONS
    assert aio.connections_for(DEFAULT_ASYNCIO_TASKS) == ASYNCIO_MAX_CONNECTIONS
    limits: list[int] = []

    class Recording(aio.AiohttpTransport):
        def __init__(self, *, limit: int) -> None:
            limits.append(limit)
            super().__init__(limit=limit)

    monkeypatch.setattr(aio, "AiohttpTransport", Recording)
    assert run_model("asyncio", SleepJob(count=3, seconds=0)).concurrency == DEFAULT_ASYNCIO_TASKS
    run_model("asyncio", SleepJob(count=3, seconds=0), concurrency=7)
    assert limits == [ASYNCIO_MAX_CONNECTIONS, 7]
