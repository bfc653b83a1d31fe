"""Deterministic repositories: items, owners, null owners only when asked, sorting."""

from __future__ import annotations

import json

from speedlab.fakehub import (
    POOL_LIMIT,
    Corpus,
    FakeHub,
    ResultSet,
    parse_query,
    total_count,
)
from tests.fakehub.client import get

REQUIRED_ITEM_FIELDS = {
    "id", "node_id", "name", "full_name", "owner", "private", "html_url", "description", "fork",
    "url", "created_at", "updated_at", "pushed_at", "homepage", "size", "stargazers_count",
    "watchers_count", "language", "forks_count", "open_issues_count", "default_branch", "score",
    "forks", "open_issues", "watchers", "mirror_url", "has_issues", "has_projects", "has_pages",
    "has_wiki", "has_downloads", "archived", "disabled", "license", "forks_url", "keys_url",
    "collaborators_url", "teams_url", "hooks_url", "issue_events_url", "events_url",
    "assignees_url", "branches_url", "tags_url", "blobs_url", "git_tags_url", "git_refs_url",
    "trees_url", "statuses_url", "languages_url", "stargazers_url", "contributors_url",
    "subscribers_url", "subscription_url", "commits_url", "git_commits_url", "comments_url",
    "issue_comment_url", "contents_url", "compare_url", "merges_url", "archive_url",
    "downloads_url", "issues_url", "pulls_url", "milestones_url", "notifications_url",
    "labels_url", "releases_url", "deployments_url", "git_url", "ssh_url", "clone_url", "svn_url",
}  # fmt: skip
REQUIRED_OWNER_FIELDS = {
    "login", "id", "node_id", "avatar_url", "gravatar_id", "url", "html_url", "followers_url",
    "following_url", "gists_url", "starred_url", "subscriptions_url", "organizations_url",
    "repos_url", "events_url", "received_events_url", "type", "site_admin",
}  # fmt: skip


def _first(predicate: object, suffix: str = "") -> str:
    for n in range(10_000):
        q = f"kw{n}{suffix}"
        if predicate(total_count(parse_query(q))):  # type: ignore[operator]
            return q
    raise AssertionError("no keyword found")


def test_items_have_every_required_field_and_a_realistic_size() -> None:
    corpus = Corpus()
    result = corpus.result_set(parse_query("deep learning language:python"))
    sizes = []
    for position in range(min(len(result), 200)):
        item = corpus.item(result, position)
        assert item.keys() >= REQUIRED_ITEM_FIELDS
        assert isinstance(item["score"], float)
        assert item["language"] == "Python"
        assert item["fork"] is False
        assert item["created_at"] <= item["pushed_at"] <= item["updated_at"]
        assert item["created_at"].endswith("Z")
        assert len(item["created_at"]) == 20
        assert item["url"] == f"https://api.github.com/repos/{item['full_name']}"
        if item["owner"] is not None:
            assert item["owner"].keys() >= REQUIRED_OWNER_FIELDS
            assert item["full_name"] == f"{item['owner']['login']}/{item['name']}"
        sizes.append(len(corpus.item_json(result, position)))
    assert 4_000 <= sum(sizes) / len(sizes) <= 6_500


def test_every_term_is_in_name_description_or_topics() -> None:
    corpus = Corpus()
    for q, terms in [
        ("torch vision", ("torch", "vision")),
        ('"web scraping" X', ("web scraping", "x")),
    ]:
        result = corpus.result_set(parse_query(q))
        assert len(result) > 0
        for position in range(min(len(result), 60)):
            item = corpus.item(result, position)
            text = " ".join([item["name"], item["description"] or "", *item["topics"]]).lower()
            assert all(term in text for term in terms), (q, item["name"], item["description"])


