"""Render the Weibo plan as Weibo Open API v2 responses.

``statuses-NNNN.json`` are ``statuses/user_timeline``-style pages (``statuses``,
``previous_cursor``, ``next_cursor``, ``total_number``); a repost carries the
original as ``retweeted_status``.  ``comments-NNNN.json`` are ``comments/timeline``
pages: each comment embeds the ``status`` it is on and, when it answers another
comment, that comment as ``reply_comment`` (its text then starts ``回复@name:``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loaders.demo.activity import REPLY, SHARE, ChannelPlan
from loaders.demo.ids import weibo_mid
from loaders.demo.people import Account, Population
from loaders.demo.render import (
    ChannelOutput,
    Memo,
    body,
    dump,
    engagement_counts,
    hashtags,
    json_array,
    json_object,
    pages,
    splice,
    weibo_time,
)
from loaders.demo.text import pick

__all__ = ["write_weibo"]

STATUS_PAGE = 100
COMMENT_PAGE = 200
_SOURCE = (
    '<a href="http://app.weibo.com/t/feed/5yiHuw" rel="nofollow">iPhone客户端</a>',
    '<a href="http://app.weibo.com/t/feed/3o33sO" rel="nofollow">Android客户端</a>',
    '<a href="http://weibo.com/" rel="nofollow">微博 weibo.com</a>',
)
_PROVINCES = {"上海": ("31", "1"), "北京": ("11", "5"), "杭州": ("33", "1"), "成都": ("51", "1")}
_REPOST_TEXT = ("转发微博", "转发微博", "分享一下", "马住")


class _Weibo:
    def __init__(self, pop: Population, plan: ChannelPlan) -> None:
        self.pop = pop
        self.plan = plan
        self.counts: dict[int, int] = {}
        for author in plan.author:
            self.counts[author] = self.counts.get(author, 0) + 1
        self._users: Memo[int, str] = Memo(1_000_000)
        self._statuses: Memo[int, str] = Memo(30_000)

    def mid(self, i: int) -> str:
        return weibo_mid(self.plan.time[i], i)

    def user_json(self, index: int) -> str:
        return self._users.get(index, lambda k: dump(self.user(self.pop.accounts[k])))

    def user(self, account: Account) -> dict[str, Any]:
        community = self.pop.communities[account.community]
        city = community.name.split(" · ")[-1]
        province, city_code = _PROVINCES.get(city, ("44", "3"))
        uid = account.native_id
        user = {
            "id": int(uid),
            "idstr": uid,
            "screen_name": account.handle,
            "name": account.name,
            "province": province,
            "city": city_code,
            "location": city,
            "description": f"{community.theme.name_zh}｜{city}",
            "url": "",
            "profile_image_url": f"http://tp1.sinaimg.cn/{uid}/50/0/1",
            "profile_url": f"u/{uid}",
            "domain": "",
            "gender": "f" if int(uid) % 2 else "m",
            "followers_count": account.followers,
            "friends_count": account.following,
            "statuses_count": self.counts.get(account.index, 0) + account.following // 2,
            "favourites_count": account.following // 7,
            "created_at": weibo_time(account.created_at),
            "following": False,
            "allow_all_act_msg": False,
            "geo_enabled": True,
            "verified": account.role == "influencer",
            "verified_type": 0 if account.role == "influencer" else -1,
            "verified_reason": "美食博主" if account.role == "influencer" else "",
            "allow_all_comment": True,
            "avatar_large": f"http://tp1.sinaimg.cn/{uid}/180/0/1",
            "follow_me": False,
            "online_status": 0,
            "bi_followers_count": min(account.followers, account.following) // 3,
            "lang": "zh-cn",
        }
        return user

    def text(self, i: int) -> str:
        plan, pop = self.plan, self.pop
        kind = plan.kind[i]
        if kind == SHARE:
            return pick(_REPOST_TEXT, plan.bits[i], 0)
        words = body(pop, plan, i)
        tags = "".join(f"#{tag}#" for tag in hashtags(pop, plan, i))
        if kind == REPLY and plan.kind[plan.parent[i]] == REPLY:
            words = f"回复@{pop.accounts[plan.author[plan.parent[i]]].handle}:{words}"
        return tags + words

    def _head(self, i: int) -> dict[str, Any]:
        """What statuses and comments both start with."""
        mid = self.mid(i)
        return {
            "created_at": weibo_time(self.plan.time[i]),
            "id": int(mid),
            "idstr": mid,
            "mid": mid,
            "text": self.text(i),
            "source": _SOURCE[self.plan.bits[i] % len(_SOURCE)],
        }

    def status_json(self, i: int) -> str:
        return self._statuses.get(i, self._encode_status)

    def _encode_status(self, i: int, *, with_source: bool = True) -> str:
        plan = self.plan
        status = self._head(i)
        status.update(
            {
                "favorited": False,
                "truncated": False,
                "in_reply_to_status_id": "",
                "in_reply_to_user_id": "",
                "in_reply_to_screen_name": "",
                "geo": None,
                "reposts_count": plan.shares[i],
                "comments_count": plan.replies[i],
                "attitudes_count": plan.likes[i] + (plan.bits[i] >> 30) % 40,
                "mlevel": 0,
                "visible": {"type": 0, "list_id": 0},
            }
        )
        embedded = {"user": self.user_json(plan.author[i])}
        if with_source and plan.kind[i] == SHARE:
            embedded["retweeted_status"] = self._encode_status(plan.parent[i], with_source=False)
        return splice(status, **embedded)

    def comment_json(self, i: int, *, nested: bool = True) -> str:
        plan = self.plan
        comment = self._head(i)
        embedded = {"user": self.user_json(plan.author[i])}
        if nested:
            embedded["status"] = self.status_json(plan.root[i])
            parent = plan.parent[i]
            if plan.kind[parent] == REPLY:
                embedded["reply_comment"] = self.comment_json(parent, nested=False)
        return splice(comment, **embedded)


def write_weibo(out: Path, root: Path, pop: Population, plan: ChannelPlan) -> ChannelOutput:
    """Write ``out/statuses-NNNN.json`` and ``out/comments-NNNN.json``, newest first."""
    out.mkdir(parents=True, exist_ok=True)
    wb = _Weibo(pop, plan)
    result = ChannelOutput("weibo")
    result.name_accounts(pop)
    newest_first = range(len(plan) - 1, -1, -1)
    statuses = [i for i in newest_first if plan.kind[i] != REPLY]
    comments = [i for i in newest_first if plan.kind[i] == REPLY]
    for name, items, size, render in (
        ("statuses", statuses, STATUS_PAGE, wb.status_json),
        ("comments", comments, COMMENT_PAGE, wb.comment_json),
    ):
        chunks = list(pages(items, size))
        for number, chunk in enumerate(chunks, start=1):
            path = out / f"{name}-{number:04d}.json"
            entry = result.file(path, root)
            page = json_object(
                **{name: json_array(render(i) for i in chunk)},
                previous_cursor="0" if number == 1 else wb.mid(chunks[number - 2][0]),
                next_cursor="0" if number == len(chunks) else wb.mid(chunks[number][0]),
                total_number=str(len(items)),
            )
            path.write_text(page + "\n", encoding="utf-8")
            entry.add(name, len(chunk))
            if name == "statuses":
                entry.add("reposts", sum(1 for i in chunk if plan.kind[i] == SHARE))
            else:
                entry.add(
                    "reply_comments", sum(1 for i in chunk if plan.kind[plan.parent[i]] == REPLY)
                )
    counts = result.counts
    counts["accounts"] = len(pop.by_platform.get("weibo", []))
    counts.update(engagement_counts(plan))
    counts["statuses"] = len(statuses)
    counts["comments"] = len(comments)
    counts["mentions"] = 0  # only the "回复@name:" of replies to comments
    counts["reply_comments"] = sum(1 for i in comments if plan.kind[plan.parent[i]] == REPLY)
    counts["about_brand"] = sum(
        1 for i in range(len(plan)) if plan.brand[i] >= 0 and plan.kind[i] != SHARE
    )
    return result
