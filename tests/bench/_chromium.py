"""Open a page in headless Chromium and report what a reader would see go wrong.

Chromium is driven through the DevTools protocol on 127.0.0.1 (a websocket, here aiohttp's
client): navigate to the ``file://`` page, wait for its load event, then ask the page which
images loaded and collect every console error, uncaught exception and failed resource load.
The browser runs with a fresh profile and no network services; it is always terminated.

The tests install nothing: ``make test`` installs Debian's ``chromium`` when it is missing.
Without it, the browser tests are skipped unless ``SPEEDLAB_REQUIRE_CHROMIUM=1`` (set by
``make test``) makes its absence a failure.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
)
START_TIMEOUT = 30.0
LOAD_TIMEOUT = 30.0

_IMAGES = (
    "JSON.stringify(Array.from(document.images, i => "
    "[i.getAttribute('src'), i.complete, i.naturalWidth]))"
)


def find_chromium() -> str | None:
    """The Chromium binary on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageCheck:
    """What the page showed: its title, each image (src, complete, width), the errors."""

    title: str = ""
    images: list[tuple[str, bool, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    screenshot: bytes = b""

    @property
    def broken(self) -> list[str]:
        """Images that did not load."""
        return [src for src, complete, width in self.images if not complete or width == 0]


def _port(profile: Path, proc: subprocess.Popen[bytes]) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with code {proc.returncode}")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(marker.read_text().split()[0])
        time.sleep(0.1)
    raise TimeoutError("chromium did not open its DevTools port")


def _page_socket(port: int) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
            targets = json.loads(answer.read())
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            return str(pages[0]["webSocketDebuggerUrl"])
        time.sleep(0.1)
    raise TimeoutError("chromium opened no page")


async def _inspect(url: str, page: Path, *, screenshot: bool, width: int) -> PageCheck:
    import aiohttp

    check = PageCheck()
    ids = itertools.count(1)
    replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
    loaded = asyncio.Event()

    async with aiohttp.ClientSession() as session, session.ws_connect(url, max_msg_size=0) as ws:

        async def listen() -> None:
            async for message in ws:
                data = json.loads(message.data)
                if "id" in data and data["id"] in replies:
                    replies.pop(data["id"]).set_result(data)
                    continue
                method, params = data.get("method"), data.get("params", {})
                if method == "Page.loadEventFired":
                    loaded.set()
                elif method == "Runtime.exceptionThrown":
                    check.errors.append(params["exceptionDetails"].get("text", "exception"))
                elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                    check.errors.append(" ".join(str(a.get("value")) for a in params["args"]))
                elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                    entry = params["entry"]
                    check.errors.append(f"{entry.get('text')} {entry.get('url', '')}".strip())

        async def call(method: str, **params: Any) -> dict[str, Any]:
            ident = next(ids)
            replies[ident] = asyncio.get_running_loop().create_future()
            await ws.send_json({"id": ident, "method": method, "params": params})
            reply = await asyncio.wait_for(replies[ident], LOAD_TIMEOUT)
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            return dict(reply.get("result", {}))

        listener = asyncio.create_task(listen())
        try:
            for domain in ("Page", "Runtime", "Log"):
                await call(f"{domain}.enable")
            await call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=900,
                deviceScaleFactor=1,
                mobile=False,
            )
            await call("Page.navigate", url=page.resolve().as_uri())
            await asyncio.wait_for(loaded.wait(), LOAD_TIMEOUT)
            title = await call("Runtime.evaluate", expression="document.title", returnByValue=True)
            check.title = str(title["result"].get("value", ""))
            images = await call("Runtime.evaluate", expression=_IMAGES, returnByValue=True)
            check.images = [tuple(i) for i in json.loads(images["result"]["value"])]  # type: ignore[misc]
            if screenshot:
                shot = await call(
                    "Page.captureScreenshot", format="png", captureBeyondViewport=True
                )
                check.screenshot = base64.b64decode(shot["data"])
            await asyncio.sleep(0.2)  # let late console messages arrive
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
    return check


def check_page(page: Path, *, screenshot: bool = False, width: int = 1200) -> PageCheck:
    """Open ``page`` in headless Chromium; return its images and errors.

    Raises:
        FileNotFoundError: No Chromium on PATH.
        TimeoutError: The browser or the page did not come up in time.
    """
    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError("chromium")
    with tempfile.TemporaryDirectory(prefix="speedlab-chromium-") as profile:
        proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": profile},
            start_new_session=True,  # its helpers (zygote, GPU, crashpad) in one group
        )
        try:
            url = _page_socket(_port(Path(profile), proc))
            return asyncio.run(_inspect(url, page, screenshot=screenshot, width=width))
        finally:
            _end_group(proc)


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the browser and every helper it started, and wait until all are gone.

    Waiting for the main process alone is not enough: a helper still writing into the
    profile made removing it fail ("Directory not empty").
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, signal.SIGKILL if time.monotonic() > deadline - 5 else 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
