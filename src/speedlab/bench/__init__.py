"""``speedlab bench``: jobs x models measured on your machine, in tables, pictures and a page.

Each measured run happens in a fresh interpreter (:func:`run_isolated`), so its peak memory
is that of the model's own processes; :func:`bench_workload` runs a job under the registry's
models with repeats; :func:`run_bench` runs what ``speedlab bench io|cpu|spinner|memory|all|
custom`` asks for and returns a :class:`BenchReport`, which :func:`write_report` turns into
``results.json``, PNG and SVG pictures, ``tables.md`` and ``index.html``.

    >>> from speedlab.bench import BenchOptions, run_bench, write_report
    >>> report = run_bench(BenchOptions("cpu", ("sequential", "processes"), quick=True),
    ...                    command="speedlab bench cpu --quick")          # doctest: +SKIP
    >>> write_report(report, Path("report")).index                      # doctest: +SKIP
    PosixPath('report/index.html')

Names are imported on first use: ``speedlab --help`` must not pay for matplotlib or psutil.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from speedlab._lazy import lazy_exports

if TYPE_CHECKING:
    from speedlab.bench._charts import (
        memory_figure,
        speedup_figure,
        spinner_figure,
    )
    from speedlab.bench._custom import (
        CustomJob,
        FunctionFailed,
        bench_custom,
        load_inputs,
        resolve_function,
    )
    from speedlab.bench._explain import (
        takeaway,
        verdict,
    )
    from speedlab.bench._harness import (
        RUN_TIMEOUT,
        BenchProgress,
        JobBench,
        Measured,
        ModelRuns,
        Workload,
        bench_workload,
        choose_models,
    )
    from speedlab.bench._isolate import (
        ChildFailed,
        Isolated,
        MemoryUsage,
        TreeSampler,
        run_isolated,
    )
    from speedlab.bench._memory import (
        MemoryBench,
        MemoryRow,
        ProcessMemory,
        bench_memory,
    )
    from speedlab.bench._report import (
        ReportFiles,
        save_figure,
        write_report,
    )
    from speedlab.bench._results import (
        BenchReport,
        decode_result,
        describe_machine,
        encode_result,
        load_report,
        machine_line,
    )
    from speedlab.bench._run import (
        WHATS,
        BenchOptions,
        planned_runs,
        run_bench,
    )
    from speedlab.bench._spinner import (
        SpinnerBench,
        SpinnerRun,
        bench_spinner,
    )
    from speedlab.bench._summary import (
        ModelSummary,
        summarize,
    )
    from speedlab.bench._tables import (
        Table,
        job_table,
        memory_table,
        spinner_table,
        to_html,
        to_markdown,
        to_rich,
    )
    from speedlab.bench._timeline import (
        timeline_figure,
    )
    from speedlab.bench._workloads import (
        CpuWorkload,
        IoWorkload,
    )

_EXPORTS = {
    "ChildFailed": "speedlab.bench._isolate",
    "Isolated": "speedlab.bench._isolate",
    "MemoryUsage": "speedlab.bench._isolate",
    "TreeSampler": "speedlab.bench._isolate",
    "run_isolated": "speedlab.bench._isolate",
    "RUN_TIMEOUT": "speedlab.bench._harness",
    "BenchProgress": "speedlab.bench._harness",
    "JobBench": "speedlab.bench._harness",
    "Measured": "speedlab.bench._harness",
    "ModelRuns": "speedlab.bench._harness",
    "Workload": "speedlab.bench._harness",
    "bench_workload": "speedlab.bench._harness",
    "choose_models": "speedlab.bench._harness",
    "CpuWorkload": "speedlab.bench._workloads",
    "IoWorkload": "speedlab.bench._workloads",
    "BenchReport": "speedlab.bench._results",
    "decode_result": "speedlab.bench._results",
    "describe_machine": "speedlab.bench._results",
    "encode_result": "speedlab.bench._results",
    "load_report": "speedlab.bench._results",
    "machine_line": "speedlab.bench._results",
    "ModelSummary": "speedlab.bench._summary",
    "summarize": "speedlab.bench._summary",
    "takeaway": "speedlab.bench._explain",
    "verdict": "speedlab.bench._explain",
    "Table": "speedlab.bench._tables",
    "job_table": "speedlab.bench._tables",
    "memory_table": "speedlab.bench._tables",
    "spinner_table": "speedlab.bench._tables",
    "to_html": "speedlab.bench._tables",
    "to_markdown": "speedlab.bench._tables",
    "to_rich": "speedlab.bench._tables",
    "timeline_figure": "speedlab.bench._timeline",
    "memory_figure": "speedlab.bench._charts",
    "speedup_figure": "speedlab.bench._charts",
    "spinner_figure": "speedlab.bench._charts",
    "ReportFiles": "speedlab.bench._report",
    "save_figure": "speedlab.bench._report",
    "write_report": "speedlab.bench._report",
    "MemoryBench": "speedlab.bench._memory",
    "MemoryRow": "speedlab.bench._memory",
    "ProcessMemory": "speedlab.bench._memory",
    "bench_memory": "speedlab.bench._memory",
    "SpinnerBench": "speedlab.bench._spinner",
    "SpinnerRun": "speedlab.bench._spinner",
    "bench_spinner": "speedlab.bench._spinner",
    "CustomJob": "speedlab.bench._custom",
    "FunctionFailed": "speedlab.bench._custom",
    "bench_custom": "speedlab.bench._custom",
    "load_inputs": "speedlab.bench._custom",
    "resolve_function": "speedlab.bench._custom",
    "WHATS": "speedlab.bench._run",
    "BenchOptions": "speedlab.bench._run",
    "planned_runs": "speedlab.bench._run",
    "run_bench": "speedlab.bench._run",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "RUN_TIMEOUT",
    "WHATS",
    "BenchOptions",
    "BenchProgress",
    "BenchReport",
    "ChildFailed",
    "CpuWorkload",
    "CustomJob",
    "FunctionFailed",
    "IoWorkload",
    "Isolated",
    "JobBench",
    "Measured",
    "MemoryBench",
    "MemoryRow",
    "MemoryUsage",
    "ModelRuns",
    "ModelSummary",
    "ProcessMemory",
    "ReportFiles",
    "SpinnerBench",
    "SpinnerRun",
    "Table",
    "TreeSampler",
    "Workload",
    "bench_custom",
    "bench_memory",
    "bench_spinner",
    "bench_workload",
    "choose_models",
    "decode_result",
    "describe_machine",
    "encode_result",
    "job_table",
    "load_inputs",
    "load_report",
    "machine_line",
    "memory_figure",
    "memory_table",
    "planned_runs",
    "resolve_function",
    "run_bench",
    "run_isolated",
    "save_figure",
    "speedup_figure",
    "spinner_figure",
    "spinner_table",
    "summarize",
    "takeaway",
    "timeline_figure",
    "to_html",
    "to_markdown",
    "to_rich",
    "verdict",
    "write_report",
]
