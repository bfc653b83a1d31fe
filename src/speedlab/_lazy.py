"""Lazy re-exports (PEP 562), so that ``import speedlab`` costs almost nothing.

A package lists what it re-exports and from which module; a name's module is imported the
first time the name is used. ``speedlab --version`` then needs neither aiohttp nor requests
nor msgspec, yet ``from speedlab import FakeHub`` works as before. Each package keeps the
real imports under ``if TYPE_CHECKING:`` for type checkers, and a test checks that both
lists agree.

    __getattr__, __dir__ = lazy_exports(__name__, {"FakeHub": "speedlab.fakehub"})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a module ``__getattr__`` and ``__dir__`` that import each export when first used.

    Args:
        package: The package's ``__name__``.
        exports: Each public name and the module that defines it.

    Returns:
        ``(__getattr__, __dir__)`` for the package's namespace. A value, once imported, is
        stored in the namespace, so later accesses cost nothing.
    """
    table = dict(exports)

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *table})

    return __getattr__, __dir__
