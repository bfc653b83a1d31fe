"""The processes model's workers: they die with their parent, even when it is killed outright."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.models._hostile import HostileServer


def _wait_for(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.timeout(60)
def test_workers_die_when_their_parent_is_killed_with_sigkill() -> None:
    # SIGKILL gives the parent no chance to clean up: the kernel must end the workers, which
    # are stuck in responses that would last a minute.
    with HostileServer(interval=0.5) as server:
        parent = subprocess.Popen(
            [
                sys.executable, "-m", "speedlab", "github", "drip-headers", "drip-body",
                "--api", server.url, "--out", "/tmp/speedlab-test-unused", "-m", "processes",
                "-c", "2", "--timeout", "60", "-q",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        workers: list[psutil.Process] = []
        try:
            assert _wait_for(lambda: sum(server.requests.values()) >= 2, 30), "never started"
            workers = psutil.Process(parent.pid).children(recursive=True)
            assert len(workers) >= 2
            parent.send_signal(signal.SIGKILL)
            parent.wait(10)
            _, alive = psutil.wait_procs(workers, timeout=10)
            assert alive == [], f"workers outlived their parent: {alive}"
        finally:
            parent.kill()  # a failed test must not leave anything behind either
            parent.wait(10)
            for worker in workers:
                with contextlib.suppress(psutil.NoSuchProcess):
                    worker.kill()
