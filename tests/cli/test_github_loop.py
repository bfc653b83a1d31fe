"""``speedlab github -m asyncio --loop uvloop``: the same files and lines, or one clear error."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from speedlab.cli import main
from speedlab.fakehub import FakeHub, FakeHubConfig

uvloop = pytest.importorskip("uvloop")  # `make install` installs it wherever it builds


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.timeout(60)
def test_uvloop_saves_the_files_asyncio_s_loop_saves_and_says_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    real = uvloop.new_event_loop

    def spy() -> object:  # counts the loops uvloop makes
        made.append(real())
        return made[-1]

    monkeypatch.setattr(uvloop, "new_event_loop", spy)
    outputs = {}
    with FakeHub(FakeHubConfig(latency=0.005)) as hub:
        for loop in ("asyncio", "uvloop"):
            out = tmp_path / loop
            args = ["github", "--api", hub.url, "--out", str(out), "-m", "asyncio", "-q"]
            assert main([*args, "--loop", loop, "--format", "list"]) == 0
            captured = capsys.readouterr()
            assert captured.err == ""
            assert captured.out.startswith("8 searches done in ")
            outputs[loop] = _files(out)
    assert len(made) == 1  # the second run, and only it, ran on uvloop's loop
    assert len(outputs["uvloop"]) == 8
    assert outputs["uvloop"] == outputs["asyncio"]


@pytest.mark.timeout(30)
def test_without_uvloop_the_command_says_what_to_install_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # what an import finds when it is missing
    with FakeHub(FakeHubConfig()) as hub:
        args = ["github", "torch", "--api", hub.url, "--out", str(tmp_path / "out")]
        code = main([*args, "--model", "asyncio", "--loop", "uvloop"])
        assert hub.statistics().requests == 0
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err == (
        "speedlab: error: the uvloop loop needs uvloop: pip install 'speedlab[uvloop]'\n"
    )


@pytest.mark.timeout(60)
def test_sigterm_stops_a_run_on_uvloop_with_exit_143_and_whole_files(tmp_path: Path) -> None:
    # A real process: the signal reaches uvloop's loop as it would from `kill`.
    with FakeHub(FakeHubConfig(latency=0.3)) as hub:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "speedlab", "github", "--api", hub.url),
                *("--out", str(tmp_path), "-m", "asyncio", "-c", "2", "--loop", "uvloop"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # "done ..." once the first search is saved
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert first.startswith("done "), (first, err)
    assert proc.returncode == 143, err
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert 1 <= len(saved) < 8
    assert all((tmp_path / name).read_text().endswith("]") for name in saved)
    assert "speedlab: interrupted;" in err
    assert "Traceback" not in err, err
