"""Fixtures of the fakehub tests: servers on 127.0.0.1, stopped and joined after each test."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from speedlab.fakehub import FakeHub, FakeHubConfig
from tests.fakehub.client import MakeHub, Tls, make_tls


@pytest.fixture
def make_hub() -> Iterator[MakeHub]:
    """Start a FakeHub with ``FakeHubConfig(**settings)``; each is closed after the test."""
    with contextlib.ExitStack() as stack:

        def make(*, clock: Callable[[], float] | None = None, **settings: Any) -> FakeHub:
            extra: dict[str, Any] = {} if clock is None else {"clock": clock}
            return stack.enter_context(FakeHub(FakeHubConfig(**settings), **extra))

        yield make


@pytest.fixture
def hub(make_hub: MakeHub) -> FakeHub:
    """A FakeHub with the default config."""
    return make_hub()


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """Certificates made by ``trustme`` (no network, no system trust store touched)."""
    return make_tls(tmp_path_factory.mktemp("tls"))
