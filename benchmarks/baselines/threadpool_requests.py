"""The lecture's downloader made concurrent the usual way: requests + ThreadPoolExecutor.

Written as a careful user would (one Session per thread, as the requests docs advise), with
no rate limiting, retries or safe file names: the cost our threads model is compared to.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

__all__ = ["get_many_stats"]

_local = threading.local()


def _session() -> requests.Session:
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def _one(api: str, out_dir: str, query: str) -> None:
    response = _session().get(
        f"{api}/search/repositories",
        params={"q": f"{query} language:python"},
        headers={"Accept": "application/vnd.github+json"},
        timeout=10,
    )
    data = response.json() if response.ok else {}
    ids = [item["owner"]["id"] for item in data.get("items", []) if item.get("owner")]
    with open(os.path.join(out_dir, query), "w") as f:
        f.write(str(ids))


def get_many_stats(api: str, out_dir: str, queries: list[str], workers: int) -> int:
    """Search every query on ``workers`` threads and save the owners' ids; return the count."""
    os.makedirs(out_dir, exist_ok=True)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda q: _one(api, out_dir, q), queries))
    return len(queries)
