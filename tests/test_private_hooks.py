"""Every reach into a dependency's private attributes, checked: a renamed one fails here.

speedlab reaches past public APIs in these places, each because no public way exists:

- aiohttp's ``ClientSession._retry_connection``: turned off so that aiohttp never re-sends a
  GET on its own (each request counts against a rate limit, and the model counts what it sends);
- ``ProcessPoolExecutor._processes``: the only way to terminate a pool's workers on a second
  Ctrl-C (``speedlab.models.processes.worker_processes``), and ``_pending_work_items``, from
  which cancelled units are dropped first (CPython 3.11's pool crashes on them otherwise);
- rich's ``Live._refresh_thread``: rich signals its refresh thread to stop but does not join it,
  and speedlab joins every thread it caused to exist;
- typer's vendored click, ``typer._click.exceptions``: typer exports ``BadParameter`` only, and
  ``speedlab.cli._options.usage_message`` words ``MissingParameter`` and ``NoSuchOption`` itself.

If one of these tests fails after a dependency update, the workaround silently stopped working:
find the new spelling, or a public way, before shipping.
"""

from __future__ import annotations

import asyncio
import io
import threading
from concurrent.futures import ProcessPoolExecutor

import aiohttp
import pytest
from rich.progress import Progress
from typer._click.exceptions import MissingParameter, NoSuchOption

from speedlab.cli import app
from speedlab.models._aiohttp_transport import AiohttpTransport
from speedlab.models.processes import worker_processes


def test_aiohttp_sessions_still_have_the_retry_switch_we_turn_off() -> None:
    async def check() -> None:
        session = aiohttp.ClientSession()
        try:
            assert hasattr(session, "_retry_connection")
            assert session._retry_connection is True  # aiohttp's default, which we change
        finally:
            await session.close()
        transport = AiohttpTransport(limit=1)
        await transport.open()
        try:
            assert transport._session is not None
            assert transport._session._retry_connection is False
        finally:
            await transport.aclose()

    asyncio.run(check())


def test_process_pools_still_keep_their_workers_in_processes() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(abs, -1).result(timeout=30) == 1
        assert isinstance(pool._pending_work_items, dict)  # type: ignore[attr-defined]
        workers = worker_processes(pool)
        assert len(workers) == 1
        assert workers[0].is_alive()
        assert callable(workers[0].terminate)


def test_rich_live_still_has_the_refresh_thread_we_join() -> None:
    progress = Progress(auto_refresh=True, console=None)
    progress.console.file = io.StringIO()
    progress.start()
    try:
        refresher = getattr(progress.live, "_refresh_thread", None)
        assert isinstance(refresher, threading.Thread)
        assert refresher.is_alive()
    finally:
        progress.stop()
        refresher.join(timeout=10)
    assert not refresher.is_alive()


def test_typer_still_raises_its_vendored_click_errors() -> None:
    with pytest.raises(NoSuchOption):
        app(args=["primes", "--check", "-7"], prog_name="speedlab", standalone_mode=False)
    with pytest.raises(MissingParameter):
        app(args=["lesson"], prog_name="speedlab", standalone_mode=False)
