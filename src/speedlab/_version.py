"""The package's version, in one place: pyproject reads it, and nothing needs importlib.metadata."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
