"""The dask model: on a LocalCluster the test starts, on a scheduler and a worker started as
separate processes (the --scheduler path), its own local cluster, refusals and stops.

A cluster costs seconds, so the module shares one (two single-threaded worker processes).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from speedlab._exceptions import CannotShare, ClusterError
from speedlab.cli import main
from speedlab.jobs.github import GitHubJob, SearchConfig
from speedlab.jobs.primes import PrimeJob
from speedlab.jobs.sleep import SleepJob
from speedlab.lesson.primes import is_prime
from speedlab.models import RunOutOfMemory, StopSignal, dask, run_model
from speedlab.models._unit import INTERRUPTED
from tests.models._jobs import MemoryJob, NapJob
from tests.models.conftest import our_threads

pytestmark = pytest.mark.timeout(60)

NUMBERS = (97, 91, 2**31 - 1, 10**12 + 39, 561, 1, 2)
DASK_CLI = Path(sys.executable).with_name("dask")


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    ) as local:
        yield local


@pytest.fixture
def observer(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster, set_as_default=False) as client:
        yield client


@pytest.fixture(autouse=True)
def _no_leftovers(cluster: LocalCluster) -> Iterator[None]:
    """The package's check, with the module's cluster allowed to stay: nothing else may."""
    processes = {p.pid for p in multiprocessing.active_children()}
    threads = our_threads()
    yield
    assert our_threads() <= threads
    assert {p.pid for p in multiprocessing.active_children()} <= processes


def _worker_pids(client: Client) -> dict[str, int]:
    pids: dict[str, int] = client.run(os.getpid)
    return pids


def _stop_when_busy(client: Callable[[], Client | None], stop: StopSignal) -> None:
    """Set ``stop`` half a second after both workers have a task (or after 40 s)."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        current = client()
        if current is not None and sum(map(len, current.processing().values())) >= 2:
            break
        time.sleep(0.05)
    time.sleep(0.5)
    stop.set()


def test_a_local_cluster_started_by_the_test_gives_the_answers(
    cluster: LocalCluster, observer: Client
) -> None:
    result = dask.run(PrimeJob(numbers=NUMBERS), scheduler=cluster.scheduler_address)
    assert [r.key for r in result.records] == [str(n) for n in NUMBERS]
    assert [r.data["prime"] for r in result.records] == [is_prime(n) for n in NUMBERS]
    assert (result.model, result.concurrency, result.interrupted) == ("dask", 2, False)
    assert set(result.workers) <= set(_worker_pids(observer))
    assert all(0 <= r.start <= r.end <= result.wall_seconds for r in result.records)


def test_units_run_in_the_cluster_s_worker_processes(
    cluster: LocalCluster, observer: Client
) -> None:
    job = NapJob(tuple((f"n{i}", 0.0) for i in range(4)))
    result = dask.run(job, scheduler=cluster.scheduler_address)
    pids = {r.data["pid"] for r in result.records}
    assert pids <= set(_worker_pids(observer).values())
    assert os.getpid() not in pids
    assert {r.worker for r in result.records} <= set(_worker_pids(observer))


def test_the_github_job_is_refused_before_anything_starts(tmp_path: Path) -> None:
    job = GitHubJob(keywords=("torch",), config=SearchConfig(out_dir=tmp_path))
    # Nothing listens there: reaching for it would be a ClusterError, not a refusal.
    with pytest.raises(CannotShare) as refused:
        dask.run(job, scheduler="tcp://127.0.0.1:9")
    assert str(refused.value) == (
        "cannot run the github job: the dask model cannot run a job whose workers share "
        "state (its workers may run on other machines); choose another model"
    )
    with pytest.raises(CannotShare):
        run_model("dask", job)  # the default, a local cluster, is not started either
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_scheduler_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask, "CONNECT_TIMEOUT", 0.5)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{sock.getsockname()[1]}"  # bound, never listening
    with pytest.raises(ClusterError, match=f"cannot reach the dask scheduler at {address}: "):
        dask.run(PrimeJob(numbers=(7,)), scheduler=address)


