"""Tables: the same cells in a terminal, a page and the docs, escaped for each."""

from __future__ import annotations

import io

from rich.console import Console

from speedlab.bench import job_table, memory_table, spinner_table, to_html, to_markdown, to_rich
from speedlab.bench._tables import Table
from tests.bench import _fixtures


def test_a_job_table_has_a_row_per_model_and_a_takeaway_each() -> None:
    table = job_table(_fixtures.io_job(), cores=2)
    assert [row[0] for row in table.rows] == ["sequential", "threads", "asyncio", "dask"]
    seq, threads, aio, dask = table.rows
    columns = table.columns
    assert threads[columns.index("median s")] == "2.20"
    assert threads[columns.index("min-max s")] == "2.00-2.60"
    assert seq[columns.index("min-max s")] == "-"  # one run: no spread
    assert aio[columns.index("speedup")] == "4.0x"
    assert threads[columns.index("vs best")] == "2.20x"
    assert aio[columns.index("per s")] == "4.0"
    assert dask[1:] == ("-",) * (len(columns) - 1)
    assert len(table.notes) == 4
    assert table.notes[3] == "dask: could not run: cannot run the github job: no shared lock"
    assert table.notes[2].startswith("asyncio: fastest, 4.0x")


def test_memory_is_the_model_s_own_processes() -> None:
    table = job_table(_fixtures.cpu_job(), cores=2)
    processes = table.rows[2]
    assert processes[table.columns.index("MB")] == "120"
    assert processes[table.columns.index("procs")] == "3"


def test_spinner_and_memory_tables() -> None:
    spin = spinner_table(_fixtures.spinner())
    frozen = spin.rows[3]
    assert frozen[:2] == ("asyncio", "is_prime(97)")
    assert frozen[spin.columns.index("longest gap s")] == "1.00"
    assert spin.notes == ("processes, sleep: made-up failure",)
    mem = memory_table(_fixtures.memory())
    assert [r[0] for r in mem.rows] == ["threads", "fork", "spawn"]
    fork = mem.rows[1]
    assert fork[mem.columns.index("own MB before")] == "1.0"
    assert fork[mem.columns.index("own MB after")] == "28.0"
    assert fork[mem.columns.index("PSS MB")] == "100"
    assert fork[mem.columns.index("send ms")] == "-"
    assert mem.rows[2][mem.columns.index("send ms")] == "80"
    assert "reference count" in mem.notes[1]
    assert "80 ms to pickle, send and unpickle 36 MB" in mem.notes[2]


TRICKY = Table(
    title="a <b>title</b> & more",
    columns=("name", "n"),
    rows=(("<script>alert(1)</script>", "1|2"), ("[bold]x[/bold]", "3")),
    right=frozenset({"n"}),
    caption="caption <i>",
    notes=("note & <note>",),
)


def test_html_escapes_every_cell_title_and_note() -> None:
    page = to_html(TRICKY, table_id='t"1')
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &lt;b&gt;title&lt;/b&gt; &amp; more" in page
    assert "note &amp; &lt;note&gt;" in page
    assert 'id="t&quot;1"' in page
    assert '<td class="num">1|2</td>' in page


def test_markdown_escapes_pipes_and_aligns_numbers() -> None:
    text = to_markdown(TRICKY)
    lines = text.splitlines()
    assert lines[2] == "| name | n |"
    assert lines[3] == "| --- | ---: |"
    assert lines[4] == "| <script>alert(1)</script> | 1\\|2 |"


def test_rich_shows_cells_as_text_never_as_markup() -> None:
    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(to_rich(TRICKY))
    text = out.getvalue()
    assert "[bold]x[/bold]" in text
    assert "note & <note>" in text


def test_one_run_per_model_drops_the_runs_and_spread_columns() -> None:
    table = job_table(_fixtures.cpu_job(), cores=2)
    assert table.columns[:3] == ("model", "wall s", "speedup")
    assert "min-max s" not in table.columns
    assert all(len(row) == len(table.columns) for row in table.rows)
