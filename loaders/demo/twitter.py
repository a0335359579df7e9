"""Render the Twitter plan as twarc2 JSONL: one X API v2 response page per line.

Search pages (``/2/tweets/search/all`` with full expansions) carry ``data``,
``includes.users``, ``includes.tweets``, ``meta`` and ``__twarc``; tweets have
``referenced_tweets``, ``entities.mentions/hashtags/urls`` and ``public_metrics``.
Likes are ``/2/tweets/:id/liking_users`` pages and the followers of the planted
voices ``/2/users/:id/followers`` pages, the request URL (and so the liked tweet
or the followed user) kept in ``__twarc.url`` as twarc2 writes it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from loaders.demo.activity import QUOTE, REPLY, SHARE, ChannelPlan
from loaders.demo.ids import tweet_id
from loaders.demo.people import Account, Population
from loaders.demo.render import (
    ChannelOutput,
    Memo,
    body,
    brand_of,
    dump,
    engagement_counts,
    hashtags,
    iso_ms,
    json_array,
    json_object,
    pages,
)

__all__ = ["write_twitter"]

PAGE_SIZE = 100
FOLLOWERS_PAGE = 1000
PAGES_PER_FILE = 400
_TOKEN = re.compile(r"(?<![\w@#])([@#])(\w+)")
_USER_FIELDS = (
    "user.fields=created_at%2Cdescription%2Cid%2Clocation%2Cname%2Cprofile_image_url%2C"
    "protected%2Cpublic_metrics%2Curl%2Cusername%2Cverified"
)
_EXPANSIONS = (
    "expansions=author_id%2Cin_reply_to_user_id%2Creferenced_tweets.id%2C"
    "referenced_tweets.id.author_id%2Centities.mentions.username"
    "&tweet.fields=author_id%2Cconversation_id%2Ccreated_at%2Centities%2Cid%2C"
    "in_reply_to_user_id%2Clang%2Cpublic_metrics%2Ctext%2Cpossibly_sensitive%2C"
    "referenced_tweets%2Creply_settings%2Csource%2Cedit_history_tweet_ids&" + _USER_FIELDS
)
_SOURCES = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App", "TweetDeck")


class _Twitter:
    def __init__(self, pop: Population, plan: ChannelPlan, ref_ms: int) -> None:
        self.pop = pop
        self.plan = plan
        self.retrieved = iso_ms(ref_ms).replace(".000Z", "+00:00")
        self.by_handle = {a.handle.lower(): a for a in pop.platform_accounts("twitter")}
        self.posts_by: dict[int, int] = {}
        for author in plan.author:
            self.posts_by[author] = self.posts_by.get(author, 0) + 1
        self._text: Memo[int, str] = Memo(50_000)
        self._tweets: Memo[int, tuple[str, tuple[int, ...]]] = Memo(30_000)
        self._users: Memo[int, str] = Memo(1_000_000)

    def tid(self, i: int) -> str:
        return tweet_id(self.plan.time[i], i)

    def text(self, i: int) -> str:
        return self._text.get(i, self._make_text)

    def _make_text(self, i: int) -> str:
        plan, pop = self.plan, self.pop
        kind = plan.kind[i]
        if kind == SHARE:
            parent = plan.parent[i]
            original = pop.accounts[plan.author[parent]]
            text = f"RT @{original.handle}: {self.text(parent)}"
            if len(text) > 140:  # v2 returns retweets truncated, cut at a word
                text = text[: text.rfind(" ", 0, 139)] + "…"
            return text
        parts = [body(pop, plan, i)]
        if kind == REPLY:
            parts.insert(0, "@" + pop.accounts[plan.author[plan.parent[i]]].handle)
        parts += ["#" + tag for tag in hashtags(pop, plan, i)]
        parts += ["@" + pop.accounts[m].handle for m in plan.mentions.get(i, ())]
        if kind == QUOTE:
            parts.append("https://t.co/" + _short(plan.bits[i]))
        return " ".join(parts)

    def tweet_json(self, i: int) -> tuple[str, tuple[int, ...]]:
        """Tweet ``i`` as JSON text, and the accounts its entities mention."""
        return self._tweets.get(i, self._encode_tweet)

    def _encode_tweet(self, i: int) -> tuple[str, tuple[int, ...]]:
        tweet = self.tweet(i)
        mentioned = tuple(
            self.by_handle[m["username"].lower()].index
            for m in tweet.get("entities", {}).get("mentions", [])
        )
        return dump(tweet), mentioned

    def user_json(self, index: int) -> str:
        return self._users.get(index, lambda k: dump(self.user(self.pop.accounts[k])))

    def tweet(self, i: int) -> dict[str, Any]:
        plan, pop = self.plan, self.pop
        author = pop.accounts[plan.author[i]]
        text = self.text(i)
        kind, parent = plan.kind[i], plan.parent[i]
        entities: dict[str, Any] = {}
        mentions, tags = [], []
        for match in _TOKEN.finditer(text):
            sigil, word = match.groups()
            if sigil == "#":
                tags.append({"start": match.start(), "end": match.end(), "tag": word})
            elif (who := self.by_handle.get(word.lower())) is not None:
                mentions.append(
                    {
                        "start": match.start(),
                        "end": match.end(),
                        "username": who.handle,
                        "id": who.native_id,
                    }
                )
        if kind == QUOTE:
            short = text.rsplit(" ", 1)[-1]
            quoted = pop.accounts[plan.author[parent]]
            entities["urls"] = [
                {
                    "start": len(text) - len(short),
                    "end": len(text),
                    "url": short,
                    "expanded_url": f"https://twitter.com/{quoted.handle}/status/{self.tid(parent)}",
                    "display_url": f"twitter.com/{quoted.handle}/status/{self.tid(parent)[:5]}…",
                }
            ]
        if tags:
            entities["hashtags"] = tags
        if mentions:
            entities["mentions"] = mentions
        bits = plan.bits[i]
        if kind == SHARE:
            source = plan.parent[i]
            metrics = {
                "retweet_count": plan.shares[source],
                "reply_count": 0,
                "like_count": 0,
                "quote_count": 0,
            }
        else:
            metrics = {
                "retweet_count": plan.shares[i],
                "reply_count": plan.replies[i],
                "like_count": plan.likes[i] + (bits >> 20) % (1 + author.followers // 400),
                "quote_count": plan.quotes[i],
            }
        tweet: dict[str, Any] = {
            "id": self.tid(i),
            "text": text,
            "author_id": author.native_id,
            "created_at": iso_ms(plan.time[i]),
            "conversation_id": self.tid(plan.root[i]),
            "lang": author.lang if kind != SHARE else pop.accounts[plan.author[parent]].lang,
            "public_metrics": metrics,
            "possibly_sensitive": False,
            "reply_settings": "everyone",
            "source": _SOURCES[bits % len(_SOURCES)],
            "edit_history_tweet_ids": [self.tid(i)],
        }
        if entities:
            tweet["entities"] = entities
        if parent >= 0:
            ref_type = {REPLY: "replied_to", SHARE: "retweeted", QUOTE: "quoted"}[kind]
            tweet["referenced_tweets"] = [{"type": ref_type, "id": self.tid(parent)}]
            if kind == REPLY:
                tweet["in_reply_to_user_id"] = pop.accounts[plan.author[parent]].native_id
        return tweet

    def user(self, account: Account) -> dict[str, Any]:
        community = self.pop.communities[account.community]
        theme = community.theme
        zh = account.lang == "zh"
        bio = (
            f"{theme.name_zh}。{community.name.split(' · ')[-1]}。"
            if zh
            else f"{theme.name_en} regular. {community.name.split(' · ')[-1]}."
        )
        return {
            "id": account.native_id,
            "username": account.handle,
            "name": account.name,
            "created_at": iso_ms(account.created_at),
            "description": bio,
            "location": community.name.split(" · ")[-1],
            "profile_image_url": (
                f"https://pbs.twimg.com/profile_images/{account.native_id}/avatar_normal.jpg"
            ),
            "protected": False,
            "public_metrics": {
                "followers_count": account.followers,
                "following_count": account.following,
                "tweet_count": self.posts_by.get(account.index, 0) + account.following // 3,
                "listed_count": account.followers // 250,
            },
            "url": "",
            "verified": account.role == "influencer" and account.followers > 100_000,
        }

    def _twarc(self, url: str) -> str:
        return dump({"url": url, "version": "2.14.0", "retrieved_at": self.retrieved})

    def page(self, chunk: list[int], next_token: str | None, query: str) -> tuple[str, int, int]:
        """A search page as JSON text, with how many users and tweets it includes."""
        plan = self.plan
        users: dict[int, None] = {}
        referenced: dict[int, None] = {}
        data = []
        for i in chunk:
            text, mentioned = self.tweet_json(i)
            data.append(text)
            users.setdefault(plan.author[i])
            for who in mentioned:
                users.setdefault(who)
            if plan.parent[i] >= 0:
                referenced.setdefault(plan.parent[i])
        for p in referenced:
            users.setdefault(plan.author[p])
        includes = {"users": json_array(self.user_json(a) for a in users)}
        if referenced:
            includes["tweets"] = json_array(self.tweet_json(p)[0] for p in referenced)
        meta: dict[str, Any] = {
            "newest_id": self.tid(chunk[0]),
            "oldest_id": self.tid(chunk[-1]),
            "result_count": len(chunk),
        }
        if next_token:
            meta["next_token"] = next_token
        url = (
            "https://api.twitter.com/2/tweets/search/all?"
            + _EXPANSIONS
            + "&max_results=100&query="
            + quote(query, safe="")
        )
        text = json_object(
            data=json_array(data),
            includes=json_object(**includes),
            meta=dump(meta),
            __twarc=self._twarc(url),
        )
        return text, len(users), len(referenced)

    def followers_page(self, account: int, followers: list[int], next_token: str | None) -> str:
        url = (
            f"https://api.twitter.com/2/users/{self.pop.accounts[account].native_id}/followers?"
            + _USER_FIELDS
            + "&max_results=1000"
        )
        meta: dict[str, Any] = {"result_count": len(followers)}
        if next_token:
            meta["next_token"] = next_token
        return json_object(
            data=json_array(self.user_json(a) for a in followers),
            meta=dump(meta),
            __twarc=self._twarc(url),
        )

    def liking_page(self, post: int, likers: list[int]) -> str:
        url = (
            f"https://api.twitter.com/2/tweets/{self.tid(post)}/liking_users?"
            + _USER_FIELDS
            + "&max_results=100"
        )
        return json_object(
            data=json_array(self.user_json(a) for a in likers),
            meta=dump({"result_count": len(likers)}),
            __twarc=self._twarc(url),
        )


def _short(bits: int) -> str:
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(alphabet[(bits >> (6 * k)) % len(alphabet)] for k in range(10))


def write_twitter(
    out: Path, root: Path, pop: Population, plan: ChannelPlan, ref_ms: int, *, likes: bool = True
) -> ChannelOutput:
    """Write ``out/tweets-NNNN.jsonl`` (search pages, newest first) and liking-users pages."""
    out.mkdir(parents=True, exist_ok=True)
    tw = _Twitter(pop, plan, ref_ms)
    result = ChannelOutput("twitter")
    result.name_accounts(pop)
    query = (
        "(lumora OR LumoraTea OR 露茉拉 OR kestrel OR KestrelCoffee OR 隼鸟咖啡) lang:en OR lang:zh"
    )
    newest_first = list(range(len(plan) - 1, -1, -1))
    chunks = list(pages(newest_first, PAGE_SIZE))
    for number, start in enumerate(range(0, len(chunks), PAGES_PER_FILE), start=1):
        path = out / f"tweets-{number:04d}.jsonl"
        entry = result.file(path, root)
        with path.open("w", encoding="utf-8") as fh:
            for k, chunk in enumerate(chunks[start : start + PAGES_PER_FILE], start=start):
                token = _short(plan.bits[chunk[-1]] ^ k) if k + 1 < len(chunks) else None
                page, n_users, n_tweets = tw.page(chunk, token, query)
                fh.write(page + "\n")
                entry.add("pages")
                entry.add("tweets", len(chunk))
                entry.add("includes.users", n_users)
                entry.add("includes.tweets", n_tweets)
    if likes and len(plan.like_post):
        by_post: dict[int, list[int]] = {}
        for post, liker in zip(plan.like_post, plan.like_account, strict=True):
            by_post.setdefault(post, []).append(liker)
        liked = sorted(by_post, reverse=True)
        for number, start in enumerate(range(0, len(liked), PAGES_PER_FILE * 5), start=1):
            path = out / f"liking_users-{number:04d}.jsonl"
            entry = result.file(path, root)
            with path.open("w", encoding="utf-8") as fh:
                for post in liked[start : start + PAGES_PER_FILE * 5]:
                    likers = by_post[post]
                    for chunk in pages(likers, PAGE_SIZE):
                        fh.write(tw.liking_page(post, chunk) + "\n")
                        entry.add("pages")
                        entry.add("users", len(chunk))
    if plan.followers:
        path = out / "followers-0001.jsonl"
        entry = result.file(path, root)
        with path.open("w", encoding="utf-8") as fh:
            for voice, followers in plan.followers.items():
                chunks = list(pages(followers, FOLLOWERS_PAGE))
                for k, chunk in enumerate(chunks):
                    token = _short(plan.bits[k] ^ voice) if k + 1 < len(chunks) else None
                    fh.write(tw.followers_page(voice, chunk, token) + "\n")
                    entry.add("pages")
                    entry.add("users", len(chunk))
    _count(result, pop, plan, tw, likes)
    return result


def _count(
    result: ChannelOutput, pop: Population, plan: ChannelPlan, tw: _Twitter, likes: bool
) -> None:
    counts = result.counts
    counts["accounts"] = len(pop.by_platform.get("twitter", []))
    counts.update(engagement_counts(plan))
    if not likes:
        counts["likes"] = 0
    # Distinct @handles per tweet, as entities.mentions lists them; a retweet's leading
    # "RT @x:" names whose tweet it repeats, not a mention.
    mentions = 0
    for i in range(len(plan)):
        text = tw.text(i)
        if plan.kind[i] == SHARE:
            text = text.split(":", 1)[1]
        found = {m.group(2).lower() for m in _TOKEN.finditer(text) if m.group(1) == "@"}
        mentions += len(found & tw.by_handle.keys())
    counts["mentions"] = mentions
    counts["follows"] = sum(len(f) for f in plan.followers.values())
    counts["about_brand"] = sum(1 for i in range(len(plan)) if brand_of(plan, i) is not None)
