"""``speedlab demo``: every model against a local fakehub, identical files, one table."""

from __future__ import annotations

from pathlib import Path

import pytest

from speedlab.cli import main
from speedlab.demo import run_demo
from speedlab.jobs.github import filename_for
from speedlab.models import models_for

IO_MODELS = models_for("io")

KEYWORDS = ("torch", "ML", "deep learning")


def test_run_demo_runs_every_model_and_finds_identical_files(tmp_path: Path) -> None:
    seen: list[str] = []
    # A latency long enough for the memory sampler (every 50 ms) to see the pool's workers.
    report = run_demo(
        out_dir=tmp_path, keywords=KEYWORDS, latency=0.2, jitter=0.0, on_model=seen.append
    )
    assert seen == list(IO_MODELS)
    assert [row.model for row in report.rows] == list(IO_MODELS)
    assert report.identical, report.differences
    for row in report.rows:
        assert row.result.failures == 0
        assert sorted(r.key for r in row.result.records) == sorted(KEYWORDS)
        for keyword in KEYWORDS:
            assert (tmp_path / row.model / filename_for(keyword)).is_file()
    assert report.rows[0].speedup == pytest.approx(1.0)
    assert report.hub.requests == len(KEYWORDS) * len(IO_MODELS)
    # Each model ran in a fresh process: its memory is its own, the pool's workers included.
    memory = {row.model: row.memory for row in report.rows}
    assert memory["sequential"].peak_processes == 1
    assert memory["processes"].peak_processes > 1
    assert memory["processes"].peak_rss_bytes > memory["sequential"].peak_rss_bytes
    bench = report.bench()
    assert [m.model for m in bench.models] == list(IO_MODELS)
    assert bench.units == len(KEYWORDS)


def test_run_demo_reports_a_file_that_differs(tmp_path: Path, monkeypatch) -> None:
    import speedlab.demo as demo_module

    real = demo_module.measure_model

    def tampering_measure_model(name: str, job, **kwargs):  # type: ignore[no-untyped-def]
        measured = real(name, job, **kwargs)
        if name == "asyncio":
            (job.config.out_dir / filename_for("torch")).write_text("[0]")
        return measured

    monkeypatch.setattr(demo_module, "measure_model", tampering_measure_model)
    report = run_demo(out_dir=tmp_path, keywords=KEYWORDS, latency=0.0, jitter=0.0)
    assert not report.identical
    assert report.differences == (f"asyncio/{filename_for('torch')}",)


def test_demo_command_prints_the_table(tmp_path: Path, capsys) -> None:
    code = main(["demo", "--out", str(tmp_path), "--latency", "0", "--jitter", "0"])
    out = capsys.readouterr().out
    assert code == 0
    for model in IO_MODELS:
        assert f"running {model} ... 8 searches done in" in out
    assert "speedup" in out
    assert "every model wrote byte-identical files" in out
    assert "8 searches done in 13.97s; here sequential took" in out
    assert "sequential: the baseline" in out  # a takeaway per model
    assert f"timeline: {tmp_path / 'timeline.png'} (and timeline.svg)" in out
    assert (tmp_path / "timeline.png").read_bytes()[:4] == b"\x89PNG"


def test_demo_refuses_an_out_that_is_a_file_and_says_so(tmp_path: Path, capsys) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    code = main(["demo", "--out", str(target), "--latency", "0", "--jitter", "0"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err == f"speedlab: error: --out {target} is not a directory\n"


def test_demo_reports_a_model_s_failures_not_different_files(tmp_path: Path, capsys) -> None:
    # asyncio cannot save torch (a folder has its name): that is a failure with its reason,
    # and the files the models did write are still compared.
    (tmp_path / "asyncio" / "torch").mkdir(parents=True)
    code = main(["demo", "--out", str(tmp_path), "--latency", "0", "--jitter", "0"])
    captured = capsys.readouterr()
    assert code == 1
    assert "files differ" not in captured.err
    assert captured.err.startswith("speedlab: asyncio: 1 of 8 searches failed: torch: cannot save")
    assert "is a directory" in captured.err
    assert "running asyncio ... 7 searches done in" in captured.out
    assert "every model wrote byte-identical files" not in captured.out


@pytest.mark.slow
@pytest.mark.timeout(60)
def test_sigterm_stops_the_demo_with_the_models_that_finished_and_exit_143(
    tmp_path: Path, capsys
) -> None:
    import os
    import signal
    import threading

    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        code = main(["demo", "--out", str(tmp_path), "--latency", "0.4", "--jitter", "0"])
    finally:
        timer.join()
    captured = capsys.readouterr()
    assert code == 143
    assert "running sequential ..." in captured.out
    assert "running sequential ... interrupted" in captured.out
    assert captured.err.endswith("speedlab: interrupted; models that finished: none\n")
    assert "Traceback" not in captured.out + captured.err
