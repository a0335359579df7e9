"""The weibo connector over Weibo Open API v2 samples and CED repost cascades."""

from __future__ import annotations

import calendar
import json
from pathlib import Path
from typing import Any

from graph import GraphSettings, GraphStore
from loaders.base import Source
from loaders.registry import get_connector
from loaders.weibo import parse
from loaders.weibo_ced import mid_to_id
from tests.loaders.native_support import BINARY, DATA, MEGABYTE_TEXT, MIXED_TEXT, run, write_json
from tests.loaders.social_load import scrm_load

API = DATA / "weibo-api-v2-spring-social-weibo"
CED = DATA / "weibo-ced-repost-cascades-sample"
ZAKU, WOOD = "weibo:1404376560", "weibo:1073880650"


def test_registered() -> None:
    assert get_connector("weibo").parse is parse


def test_comment_replies_to_its_status() -> None:
    parsed = run(parse, API / "comment.json")
    assert parsed.rejects == []
    posts = {p.id: p for p in parsed.of("post")}
    comment, status = posts["weibo:12438492184"], posts["weibo:11488058246"]
    assert (comment.text, comment.author, comment.created_at) == (
        "我喜欢你做的",
        ZAKU,
        1306860625000,  # Wed Jun 01 00:50:25 +0800 2011
    )
    assert (status.text, status.shares, status.replies) == ("求关注。", 8, 9)
    assert [(r.type, r.source, r.target) for r in parsed.of("post_link")] == [
        ("REPLY_TO", comment.id, status.id)
    ]
    assert [(e.type, e.account, e.post, e.at) for e in parsed.of("engagement")] == [
        ("REPLIED", ZAKU, status.id, comment.created_at)
    ]
    (zaku,) = parsed.of("account")
    assert (zaku.handle, zaku.followers, zaku.following, zaku.verified) == (
        "zaku",
        1204,
        447,
        False,
    )
    assert zaku.created_at == 1251388800000  # Fri Aug 28 00:00:00 +0800 2009
    assert zaku.description == "人生五十年，乃如梦如幻；有生斯有死，壮士复何憾。"


def test_repost_timeline() -> None:
    parsed = run(parse, API / "repostTimeline.json")
    repost, original = "weibo:11488058246", "weibo:11142488790"
    assert {p.id: (p.text, p.author) for p in parsed.of("post")} == {
        repost: ("你好", ZAKU),
        original: ("你好", WOOD),
    }
    assert [(r.type, r.source, r.target) for r in parsed.of("post_link")] == [
        ("SHARE_OF", repost, original)
    ]
    assert [(e.type, e.account, e.post) for e in parsed.of("engagement")] == [
        ("SHARED", ZAKU, original)
    ]
    # The fixture lists status 11488058246 twice with different text and time; ids are
    # unique on Weibo, so the second is set aside.
    assert [(r.location, r.reason) for r in parsed.rejects] == [
        (
            "document $.reposts[1]",
            "post id weibo:11488058246 already read at document $.reposts[0] "
            "with a different text, created_at",
        )
    ]
    assert {a.id: a.handle for a in parsed.of("account")} == {ZAKU: "zaku", WOOD: "檀木幻想"}


def test_users_with_their_latest_status() -> None:
    parsed = run(parse, API / "users.json")
    assert {a.id: a.handle for a in parsed.of("account")} == {
        "weibo:1": "Cirrus_Test1",
        "weibo:2": "Cirrus_Test2",
    }
    (status,) = parsed.of("post")
    assert (status.id, status.text, status.author) == (
        "weibo:3373052761021575",
        "Youpie",
        "weibo:1",
    )
    assert status.created_at == 1319681909000  # Thu Oct 27 10:18:29 +0800 2011
    # The same status id is embedded again for user 2, with another time.
    assert [r.location for r in parsed.rejects] == ["document $[1].status"]


def test_resources_without_records() -> None:
    assert run(parse, API / "trends.json").reasons() == [
        "not a Weibo status, comment or user response (top-level keys: as_of, trends)"
    ]
    status = run(parse, API / "status.json")
    assert status.rejects == [] and status.ids("post") == {"weibo:11488058246"}


