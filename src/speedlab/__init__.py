"""speedlab: speed up Python programs with concurrency, and measure why one way wins.

The public API, re-exported from the modules that define it:

- the lecture's part 1: ``is_prime``, ``prime_stream``, ``naive_prime_stream``, ``averager``,
  ``runner`` and the demos (``run_demo``/``run_all`` from :mod:`speedlab.lesson`);
- the GitHub search job, sans-I/O: ``GitHubJob``, ``SearchConfig``, ``search_keyword``;
- the models that run any job: ``run_model`` and ``MODELS``, with one ``RunResult``;
- ``FakeHub``, the local simulator of GitHub's search API;
- the errors, one hierarchy under ``SpeedlabError`` (the hand-made loop's and its HTTP
  client's included; the loop itself is :mod:`speedlab.loop`).

    >>> from speedlab import is_prime
    >>> is_prime(97)
    True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from speedlab._exceptions import (
    GitHubError,
    HttpConnectError,
    HttpError,
    HttpProtocolError,
    HttpTimeout,
    HttpTlsError,
    HttpTooLarge,
    LoopError,
    SpeedlabError,
    TimeoutExpired,
    UnsafeOutputPath,
    UsageError,
)
from speedlab.fakehub import AsyncFakeHub, FakeHub, FakeHubConfig, FakeHubStatistics
from speedlab.jobs.effects import HttpRequest, HttpResponse, Send, Sleep, TransportError
from speedlab.jobs.github import (
    DEFAULT_KEYWORDS,
    GitHubJob,
    RateGate,
    SearchConfig,
    SearchResult,
    Secret,
    filename_for,
    search_keyword,
    token_from_env,
)
from speedlab.jobs.sleep import SleepJob
from speedlab.lesson import (
    averager,
    is_prime,
    naive_prime_stream,
    prime_stream,
    runner,
)
from speedlab.lesson.primes import PrimeSieve, first_primes, primality, primes_below
from speedlab.models import (
    MODEL_NAMES,
    MODELS,
    RunInterrupted,
    RunResult,
    UnitRecord,
    run_model,
)

try:
    __version__ = version("speedlab")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_KEYWORDS",
    "MODELS",
    "MODEL_NAMES",
    "AsyncFakeHub",
    "FakeHub",
    "FakeHubConfig",
    "FakeHubStatistics",
    "GitHubError",
    "GitHubJob",
    "HttpConnectError",
    "HttpError",
    "HttpProtocolError",
    "HttpRequest",
    "HttpResponse",
    "HttpTimeout",
    "HttpTlsError",
    "HttpTooLarge",
    "LoopError",
    "PrimeSieve",
    "RateGate",
    "RunInterrupted",
    "RunResult",
    "SearchConfig",
    "SearchResult",
    "Secret",
    "Send",
    "Sleep",
    "SleepJob",
    "SpeedlabError",
    "TimeoutExpired",
    "TransportError",
    "UnitRecord",
    "UnsafeOutputPath",
    "UsageError",
    "__version__",
    "averager",
    "filename_for",
    "first_primes",
    "is_prime",
    "naive_prime_stream",
    "primality",
    "prime_stream",
    "primes_below",
    "run_model",
    "runner",
    "search_keyword",
    "token_from_env",
]
