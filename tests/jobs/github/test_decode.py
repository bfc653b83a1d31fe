"""The typed page decoder against the ``json.loads`` path it replaced: fakehub's pages and more."""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedlab.fakehub import Corpus, FakeHub, FakeHubConfig, parse_query
from speedlab.jobs.effects import HttpResponse
from speedlab.jobs.github._decode import MAX_OWNER_ID, MAX_TOTAL_COUNT, SearchPage
from speedlab.jobs.github._job import DEFAULT_KEYWORDS
from speedlab.jobs.github._response import classify, parse_search_body
from speedlab.testing import GITHUB_API as API

URL = API + "/search/repositories?q=x"


def reference(body: bytes) -> SearchPage:
    """The decoder before msgspec, verbatim: ``json.loads`` and a walk over the dicts."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    total = data.get("total_count")
    incomplete = data.get("incomplete_results")
    items = data.get("items")
    if not _is_int(total):
        raise ValueError("total_count is missing or not an integer")
    if not isinstance(incomplete, bool):
        raise ValueError("incomplete_results is missing or not a boolean")
    if not isinstance(items, list):
        raise ValueError("items is missing or not a list")
    ids: list[int] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"items[{index}] is not an object")
        owner = item.get("owner")
        if owner is None:
            continue
        if not isinstance(owner, dict):
            raise ValueError(f"items[{index}].owner is not an object")
        owner_id = owner.get("id")
        if owner_id is None:
            continue
        if not _is_int(owner_id):
            raise ValueError(f"items[{index}].owner.id is not an integer")
        ids.append(owner_id)
    return SearchPage(tuple(ids), total, incomplete)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def fakehub_body(items: list[bytes], total: int, incomplete: bool = False) -> bytes:
    """A page exactly as fakehub's app assembles it from its rendered items."""
    flag = b"true" if incomplete else b"false"
    return b'{"total_count":%d,"incomplete_results":%s,"items":[%s]}' % (
        total,
        flag,
        b",".join(items),
    )


