"""Checks that demo files are each channel's native format, read without the connectors.

Each checker reads one connector folder the way the platform documents its
responses and returns what it found (account ids in the graph's scheme, and
per-file counts in truth.json's terms), failing on any departure from the format.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["CHECKERS", "Found"]

TWEET_KEYS = {"id", "text", "author_id", "created_at", "conversation_id", "public_metrics", "lang"}
METRICS = {"retweet_count", "reply_count", "like_count", "quote_count"}
WEIBO_TIME = "%a %b %d %H:%M:%S %z %Y"


class Found:
    """Account ids and per-file counts read back from one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.accounts: set[str] = set()
        self.files: dict[str, Counter[str]] = {}

    def file(self, path: Path) -> Counter[str]:
        return self.files.setdefault(path.relative_to(self.root).as_posix(), Counter())


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _jsonl(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _iso(value: str) -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", value), value


def _tweet(tweet: dict[str, Any], users: set[str], *, primary: bool) -> None:
    """One tweet; the API expands mentions and reply targets of a page's own tweets only."""
    assert tweet.keys() >= TWEET_KEYS, tweet
    assert set(tweet["public_metrics"]) == METRICS
    assert tweet["edit_history_tweet_ids"] == [tweet["id"]]
    _iso(tweet["created_at"])
    assert tweet["author_id"] in users
    text = tweet["text"]
    for m in tweet.get("entities", {}).get("mentions", []):
        assert text[m["start"] : m["end"]] == "@" + m["username"]
        assert m["id"] in users or not primary
    for h in tweet.get("entities", {}).get("hashtags", []):
        assert text[h["start"] : h["end"]] == "#" + h["tag"]
    for ref in tweet.get("referenced_tweets", []):
        assert ref["type"] in {"replied_to", "retweeted", "quoted"}
        if ref["type"] == "retweeted":
            assert text.startswith("RT @")
        if ref["type"] == "replied_to":
            assert tweet["in_reply_to_user_id"] in users or not primary


def check_twitter(folder: Path, found: Found) -> None:
    for path in sorted(folder.glob("tweets-*.jsonl")):
        counts = found.file(path)
        for page in _jsonl(path):
            assert set(page) == {"data", "includes", "meta", "__twarc"}
            assert page["__twarc"]["url"].startswith("https://api.twitter.com/2/tweets/search/all?")
            users = {u["id"] for u in page["includes"]["users"]}
            assert all(
                {"id", "username", "name", "public_metrics"} <= u.keys()
                for u in page["includes"]["users"]
            )
            included = {t["id"] for t in page["includes"].get("tweets", [])}
            for tweet in page["data"]:
                _tweet(tweet, users, primary=True)
            for tweet in page["includes"].get("tweets", []):
                _tweet(tweet, users, primary=False)
            for tweet in page["data"]:
                for ref in tweet.get("referenced_tweets", []):
                    assert ref["id"] in included
            meta = page["meta"]
            assert meta["result_count"] == len(page["data"])
            assert (meta["newest_id"], meta["oldest_id"]) == (
                page["data"][0]["id"],
                page["data"][-1]["id"],
            )
            found.accounts |= {f"twitter:{u}" for u in users}
            counts.update(
                pages=1,
                tweets=len(page["data"]),
                **{"includes.users": len(users), "includes.tweets": len(included)},
            )
    for path in sorted(folder.glob("liking_users-*.jsonl")) + sorted(folder.glob("followers-*")):
        counts = found.file(path)
        listing, most = ("tweets", 100) if path.name.startswith("liking") else ("users", 1000)
        for page in _jsonl(path):
            relation = "liking_users" if listing == "tweets" else "followers"
            assert re.search(rf"/2/{listing}/\d+/{relation}\?", page["__twarc"]["url"])
            assert page["meta"]["result_count"] == len(page["data"]) <= most
            found.accounts |= {f"twitter:{u['id']}" for u in page["data"]}
            counts.update(pages=1, users=len(page["data"]))


def _weibo_user(user: dict[str, Any]) -> str:
    assert user["idstr"] == str(user["id"]) and user["screen_name"]
    datetime.strptime(user["created_at"], WEIBO_TIME)
    return f"weibo:{user['idstr']}"


def _weibo_status(status: dict[str, Any], found: Found) -> None:
    assert status["idstr"] == str(status["id"]) == status["mid"]
    datetime.strptime(status["created_at"], WEIBO_TIME)
    assert {"reposts_count", "comments_count", "attitudes_count", "text"} <= status.keys()
    found.accounts.add(_weibo_user(status["user"]))


def check_weibo(folder: Path, found: Found) -> None:
    for path in sorted(folder.glob("*.json")):
        page = _json(path)
        counts = found.file(path)
        assert {"previous_cursor", "next_cursor", "total_number"} <= page.keys()
        if "statuses" in page:
            for status in page["statuses"]:
                _weibo_status(status, found)
                if "retweeted_status" in status:
                    _weibo_status(status["retweeted_status"], found)
                    counts.update(reposts=1)
            counts.update(statuses=len(page["statuses"]))
        else:
            for comment in page["comments"]:
                found.accounts.add(_weibo_user(comment["user"]))
                _weibo_status(comment["status"], found)
                if "reply_comment" in comment:
                    replied = comment["reply_comment"]
                    assert comment["text"].startswith(f"回复@{replied['user']['screen_name']}:")
                    counts.update(reply_comments=1)
            counts.update(comments=len(page["comments"]))


def check_reddit(folder: Path, found: Found) -> None:
    names: set[str] = set()
    parents: list[str] = []
    for path in sorted(folder.glob("*.json")):
        doc = _json(path)
        counts = found.file(path)
        if doc["kind"] == "t5":
            assert doc["data"]["name"] == "t5_" + doc["data"]["id"]
            counts.update(t5=1)
            continue
        assert doc["kind"] == "Listing" and doc["data"]["dist"] == len(doc["data"]["children"])
        for thing in doc["data"]["children"]:
            data = thing["data"]
            assert data["name"] == f"{thing['kind']}_{data['id']}"
            assert data["author_fullname"].startswith("t2_")
            found.accounts.add(f"reddit:{data['author_fullname']}")
            names.add(data["name"])
            if thing["kind"] == "t1":
                assert data["link_id"].startswith("t3_") and data["body"]
                parents += [data["parent_id"], data["link_id"]]
            else:
                assert thing["kind"] == "t3" and data["title"]
            counts.update({thing["kind"]: 1})
    assert set(parents) <= names  # every comment's parent and submission are in the set


def check_slack(folder: Path, found: Found) -> None:
    users = _json(folder / "users.json")
    ids = {u["id"] for u in users}
    assert all("@" in u["profile"]["email"] for u in users)
    found.accounts |= {f"slack:{u}" for u in ids}
    found.file(folder / "users.json").update(users=len(users))
    channels = _json(folder / "channels.json")
    found.file(folder / "channels.json").update(channels=len(channels))
    for channel in channels:
        assert set(channel["members"]) <= ids
        stamps: set[str] = set()
        threads: list[str] = []
        for path in sorted((folder / channel["name"]).glob("*.json")):
            messages = _json(path)
            assert [m["ts"] for m in messages] == sorted(m["ts"] for m in messages)
            for m in messages:
                assert m["type"] == "message" and m["user"] in ids
                assert re.fullmatch(r"\d{10}\.\d{6}", m["ts"])
                stamps.add(m["ts"])
                if "parent_user_id" in m:
                    threads.append(m["thread_ts"])
                for reaction in m.get("reactions", []):
                    assert set(reaction["users"]) <= ids
                    assert reaction["count"] == len(reaction["users"])
                for mentioned in re.findall(r"<@(U[A-Z0-9]+)>", m["text"]):
                    assert mentioned in ids
            found.file(path).update(messages=len(messages))
        assert set(threads) <= stamps


def check_wechat_work(folder: Path, found: Found) -> None:
    for path in sorted(folder.iterdir()):
        bodies = _jsonl(path) if path.suffix == ".jsonl" else [_json(path)]
        counts = found.file(path)
        for body in bodies:
            assert body.get("errcode", 0) == 0 and body.get("errmsg", "ok") == "ok"
            if "group_chat" in body:
                chat = body["group_chat"]
                assert chat["chat_id"].startswith("wr") and chat["owner"]
                for member in chat["member_list"]:
                    assert member["type"] in (1, 2)
                    if member["type"] == 2:
                        found.accounts.add(f"wechat:{member['userid']}")
                counts.update(
                    members=len(chat["member_list"]),
                    external_members=sum(m["type"] == 2 for m in chat["member_list"]),
                )
                continue
            if "user_info_list" in body:
                for follower in body["user_info_list"]:
                    assert follower["openid"].startswith("o") and follower["unionid"]
                    found.accounts.add(f"wechat-mp:{follower['openid']}")
                counts.update(followers=len(body["user_info_list"]))
                continue
            entries = body.get("external_contact_list") or [body]
            for entry in entries:
                contact = entry["external_contact"]
                assert contact["external_userid"].startswith("wm") and contact["type"] in (1, 2)
                follows = entry.get("follow_user") or [entry["follow_info"]]
                for follow in follows:
                    assert follow["createtime"] > 0 and "remark" in follow
                found.accounts.add(f"wechat:{contact['external_userid']}")
            counts.update(external_contacts=len(entries))


def check_shopify(folder: Path, found: Found) -> None:
    for path in sorted(folder.glob("orders-*.json")):
        orders = _json(path)["orders"]
        assert 0 < len(orders) <= 250
        for order in orders:
            lines = order["line_items"]
            total = sum(float(li["price"]) * li["quantity"] for li in lines)
            assert abs(float(order["total_price"]) - total) < 0.011
            assert order["customer"]["id"] and order["name"] == f"#{order['order_number']}"
            assert {li["vendor"] for li in lines} <= {"Lumora Tea", "Kestrel Coffee"}
        found.file(path).update(orders=len(orders))


CHECKERS = {
    "twitter": check_twitter,
    "weibo": check_weibo,
    "reddit": check_reddit,
    "slack": check_slack,
    "wechat-work": check_wechat_work,
    "shopify": check_shopify,
}
