"""Fixtures for every model test."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator

import pytest


def our_threads() -> set[threading.Thread]:
    """The live threads, but for distributed's one "Dask-Offload" thread.

    distributed keeps that thread (its module-level offload executor) for the life of the
    process, by design, from the first client on: it is not a model's to join.
    """
    return {t for t in threading.enumerate() if not t.name.startswith("Dask-Offload")}


@pytest.fixture(autouse=True)
def _no_leftovers() -> Iterator[None]:
    """Every model must join its threads and processes on every path."""
    before = our_threads()
    yield
    assert our_threads() == before
    assert multiprocessing.active_children() == []
