"""The spinner bench, against the small interface it needs from speedlab.spinner."""

from __future__ import annotations

import pytest

from speedlab.bench import SpinnerBench, SpinnerRun
from tests.bench import _fixtures


def test_a_run_is_read_from_the_spinner_s_own_dict_and_written_back() -> None:
    run = _fixtures.spinner().runs[3]
    data = run.to_dict()
    data["extra"] = "the spinner may add fields"
    assert SpinnerRun.from_dict(data) == run
    assert run.kind == "prime"
    assert SpinnerBench.from_dict(_fixtures.spinner().to_dict()) == _fixtures.spinner()


def test_variants_and_kinds_keep_their_order() -> None:
    bench = _fixtures.spinner()
    assert bench.names() == ("asyncio", "asyncio (fixed)", "threads")
    assert bench.kinds() == ("sleep", "prime")


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_the_real_spinner_freezes_under_asyncio_with_is_prime() -> None:
    from speedlab.bench import bench_spinner

    bench = bench_spinner(quick=True)
    assert bench.errors == ()
    runs = {(r.name, r.kind): r for r in bench.runs}
    frozen = runs[("asyncio", "prime")]
    assert frozen.frames_during_work <= 1
    assert frozen.longest_gap > 2 / frozen.target_fps
    assert runs[("threads", "sleep")].frames_during_work >= 2
