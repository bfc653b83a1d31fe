"""Run the simulator: inside a running event loop, in a background thread, or in the foreground.

* :class:`AsyncFakeHub` -- ``async with AsyncFakeHub(config) as hub`` inside your own loop;
* :class:`FakeHub` -- ``with FakeHub(config) as hub`` from synchronous code and tests: the server
  runs on its own event loop in a background thread, so blocking clients (``requests``, threads,
  processes) can call it, and ``close()`` stops and joins that thread;
* :func:`serve` -- the ``speedlab fakehub`` command: serves until SIGINT/SIGTERM (or a duration).

Where they listen (loopback only, plain HTTP or TLS) is decided in :mod:`._address`. With an
``ssl_context`` they serve HTTPS; :attr:`~AsyncFakeHub.url` then starts with ``https://``, and so
do the ``Link`` URLs the server sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import ssl
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from speedlab._exceptions import SpeedlabError, TimeoutExpired, UsageError
from speedlab.fakehub._address import (
    DEFAULT_HOST,
    PROTOCOL_LOGGER,
    base_url,
    check_loopback,
    check_server_context,
    quiet_handshake_errors,
)
from speedlab.fakehub._app import SearchService, create_app
from speedlab.fakehub._config import FakeHubConfig
from speedlab.fakehub._stats import FakeHubStatistics

__all__ = ["AsyncFakeHub", "FakeHub", "serve"]

# How long start() and close() wait for the server thread before giving up, in seconds.
_THREAD_TIMEOUT = 10.0
# Requests still being served when the server stops get this long to finish, in seconds.
_SHUTDOWN_GRACE = 0.25


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on the server's loop (connections still in their TLS handshake)."""
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    # One more turn: closed transports run their connection_lost and release their sockets.
    loop.run_until_complete(asyncio.sleep(0))
    loop.run_until_complete(loop.shutdown_asyncgens())


