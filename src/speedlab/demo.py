"""The main job offline in one call: fakehub on loopback, the lecture's keywords, every model.

The lecture asks "how do we make it faster?" after its sequential downloader; this module answers
with a measurement. It starts :class:`~speedlab.fakehub.FakeHub` on 127.0.0.1 with a latency like
GitHub's, runs the same :class:`~speedlab.jobs.github.GitHubJob` under each model into a folder of
its own, checks that every model wrote the same bytes, and returns one row per model. Files a
model did not write (its keyword failed) are not "different": the row's failures say why. Each
model runs in a fresh interpreter (:func:`~speedlab.bench.measure_model`), so a row's memory
is that model's own processes', not a high-water mark carried over from the models before it;
:meth:`DemoReport.bench` hands the rows to ``speedlab bench``'s tables and timeline.

    >>> from pathlib import Path
    >>> report = run_demo(out_dir=Path("/tmp/speedlab-demo"), latency=0.0, jitter=0.0)
    >>> report.identical, [row.model for row in report.rows][0]
    (True, 'sequential')
"""

from __future__ import annotations

import filecmp
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from speedlab._constants import DEMO_JITTER, DEMO_LATENCY, DEMO_OUT_DIR
from speedlab.bench._harness import JobBench, Measured, ModelRuns, measure_model
from speedlab.bench._isolate import MemoryUsage
from speedlab.fakehub import FakeHub, FakeHubConfig, FakeHubStatistics
from speedlab.jobs.github import DEFAULT_KEYWORDS, GitHubJob, SearchConfig, filename_for
from speedlab.models import MODELS, RunResult, StopSignal, models_for

__all__ = [
    "DEMO_JITTER",
    "DEMO_LATENCY",
    "DEMO_OUT_DIR",
    "DemoReport",
    "DemoRow",
    "run_demo",
]


@dataclass(frozen=True)
class DemoRow:
    """One model's run (with its processes' memory), and how it compares with the first."""

    model: str
    measured: Measured
    speedup: float | None

    @property
    def result(self) -> RunResult:
        """The model's RunResult."""
        return self.measured.result

    @property
    def memory(self) -> MemoryUsage:
        """The peak memory of the model's own processes."""
        return self.measured.memory

    @property
    def out_dir(self) -> str:
        """The model's folder name inside the demo's output folder."""
        return self.model


@dataclass(frozen=True)
class DemoReport:
    """Every model's row, whether their files are identical, and what fakehub served."""

    rows: tuple[DemoRow, ...]
    out_dir: Path
    identical: bool
    differences: tuple[str, ...]
    hub: FakeHubStatistics
    url: str

    def bench(self) -> JobBench:
        """The rows as a one-run benchmark: for ``speedlab bench``'s table and timeline."""
        searches = len(self.rows[0].result.records) if self.rows else 0
        return JobBench(
            name="io",
            title=f"{searches} GitHub searches per model, fakehub at {self.url}",
            noun="searches",
            units=searches,
            models=tuple(
                ModelRuns(row.model, MODELS[row.model].family, (row.measured,)) for row in self.rows
            ),
        )


def _same_files(first: Path, other: Path, names: Sequence[str]) -> list[str]:
    """Name every file of this run that both folders have and whose bytes differ.

    A file missing from one folder is that model's failure, reported with its reason, not a
    difference.
    """
    both = [n for n in names if (first / n).is_file() and (other / n).is_file()]
    _, mismatch, errors = filecmp.cmpfiles(first, other, both, shallow=False)
    return [f"{other.name}/{name}" for name in (*mismatch, *errors)]


def run_demo(
    *,
    out_dir: Path = DEMO_OUT_DIR,
    keywords: Sequence[str] = DEFAULT_KEYWORDS,
    models: Sequence[str] = models_for("io"),
    latency: float = DEMO_LATENCY,
    jitter: float = DEMO_JITTER,
    seed: int = 0,
    on_model: Callable[[str], None] | None = None,
    on_result: Callable[[DemoRow], None] | None = None,
    stop: StopSignal | None = None,
) -> DemoReport:
    """Run the GitHub job against a local fakehub under each model and compare them.

    Args:
        out_dir: Folder for the files; each model writes into ``out_dir/<model>``, fresh.
        keywords: What to search for (the lecture's eight by default).
        models: Which models to run, in order; the first is the speed-up baseline.
        latency: fakehub's fixed delay per response, in seconds.
        jitter: Extra uniform random delay per response, in seconds.
        seed: fakehub's random source, so two demos see the same delays.
        on_model: Called with a model's name before it runs (for progress lines).
        on_result: Called with each model's row as soon as it is known.
        stop: Set it to stop the current run early (Ctrl-C does the same).

    Returns:
        The DemoReport; ``identical`` is True when every file two models both wrote has the
        same bytes (check the rows' ``failures`` for files not written).

    Raises:
        UnusableOutput: ``out_dir`` (or a model's folder in it) cannot be used.
        KeyboardInterrupt: Ctrl-C or SIGTERM stopped a model's run.
    """
    rows: list[DemoRow] = []
    config = FakeHubConfig(latency=latency, jitter=jitter, seed=seed)
    with FakeHub(config) as hub:
        baseline: float | None = None
        for model in models:
            if on_model is not None:
                on_model(model)
            job = GitHubJob(
                keywords=keywords,
                config=SearchConfig(api=hub.url, out_dir=out_dir / model),
                resume=False,
            )
            measured = measure_model(model, job, stop=stop)
            result = measured.result
            if baseline is None:
                baseline = result.wall_seconds
            speedup = baseline / result.wall_seconds if result.wall_seconds > 0 else None
            row = DemoRow(model, measured, speedup)
            rows.append(row)
            if on_result is not None:
                on_result(row)
        statistics = hub.statistics()
        url = hub.url
    # Only this run's files: an older run may have left others, which are not ours to judge.
    names = [filename_for(keyword) for keyword in dict.fromkeys(keywords)]
    differences: list[str] = []
    first = out_dir / models[0]
    for model in models[1:]:
        differences.extend(_same_files(first, out_dir / model, names))
    return DemoReport(
        rows=tuple(rows),
        out_dir=out_dir,
        identical=not differences,
        differences=tuple(differences),
        hub=statistics,
        url=url,
    )