def test_a_user_seen_before_is_judged_on_its_own(tmp_path: Path) -> None:
    # Embedded users are validated once per process and reused: a user object equal in
    # Python but not in JSON (true is not 1) or with a bad field is still rejected.
    user = {"id": 1, "screen_name": "one", "followers_count": 3, "verified": True}
    changes: list[dict[str, Any]] = [{}, {"id": True}, {"followers_count": "many"}, {}]
    statuses = [
        {"id": 10 + n, "text": "hi", "user": {**user, **change}} for n, change in enumerate(changes)
    ]
    write_json(tmp_path / "first.json", {"statuses": statuses[:1]})
    write_json(tmp_path / "again.json", {"statuses": statuses[1:]})
    first, again = run(parse, tmp_path / "first.json"), run(parse, tmp_path / "again.json")
    assert first.rejects == []
    assert [(r.location, r.reason.split(",")[0]) for r in again.rejects] == [
        ("document $.statuses[0]", "user.idstr: Input should be a valid string"),
        ("document $.statuses[1]", "user.followers_count: Input should be a valid integer"),
    ]
    assert first.of("account") == again.of("account")
    (account,) = again.of("account")
    assert (account.id, account.handle, account.followers, account.verified) == (
        "weibo:1",
        "one",
        3,
        True,
    )
    assert again.ids("post") == {"weibo:13"}


def _beijing_ms(date: str) -> int:
    day, clock = date.split(" ")
    y, m, d = map(int, day.split("-"))
    hh, mm, ss = map(int, clock.split(":"))
    return (calendar.timegm((y, m, d, hh, mm, ss)) - 8 * 3600) * 1000


def _numeric(code: str) -> str:
    """Base-62 mid to id, independently: 4-character groups, 7 digits each."""
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while code:
        group, code = code[-4:], code[:-4]
        value = sum(alphabet.index(c) * 62**i for i, c in enumerate(reversed(group)))
        out = (str(value) if not code else f"{value:07d}") + out
    return out


def test_mid_conversion() -> None:
    # Pairs shown on weibo.com: the URL code and the status id.
    assert mid_to_id("z0JH2lOMb") == "3501756485200075"
    assert mid_to_id("iR7LJS") == _numeric("iR7LJS") == "11691851808"


def _cascade_expectations(name: str, folder: str) -> dict[str, Any]:
    root_mid, root_uid = name.split("_")[1], name.split("_")[2].removesuffix(".json")
    items = json.loads((CED / folder / name).read_text())
    parents: dict[str, str] = {}
    for item in items:  # a mid listed twice keeps the parent it names
        if item["mid"] not in parents or (item["parent"] and not parents[item["mid"]]):
            parents[item["mid"]] = item["parent"]
    kept = [i for i in items if i["parent"] == parents[i["mid"]]]
    root = f"weibo:{_numeric(root_mid)}"
    return {
        "root": root,
        "root_author": f"weibo:{root_uid}",
        "posts": {f"weibo:{_numeric(i['mid'])}": (f"weibo:{i['uid']}", i["text"]) for i in kept},
        "links": {
            (
                f"weibo:{_numeric(i['mid'])}",
                f"weibo:{_numeric(i['parent'])}" if i["parent"] else root,
            )
            for i in kept
        },
        "shared": {
            (
                f"weibo:{i['uid']}",
                f"weibo:{_numeric(i['parent'])}" if i["parent"] else root,
                _beijing_ms(i["date"]),
            )
            for i in kept
        },
        "rejected": len(items) - len(kept),
    }


def test_cascade_against_the_file() -> None:
    name = "2636_iR7LJS_1893801487.json"
    expected = _cascade_expectations(name, "non-rumor-repost")
    parsed = run(parse, CED / "non-rumor-repost" / name)
    assert parsed.rejects == [] and expected["rejected"] == 0
    full = {p.id: (p.author, p.text) for p in parsed.of("post") if "text" in p.model_fields_set}
    assert full == expected["posts"]
    assert len(full) == 289
    # The original is known from the file name: its id and author, not its text.
    stubs = [p for p in parsed.of("post") if "text" not in p.model_fields_set]
    assert [(p.id, p.author) for p in stubs] == [(expected["root"], expected["root_author"])]
    assert {(r.source, r.target) for r in parsed.of("post_link")} == expected["links"]
    assert {r.type for r in parsed.of("post_link")} == {"SHARE_OF"}
    assert {(e.account, e.post, e.at) for e in parsed.of("engagement")} == expected["shared"]
    assert len(parsed.of("engagement")) == 289