class AsyncFakeHub:
    """The simulator on the running event loop.

    It leaves the caller's loop as it is: unlike :class:`FakeHub` and :func:`serve`, which own
    their loops, it installs no exception handler, so a failed TLS handshake is logged by asyncio.

    Example:
        >>> async def demo() -> str:
        ...     async with AsyncFakeHub(FakeHubConfig()) as hub:
        ...         return hub.url
    """

    def __init__(
        self,
        config: FakeHubConfig | None = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        clock: Callable[[], float] = time.time,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """Prepare a simulator; nothing listens until :meth:`start`.

        Args:
            config: the behaviour; the defaults when ``None``.
            host: a loopback address to bind.
            port: the TCP port; 0 picks a free one (read it from :attr:`url`).
            clock: epoch seconds now, for the rate-limit windows.
            ssl_context: a server TLS context to serve HTTPS (see :func:`load_tls_context`);
                ``None`` serves plain HTTP.

        Raises:
            UsageError: ``host`` is not loopback, ``port`` is out of range, or ``ssl_context``
                is not a server context.
        """
        if not (isinstance(port, int) and 0 <= port <= 65535):
            raise UsageError(f"port must be in 0..65535, got {port!r}")
        check_server_context(ssl_context)
        self.config = config or FakeHubConfig()
        self.host = check_loopback(host)
        self._port = port
        self._ssl_context = ssl_context
        self.service = SearchService(self.config, clock=clock)
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def scheme(self) -> str:
        """``https`` with a TLS context, else ``http``."""
        return "http" if self._ssl_context is None else "https"

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:43123`` (the search is at ``url + "/search/..."``).

        Raises:
            SpeedlabError: the server is not running.
        """
        if self._url is None:
            raise SpeedlabError("fakehub is not running")
        return self._url

    async def start(self) -> None:
        """Bind and start serving.

        Raises:
            UsageError: the address cannot be bound (e.g. the port is in use).
        """
        if self._runner is not None:
            return
        runner = web.AppRunner(
            create_app(self.service),
            access_log=None,
            logger=PROTOCOL_LOGGER,
            shutdown_timeout=_SHUTDOWN_GRACE,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port, ssl_context=self._ssl_context)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise UsageError(f"cannot serve on {self.host}:{self._port}: {exc.strerror}") from exc
        self._runner = runner
        port = int(runner.addresses[0][1])
        self._url = base_url(self.scheme, self.host, port)
        if self.config.public_url is None:
            self.service.origin = self._url

    async def aclose(self) -> None:
        """Stop serving; requests in progress get a short grace period. Idempotent."""
        runner, self._runner = self._runner, None
        if runner is not None:
            server = runner.server
            connections = server.connections if server is not None else []
            transports = [c.transport for c in connections if c.transport is not None]
            await runner.cleanup()
            # A TLS connection closed by cleanup() then waits for the client's close_notify, up
            # to 30 s, holding its socket: cut it now that every request has had its grace.
            for transport in transports:
                transport.abort()
            await asyncio.sleep(0)  # let the aborted transports release their sockets
        self._url = None
        self.service.origin = self.config.public_url

    async def __aenter__(self) -> AsyncFakeHub:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def statistics(self) -> FakeHubStatistics:
        """Return what has been served so far."""
        return self.service.statistics()

    def reset_statistics(self) -> None:
        """Forget the counters (rate-limit windows are kept)."""
        self.service.reset_statistics()


class FakeHub:
    """The simulator on its own event loop in a background thread; a context manager.

    Example:
        >>> import requests
        >>> with FakeHub(FakeHubConfig(rate_limit=(10, 60))) as hub:
        ...     r = requests.get(hub.url + "/search/repositories", params={"q": "torch"})
        ...     (r.status_code, hub.statistics().requests)
        (200, 1)
    """

    def __init__(
        self,
        config: FakeHubConfig | None = None,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        clock: Callable[[], float] = time.time,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """Prepare a simulator; nothing runs until :meth:`start` (or ``with``).

        Args:
            config: the behaviour; the defaults when ``None``.
            host: a loopback address to bind.
            port: the TCP port; 0 picks a free one (read it from :attr:`url`).
            clock: epoch seconds now, for the rate-limit windows.
            ssl_context: a server TLS context to serve HTTPS; ``None`` serves plain HTTP.

        Raises:
            UsageError: ``host`` is not loopback, ``port`` is out of range, or ``ssl_context``
                is not a server context.
        """
        self._hub = AsyncFakeHub(config, host, port, clock=clock, ssl_context=ssl_context)
        self.config = self._hub.config
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:43123``.

        Raises:
            SpeedlabError: the server is not running.
        """
        return self._hub.url

    def start(self, *, timeout: float = _THREAD_TIMEOUT) -> None:
        """Start the server thread and wait until it listens.

        Args:
            timeout: seconds to wait for the server to be ready.

        Raises:
            UsageError: the address cannot be bound.
            TimeoutExpired: the server did not start within ``timeout``.
            SpeedlabError: the hub was already closed.
        """
        with self._lock:
            if self._thread is not None:
                if self._error is not None or not self._thread.is_alive():
                    raise SpeedlabError("a FakeHub cannot be restarted after close()")
                return
            self._thread = threading.Thread(target=self._run, name="fakehub", daemon=True)
            self._thread.start()
        if not self._ready.wait(timeout):
            self.close()
            raise TimeoutExpired(f"fakehub did not start within {timeout:g} s")
        if self._error is not None:
            self._thread.join(timeout)
            raise self._error

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(quiet_handshake_errors)
        self._loop = loop
        try:
            self._stop = asyncio.Event()
            try:
                loop.run_until_complete(self._hub.start())
            except BaseException as exc:
                self._error = exc
                return
            finally:
                self._ready.set()
            try:
                loop.run_until_complete(self._stop.wait())
            finally:
                loop.run_until_complete(self._hub.aclose())
        finally:
            try:
                _finish(loop)
            finally:
                loop.close()

    def close(self, *, timeout: float = _THREAD_TIMEOUT) -> None:
        """Stop the server and join its thread. Idempotent.

        Args:
            timeout: seconds to wait for the thread to finish.

        Raises:
            TimeoutExpired: the thread did not finish within ``timeout``.
        """
        with self._lock:
            thread = self._thread
        if thread is None or not thread.is_alive():
            return
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed on its own
                loop.call_soon_threadsafe(stop.set)
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutExpired(f"fakehub did not stop within {timeout:g} s")

    def __enter__(self) -> FakeHub:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def statistics(self) -> FakeHubStatistics:
        """Return what has been served so far (callable from any thread)."""
        return self._hub.statistics()

    def reset_statistics(self) -> None:
        """Forget the counters (rate-limit windows are kept)."""
        self._hub.reset_statistics()


def serve(
    config: FakeHubConfig | None = None,
    host: str = DEFAULT_HOST,
    port: int = 0,
    *,
    ready: Callable[[str], None] | None = None,
    duration: float | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> FakeHubStatistics:
    """Serve in the foreground until SIGINT or SIGTERM (or ``duration`` seconds), then stop.

    Args:
        config: the behaviour; the defaults when ``None``.
        host: a loopback address to bind.
        port: the TCP port; 0 picks a free one.
        ready: called with the URL once the server listens.
        duration: stop by itself after this many seconds (``None``: only on a signal).
        ssl_context: a server TLS context to serve HTTPS; ``None`` serves plain HTTP.

    Returns:
        The final statistics.

    Raises:
        UsageError: bad host or port, or the address cannot be bound.

    Example:
        >>> stats = serve(FakeHubConfig(), duration=0.01)
    """
    hub = AsyncFakeHub(config, host, port, ssl_context=ssl_context)

    async def main() -> FakeHubStatistics:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(quiet_handshake_errors)
        stop = asyncio.Event()
        installed: list[tuple[signal.Signals, Any]] = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(signum)
            try:
                loop.add_signal_handler(signum, stop.set)
            except (NotImplementedError, RuntimeError, ValueError):
                continue  # not the main thread, or no signals here: duration or Ctrl-C only
            installed.append((signum, previous))
        try:
            async with hub:
                if ready is not None:
                    ready(hub.url)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), duration)
        finally:
            for signum, previous in installed:
                loop.remove_signal_handler(signum)
                signal.signal(signum, previous)  # asyncio would leave SIG_DFL behind
        return hub.statistics()

    return asyncio.run(main())
