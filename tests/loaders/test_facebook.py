"""The facebook connector over RestFB's Graph API and Page webhook fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph import GraphSettings, GraphStore
from loaders.base import LoadOptions
from loaders.facebook import parse
from loaders.registry import get_connector
from tests.loaders.native_support import BINARY, DATA, MEGABYTE_TEXT, MIXED_TEXT, run, write_json
from tests.loaders.social_load import scrm_load

RESTFB = DATA / "facebook-graph-restfb-fixtures"
HOOKS = RESTFB / "webhooks"


def fb(native: str) -> str:
    return f"facebook:{native}"


def _ms(iso: str) -> int:
    from datetime import datetime

    return int(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S%z").timestamp()) * 1000


def test_registered() -> None:
    assert get_connector("facebook").parse is parse


def test_page_feed_against_the_file() -> None:
    path = RESTFB / "v2_1" / "feed-got.json"
    feed = json.loads(path.read_text())["data"]
    parsed = run(parse, path)
    assert parsed.rejects == []
    comments = [(p["id"], c) for p in feed for c in p.get("comments", {}).get("data", [])]
    expected_posts = {
        fb(p["id"]): (fb(p["from"]["id"]), p["message"], _ms(p["created_time"])) for p in feed
    }
    expected_posts |= {
        fb(c["id"]): (fb(c["from"]["id"]), c["message"], _ms(c["created_time"]))
        for _, c in comments
    }
    posts = {p.id: p for p in parsed.of("post")}
    assert {i: (p.author, p.text, p.created_at) for i, p in posts.items()} == expected_posts
    assert (len(feed), len(comments)) == (25, 48)
    assert {(r.type, r.source, r.target) for r in parsed.of("post_link")} == {
        ("REPLY_TO", fb(c["id"]), fb(post)) for post, c in comments
    }
    liked = {
        ("LIKED", fb(u["id"]), fb(p["id"]))
        for p in feed
        for u in p.get("likes", {}).get("data", [])
    }
    replied = {("REPLIED", fb(c["from"]["id"]), fb(post)) for post, c in comments}
    assert {(e.type, e.account, e.post) for e in parsed.of("engagement")} == liked | replied
    assert len(liked) == 108
    assert {(m.post, m.account) for m in parsed.of("mention")} == {
        (fb(c["id"]), fb(t["id"])) for _, c in comments for t in c.get("message_tags", [])
    }
    # Totals come from the edge summaries, not from the first page of likers.
    busy = posts[fb("74133697733_10152424266332734")]
    assert (busy.likes, busy.replies) == (517, 10)
    assert posts[fb("10152287136527187_10152287164577187")].likes == 1  # a comment's like_count


def test_reactions_and_tags_on_single_objects() -> None:
    reactions = run(parse, RESTFB / "v2_9" / "comment-reactions.json")
    target = fb("705360702965731_705362516298883")
    (post,) = reactions.of("post")
    assert (post.id, post.likes) == (target, 1214)
    assert post.text == "This is not just cheese. It's Parmigiano Reggiano. The King of cheese"
    assert {(e.type, e.account, e.post) for e in reactions.of("engagement")} == {
        ("LIKED", fb(n), target)
        for n in ("10204061807492438", "10152432605146676", "10201988224815968")
    }
    tags = run(parse, RESTFB / "v2_9" / "comment-messagetags.json")
    # Only the id and the tags were asked for: no Post fields to write, only the mention.
    assert tags.of("post") == []
    assert [(m.post, m.account) for m in tags.of("mention")] == [
        (fb("10156566664184478_10156576298439478"), fb("10201320088364238"))
    ]
    comments = run(parse, RESTFB / "post-with-normal-comments.json")
    assert {(r.source, r.target) for r in comments.of("post_link")} == {(fb("54123"), fb("1234"))}


def test_webhooks() -> None:
    comment = run(parse, HOOKS / "feed-comment-add-25.json")
    (post,) = comment.of("post")
    assert (post.id, post.text, post.author, post.created_at) == (
        fb("901097836652708_903438993085259"),
        "and the next one",
        fb("1234567890321"),
        1449135003000,
    )
    assert [(r.source, r.target) for r in comment.of("post_link")] == [
        (post.id, fb("1234567890321_901097836652708"))
    ]
    reaction = run(parse, HOOKS / "feed-reaction-add.json")
    assert [(e.type, e.account, e.post, e.at) for e in reaction.of("engagement")] == [
        ("LIKED", fb("1234567890321"), fb("1234567890321_98735342324352"), 1475578854000)
    ]
    fan = run(parse, HOOKS / "feed-like-add-page-25.json", LoadOptions(brand="acme"))
    assert [(m.account, m.community, m.role) for m in fan.of("member_of")] == [
        (fb("10201978818232600"), fb("1234567890321"), "fan")
    ]
    assert [(c.id, c.community_kind) for c in fan.of("community")] == [
        (fb("1234567890321"), "page")
    ]
    assert [(c.community, c.brand) for c in fan.of("community_of_brand")] == [
        (fb("1234567890321"), "acme")
    ]
    mention = run(parse, HOOKS / "mention-post-add.json")
    assert [(m.post, m.account) for m in mention.of("mention")] == [
        (fb("44444444_444444444"), fb("1234567890321"))
    ]
    status = run(parse, HOOKS / "feed-status-add-25.json")
    assert [p.text for p in status.of("post")] == ["This is just a short test message"]


def test_webhook_changes_that_are_not_loaded() -> None:
    assert run(parse, HOOKS / "feed-post-remove-25.json").reasons() == [
        "feed change 'post remove': only additions and edits are loaded "
        "(the graph keeps what was said)"
    ]
    assert run(parse, HOOKS / "feed-two-entries-25.json").reasons() == [
        "webhook field 'parking' is not loaded (only feed and mention)",
        "webhook field 'payment_options' is not loaded (only feed and mention)",
    ]
    assert run(parse, HOOKS / "messaging-message-basic.json").reasons() == [
        "Messenger events are not loaded"
    ]


def test_files_that_are_not_json() -> None:
    assert [r.reason.split(":")[0] for r in run(parse, RESTFB / "tag.json").rejects] == [
        "not valid JSON from here"
    ]
    short = run(parse, RESTFB / "named-facebook-type-short-form.json")
    assert short.records == [] and len(short.rejects) == 1


def _change(**value: Any) -> dict[str, Any]:
    base = {
        "item": "comment",
        "verb": "add",
        "comment_id": "1_2",
        "post_id": "9_1",
        "from": {"id": "5", "name": "Ana"},
    }
    return {"field": "feed", "value": {**base, "created_time": 1700000000, **value}}


def test_hostile_input(tmp_path: Path) -> None:
    changes = [
        _change(message=MIXED_TEXT, unknown={"x": 1}),
        _change(message=MIXED_TEXT),  # the same again: its records once
        _change(comment_id=None),
        _change(comment_id="abc"),
        _change(comment_id="1_3", created_time="yesterday"),
        _change(comment_id="1_4", message=MEGABYTE_TEXT),
        _change(comment_id="1_2", message="rewritten"),
        {"field": "feed"},
        "junk",
    ]
    body = {
        "object": "page",
        "entry": [{"id": "9", "time": 1700000000, "changes": changes}, {"time": 1}],
    }
    write_json(tmp_path / "hook.json", body)
    parsed = run(parse, tmp_path / "hook.json")
    base = "document $.entry[0].changes"
    reasons = {r.location: r.reason for r in parsed.rejects}
    assert reasons == {
        f"{base}[2]": "comment_id: missing",
        f"{base}[3].value": "comment_id: String should match pattern '^\\d{1,25}(_\\d{1,25})?$'",
        f"{base}[4].value": reasons[f"{base}[4].value"],
        f"{base}[5].value": "message: String should have at most 100000 characters",
        f"{base}[6]": f"post id facebook:1_2 already read at {base}[0] with a different text",
        f"{base}[7].value": "expected a JSON object, not null",
        f"{base}[8]": "expected a JSON object, not a string",
        "document $.entry[1]": "id: Field required",
    }
    assert reasons[f"{base}[4].value"].startswith("created_time: Input should be a valid datetime")
    assert [p.text for p in parsed.of("post")] == [MIXED_TEXT]

    feed = {
        "data": [
            {"id": "1_1", "message": "ok", "from": {"id": 7}},
            {"id": "1_2", "from": "me"},
            {"x": 1},
        ]
    }
    write_json(tmp_path / "feed.json", feed)
    parsed = run(parse, tmp_path / "feed.json")
    assert [(r.location, r.reason) for r in parsed.rejects] == [
        ("document $.data[1]", "from: Input should be a valid dictionary or instance of FbActor"),
        (
            "document $.data[2]",
            "neither a post or comment (message, from, created_time) nor a person",
        ),
    ]
    assert [(p.id, p.author) for p in parsed.of("post")] == [(fb("1_1"), fb("7"))]

    text = (RESTFB / "v2_1" / "feed-got.json").read_text()
    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    cut = run(parse, tmp_path / "cut.json")
    assert [r.reason.split(":")[0] for r in cut.rejects] == ["not valid JSON from here"]
    assert 0 < len({p.id for p in cut.of("post") if p.id.startswith("facebook:74133697733_")}) < 25
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "binary.json").write_bytes(BINARY)
    assert run(parse, tmp_path / "empty.json").reasons() == ["empty file"]
    assert run(parse, tmp_path / "binary.json").reasons() == ["not UTF-8 text (a binary file?)"]


async def test_load_end_to_end(
    falkordb_store: GraphStore, falkordb_settings: GraphSettings, tmp_path: Path
) -> None:
    hook = write_json(
        tmp_path / "hook.json",
        {
            "object": "page",
            "entry": [
                {"id": "9", "changes": [_change(message=MIXED_TEXT), _change(comment_id="x")]}
            ],
        },
    )
    files = [
        RESTFB / "v2_9" / "comment-reactions.json",
        HOOKS / "feed-comment-add-25.json",
        HOOKS / "feed-like-add-page-25.json",
        HOOKS / "feed-post-remove-25.json",
        hook,
        RESTFB / "tag.json",
    ]
    first = await scrm_load(
        falkordb_store, falkordb_settings, "facebook", files, tmp_path / "r.jsonl"
    )
    assert first.code == 2
    assert [(r["source"].rsplit("/", 1)[-1], r["location"]) for r in first.rejects] == [
        ("feed-post-remove-25.json", "document $.entry[0].changes[0]"),
        ("hook.json", "document $.entry[0].changes[1].value"),
        ("tag.json", "offset 0"),
    ]
    # The cheese post and its 3 reactors; a comment on a post known only by id; a fan of
    # the Page; Ana's comment on post 9_1.
    assert first.nodes == {"Account": 3 + 1 + 1 + 1, "Post": 1 + 2 + 2, "Community": 1}
    assert first.relationships == {
        "LIKED": 3,
        "POSTED": 2,
        "REPLY_TO": 2,
        "REPLIED": 2,
        "MEMBER_OF": 1,
    }
    again = await scrm_load(
        falkordb_store, falkordb_settings, "facebook", files, tmp_path / "r2.jsonl"
    )
    assert (again.code, again.nodes, again.relationships) == (2, first.nodes, first.relationships)