def test_in_name_puts_the_terms_in_the_name() -> None:
    corpus = Corpus()
    result = corpus.result_set(parse_query("alpha beta in:name"))
    assert all(
        corpus.item(result, p)["name"].startswith("alpha-beta") for p in range(min(20, len(result)))
    )


def test_forks_follow_the_fork_qualifier() -> None:
    corpus = Corpus()
    only = corpus.result_set(parse_query("deep fork:only"))
    assert all(corpus.item(only, p)["fork"] for p in range(50))
    mixed = corpus.result_set(parse_query("deep fork:true"))
    forks = sum(corpus.item(mixed, p)["fork"] for p in range(300))
    assert 10 <= forks <= 70


def test_owner_ids_are_stable_per_login_and_owners_recur_across_keywords() -> None:
    corpus = Corpus(null_owner_rate=0.0)
    ids: dict[str, int] = {}
    keywords_of: dict[str, set[str]] = {}
    for keyword in ["search", "torch", "tensorflow", "requests", "alice", "data", "deep", "ml"]:
        result = corpus.result_set(parse_query(f"{keyword} language:python"))
        for position in range(min(len(result), 100)):
            owner = corpus.item(result, position)["owner"]
            assert ids.setdefault(owner["login"], owner["id"]) == owner["id"]
            keywords_of.setdefault(owner["login"], set()).add(keyword)
    assert len(set(ids.values())) == len(ids)  # different logins, different ids
    assert any(len(k) >= 2 for k in keywords_of.values())


def test_no_owner_is_null_unless_asked(hub: FakeHub) -> None:
    corpus = Corpus()  # the default, as FakeHubConfig's
    for q in ["deep0", "deep1", "deep2", "torch language:python"]:
        result = corpus.result_set(parse_query(q))
        assert all(corpus.item(result, p)["owner"] is not None for p in range(len(result)))
    for page in range(1, 11):  # and through the server, the first 1000 results
        items = get(hub.url, {"q": "data", "per_page": 100, "page": page}).json()["items"]
        assert len(items) == 100
        assert all(item["owner"] is not None for item in items)


def test_null_owners_are_a_small_deterministic_fraction() -> None:
    def nulls(rate: float) -> int:
        corpus = Corpus(null_owner_rate=rate)
        count = 0
        for n in range(3):
            result = corpus.result_set(parse_query(f"deep{n}"))
            count += sum(corpus.item(result, p)["owner"] is None for p in range(len(result)))
        return count

    with_default = nulls(0.005)
    assert 1 <= with_default <= 40
    assert with_default == nulls(0.005)
    assert nulls(0.0) == 0


def test_sorting_orders_the_same_pool() -> None:
    q = _first(lambda total: total > 5_000)
    result = ResultSet(parse_query(q))
    assert len(result) == POOL_LIMIT
    best = list(result.order(None))
    assert best == list(range(POOL_LIMIT))
    by_stars = list(result.order("stars", "desc"))
    assert sorted(by_stars) == best
    stars = [result.numbers(p).stars for p in by_stars]
    assert stars == sorted(stars, reverse=True)
    ascending = [result.numbers(p).stars for p in result.order("stars", "asc")]
    assert ascending == sorted(ascending)
    updated = [result.numbers(p).updated for p in result.order("updated")]
    assert updated == sorted(updated, reverse=True)
    assert list(result.order("bogus", "asc")) == best


def test_pages_past_the_data_are_empty() -> None:
    q = _first(lambda total: 40 < total < 60)
    result = ResultSet(parse_query(q))
    assert len(result.page(2, 30, None, "desc")) == result.total_count - 30
    assert len(result.page(3, 30, None, "desc")) == 0


def test_item_json_is_compact_utf8() -> None:
    corpus = Corpus()
    result = corpus.result_set(parse_query("deep"))
    raw = corpus.item_json(result, 0)
    assert raw.startswith(b'{"id":%d,"node_id":"' % corpus.item(result, 0)["id"])
    assert json.loads(raw) == corpus.item(result, 0)