def test_cascade_with_a_mid_listed_twice() -> None:
    name = "1027_AzhzWw8R8_1227467604.json"
    expected = _cascade_expectations(name, "rumor-repost")
    parsed = run(parse, CED / "rumor-repost" / name)
    assert expected["rejected"] == 2
    assert [(r.location, r.reason) for r in parsed.rejects] == [
        (
            "document $[1]",
            "mid AzhIN1blp is listed again at document $[536] with parent AzhGhzvK1; "
            "a repost has one parent",
        ),
        (
            "document $[2]",
            "mid Azi4z9sCM is listed again at document $[285] with parent Azi3fvZpn; "
            "a repost has one parent",
        ),
    ]
    assert {(r.source, r.target) for r in parsed.of("post_link")} == expected["links"]
    assert len(parsed.of("post_link")) == len(expected["posts"])


def test_original_microblog() -> None:
    parsed = run(parse, CED / "original-microblog" / "2636_iR7LJS_1893801487.json")
    assert parsed.rejects == []
    (post,) = parsed.of("post")
    assert (post.id, post.author, post.created_at) == (
        "weibo:11691851808",
        "weibo:1893801487",
        1307119089000,
    )
    assert (post.likes, post.shares, post.replies) == (0, 307, 138)
    assert post.text.startswith("法新社报道，俄罗斯总理普京今日称")
    (author,) = parsed.of("account")
    assert (author.followers, author.following, author.verified) == (16308083, 626, True)
    assert (author.location, author.created_at, author.description) == (
        "北京 东城区",
        1292403944000,
        None,
    )


def test_hostile_input(tmp_path: Path) -> None:
    document = json.loads((API / "status.json").read_text())
    user = document["user"]
    good = {**document, "id": 100, "text": f"#新品# {MIXED_TEXT} @zaku", "unknown": [1]}
    statuses = [
        good,
        dict(good),  # the same status again: one Post
        {**good, "id": "abc"},
        {k: v for k, v in good.items() if k != "id"},
        {**good, "id": 101, "created_at": "yesterday"},
        {**good, "id": 102, "text": MEGABYTE_TEXT},
        {**good, "id": 103, "reposts_count": "many"},
        {**good, "id": 104, "user": {**user, "id": None}},
        {**good, "id": 100, "text": "rewritten"},
        [],
    ]
    write_json(tmp_path / "timeline.json", {"statuses": statuses})
    parsed = run(parse, tmp_path / "timeline.json")
    reasons = {r.location: r.reason for r in parsed.rejects}
    assert reasons == {
        "document $.statuses[2]": "idstr: String should match pattern '^\\d{1,20}$'",
        "document $.statuses[3]": "idstr: Field required",
        "document $.statuses[4]": reasons["document $.statuses[4]"],
        "document $.statuses[5]": "text: String should have at most 100000 characters",
        "document $.statuses[6]": "reposts_count: Input should be a valid integer, "
        "unable to parse string as an integer",
        "document $.statuses[7]": "user.idstr: Field required",
        "document $.statuses[8]": "post id weibo:100 already read at document $.statuses[0] "
        "with a different text",
        "document $.statuses[9]": "neither a status (text, user), a comment (text, status) "
        "nor a user",
    }
    assert reasons["document $.statuses[4]"].startswith(
        "created_at: Input should be a valid datetime"
    )
    (post,) = parsed.of("post")
    assert post.text == f"#新品# {MIXED_TEXT} @zaku"
    assert [(t.post, t.hashtag) for t in parsed.of("tagged")] == [("weibo:100", "新品")]
    # @zaku is the author here, so the nickname resolves to an account id.
    assert [(m.post, m.account) for m in parsed.of("mention")] == [("weibo:100", ZAKU)]

    def repost(mid: str, uid: str, **fields: Any) -> dict[str, Any]:
        item = {"mid": mid, "uid": uid, "parent": "", "kids": [], "text": ""}
        return {**item, "date": "2014-03-03 17:47:18", **fields}

    cascade = [
        repost("AzhGhzvK1", "1", text=MIXED_TEXT),
        repost("AzhGhzvK2", "bad uid?"),
        repost("AzhGhzvK3", "3", date="3 March"),
        {k: v for k, v in repost("AzhGhzvK4", "4").items() if k != "mid"},
        repost("AzhGhzvK5", "5", parent="not base62!"),
    ]
    write_json(tmp_path / "7_AzhzWw8R8_1227467604.json", cascade)
    parsed = run(parse, tmp_path / "7_AzhzWw8R8_1227467604.json")
    reasons = {r.location: r.reason.split(" '")[0] for r in parsed.rejects}
    assert reasons == {
        "document $[1]": "uid: String should match pattern",
        "document $[2]": reasons["document $[2]"],
        "document $[3]": "mid: Field required",
        "document $[4]": reasons["document $[4]"],
    }
    assert reasons["document $[2]"].startswith("date: Input should be a valid datetime")
    assert reasons["document $[4]"].startswith("parent: String should match pattern")
    posts = {p.id: p for p in parsed.of("post") if "text" in p.model_fields_set}
    assert [p.text for p in posts.values()] == [MIXED_TEXT]
    # Named otherwise, a cascade cannot tell which original its direct reposts share.
    unnamed = run(parse, Source.from_bytes(json.dumps(cascade[:1]).encode(), "reposts.json"))
    assert unnamed.reasons() == [
        "parent: empty (a repost of the original), and the file name does not give "
        "the original's mid"
    ]
    original = json.loads((CED / "original-microblog" / "2636_iR7LJS_1893801487.json").read_text())
    unnamed = run(parse, Source.from_bytes(json.dumps(original).encode(), "original.json"))
    assert unnamed.reasons() == [
        "an original microblog's mid and uid come from its file name, which must be "
        "<index>_<mid>_<uid>.json"
    ]

    text = (API / "repostTimeline.json").read_text()
    (tmp_path / "cut.json").write_text(text[: text.index('"seeking attention."')])
    cut = run(parse, tmp_path / "cut.json")
    assert cut.ids("post") == {"weibo:11488058246", "weibo:11142488790"}
    assert [r.reason.split(":")[0] for r in cut.rejects] == ["not valid JSON from here"]
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "binary.json").write_bytes(BINARY)
    assert run(parse, tmp_path / "empty.json").reasons() == ["empty file"]
    assert run(parse, tmp_path / "binary.json").reasons() == ["not UTF-8 text (a binary file?)"]