@pytest.mark.parametrize("null_owner_rate", [0.005, 0.3])
def test_same_ids_as_json_loads_on_fakehubs_pages(null_owner_rate: float) -> None:
    corpus = Corpus(null_owner_rate=null_owner_rate)
    keywords = [*DEFAULT_KEYWORDS, *(f"topic{i:03d}" for i in range(12)), "a b", "ünïcødé"]
    compared = ids_seen = 0
    for keyword in keywords:
        result = corpus.result_set(parse_query(f"{keyword} language:python"))
        for per_page, pages, sort in ((30, 3, None), (100, 2, "stars"), (7, 1, "updated")):
            for number in range(1, pages + 1):
                positions = result.page(number, per_page, sort, "desc")
                items = [corpus.item_json(result, p) for p in positions]
                for body in (
                    fakehub_body(items, result.total_count),
                    fakehub_body(items[: len(items) // 2], result.total_count, True),
                ):
                    page = parse_search_body(body, per_page)
                    assert page == reference(body)
                    compared += 1
                    ids_seen += len(page.ids)
    assert compared > 200
    assert ids_seen > 5000  # the pages were not empty


def test_every_response_fakehub_serves_gets_the_old_verdict() -> None:
    # Faults included: truncated (malformed) bodies, incomplete pages, gzip.
    config = FakeHubConfig(malformed_rate=0.3, incomplete_rate=0.2, seed=3)
    kinds = set()
    with FakeHub(config) as hub, requests.Session() as session:
        for index in range(40):
            params: dict[str, str | int] = {"q": f"word{index % 9} language:python"}
            params |= {"per_page": (30, 100, 5)[index % 3], "page": 1 + index % 4}
            reply = session.get(f"{hub.url}/search/repositories", params=params, timeout=10)
            assert reply.status_code == 200
            response = HttpResponse(200, dict(reply.headers), reply.content, reply.url)
            verdict = classify(response, per_page=int(params["per_page"]))
            try:
                expected: SearchPage | None = reference(reply.content)
            except ValueError:
                expected = None
            assert verdict.page == expected
            assert verdict.kind == ("malformed" if expected is None else "ok")
            kinds.add(verdict.kind)
    assert kinds == {"ok", "malformed"}


# --- hypothesis: bodies of the documented shape, and bodies almost of it -----------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)  # JSON cannot carry Cs
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JUNK = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)


def mostly(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``common`` nine times in ten, else ``rare``."""
    return st.integers(0, 9).flatmap(lambda k: rare if k == 0 else common)


# Pages of the documented shape: ids and counts now and then at or past the bounds, nulls, extras.
EDGES = st.sampled_from([-1, 0, 1, 2**63 - 1, 2**63])
GOOD_ID = mostly(st.integers(1, 10**9), st.one_of(EDGES, st.none()))
GOOD_OWNER = mostly(
    st.fixed_dictionaries({"id": GOOD_ID}, optional={"login": TEXT, "x": JUNK}),
    st.one_of(st.none(), st.fixed_dictionaries({}, optional={"login": TEXT})),
)
GOOD_ITEM = mostly(
    st.fixed_dictionaries({"owner": GOOD_OWNER}, optional={"id": JUNK, "name": TEXT}),
    st.fixed_dictionaries({}, optional={"name": TEXT, "x": JUNK}),
)
GOOD_PAGE = st.fixed_dictionaries(
    {
        "total_count": mostly(st.integers(0, 10**6), EDGES),
        "incomplete_results": st.booleans(),
        "items": st.lists(GOOD_ITEM, max_size=12),
    },
    optional={"extra": JUNK, "zz": JUNK},
)
# Pages almost of that shape: any value may be of the wrong type.
OWNER = st.one_of(GOOD_OWNER, st.fixed_dictionaries({"id": JUNK}), JUNK)
ITEM = st.one_of(GOOD_ITEM, st.fixed_dictionaries({"owner": OWNER}), JUNK)
PAGE = st.fixed_dictionaries(
    {},
    optional={
        "total_count": st.one_of(st.integers(-3, 2**64), JUNK),
        "incomplete_results": st.one_of(st.booleans(), JUNK),
        "items": st.one_of(st.lists(ITEM, max_size=12), JUNK),
        "extra": JUNK,
    },
)


def within_bounds(document: Any, per_page: int) -> bool:
    """Whether a page that ``reference`` accepted also passes the new bounds."""
    items = document["items"]
    owners = [item.get("owner") for item in items]
    ids = [owner["id"] for owner in owners if owner is not None and owner.get("id") is not None]
    return (
        len(items) <= per_page
        and 0 <= document["total_count"] <= MAX_TOTAL_COUNT
        and all(1 <= i <= MAX_OWNER_ID for i in ids)
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.one_of(GOOD_PAGE, PAGE, JUNK),
    per_page=st.one_of(st.integers(1, 12), st.integers(1, 100)),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 0, 2]),
)
def test_same_verdict_as_json_loads_on_generated_bodies(
    document: Any, per_page: int, ascii_only: bool, indent: int | None
) -> None:
    body = json.dumps(document, ensure_ascii=ascii_only, indent=indent).encode()
    try:
        expected: SearchPage | None = reference(body)
    except ValueError:
        expected = None
    try:
        got: SearchPage | None = parse_search_body(body, per_page)
    except ValueError:
        got = None
    if expected is not None and not within_bounds(document, per_page):
        assert got is None  # stricter on purpose: too many items, ids or count out of range
    else:
        assert got == expected
    verdict = classify(HttpResponse(200, {}, body, URL), per_page=per_page)
    assert verdict.kind == ("ok" if got is not None else "malformed")


@settings(max_examples=300)
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_never_raise_anything_but_value_error(raw: bytes) -> None:
    try:
        page = parse_search_body(raw)
    except ValueError:
        verdict = classify(HttpResponse(200, {}, raw, URL))
        assert verdict.kind == "malformed"
        assert len(verdict.message) <= 250
    else:
        assert page == reference(raw)


# --- the rules, one by one ---------------------------------------------------------------------


def page_of(items: str, total: str = "1") -> bytes:
    return f'{{"total_count": {total}, "incomplete_results": false, "items": [{items}]}}'.encode()


def test_at_most_per_page_items() -> None:
    three = page_of('{"owner": {"id": 1}}, {"owner": {"id": 2}}, {"owner": null}')
    assert parse_search_body(three, 3).ids == (1, 2)
    with pytest.raises(ValueError, match=r"items has more than 2 entries \(per_page 2\)"):
        parse_search_body(three, 2)
    verdict = classify(HttpResponse(200, {}, three, URL), per_page=2)
    assert verdict.kind == "malformed"
    assert classify(HttpResponse(200, {}, page_of(",".join(["{}"] * 100)), URL)).kind == "ok"
    assert classify(HttpResponse(200, {}, page_of(",".join(["{}"] * 101)), URL)).kind == (
        "malformed"  # the default per_page is GitHub's largest page
    )


@pytest.mark.parametrize("per_page", [0, 101, -1])
def test_per_page_outside_1_to_100_is_the_callers_mistake(per_page: int) -> None:
    with pytest.raises(ValueError, match="per_page"):
        classify(HttpResponse(200, {}, page_of(""), URL), per_page=per_page)


def test_a_ten_million_item_page_is_refused_without_building_it() -> None:
    huge = b'{"total_count": 1, "incomplete_results": false, "items": [' + b"{}," * 10_000_000
    huge += b"{}]}"
    tracemalloc.start()
    try:
        verdict = classify(HttpResponse(200, {}, huge, URL), per_page=30)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert verdict.kind == "malformed"
    assert "more than 30" in verdict.message
    assert peak < 1_000_000  # the 30 MB body aside, almost nothing was allocated


@pytest.mark.parametrize(
    ("owner_id", "ok"),
    [
        ("1", True),
        (str(2**63 - 1), True),
        ("0", False),
        ("-7", False),
        (str(2**63), False),
        ("9" * 5000, False),
        ("true", False),
        ("7.0", False),
        ("1e3", False),
        ('"7"', False),
        ("null", True),  # skipped, as before
    ],
)
def test_owner_ids_are_int64_above_zero(owner_id: str, ok: bool) -> None:
    body = page_of(f'{{"owner": {{"id": {owner_id}, "login": "x"}}}}')
    if ok:
        assert parse_search_body(body).ids == (() if owner_id == "null" else (int(owner_id),))
    else:
        with pytest.raises(ValueError, match=r"items\[0\]\.owner\.id"):
            parse_search_body(body)


@pytest.mark.parametrize("total", ["-1", str(2**63), "1.5", "false", '"3"', "null"])
def test_total_count_is_a_non_negative_int64(total: str) -> None:
    with pytest.raises(ValueError, match="total_count"):
        parse_search_body(page_of("", total))


def test_missing_owners_and_ids_are_skipped_as_before() -> None:
    body = page_of(
        '{}, {"owner": null}, {"owner": {}}, {"owner": {"id": null}}, {"owner": {"id": 4}}'
    )
    assert parse_search_body(body).ids == reference(body).ids == (4,)


def test_deep_nesting_in_an_unused_field_is_malformed_not_a_crash() -> None:
    body = b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(ValueError, match="not JSON"):
        parse_search_body(body)


def test_a_utf8_byte_order_mark_is_ignored_as_json_loads_did() -> None:
    body = b"\xef\xbb\xbf" + page_of('{"owner": {"id": 5}}')
    assert parse_search_body(body) == reference(body) == SearchPage((5,), 1, False)


@pytest.mark.parametrize(
    "body",
    [
        page_of("", "1").replace(b"}", b', "x": NaN}'),
        json.dumps({"total_count": 1, "incomplete_results": False, "items": []}).encode("utf-16"),
        page_of("").replace(b"}", b', "x": "\\ud800"}'),
    ],
    ids=["NaN", "utf-16", "lone-surrogate"],
)
def test_not_json_as_rfc_8259_says_is_malformed_although_json_loads_took_it(body: bytes) -> None:
    # Deliberate differences: json.loads accepts these extensions; GitHub sends none of them.
    reference(body)
    assert classify(HttpResponse(200, {}, body, URL)).kind == "malformed"
