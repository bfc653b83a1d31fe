"""The lecture's downloader made concurrent with asyncio the usual way: aiohttp + gather.

One ClientSession, one task per query, ``asyncio.gather`` (aiohttp's connector allows
``limit`` connections at once, 100 by default); no rate limiting, retries or safe file names.
"""

from __future__ import annotations

import asyncio
import os

import aiohttp

__all__ = ["get_many_stats"]


async def _one(session: aiohttp.ClientSession, api: str, out_dir: str, query: str) -> None:
    async with session.get(
        f"{api}/search/repositories",
        params={"q": f"{query} language:python"},
        headers={"Accept": "application/vnd.github+json"},
    ) as response:
        data = await response.json() if response.ok else {}
    ids = [item["owner"]["id"] for item in data.get("items", []) if item.get("owner")]
    with open(os.path.join(out_dir, query), "w") as f:
        f.write(str(ids))


async def _main(api: str, out_dir: str, queries: list[str], limit: int) -> int:
    os.makedirs(out_dir, exist_ok=True)
    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=limit)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(_one(session, api, out_dir, q) for q in queries))
    return len(queries)


def get_many_stats(api: str, out_dir: str, queries: list[str], limit: int) -> int:
    """Search every query with at most ``limit`` connections and save the owners' ids."""
    return asyncio.run(_main(api, out_dir, queries, limit))