async def test_load_end_to_end(
    falkordb_store: GraphStore, falkordb_settings: GraphSettings, tmp_path: Path
) -> None:
    name = "2636_iR7LJS_1893801487.json"
    cascade = json.loads((CED / "non-rumor-repost" / name).read_text())
    (tmp_path / "empty.json").write_text("")
    files = [
        API / "comment.json",
        API / "repostTimeline.json",
        CED / "original-microblog" / name,
        CED / "non-rumor-repost" / name,
        tmp_path / "empty.json",
    ]
    first = await scrm_load(falkordb_store, falkordb_settings, "weibo", files, tmp_path / "r.jsonl")
    assert first.code == 2
    assert [(r["location"], r["reason"]) for r in first.rejects] == [
        (
            "document $.reposts[1]",
            "post id weibo:11488058246 already read at document $.reposts[0] "
            "with a different text, created_at",
        ),
        ("file", "empty file"),
    ]
    # What the cascade should make, read from the file: who reposted whose post.
    author_of = {item["mid"]: item["uid"] for item in cascade}
    reposters = {item["uid"] for item in cascade} | {"1893801487"}
    shared = {(item["uid"], item["parent"] or "iR7LJS") for item in cascade}
    author_of["iR7LJS"] = "1893801487"
    engaged = {(u, author_of[mid]) for u, mid in shared if u != author_of[mid]}
    # API files: zaku, 檀木幻想; a comment, the status it answers, a repost, its original.
    assert first.nodes == {"Account": 2 + len(reposters), "Post": 3 + 1 + 289, "Hashtag": 1}
    assert first.relationships == {
        "POSTED": 3 + 1 + 289,
        "REPLY_TO": 1,
        "REPLIED": 1,  # zaku answers his own status: no ENGAGED
        "SHARE_OF": 1 + 289,
        "SHARED": 1 + len(shared),  # one edge per reposter and post reposted
        "TAGGED": 1,
        "ENGAGED": 1 + len(engaged),
    }
    again = await scrm_load(
        falkordb_store, falkordb_settings, "weibo", files, tmp_path / "r2.jsonl"
    )
    assert (again.code, again.nodes, again.relationships) == (2, first.nodes, first.relationships)
