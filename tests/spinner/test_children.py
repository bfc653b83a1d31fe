"""Children of the spinner never outlive their parent, even one killed with SIGKILL."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

# A parent that starts a spinner process (and a pool worker), says their pids, and waits to die.
PARENT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from speedlab.spinner import Spinner, SpinnerProcess
from speedlab.spinner._children import context, prepare_child

beside = SpinnerProcess(Spinner(stream=None))
beside.start()
pool = ProcessPoolExecutor(1, mp_context=context(), initializer=prepare_child,
                           initargs=(os.getpid(),))
worker = pool.submit(os.getpid).result()
print(beside.pid, worker, flush=True)
time.sleep(600)
"""


def dead(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE  # dead, not yet reaped
    except psutil.NoSuchProcess:
        return True


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_children_die_with_a_parent_killed_by_sigkill() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        children = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(children) == 2
        assert not any(dead(pid) for pid in children)
        parent.kill()  # no clean-up runs: only the kernel can stop the children now
        parent.wait(10)
        deadline = time.monotonic() + 10
        while not all(dead(pid) for pid in children):
            assert time.monotonic() < deadline, "a child outlived its parent"
            time.sleep(0.02)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]
