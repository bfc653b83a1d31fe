"""The usage examples in the lesson's docstrings run as written (doctest)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "speedlab.lesson",
    "speedlab.lesson._arithmetic",
    "speedlab.lesson._asyncio_demo",
    "speedlab.lesson._narrator",
    "speedlab.lesson.asyncio_basics",
    "speedlab.lesson.delegation",
    "speedlab.lesson.demos",
    "speedlab.lesson.generators",
    "speedlab.lesson.provider",
    "speedlab.lesson.request_runner",
    "speedlab.lesson.running_average",
    "speedlab.lesson.threads_processes",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
