"""speedlab: speed up Python programs with concurrency, and measure why one way wins.

The public API, re-exported from the modules that define it:

- the lecture's part 1: ``is_prime``, ``prime_stream``, ``naive_prime_stream``, ``averager``,
  ``runner`` and the demos (``run_demo``/``run_all`` from :mod:`speedlab.lesson`);
- the GitHub search job, sans-I/O: ``GitHubJob``, ``SearchConfig``, ``search_keyword``;
- the models that run any job: ``run_model``, ``MODELS`` and ``models_for("io"|"cpu")``,
  with one ``RunResult``;
- ``FakeHub``, the local simulator of GitHub's search API.

    >>> from speedlab import is_prime
    >>> is_prime(97)
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from speedlab._lazy import lazy_exports
from speedlab._version import __version__

if TYPE_CHECKING:
    from speedlab._exceptions import (
        CannotShare,
        ClusterError,
        GitHubError,
        HttpCannotConnect,
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
    from speedlab.fakehub import (
        AsyncFakeHub,
        FakeHub,
        FakeHubConfig,
        FakeHubStatistics,
    )
    from speedlab.jobs.base import Job, SharedMemory
    from speedlab.jobs.effects import (
        Await,
        Call,
        CallResult,
        Compute,
        HttpRequest,
        HttpResponse,
        Send,
        Sleep,
        TransportError,
        UnitOutcome,
    )
    from speedlab.jobs.github import (
        DEFAULT_KEYWORDS,
        GitHubJob,
        RateGate,
        SearchConfig,
        SearchResult,
        SearchStatistics,
        Secret,
        filename_for,
        search_keyword,
        token_from_env,
    )
    from speedlab.jobs.primes import PrimeJob
    from speedlab.jobs.sleep import (
        SleepJob,
    )
    from speedlab.lesson import (
        averager,
        is_prime,
        naive_prime_stream,
        prime_stream,
        runner,
    )
    from speedlab.lesson.primes import (
        PrimeSieve,
        first_primes,
        primality,
        primes_below,
    )
    from speedlab.models import (
        MODEL_NAMES,
        MODELS,
        ModelSpec,
        RunInterrupted,
        RunResult,
        StopSignal,
        UnitRecord,
        models_for,
        run_model,
    )

# Each public name and the module that defines it; imported on first use, so that
# ``import speedlab`` (and ``speedlab --version``) stays cheap.
_EXPORTS = {
    "HttpCannotConnect": "speedlab._exceptions",
    "HttpConnectError": "speedlab._exceptions",
    "HttpError": "speedlab._exceptions",
    "HttpProtocolError": "speedlab._exceptions",
    "HttpTimeout": "speedlab._exceptions",
    "HttpTlsError": "speedlab._exceptions",
    "HttpTooLarge": "speedlab._exceptions",
    "LoopError": "speedlab._exceptions",
    "CannotShare": "speedlab._exceptions",
    "ClusterError": "speedlab._exceptions",
    "Await": "speedlab.jobs.effects",
    "Call": "speedlab.jobs.effects",
    "CallResult": "speedlab.jobs.effects",
    "Compute": "speedlab.jobs.effects",
    "UnitOutcome": "speedlab.jobs.effects",
    "Job": "speedlab.jobs.base",
    "SharedMemory": "speedlab.jobs.base",
    "PrimeJob": "speedlab.jobs.primes",
    "SearchStatistics": "speedlab.jobs.github",
    "ModelSpec": "speedlab.models",
    "StopSignal": "speedlab.models",
    "GitHubError": "speedlab._exceptions",
    "SpeedlabError": "speedlab._exceptions",
    "TimeoutExpired": "speedlab._exceptions",
    "UnsafeOutputPath": "speedlab._exceptions",
    "UsageError": "speedlab._exceptions",
    "AsyncFakeHub": "speedlab.fakehub",
    "FakeHub": "speedlab.fakehub",
    "FakeHubConfig": "speedlab.fakehub",
    "FakeHubStatistics": "speedlab.fakehub",
    "HttpRequest": "speedlab.jobs.effects",
    "HttpResponse": "speedlab.jobs.effects",
    "Send": "speedlab.jobs.effects",
    "Sleep": "speedlab.jobs.effects",
    "TransportError": "speedlab.jobs.effects",
    "DEFAULT_KEYWORDS": "speedlab.jobs.github",
    "GitHubJob": "speedlab.jobs.github",
    "RateGate": "speedlab.jobs.github",
    "SearchConfig": "speedlab.jobs.github",
    "SearchResult": "speedlab.jobs.github",
    "Secret": "speedlab.jobs.github",
    "filename_for": "speedlab.jobs.github",
    "search_keyword": "speedlab.jobs.github",
    "token_from_env": "speedlab.jobs.github",
    "SleepJob": "speedlab.jobs.sleep",
    "averager": "speedlab.lesson",
    "is_prime": "speedlab.lesson",
    "naive_prime_stream": "speedlab.lesson",
    "prime_stream": "speedlab.lesson",
    "runner": "speedlab.lesson",
    "PrimeSieve": "speedlab.lesson.primes",
    "first_primes": "speedlab.lesson.primes",
    "primality": "speedlab.lesson.primes",
    "primes_below": "speedlab.lesson.primes",
    "MODEL_NAMES": "speedlab.models",
    "MODELS": "speedlab.models",
    "RunInterrupted": "speedlab.models",
    "RunResult": "speedlab.models",
    "UnitRecord": "speedlab.models",
    "run_model": "speedlab.models",
    "models_for": "speedlab.models",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "DEFAULT_KEYWORDS",
    "MODELS",
    "MODEL_NAMES",
    "AsyncFakeHub",
    "Await",
    "Call",
    "CallResult",
    "CannotShare",
    "ClusterError",
    "Compute",
    "FakeHub",
    "FakeHubConfig",
    "FakeHubStatistics",
    "GitHubError",
    "GitHubJob",
    "HttpCannotConnect",
    "HttpConnectError",
    "HttpError",
    "HttpProtocolError",
    "HttpRequest",
    "HttpResponse",
    "HttpTimeout",
    "HttpTlsError",
    "HttpTooLarge",
    "Job",
    "LoopError",
    "ModelSpec",
    "PrimeJob",
    "PrimeSieve",
    "RateGate",
    "RunInterrupted",
    "RunResult",
    "SearchConfig",
    "SearchResult",
    "SearchStatistics",
    "Secret",
    "Send",
    "SharedMemory",
    "Sleep",
    "SleepJob",
    "SpeedlabError",
    "StopSignal",
    "TimeoutExpired",
    "TransportError",
    "UnitOutcome",
    "UnitRecord",
    "UnsafeOutputPath",
    "UsageError",
    "__version__",
    "averager",
    "filename_for",
    "first_primes",
    "is_prime",
    "models_for",
    "naive_prime_stream",
    "primality",
    "prime_stream",
    "primes_below",
    "run_model",
    "runner",
    "search_keyword",
    "token_from_env",
]
