"""The reddit connector over real Reddit API responses recorded by PRAW."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph import GraphSettings, GraphStore
from loaders.base import LoadOptions
from loaders.reddit import parse
from loaders.registry import get_connector
from tests.loaders.native_support import BINARY, DATA, MEGABYTE_TEXT, MIXED_TEXT, run, write_json
from tests.loaders.social_load import scrm_load

PRAW = DATA / "reddit-praw-cassettes"


def test_registered() -> None:
    assert get_connector("reddit").parse is parse


def test_submission_with_its_comment_tree() -> None:
    parsed = run(parse, PRAW / "TestSubmission.test_comments__01_GET_comments_2gmzqe.json")
    assert parsed.rejects == []
    posts = {p.id: p for p in parsed.of("post")}
    submission = posts["reddit:t3_2gmzqe"]
    assert submission.text.startswith("[PRAW] HTTPS enabled PRAW testing needed\n\n")
    assert (submission.author, submission.created_at) == ("reddit:bboe", 1410935671000)
    assert (submission.likes, submission.replies) == (11, 2)
    assert submission.url == (
        "https://www.reddit.com/r/redditdev/comments/2gmzqe/praw_https_enabled_praw_testing_needed/"
    )
    question, answer = posts["reddit:t1_cklfmye"], posts["reddit:t1_cklhv0f"]
    assert (question.author, answer.author, answer.created_at) == (
        "reddit:paneer_burrito",
        "reddit:bboe",
        1411010034000,
    )
    assert {(r.source, r.target) for r in parsed.of("post_link")} == {
        (question.id, submission.id),
        (answer.id, question.id),  # a reply in ``replies`` answers its parent comment
    }
    assert {(e.type, e.account, e.post, e.at) for e in parsed.of("engagement")} == {
        ("REPLIED", "reddit:paneer_burrito", submission.id, 1411005112000),
        ("REPLIED", "reddit:bboe", question.id, 1411010034000),
    }
    assert {a.id: a.handle for a in parsed.of("account")} == {
        "reddit:bboe": "bboe",
        "reddit:paneer_burrito": "paneer_burrito",
    }


def test_nested_replies() -> None:
    path = PRAW / "TestCommentForest.test_replace__all__19_GET_comments_3hahrw_cu5v5h7.json"
    parsed = run(parse, path)
    assert parsed.rejects == []
    assert {(r.source, r.target) for r in parsed.of("post_link")} == {
        ("reddit:t1_cu5v5h7", "reddit:t1_cu5v4if"),  # its parent is not in this response
        ("reddit:t1_cu5vad7", "reddit:t1_cu5v5h7"),
        ("reddit:t1_cu5w1ko", "reddit:t1_cu5vad7"),
    }
    assert parsed.ids("post") == {
        "reddit:t3_3hahrw",
        "reddit:t1_cu5v5h7",
        "reddit:t1_cu5vad7",
        "reddit:t1_cu5w1ko",
    }


def _things(node: Any) -> list[dict[str, Any]]:
    """Every t1/t3 data object in a response, read with plain dictionaries."""
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for child in node:
            found += _things(child)
    elif isinstance(node, dict):
        if node.get("kind") in ("t1", "t3"):
            found.append(node["data"])
        for value in node.values():
            found += _things(value)
    return found


def test_comment_stream_against_the_file() -> None:
    path = PRAW / "TestSubredditStreams.test_comments__05_GET_r_all_comments.json"
    comments = _things(json.loads(path.read_text()))
    parsed = run(parse, path)
    assert parsed.rejects == []
    assert len(comments) == 31
    authored = [c for c in comments if c["author"] != "[deleted]"]
    full = {p.id: p for p in parsed.of("post") if "text" in p.model_fields_set}
    assert {i: (p.author, p.text, p.created_at) for i, p in full.items()} == {
        f"reddit:t1_{c['id']}": (
            f"reddit:{c['author']}" if c["author"] != "[deleted]" else None,
            c["body"],
            int(c["created_utc"]) * 1000,
        )
        for c in comments
    }
    assert {(r.source, r.target) for r in parsed.of("post_link")} == {
        (f"reddit:t1_{c['id']}", f"reddit:{c['parent_id']}") for c in comments
    }
    assert len(parsed.of("engagement")) == len(authored)
    # The listing names each submission's author: the submissions answered are known by author.
    stubs = {p.id: p.author for p in parsed.of("post") if "text" not in p.model_fields_set}
    assert stubs == {
        f"reddit:{c['link_id']}": f"reddit:{c['link_author']}"
        for c in comments
        if c["parent_id"] == c["link_id"] and c["link_author"] != "[deleted]"
    }


def test_morechildren_and_info() -> None:
    path = PRAW / "TestCommentForest.test_replace__all__02_POST_api_morechildren.json"
    comments = _things(json.loads(path.read_text()))
    more = run(parse, path)
    assert more.rejects == []
    assert more.ids("post") == {f"reddit:t1_{c['id']}" for c in comments}
    assert len(comments) == 11
    assert {(r.source, r.target) for r in more.of("post_link")} == {
        (f"reddit:t1_{c['id']}", f"reddit:{c['parent_id']}") for c in comments
    }
    info = run(parse, PRAW / "TestComment.test_attributes__01_GET_api_info.json")
    (post,) = info.of("post")
    assert (post.id, post.author, post.likes) == ("reddit:t1_cklhv0f", "reddit:bboe", 1)


def test_accounts() -> None:
    about = run(
        parse, PRAW / "TestRedditor.test_fullname_init__02_GET_user_PyAPITestUser3_about.json"
    )
    (account,) = about.of("account")
    assert (account.id, account.handle) == ("reddit:t2_6c1xj", "PyAPITestUser3")
    assert account.verified is True
    assert account.created_at == 1322552953000
    by_ids = run(
        parse, PRAW / "TestRedditor.test_fullname_init__01_GET_api_user_data_by_account_ids.json"
    )
    assert [(a.id, a.handle, a.created_at) for a in by_ids.of("account")] == [
        ("reddit:t2_6c1xj", "PyAPITestUser3", 1322552953000)
    ]
    assert run(parse, PRAW / "_index.json").items == []


def _comment(**fields: Any) -> dict[str, Any]:
    data = {
        "id": "abc1",
        "author": "alice",
        "author_fullname": "t2_a1",
        "parent_id": "t3_post1",
        "link_id": "t3_post1",
        "body": "hello u/bob and /u/carol",
        "created_utc": 1700000000.0,
        "ups": 2,
    }
    return {"kind": "t1", "data": {**data, **fields}}


def test_ids_and_mentions_with_fullnames(tmp_path: Path) -> None:
    reply = _comment(
        id="abc2", author="bob", author_fullname="t2_b2", body="hi", parent_id="t1_abc1"
    )
    subreddit = {"id": "2qh33", "display_name": "funny", "created_utc": 1201242956.0}
    more = {"kind": "more", "data": {"children": ["x1", "x2"]}}
    children = [_comment(), reply, {"kind": "t5", "data": subreddit}, more]
    path = write_json(
        tmp_path / "listing.json", {"kind": "Listing", "data": {"children": children}}
    )
    parsed = run(parse, path, LoadOptions(brand="acme"))
    assert parsed.rejects == []
    # Data that carries author_fullname keys accounts by it; names resolve through it.
    accounts = {a.id: a.handle for a in parsed.of("account")}
    assert accounts == {"reddit:t2_a1": "alice", "reddit:t2_b2": "bob"}
    # carol is not in the data, so her account id cannot be told: no mention of her.
    mentions = [(m.post, m.account) for m in parsed.of("mention")]
    assert mentions == [("reddit:t1_abc1", "reddit:t2_b2")]
    (community,) = parsed.of("community")
    assert (community.id, community.name) == ("reddit:t5_2qh33", "funny")
    assert (community.community_kind, community.created_at) == ("subreddit", 1201242956000)
    brands = [(c.community, c.brand) for c in parsed.of("community_of_brand")]
    assert brands == [("reddit:t5_2qh33", "acme")]


def test_hostile_input(tmp_path: Path) -> None:
    children = [
        _comment(body=MIXED_TEXT, unknown_field={"x": 1}),
        _comment(body=MIXED_TEXT),  # the same comment again: its records once
        _comment(id="ABC!"),
        _comment(id="abc3", parent_id=None),
        {"kind": "t1", "data": {k: v for k, v in _comment(id="abc4")["data"].items() if k != "id"}},
        _comment(id="abc5", created_utc="yesterday"),
        _comment(id="abc6", body=MEGABYTE_TEXT),
        _comment(id="abc7", body="text edited", author="alice"),
        _comment(id="abc1", body="other text"),
        {"kind": "t9", "data": {}},
        "junk",
    ]
    write_json(tmp_path / "listing.json", {"kind": "Listing", "data": {"children": children}})
    parsed = run(parse, tmp_path / "listing.json")
    reasons = {r.location: r.reason.split(" [")[0] for r in parsed.rejects}
    base = "document $.data.children"
    assert reasons == {
        f"{base}[2].data": "id: String should match pattern '^[0-9a-z]{1,13}$'",
        f"{base}[3].data": "parent_id: Input should be a valid string",
        f"{base}[4].data": "id: Field required",
        f"{base}[5].data": "created_utc: Input should be a valid number, "
        "unable to parse string as a number",
        f"{base}[6].data": "body: String should have at most 100000 characters",
        f"{base}[8]": f"post id reddit:t1_abc1 already read at {base}[0] with a different text",
        f"{base}[9]": "not a Reddit thing (kind and data)",
        f"{base}[10]": "not a Reddit thing (kind and data)",
    }
    texts = {p.id: p.text for p in parsed.of("post")}
    assert texts == {"reddit:t1_abc1": MIXED_TEXT, "reddit:t1_abc7": "text edited"}

    text = json.dumps({"kind": "Listing", "data": {"children": children[:2]}}, indent=1)
    (tmp_path / "cut.json").write_text(text[: text.index('"abc1"', text.index('"abc1"') + 1)])
    cut = run(parse, tmp_path / "cut.json")
    # What survives of the damaged document is a Listing without children.
    assert [r.reason.split(":")[0] for r in cut.rejects] == [
        "a Listing without data.children (a response cut short?)",
        "not valid JSON from here",
    ]
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "binary.json").write_bytes(BINARY)
    (tmp_path / "other.json").write_text('{"hello": 1}')
    errors = {"json": {"errors": [["RATELIMIT", "slow down", "ratelimit"]]}}
    write_json(tmp_path / "errors.json", errors)
    for name, reason in {
        "empty.json": "empty file",
        "binary.json": "not UTF-8 text (a binary file?)",
        "other.json": "not a Reddit API response (top-level keys: hello)",
        "errors.json": "the API answered with errors: [['RATELIMIT', 'slow down', 'ratelimit']]",
    }.items():
        assert run(parse, tmp_path / name).reasons() == [reason], name


async def test_load_end_to_end(
    falkordb_store: GraphStore, falkordb_settings: GraphSettings, tmp_path: Path
) -> None:
    hostile = write_json(
        tmp_path / "hostile.json",
        {"kind": "Listing", "data": {"children": [_comment(body=MIXED_TEXT), _comment(id="X!")]}},
    )
    (tmp_path / "binary.json").write_bytes(BINARY)
    files = [
        PRAW / "TestSubmission.test_comments__01_GET_comments_2gmzqe.json",
        PRAW / "TestComment.test_attributes__01_GET_api_info.json",  # a comment seen above
        hostile,
        tmp_path / "binary.json",
    ]
    first = await scrm_load(
        falkordb_store, falkordb_settings, "reddit", files, tmp_path / "r.jsonl"
    )
    assert first.code == 2
    assert [(r["location"], r["reason"].split(" '")[0]) for r in first.rejects] == [
        ("document $.data.children[1].data", "id: String should match pattern"),
        ("offset 0", "not UTF-8 text (a binary file?)"),
    ]
    # bboe's submission, paneer_burrito's question, bboe's answer; alice's comment on a
    # submission not in the files (its node exists as the reply's target).
    assert first.nodes == {"Account": 3, "Post": 5}
    assert first.relationships == {
        "POSTED": 4,
        "REPLY_TO": 3,
        "REPLIED": 3,
        # paneer_burrito -> bboe and back; alice's target has no known author.
        "ENGAGED": 2,
    }
    again = await scrm_load(
        falkordb_store, falkordb_settings, "reddit", files, tmp_path / "r2.jsonl"
    )
    assert (again.code, again.nodes, again.relationships) == (2, first.nodes, first.relationships)
