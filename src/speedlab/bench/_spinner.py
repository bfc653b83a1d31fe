"""The spinner's frame gaps under each model: "what if the slow function is is_prime?", measured.

The lecture's spinner draws a frame five times a second while a slow function runs, and
asks what changes when that function is ``is_prime`` instead of a sleep. This module runs
:mod:`speedlab.spinner` (``run_spinner``) for each of its models, plus the asyncio program
done right (the work off the loop), with both kinds of work, each run in a fresh interpreter,
and keeps what a report needs: when every frame came and the gaps between them.

It relies on a small interface only: ``run_spinner(model, Work.of(kind, seconds=...,
number=...), fix=..., draw=False)`` returning statistics whose ``as_dict()`` carries the
fields of :class:`SpinnerRun`, and ``MODEL_NAMES``. Where that module is missing, the spinner
bench says so instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from speedlab._exceptions import SpeedlabError
from speedlab.bench._harness import BenchProgress
from speedlab.bench._isolate import run_isolated
from speedlab.models import StopSignal

__all__ = [
    "FULL_PRIME",
    "FULL_SLEEP",
    "QUICK_PRIME",
    "QUICK_SLEEP",
    "SpinnerBench",
    "SpinnerRun",
    "bench_spinner",
    "spinner_task",
    "spinner_variants",
]

# is_prime of these takes ~0.6 s and ~1.6 s on the 2-core machine this was written on: well
# above the 0.2 s between two frames at 5 FPS, so a frozen spinner shows.
QUICK_PRIME = 600_000_000_000_073
FULL_PRIME = 4_000_000_000_000_021
#: The sleeping work lasts about as long as the prime work.
QUICK_SLEEP = 0.6
FULL_SLEEP = 1.5


@dataclass(frozen=True)
class SpinnerRun:
    """One spinner run: the frames, the gaps between them, and the work beside them.

    Times are seconds from the start of the run. ``gaps`` are the times between successive
    screen updates (the start, each frame, the cleared line): a frozen spinner is one long gap.
    """

    name: str
    model: str
    how: str
    work: str
    target_fps: float
    frame_times: tuple[float, ...]
    gaps: tuple[float, ...]
    longest_gap: float
    achieved_fps: float
    frames: int
    frames_during_work: int
    work_started: float
    work_ended: float
    stopped: float
    fixed: bool = False

    @property
    def kind(self) -> str:
        """``"prime"`` for is_prime work, ``"sleep"`` for the lecture's sleep."""
        return "prime" if self.work.startswith("is_prime") else "sleep"

    def to_dict(self) -> dict[str, Any]:
        """Return the run as JSON-ready data."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["frame_times"] = list(self.frame_times)
        data["gaps"] = list(self.gaps)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpinnerRun:
        """Build a run from :meth:`to_dict`'s output or a spinner's ``as_dict()``."""
        return cls(
            name=str(data["name"]),
            model=str(data["model"]),
            how=str(data.get("how", "")),
            work=str(data["work"]),
            target_fps=float(data["target_fps"]),
            frame_times=tuple(float(t) for t in data["frame_times"]),
            gaps=tuple(float(g) for g in data["gaps"]),
            longest_gap=float(data["longest_gap"]),
            achieved_fps=float(data["achieved_fps"]),
            frames=int(data["frames"]),
            frames_during_work=int(data["frames_during_work"]),
            work_started=float(data["work_started"]),
            work_ended=float(data["work_ended"]),
            stopped=float(data["stopped"]),
            fixed=bool(data.get("fixed", False)),
        )


@dataclass(frozen=True)
class SpinnerBench:
    """Every spinner run of one bench, and the failures (model, work: reason)."""

    runs: tuple[SpinnerRun, ...]
    errors: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """The variants, in the order they ran."""
        return tuple(dict.fromkeys(r.name for r in self.runs))

    def kinds(self) -> tuple[str, ...]:
        """The kinds of work, in the order they ran."""
        return tuple(dict.fromkeys(r.kind for r in self.runs))

    def to_dict(self) -> dict[str, Any]:
        """Return the bench as JSON-ready data."""
        return {"runs": [r.to_dict() for r in self.runs], "errors": list(self.errors)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpinnerBench:
        """Rebuild a bench from :meth:`to_dict`'s output."""
        return cls(
            runs=tuple(SpinnerRun.from_dict(r) for r in data["runs"]),
            errors=tuple(str(e) for e in data.get("errors", ())),
        )


def spinner_variants() -> tuple[tuple[str, bool], ...]:
    """Each spinner model as the lecture writes it, then asyncio done right: (model, fix)."""
    from speedlab.spinner import MODEL_NAMES

    models: Sequence[str] = MODEL_NAMES
    variants = [(m, False) for m in models]
    if "asyncio" in models:
        variants.insert(models.index("asyncio") + 1, ("asyncio", True))
    return tuple(variants)


def spinner_task(model: str, kind: str, fix: bool, seconds: float, number: int) -> dict[str, Any]:
    """Run one spinner (not drawn) beside the work; return its statistics as JSON-ready data.

    This is what the fresh interpreter of each spinner run calls.

    Raises:
        SpeedlabError: The spinner refused the arguments.
    """
    from speedlab.spinner import Work, run_spinner

    work = Work.of(kind, seconds=seconds, number=number)
    # A name from spinner_variants(); run_spinner refuses any other with a SpeedlabError.
    stats = run_spinner(model, work, fix=fix, draw=False)  # type: ignore[arg-type]
    return SpinnerRun.from_dict(stats.as_dict()).to_dict()


def bench_spinner(
    *,
    quick: bool = False,
    progress: BenchProgress | None = None,
    stop: StopSignal | None = None,
) -> SpinnerBench:
    """Run every spinner variant with the lecture's sleep and with ``is_prime``.

    Args:
        quick: Shorter work (about 0.6 s instead of 1.5 s).
        progress: Told about each run.
        stop: When set, no further run starts.

    Returns:
        The SpinnerBench; a variant that failed is named in ``errors``.

    Raises:
        UsageError: This build has no ``speedlab.spinner``.
    """
    seconds, number = (QUICK_SLEEP, QUICK_PRIME) if quick else (FULL_SLEEP, FULL_PRIME)
    runs: list[SpinnerRun] = []
    errors: list[str] = []
    for kind in ("sleep", "prime"):
        for model, fix in spinner_variants():
            if stop is not None and stop.is_set():
                break
            label = f"spinner: {model}{' (fixed)' if fix else ''}, {kind}"
            if progress is not None:
                progress.started(label)
            try:
                value = run_isolated(spinner_task, model, kind, fix, seconds, number).value
            except SpeedlabError as exc:
                errors.append(f"{label}: {exc}")
                if progress is not None:
                    progress.finished(label, f"failed: {exc}")
                continue
            run = SpinnerRun.from_dict(value)
            runs.append(run)
            if progress is not None:
                progress.finished(label, f"longest gap {run.longest_gap:.2f} s")
    return SpinnerBench(tuple(runs), tuple(errors))
