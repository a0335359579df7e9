"""Render the Reddit plan as Reddit API listings, one subreddit per planted community.

``r_<sub>-about.json`` is the subreddit itself (``/r/<sub>/about``, a ``t5``);
``r_<sub>-new-NNNN.json`` are ``/r/<sub>/new`` pages of ``t3`` submissions and
``r_<sub>-comments-NNNN.json`` are ``/r/<sub>/comments`` pages of ``t1`` comments
(``parent_id``, ``link_id``, ``author_fullname``), 100 things a page, newest first.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from loaders.demo.activity import ORIGINAL, REPLY, ChannelPlan
from loaders.demo.ids import base36
from loaders.demo.people import Population
from loaders.demo.render import (
    ChannelOutput,
    body,
    brand_of,
    community_of,
    engagement_counts,
    pages,
    write_json,
)
from loaders.demo.text import render

__all__ = ["write_reddit"]

PAGE_SIZE = 100


def _thing_id(plan: ChannelPlan, i: int) -> str:
    # Base36 ids grow with time; submissions and comments have separate sequences.
    base = 36**5 * 20 if plan.kind[i] == ORIGINAL else 36**6 * 20
    return base36(base + i * 7 + plan.bits[i] % 7)


def _subreddit_id(community: int) -> str:
    return base36(36**4 * 3 + community * 7919)


def _fullname(plan: ChannelPlan, i: int) -> str:
    return ("t3_" if plan.kind[i] == ORIGINAL else "t1_") + _thing_id(plan, i)


def _md_html(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n\n"))
    return f'<div class="md">{paragraphs}</div>'


class _Reddit:
    def __init__(self, pop: Population, plan: ChannelPlan) -> None:
        self.pop = pop
        self.plan = plan

    def subreddit(self, i: int) -> tuple[str, str]:
        community = community_of(self.pop, self.plan, self.plan.root[i])
        return community.native_id, "t5_" + _subreddit_id(community.index)

    def title(self, i: int) -> str:
        plan = self.plan
        author = self.pop.accounts[plan.author[i]]
        theme = community_of(self.pop, plan, i).theme
        brand = brand_of(plan, i)
        tone = plan.tone[i]
        if brand is None:
            kind = "title_chatter"
        else:
            kind = "title_pos" if tone > 0 else "title_neg" if tone < 0 else "title"
        return render(kind, lang=author.lang, bits=plan.bits[i] >> 3, theme=theme, brand=brand)

    def common(self, i: int) -> dict[str, Any]:
        plan = self.plan
        author = self.pop.accounts[plan.author[i]]
        sub, sub_id = self.subreddit(i)
        score = 1 + plan.replies[i] + (plan.bits[i] >> 12) % 25
        return {
            "subreddit_id": sub_id,
            "subreddit": sub,
            "subreddit_name_prefixed": f"r/{sub}",
            "subreddit_type": "public",
            "author": author.handle,
            "author_fullname": author.native_id,
            "author_flair_text": None,
            "id": _thing_id(plan, i),
            "name": _fullname(plan, i),
            "created": float(plan.time[i] // 1000),
            "created_utc": float(plan.time[i] // 1000),
            "score": score,
            "ups": score,
            "downs": 0,
            "gilded": 0,
            "edited": False,
            "archived": False,
            "locked": False,
            "stickied": False,
            "distinguished": None,
            "likes": None,
            "saved": False,
            "num_reports": None,
        }

    def submission(self, i: int) -> dict[str, Any]:
        data = self.common(i)
        sub = data["subreddit"]
        title = self.title(i)
        text = body(self.pop, self.plan, i)
        slug = "_".join(
            w for w in "".join(ch if ch.isalnum() else " " for ch in title.lower()).split()
        )
        permalink = f"/r/{sub}/comments/{data['id']}/{slug[:50]}/"
        data.update(
            {
                "title": title,
                "selftext": text,
                "selftext_html": _md_html(text),
                "is_self": True,
                "domain": f"self.{sub}",
                "url": f"https://www.reddit.com{permalink}",
                "permalink": permalink,
                "num_comments": self.plan.replies[i],
                "upvote_ratio": 0.95,
                "over_18": False,
                "spoiler": False,
                "link_flair_text": None,
                "thumbnail": "self",
            }
        )
        return {"kind": "t3", "data": data}

    def comment(self, i: int) -> dict[str, Any]:
        plan, pop = self.plan, self.pop
        data = self.common(i)
        text = body(pop, plan, i)
        link = plan.root[i]
        link_author = pop.accounts[plan.author[link]]
        data.update(
            {
                "body": text,
                "body_html": _md_html(text),
                "parent_id": _fullname(plan, plan.parent[i]),
                "link_id": _fullname(plan, link),
                "link_title": self.title(link),
                "link_author": link_author.handle,
                "link_permalink": f"https://www.reddit.com/r/{data['subreddit']}/comments/"
                f"{_thing_id(plan, link)}/",
                "permalink": f"/r/{data['subreddit']}/comments/{_thing_id(plan, link)}/_/"
                f"{data['id']}/",
                "replies": "",
                "controversiality": 0,
                "score_hidden": False,
                "is_submitter": link_author.index == plan.author[i],
            }
        )
        return {"kind": "t1", "data": data}


def _listing(children: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(children),
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": None,
        },
    }


def write_reddit(out: Path, root: Path, pop: Population, plan: ChannelPlan) -> ChannelOutput:
    """Write the ``new`` and ``comments`` listings of every planted subreddit."""
    out.mkdir(parents=True, exist_ok=True)
    rd = _Reddit(pop, plan)
    result = ChannelOutput("reddit")
    result.name_accounts(pop)
    by_sub: dict[str, tuple[list[int], list[int]]] = {}
    for community in pop.platform_communities("reddit"):
        by_sub[community.native_id] = ([], [])
    for i in range(len(plan) - 1, -1, -1):
        sub, _ = rd.subreddit(i)
        by_sub[sub][0 if plan.kind[i] == ORIGINAL else 1].append(i)
    for community in pop.platform_communities("reddit"):
        sub = community.native_id
        sub_id = _subreddit_id(community.index)
        path = out / f"r_{sub}-about.json"
        write_json(
            path,
            {
                "kind": "t5",
                "data": {
                    "id": sub_id,
                    "name": f"t5_{sub_id}",
                    "display_name": sub,
                    "display_name_prefixed": f"r/{sub}",
                    "title": community.name,
                    "public_description": f"{community.theme.name_en} in "
                    f"{community.name.split(' · ')[-1]}: {community.brand.name} and more.",
                    "subscribers": len(community.members) * 9,
                    "created_utc": float(pop.start_ms // 1000 - 86_400 * 400),
                    "subreddit_type": "public",
                    "url": f"/r/{sub}/",
                    "over18": False,
                    "lang": "en",
                },
            },
        )
        result.file(path, root).add("t5", 1)
        result.extra.setdefault("communities", {})[community.index] = f"reddit:t5_{sub_id}"
    for sub, (submissions, comments) in by_sub.items():
        for listing, items, render_thing in (
            ("new", submissions, rd.submission),
            ("comments", comments, rd.comment),
        ):
            chunks = list(pages(items, PAGE_SIZE))
            for number, chunk in enumerate(chunks, start=1):
                path = out / f"r_{sub}-{listing}-{number:04d}.json"
                entry = result.file(path, root)
                after = _fullname(plan, chunk[-1]) if number < len(chunks) else None
                write_json(path, _listing([render_thing(i) for i in chunk], after))
                entry.add("t3" if listing == "new" else "t1", len(chunk))
    counts = result.counts
    counts["accounts"] = len(pop.by_platform.get("reddit", []))
    counts.update(engagement_counts(plan))
    counts["submissions"] = plan.count(ORIGINAL)
    counts["comments"] = plan.count(REPLY)
    counts["mentions"] = 0
    counts["about_brand"] = sum(1 for i in range(len(plan)) if plan.brand[i] >= 0)
    return result
