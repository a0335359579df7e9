"""The twitter connector over real X API v2 (twarc2, Tweepy) and v1.1 responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph import GraphSettings, GraphStore
from graph.model import Post
from loaders.base import Source
from loaders.registry import get_connector
from loaders.twitter import parse
from tests.loaders.native_support import BINARY, DATA, MEGABYTE_TEXT, MIXED_TEXT, Parsed, run
from tests.loaders.social_load import scrm_load

TWARC = DATA / "twitter-v2-twarc-csv-testdata"
TWEEPY = DATA / "twitter-v2-tweepy-cassettes"
V1 = DATA / "twitter-v1.1-tweepy-cassettes"


def tw(native: str) -> str:
    return f"twitter:{native}"


def posts(parsed: Parsed) -> dict[str, Post]:
    """Posts by id; a stub (id and author only, for a tweet replied to) gives way to
    the full record of the same tweet."""
    found: dict[str, Post] = {}
    for post in parsed.of("post"):
        if post.id not in found or "text" in post.model_fields_set:
            found[post.id] = post
    return found


def edges(parsed: Parsed) -> dict[str, set[tuple[Any, ...]]]:
    return {
        "links": {(r.type, r.source, r.target) for r in parsed.of("post_link")},
        "engagements": {(r.type, r.account, r.post, r.at) for r in parsed.of("engagement")},
        "mentions": {(r.post, r.account) for r in parsed.of("mention")},
        "tagged": {(r.post, r.hashtag) for r in parsed.of("tagged")},
        "follows": {(r.source, r.target) for r in parsed.of("follow")},
    }


def test_registered() -> None:
    assert get_connector("twitter").parse is parse


def test_retweet_page_by_hand() -> None:
    parsed = run(parse, TWARC / "two_tweets.jsonl")
    assert parsed.rejects == []
    accounts = {a.id: a for a in parsed.of("account")}
    assert set(accounts) == {tw("1379899464345923590"), tw("1380086327023169540")}
    lachi = accounts[tw("1379899464345923590")]
    assert (lachi.handle, lachi.name, lachi.verified) == ("LachiVeronica", "Veronica Lachi", False)
    assert (lachi.followers, lachi.following) == (0, 4)
    assert lachi.created_at == 1617828654000  # 2021-04-07T20:50:54.000Z
    by_id = posts(parsed)
    rt, original = by_id[tw("1394735776701816833")], by_id[tw("1391677057810288641")]
    assert (rt.text, rt.author, rt.created_at) == (
        "RT @bibaigna96: #POIUYTREWQ",
        tw("1379899464345923590"),
        1621365896000,  # 2021-05-18T19:24:56.000Z
    )
    assert (rt.likes, rt.shares, rt.replies, rt.quotes, rt.lang) == (0, 1, 0, 0, "und")
    assert original.author == tw("1380086327023169540")
    assert edges(parsed) == {
        "links": {("SHARE_OF", rt.id, original.id)},
        "engagements": {("SHARED", rt.author, original.id, rt.created_at)},
        # "RT @bibaigna96:" names the retweeted author: no MENTIONS edge for it.
        "mentions": set(),
        "tagged": {(rt.id, "poiuytrewq"), (original.id, "poiuytrewq")},
        "follows": set(),
    }
    assert parsed.ids("hashtag") == {"poiuytrewq"}


def test_quote_and_reply_by_hand() -> None:
    parsed = run(parse, TWARC / "quoted_edit.jsonl")
    assert parsed.rejects == []
    david, jane = tw("1494167419413094401"), tw("337119125")
    reply, quoted, replied = (
        tw(n) for n in ("1576995594388000768", "1576994746135764992", "1576994789110992896")
    )
    by_id = posts(parsed)
    assert set(by_id) == {reply, quoted, replied}
    assert (by_id[replied].likes, by_id[replied].shares, by_id[replied].replies) == (39, 3, 14)
    assert (by_id[replied].quotes, by_id[replied].author) == (4, jane)
    assert by_id[reply].text == "@wongmjane Test \nhttps://t.co/rBFwqjVr6B"
    at = 1664820023000  # 2022-10-03T18:00:23.000Z
    assert edges(parsed)["links"] == {("QUOTE_OF", reply, quoted), ("REPLY_TO", reply, replied)}
    assert edges(parsed)["engagements"] == {
        ("QUOTED", david, quoted, at),
        ("REPLIED", david, replied, at),
    }
    assert edges(parsed)["mentions"] == {(reply, jane)}
    verified = {a.id: a.verified for a in parsed.of("account")}
    assert verified == {david: False, jane: True}


def test_mentions_with_ids() -> None:
    parsed = run(parse, TWARC / "mentions_tweet.jsonl")
    original = tw("1589671906718134272")
    assert edges(parsed)["mentions"] == {
        (original, tw(n))
        for n in (
            "24742040",
            "20747847",
            "14922225",
            "29758446",
            "98616286",
            "290097288",
            "382823424",
            "15222083",
        )
    }
    assert edges(parsed)["tagged"] == {(original, t) for t in ("xbox", "playstation", "gaming")}


def _expected_from_page(page: dict[str, Any]) -> dict[str, Any]:
    """What a v2 page holds, read with plain dictionaries."""
    tweets = page["data"] + page["includes"].get("tweets", [])
    users = page["includes"]["users"]
    by_name = {u["username"].lower(): u["id"] for u in users}
    kinds = {
        "replied_to": ("REPLY_TO", "REPLIED"),
        "retweeted": ("SHARE_OF", "SHARED"),
        "quoted": ("QUOTE_OF", "QUOTED"),
    }
    links, engaged, mentions, tagged = set(), set(), set(), set()
    for t in tweets:
        rt = any(r["type"] == "retweeted" for r in t.get("referenced_tweets", []))
        for ref in t.get("referenced_tweets", []):
            links.add((kinds[ref["type"]][0], tw(t["id"]), tw(ref["id"])))
            engaged.add((kinds[ref["type"]][1], tw(t["author_id"]), tw(ref["id"])))
        for m in t.get("entities", {}).get("mentions", []):
            if rt and t["text"].lower().startswith(f"rt @{m['username'].lower()}:"):
                continue
            native = m.get("id") or by_name.get(m["username"].lower())
            if native:
                mentions.add((tw(t["id"]), tw(native)))
        for h in t.get("entities", {}).get("hashtags", []):
            tagged.add((tw(t["id"]), h["tag"].lower()))
    return {
        "posts": {tw(t["id"]) for t in tweets},
        "accounts": {tw(u["id"]) for u in users},
        "links": links,
        "engagements": engaged,
        "mentions": mentions,
        "tagged": tagged,
    }


def test_search_page_against_the_file() -> None:
    path = TWARC / "media_policy_violation_off.jsonl"
    expected = _expected_from_page(json.loads(path.read_text()))
    parsed = run(parse, path)
    assert parsed.rejects == []
    found = edges(parsed)
    assert parsed.ids("account") == expected["accounts"]
    # Every tweet of data and includes, plus the tweets replied to that the page lacks.
    assert expected["posts"] <= set(posts(parsed))
    stubs = {p.id for p in parsed.of("post") if "text" not in p.model_fields_set}
    assert set(posts(parsed)) - expected["posts"] <= stubs
    assert found["links"] == expected["links"]
    assert {e[:3] for e in found["engagements"]} == expected["engagements"]
    assert found["mentions"] == expected["mentions"]
    assert found["tagged"] == expected["tagged"]
    # Hand-counted: 100 + 62 tweets, one in both; 42 retweets, 24 quotes, 7 replies.
    assert (len(expected["posts"]), len(expected["accounts"])) == (161, 52)
    link_types = [link[0] for link in found["links"]]
    assert [link_types.count(t) for t in ("SHARE_OF", "QUOTE_OF", "REPLY_TO")] == [42, 24, 7]


def test_filtered_stream_with_a_truncated_line() -> None:
    parsed = run(parse, TWARC / "streaming_output_with_error.jsonl")
    # Seven good lines each carry one tweet in ``data`` (an object, not a list).
    assert [(r.location, r.reason) for r in parsed.rejects] == [
        ("line 8", "not valid JSON: Expecting ',' delimiter")
    ]
    assert len(posts(parsed)) == 11
    assert len(parsed.of("account")) == 11


def test_pages_that_hold_no_tweets_or_users() -> None:
    compliance = run(parse, TWARC / "tweets_compliance.jsonl")
    assert [(r.location, r.reason) for r in compliance.rejects] == [
        ("line 2", "a compliance event (delete), not a tweet or user"),
        ("line 3", "a compliance event (delete), not a tweet or user"),
    ]
    lists = run(parse, TWARC / "lists.jsonl")
    assert lists.records == []
    assert lists.reasons() == ["an X API v2 page of lists: no tweets or users to load"] * 2
    counts = run(
        parse, TWEEPY / "test_client_get_recent_tweets_count__00_GET_2_tweets_counts_recent.json"
    )
    assert counts.reasons() == ["an X API v2 page of tweet counts: no tweets or users to load"]
    written = run(
        parse,
        TWEEPY / "test_client_like_and_unlike__00_POST_2_users_1072250532645998596_likes.json",
    )
    assert written.reasons() == [
        "an X API v2 page of a write request's result: no tweets or users to load"
    ]
    assert run(parse, TWEEPY / "_index.json").items == []  # the capture's request index


def _tweepy(name: str) -> Parsed:
    (path,) = TWEEPY.glob(f"test_client_{name}__00_*.json")
    parsed = run(parse, path)
    assert parsed.rejects == []
    return parsed


def _listed_ids(name: str) -> list[str]:
    (path,) = TWEEPY.glob(f"test_client_{name}__00_*.json")
    return [tw(item["id"]) for item in json.loads(path.read_text())["data"]]


def test_request_context_from_the_capture_index() -> None:
    # The response bodies hold only users or tweets; the request URL says what they are.
    tweet, user = tw("1293593516040269825"), tw("783214")
    likers = _tweepy("get_liking_users")
    assert len(_listed_ids("get_liking_users")) == 43
    assert {(e.type, e.account, e.post) for e in likers.of("engagement")} == {
        ("LIKED", a, tweet) for a in _listed_ids("get_liking_users")
    }
    retweeters = _tweepy("get_retweeters")
    assert {(e.type, e.post) for e in retweeters.of("engagement")} == {
        ("SHARED", tw("1415348607813832708"))
    }
    assert len(retweeters.of("engagement")) == len(_listed_ids("get_retweeters")) == 38
    followers = _tweepy("get_users_followers")
    assert edges(followers)["follows"] == {(a, user) for a in _listed_ids("get_users_followers")}
    following = _tweepy("get_users_following")
    assert edges(following)["follows"] == {(user, a) for a in _listed_ids("get_users_following")}
    assert (len(followers.of("follow")), len(following.of("follow"))) == (100, 35)
    quotes = _tweepy("get_quote_tweets")
    assert edges(quotes)["links"] == {
        ("QUOTE_OF", q, tweet) for q in _listed_ids("get_quote_tweets")
    }
    mentions = _tweepy("get_users_mentions")
    assert edges(mentions)["mentions"] == {(p, user) for p in _listed_ids("get_users_mentions")}
    timeline = _tweepy("get_users_tweets")
    assert {p.author for p in timeline.of("post")} == {user}


def test_context_travels_with_twarc_pages(tmp_path: Path) -> None:
    (likers,) = TWEEPY.glob("test_client_get_liking_users__00_*.json")
    body = json.loads(likers.read_text())
    body["__twarc"] = {"url": "https://api.twitter.com/2/tweets/42/liking_users?max_results=100"}
    path = tmp_path / "likes.jsonl"
    path.write_text(json.dumps(body) + "\n")
    parsed = run(parse, path)
    assert {e.post for e in parsed.of("engagement")} == {tw("42")}
    # Without a URL the same page is only a list of accounts.
    bare = run(parse, Source.from_bytes(json.dumps({"data": body["data"]}).encode(), "x.json"))
    assert (len(bare.of("account")), bare.of("engagement")) == (43, [])


def test_v1_search_and_retweets() -> None:
    search = run(parse, V1 / "testsearchtweets__00_GET_1_1_search_tweets_json.json")
    assert search.rejects == []
    raw = json.loads((V1 / "testsearchtweets__00_GET_1_1_search_tweets_json.json").read_text())
    raw = raw["statuses"]
    listed = {tw(s["id_str"]) for s in raw}
    embedded = {tw(s["retweeted_status"]["id_str"]) for s in raw if "retweeted_status" in s}
    assert listed | embedded <= set(posts(search))
    assert edges(search)["links"] >= {
        ("SHARE_OF", tw(s["id_str"]), tw(s["retweeted_status"]["id_str"]))
        for s in raw
        if "retweeted_status" in s
    }
    retweets = run(
        parse, V1 / "testgetretweets__00_GET_1_1_statuses_retweets_266367358078169089_json.json"
    )
    assert retweets.rejects == []
    original = tw("266367358078169089")
    assert {(kind, target) for kind, _, target in edges(retweets)["links"]} == {
        ("SHARE_OF", original)
    }
    assert len(edges(retweets)["links"]) == 15
    status = run(parse, V1 / "testgetstatus__00_GET_1_1_statuses_show_json.json")
    post = posts(status)[original]
    assert post.created_at == 1352341901000  # "Thu Nov 08 02:31:41 +0000 2012"
    assert (post.author, post.likes, post.shares) == (tw("783214"), 144, 211)


def test_v1_users_and_follower_ids() -> None:
    lookup = run(parse, V1 / "testlookupusers__00_POST_1_1_users_lookup_json.json")
    assert lookup.rejects == []
    accounts = {a.id: a for a in lookup.of("account")}
    twitter_api = accounts[tw("6253282")]
    assert twitter_api.handle == "TwitterAPI"
    assert twitter_api.followers is not None and twitter_api.followers > 0
    # Each user's latest status is embedded without its user: authored by that user.
    assert {p.author for p in lookup.of("post") if "text" in p.model_fields_set} >= {tw("6253282")}
    ids = run(parse, V1 / "testgetfollowerids__00_GET_1_1_followers_ids_json.json")
    # followers/ids?screen_name=... cannot name the followed user's id: accounts only.
    assert ids.of("follow") == [] and len(ids.of("account")) == 2
    assert (
        run(
            parse, V1 / "testmentionstimeline__00_GET_1_1_statuses_mentions_timeline_json.json"
        ).items
        == []
    )


def test_hostile_input(tmp_path: Path) -> None:
    good = json.loads((TWARC / "two_tweets.jsonl").read_text())
    tweet = good["includes"]["tweets"][0]
    bad_tweets = [
        {**tweet, "id": 1391677057810288642},  # a number, not a string
        {k: v for k, v in tweet.items() if k != "id"},
        {**tweet, "id": "1391677057810288643", "created_at": "yesterday"},
        {**tweet, "id": "1391677057810288644", "text": MEGABYTE_TEXT},
        {**tweet, "id": "1391677057810288645", "text": MIXED_TEXT, "future_field": {"x": 1}},
        dict(tweet),  # the same tweet again: one Post
        {**tweet, "text": "edited?"},  # the same id with other text
        {**tweet, "id": "1391677057810288646", "public_metrics": {"like_count": -1}},
        {**tweet, "id": "1391677057810288647", "referenced_tweets": [{"type": "liked", "id": "1"}]},
        "not a tweet",
    ]
    page = {
        "data": [tweet, *bad_tweets],
        "includes": {"users": good["includes"]["users"] + [{"id": "9"}]},
    }
    lines = [
        json.dumps(good),
        json.dumps(page, ensure_ascii=False),
        '{"data": [{"id": "1", "te',
        '"text"',
    ]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = run(parse, tmp_path / "mixed.jsonl")
    reasons = {r.location: r.reason for r in parsed.rejects}
    assert reasons == {
        "line 2 $.data[1]": "id: Input should be a valid string",
        "line 2 $.data[2]": "id: Field required",
        "line 2 $.data[3]": reasons["line 2 $.data[3]"],
        "line 2 $.data[4]": "text: String should have at most 100000 characters",
        "line 2 $.data[7]": "post id twitter:1391677057810288641 already read at "
        "line 2 $.data[0] with a different text",
        "line 2 $.data[8]": "public_metrics.like_count: Input should be greater than or equal to 0",
        "line 2 $.data[9]": reasons["line 2 $.data[9]"],
        "line 2 $.data[10]": "expected a JSON object, not a string",
        "line 2 $.includes.users[2]": "username: Field required",
        "line 3": reasons["line 3"],
        "line 4": reasons["line 4"],
    }
    assert reasons["line 2 $.data[3]"].startswith("created_at: Input should be a valid datetime")
    assert reasons["line 2 $.data[9]"].startswith("referenced_tweets.0.type: Input should be")
    assert reasons["line 3"].startswith("not valid JSON")
    assert reasons["line 4"] == "not a JSON object or array"
    by_id = posts(parsed)
    assert set(by_id) == {
        tw("1394735776701816833"),
        tw("1391677057810288641"),
        tw("1391677057810288645"),
    }
    assert by_id[tw("1391677057810288645")].text == MIXED_TEXT

    cut = tmp_path / "cut.json"
    text = json.dumps(good, indent=1)
    cut.write_text(text[: text.index('"includes"') + 40])
    salvaged = run(parse, cut)
    # The complete ``data`` loads; the cut-off ``includes`` is one Reject.
    assert set(posts(salvaged)) == {tw("1394735776701816833")}
    assert [r.reason.split(":")[0] for r in salvaged.rejects] == ["not valid JSON from here"]

    (tmp_path / "empty.json").write_text("")
    (tmp_path / "binary.json").write_bytes(BINARY)
    (tmp_path / "other.json").write_text('{"hello": "world"}')
    for name, reason in {
        "empty.json": "empty file",
        "binary.json": "not UTF-8 text (a binary file?)",
        "other.json": "not an X API v2 page or v1.1 status/user (top-level keys: hello)",
    }.items():
        parsed = run(parse, tmp_path / name)
        assert parsed.records == [], name
        assert parsed.reasons() == [reason], name


async def test_load_end_to_end(
    falkordb_store: GraphStore, falkordb_settings: GraphSettings, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.jsonl"
    good = {"id": "1000", "text": MIXED_TEXT, "author_id": "1379899464345923590"}
    lines = [json.dumps({"data": [good, {"id": 5, "text": "x"}]}), '{"data": [{"id"']
    hostile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "binary.jsonl").write_bytes(BINARY)
    files = [
        TWARC / "two_tweets.jsonl",
        TWARC / "quoted_edit.jsonl",
        hostile,
        tmp_path / "binary.jsonl",
    ]
    first = await scrm_load(
        falkordb_store, falkordb_settings, "twitter", files, tmp_path / "r.jsonl"
    )
    assert first.code == 2
    assert first.summary["rejected"] == 3
    assert sorted((r["source"].rsplit("/", 1)[-1], r["location"]) for r in first.rejects) == [
        ("binary.jsonl", "offset 0"),
        ("hostile.jsonl", "line 1 $.data[1]"),
        ("hostile.jsonl", "line 2"),
    ]
    by_location = {r["location"]: r for r in first.rejects}
    assert by_location["line 1 $.data[1]"]["reason"] == "id: Input should be a valid string"
    assert by_location["line 1 $.data[1]"]["raw"] == {"id": 5, "text": "x"}
    # two_tweets: 2 users, a retweet and its original; quoted_edit: 2 users, a reply that
    # quotes, and the two tweets it answers and quotes; the hostile file: one tweet.
    assert first.nodes == {"Account": 4, "Post": 6, "Hashtag": 1}
    assert first.relationships == {
        "POSTED": 6,
        "SHARE_OF": 1,
        "SHARED": 1,
        "QUOTE_OF": 1,
        "QUOTED": 1,
        "REPLY_TO": 1,
        "REPLIED": 1,
        "MENTIONS": 1,
        "TAGGED": 2,
        # LachiVeronica -> bibaigna96 (a retweet); dappdavid99 -> wongmjane (quote,
        # reply, mention).
        "ENGAGED": 2,
    }
    again = await scrm_load(
        falkordb_store, falkordb_settings, "twitter", files, tmp_path / "r2.jsonl"
    )
    assert (again.code, again.nodes, again.relationships) == (2, first.nodes, first.relationships)


def test_a_user_seen_again_reads_as_it_is_each_time() -> None:
    # Users are remembered by what validation reads of them: an equal object gives the
    # same Account, a changed or broken one is read afresh.
    user = {
        "id": "7001",
        "username": "ann_memo",
        "public_metrics": {"followers_count": 3, "following_count": 4},
        "verified": False,
    }
    pages = [
        {"data": [user]},
        {"data": [dict(user)]},
        {"data": [{**user, "public_metrics": {"followers_count": 9, "following_count": 4}}]},
        {"data": [{**user, "verified": 0}]},
        {"data": [{**user, "public_metrics": {"followers_count": -1}}]},
        {"data": [{**user, "public_metrics": [3]}]},
        {"data": [{**user, "id": 7001}]},
    ]
    text = "\n".join(json.dumps(page) for page in pages)
    parsed = run(parse, Source(name="memo.jsonl", data=text.encode()))
    accounts = parsed.of("account")
    assert [(a.id, a.followers, a.following, a.verified) for a in accounts] == [
        (tw("7001"), 3, 4, False),
        (tw("7001"), 3, 4, False),
        (tw("7001"), 9, 4, False),
        (tw("7001"), 3, 4, False),
    ]
    assert [r.location for r in parsed.rejects] == [
        "line 5 $.data[0]",
        "line 6 $.data[0]",
        "line 7 $.data[0]",
    ]
    assert parsed.rejects[0].reason.startswith("public_metrics.followers_count:")
    assert parsed.rejects[2].reason == "id: Input should be a valid string"
