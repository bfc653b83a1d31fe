"""Fixtures for every model test."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_leftovers() -> Iterator[None]:
    """Every model must join its threads and processes on every path."""
    before = threading.active_count()
    yield
    assert threading.active_count() == before
    assert multiprocessing.active_children() == []
