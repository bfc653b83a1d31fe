"""speedlab: speed up Python programs with concurrency, and measure why one way wins.

>>> from speedlab import is_prime
>>> is_prime(97)
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from speedlab._exceptions import SpeedlabError, TimeoutExpired, UsageError

try:
    __version__ = version("speedlab")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "SpeedlabError",
    "TimeoutExpired",
    "UsageError",
    "__version__",
]
