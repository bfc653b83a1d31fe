"""Keep-alive bookkeeping without I/O: freshest first, expiry, the per-origin limit."""

from __future__ import annotations

import pytest

from speedlab.loop._pool import ConnectionPool


def test_the_freshest_idle_connection_is_reused_first() -> None:
    pool: ConnectionPool[str] = ConnectionPool(max_idle=3, expiry=10.0)
    assert pool.take("a", 0.0) == (None, [])
    assert pool.put("a", "old", 0.0) == []
    assert pool.put("a", "new", 1.0) == []
    assert pool.take("a", 2.0) == ("new", [])
    assert pool.take("b", 2.0) == (None, [])  # per origin
    assert pool.statistics().reused == 1


def test_expired_connections_are_handed_back_for_closing() -> None:
    pool: ConnectionPool[str] = ConnectionPool(max_idle=3, expiry=5.0)
    pool.put("a", "c1", 0.0)
    pool.put("a", "c2", 4.0)
    assert pool.take("a", 6.0) == ("c2", ["c1"])
    pool.put("a", "c3", 6.0)
    assert pool.take("a", 100.0) == (None, ["c3"])
    assert pool.statistics().expired == 2


def test_beyond_the_limit_the_oldest_are_closed() -> None:
    pool: ConnectionPool[int] = ConnectionPool(max_idle=2)
    assert [pool.put("a", i, float(i)) for i in range(4)] == [[], [], [0], [1]]
    assert pool.statistics().idle == 2
    assert sorted(pool.drain()) == [2, 3]
    assert pool.statistics().idle == 0
    assert pool.statistics().overflow == 2


def test_a_zero_pool_keeps_nothing_and_bad_sizes_are_refused() -> None:
    pool: ConnectionPool[int] = ConnectionPool(max_idle=0)
    assert pool.put("a", 1, 0.0) == [1]
    with pytest.raises(ValueError, match="negative"):
        ConnectionPool(max_idle=-1)
