"""``GET /rate_limit``: GitHub's shape, the search route's own window, and free to call."""

from __future__ import annotations

import math

import pytest

from speedlab.fakehub import RATE_LIMIT_PATH, RateDecision, rate_limit_body
from speedlab.fakehub._ratelimit import OTHER_RESOURCES
from tests.fakehub.client import MakeHub, get, raw_request

TOKEN = {"Authorization": "Bearer good"}
FIELDS = {"limit", "used", "remaining", "reset", "resource"}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def rate_limit(url: str, headers: dict[str, str] | None = None) -> dict[str, object]:
    response = get(url, headers=headers, path=RATE_LIMIT_PATH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def test_the_body_has_githubs_shape(make_hub: MakeHub) -> None:
    hub = make_hub(rate_limit=(30, 60), unauthenticated_limit=10)
    response = get(hub.url, headers=TOKEN, path=RATE_LIMIT_PATH)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"resources", "rate"}
    resources = body["resources"]
    assert set(resources) == {"search"} | {name for name, *_ in OTHER_RESOURCES}
    assert {"core", "search", "graphql", "code_search", "integration_manifest"} <= set(resources)
    for name, entry in resources.items():
        assert set(entry) == FIELDS
        assert entry["resource"] == name
        assert entry["used"] + entry["remaining"] == entry["limit"]
    assert body["rate"] == resources["core"]  # the deprecated copy of core
    assert (resources["core"]["limit"], resources["graphql"]["limit"]) == (5000, 5000)
    # The response's own headers speak of core, the resource /rate_limit belongs to.
    assert response.headers["x-ratelimit-resource"] == "core"
    assert response.headers["x-ratelimit-limit"] == "5000"


def test_search_is_the_window_the_search_route_counts(make_hub: MakeHub) -> None:
    clock = Clock(10_000.4)
    hub = make_hub(rate_limit=(30, 60), unauthenticated_limit=10, clock=clock)
    searches = [get(hub.url, {"q": "torch"}, headers=TOKEN) for _ in range(3)]
    assert [r.status_code for r in searches] == [200, 200, 200]
    search = rate_limit(hub.url, TOKEN)["resources"]["search"]  # type: ignore[index]
    last = searches[-1].headers
    assert search == {
        "limit": int(last["x-ratelimit-limit"]),
        "used": int(last["x-ratelimit-used"]),
        "remaining": int(last["x-ratelimit-remaining"]),
        "reset": int(last["x-ratelimit-reset"]),
        "resource": "search",
    }
    assert (search["limit"], search["used"], search["reset"]) == (30, 3, 10_060)
    # Without a token: the client address's own window and limit, untouched by the token's.
    anonymous = rate_limit(hub.url)["resources"]
    assert anonymous["search"]["limit"] == 10  # type: ignore[index]
    assert anonymous["search"]["used"] == 0  # type: ignore[index]
    assert anonymous["core"]["limit"] == 60  # type: ignore[index]
    assert anonymous["graphql"]["limit"] == 0  # type: ignore[index]


def test_calling_it_counts_against_no_limit(make_hub: MakeHub) -> None:
    hub = make_hub(rate_limit=(2, 60))
    for _ in range(5):
        rate_limit(hub.url, TOKEN)
    assert [get(hub.url, {"q": "x"}, headers=TOKEN).status_code for _ in range(3)] == [
        200,
        200,
        403,
    ]
    # Still answered once the search limit is used up, and it says so.
    exhausted = rate_limit(hub.url, TOKEN)["resources"]["search"]  # type: ignore[index]
    assert (exhausted["remaining"], exhausted["used"]) == (0, 2)
    assert hub.statistics().primary_limited == 1
    assert hub.statistics().by_status == {200: 8, 403: 1}


def test_a_new_window_shows_after_the_reset(make_hub: MakeHub) -> None:
    clock = Clock(500.5)
    hub = make_hub(rate_limit=(5, 10), clock=clock)
    get(hub.url, {"q": "x"}, headers=TOKEN)
    assert rate_limit(hub.url, TOKEN)["resources"]["search"]["used"] == 1  # type: ignore[index]
    clock.now = 510.0
    fresh = rate_limit(hub.url, TOKEN)["resources"]
    assert fresh["search"]["used"] == 0  # type: ignore[index]
    assert fresh["search"]["reset"] == 520  # type: ignore[index]
    assert fresh["core"]["reset"] == 510 + 3600  # an unused bucket resets "a window from now"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ([(b"Authorization", b"Bearer wrong")], 401),
        ([(b"Authorization", b"Bearer \xff")], 401),
        ([(b"X-GitHub-Api-Version", b"1999-01-01")], 400),
    ],
)
def test_the_same_gates_as_search(make_hub: MakeHub, headers: list, status: int) -> None:
    hub = make_hub(tokens=frozenset({"good"}))
    assert raw_request(hub.url, RATE_LIMIT_PATH.encode(), headers).status == status
    assert raw_request(hub.url, RATE_LIMIT_PATH.encode(), user_agent=None).status == 403
    assert raw_request(hub.url, RATE_LIMIT_PATH.encode(), method=b"POST").status == 404


def test_the_body_is_a_pure_function_of_the_search_state() -> None:
    search = RateDecision(True, 30, 18, 12, 1_700_000_040)
    body = rate_limit_body(search, authenticated=True, now=1_700_000_000.9)
    assert body["resources"]["search"] == {
        "limit": 30, "used": 12, "remaining": 18, "reset": 1_700_000_040, "resource": "search",
    }  # fmt: skip
    for name, with_token, _, window in OTHER_RESOURCES:
        entry = body["resources"][name]
        assert (entry["limit"], entry["used"]) == (with_token, 0)
        assert entry["reset"] == math.floor(1_700_000_000.9) + window
    assert list(body["resources"])[:2] == ["core", "search"]