def test_running_out_of_memory_on_a_worker_stops_the_whole_run(
    cluster: LocalCluster, observer: Client
) -> None:
    with pytest.raises(RunOutOfMemory, match=r"^out of memory in a worker: the dask run") as caught:
        dask.run(MemoryJob(), scheduler=cluster.scheduler_address)
    result = caught.value.result
    assert (result.record("oom").detail, result.interrupted) == ("out of memory", True)
    assert result.not_run


def test_a_stop_wakes_units_sleeping_on_the_cluster(
    cluster: LocalCluster, observer: Client
) -> None:
    # Both workers sleep ten minutes in a unit; the stop flag lives on the scheduler.
    stop = StopSignal()
    watcher = threading.Thread(target=_stop_when_busy, args=(lambda: observer, stop))
    watcher.start()
    try:
        result = dask.run(
            SleepJob(count=2, seconds=600), scheduler=cluster.scheduler_address, stop=stop
        )
    finally:
        watcher.join()
    assert result.interrupted
    assert result.done == 0
    # Had they slept on, their single threads would still be busy for ten minutes.
    for address in _worker_pids(observer):
        future = observer.submit(abs, -3, workers=[address], pure=False)
        assert future.result(timeout=20) == 3


def test_a_stop_kills_the_workers_of_the_model_s_own_cluster() -> None:
    # Ten-minute computations on a local cluster of the model's own: dask cannot interrupt
    # a task, so the run ends early only because the model kills its workers.
    stop = StopSignal()
    model = dask.DaskModel()
    watcher = threading.Thread(target=_stop_when_busy, args=(lambda: model.client, stop))
    watcher.start()
    try:
        with model:
            result = model.run(NapJob((("a", 600.0), ("b", 600.0))), concurrency=2, stop=stop)
    finally:
        watcher.join()
    assert result.interrupted
    assert result.done == 0
    assert set(result.not_run) | {r.key for r in result.records} == {"a", "b"}
    assert all(r.detail == INTERRUPTED for r in result.records)
    assert model.client is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.fixture
def remote_scheduler() -> Iterator[str]:
    """``dask scheduler`` and one ``dask worker``, separate processes on 127.0.0.1."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    common = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    scheduler = subprocess.Popen(
        [str(DASK_CLI), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
         "--no-dashboard", "--dashboard-address", "127.0.0.1:0"],
        **common,
    )  # fmt: skip
    worker = None
    try:
        worker = subprocess.Popen(
            [str(DASK_CLI), "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
             "--nworkers", "1", "--no-dashboard", "--death-timeout", "60"],
            **common,
        )  # fmt: skip
        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=30)
        yield address
    finally:
        if worker is not None:
            _stop_group(worker)
        _stop_group(scheduler)


def test_a_scheduler_and_a_worker_started_as_separate_processes(
    remote_scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = dask.run(PrimeJob(numbers=NUMBERS), scheduler=remote_scheduler)
    assert [r.data["prime"] for r in result.records] == [is_prime(n) for n in NUMBERS]
    assert result.concurrency == 1  # the cluster's one thread
    assert len(result.workers) == 1
    assert result.workers[0].startswith("tcp://127.0.0.1:")

    # The command line's --scheduler path, end to end.
    argv = ["primes", "--check", "97", "91", "--model", "dask", "--scheduler", remote_scheduler]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0
    assert out == "97 is prime\n91 is composite\n"
    assert err.startswith("speedlab: checked 2 numbers in ")
    assert err.endswith(" s under dask (1 worker)\n")


def _scratch_of_workers(dask_worker: object) -> str:
    return str(dask_worker.local_directory)  # type: ignore[attr-defined]


def test_the_local_cluster_keeps_its_scratch_files_in_a_folder_of_its_own_removed_after() -> None:
    # Not dask's shared /tmp/dask-scratch-space, which outlives the run.
    model = dask.DaskModel()
    with model:
        model.run(PrimeJob((97,)), concurrency=1)
        scratch = model._scratch
        assert scratch is not None
        places = model.client.run(_scratch_of_workers).values()
        assert all(p.startswith(scratch.name) for p in places)
    assert not Path(scratch.name).exists()
