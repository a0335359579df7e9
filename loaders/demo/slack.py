"""Render the Slack plan as a workspace export: users.json, channels.json, channel/day files.

One public channel per planted community.  Thread replies carry ``thread_ts`` and
``parent_user_id``; thread roots carry ``reply_count``, ``reply_users`` and
``replies``; likes are ``reactions`` (name, users, count); mentions are ``<@U…>``.
Members' profiles include their e-mail, as in an owner's full export.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loaders.demo.activity import REPLY, ChannelPlan
from loaders.demo.ids import slack_ts
from loaders.demo.people import Account, Population
from loaders.demo.render import ChannelOutput, body, community_of, engagement_counts, write_json

__all__ = ["write_slack"]

_REACTIONS = ("+1", "heart", "tada", "raised_hands", "eyes", "fire")
_COLORS = ("9f69e7", "4bbe2e", "e7392d", "3c989f", "674b1b", "e96699", "5b89d5", "db3150")


def _channel_name(name: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.split(" · ")[0].lower())
    return "-".join(part for part in slug.split("-") if part)


class _Slack:
    def __init__(self, pop: Population, plan: ChannelPlan, team: str) -> None:
        self.pop = pop
        self.plan = plan
        self.team = team
        self.thread: dict[int, list[int]] = {}
        for i in range(len(plan)):
            if plan.kind[i] == REPLY:
                self.thread.setdefault(plan.parent[i], []).append(i)
        self.reactions: dict[int, list[int]] = {}
        for post, account in zip(plan.like_post, plan.like_account, strict=True):
            self.reactions.setdefault(post, []).append(account)

    def ts(self, i: int) -> str:
        return slack_ts(self.plan.time[i], i)

    def user(self, account: Account) -> dict[str, Any]:
        person = self.pop.people[account.person]
        first, _, last = account.name.partition(" ")
        uid = account.native_id
        return {
            "id": uid,
            "team_id": self.team,
            "name": account.handle,
            "deleted": False,
            "color": _COLORS[int.from_bytes(uid.encode()) % len(_COLORS)],
            "real_name": account.name,
            "tz": "America/Los_Angeles",
            "tz_label": "Pacific Standard Time",
            "tz_offset": -28800,
            "profile": {
                "title": "",
                "phone": "",
                "skype": "",
                "real_name": account.name,
                "real_name_normalized": account.name,
                "display_name": account.handle,
                "display_name_normalized": account.handle,
                "fields": None,
                "status_text": "",
                "status_emoji": "",
                "avatar_hash": f"g{uid[-11:].lower()}",
                "email": person.email,
                "first_name": first,
                "last_name": last,
                "image_72": f"https://secure.gravatar.com/avatar/{uid.lower()}.jpg?s=72",
                "team": self.team,
            },
            "is_admin": account.role == "influencer",
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,
            "updated": account.created_at // 1000,
            "is_app_user": False,
        }

    def message(self, i: int) -> dict[str, Any]:
        plan, pop = self.plan, self.pop
        author = pop.accounts[plan.author[i]]
        text = body(pop, plan, i)
        mentioned = plan.mentions.get(i, ())
        if mentioned:
            text += " " + " ".join(f"<@{pop.accounts[m].native_id}>" for m in mentioned)
        msg: dict[str, Any] = {
            "client_msg_id": _uuid(plan.bits[i]),
            "type": "message",
            "text": text,
            "user": author.native_id,
            "ts": self.ts(i),
            "team": self.team,
            "user_team": self.team,
            "source_team": self.team,
            "user_profile": {
                "avatar_hash": f"g{author.native_id[-11:].lower()}",
                "first_name": author.name.partition(" ")[0],
                "real_name": author.name,
                "display_name": author.handle,
                "team": self.team,
                "name": author.handle,
                "is_restricted": False,
                "is_ultra_restricted": False,
            },
        }
        replies = self.thread.get(i)
        if plan.kind[i] == REPLY:
            msg["thread_ts"] = self.ts(plan.parent[i])
            msg["parent_user_id"] = pop.accounts[plan.author[plan.parent[i]]].native_id
        elif replies:
            users = list(dict.fromkeys(pop.accounts[plan.author[r]].native_id for r in replies))
            msg.update(
                {
                    "thread_ts": self.ts(i),
                    "reply_count": len(replies),
                    "reply_users_count": len(users),
                    "latest_reply": self.ts(replies[-1]),
                    "reply_users": users,
                    "replies": [
                        {"user": pop.accounts[plan.author[r]].native_id, "ts": self.ts(r)}
                        for r in replies
                    ],
                    "is_locked": False,
                    "subscribed": False,
                }
            )
        likers = self.reactions.get(i)
        if likers:
            groups: dict[str, list[str]] = {}
            for k, account in enumerate(likers):
                name = _REACTIONS[(plan.bits[i] >> (3 * (k % 2))) % len(_REACTIONS)]
                groups.setdefault(name, []).append(pop.accounts[account].native_id)
            msg["reactions"] = [
                {"name": name, "users": users, "count": len(users)}
                for name, users in groups.items()
            ]
        return msg


def _uuid(bits: int) -> str:
    h = f"{bits:016x}{(bits * 0x9E3779B97F4A7C15) & ((1 << 64) - 1):016x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def write_slack(out: Path, root: Path, pop: Population, plan: ChannelPlan) -> ChannelOutput:
    """Write a Slack export of one workspace into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    team = pop.ids.slack_team()
    sl = _Slack(pop, plan, team)
    result = ChannelOutput("slack")
    accounts = pop.platform_accounts("slack")
    result.name_accounts(pop)
    users_path = out / "users.json"
    write_json(users_path, [sl.user(a) for a in accounts])
    result.file(users_path, root).add("users", len(accounts))
    communities = pop.platform_communities("slack")
    channels = []
    names: dict[int, str] = {}
    for community in communities:
        name = _channel_name(community.name)
        names[community.index] = name
        result.extra.setdefault("communities", {})[community.index] = f"slack:{community.native_id}"
        members = [pop.accounts[m] for m in community.members]
        creator = min(members, key=lambda a: a.created_at)
        channels.append(
            {
                "id": community.native_id,
                "name": name,
                "created": str(pop.start_ms // 1000 - 86_400 * 30),
                "creator": creator.native_id,
                "is_archived": False,
                "is_general": False,
                "members": [a.native_id for a in members],
                "topic": {"value": community.name, "creator": creator.native_id, "last_set": "0"},
                "purpose": {
                    "value": f"{community.theme.name_en}: {community.brand.name} fans",
                    "creator": creator.native_id,
                    "last_set": "0",
                },
            }
        )
    channels_path = out / "channels.json"
    write_json(channels_path, channels)
    result.file(channels_path, root).add("channels", len(channels))
    days: dict[tuple[str, str], list[int]] = {}
    for i in range(len(plan)):
        thread_root = plan.root[i]
        channel = names[community_of(pop, plan, thread_root).index]
        day = datetime.fromtimestamp(plan.time[i] / 1000, UTC).strftime("%Y-%m-%d")
        days.setdefault((channel, day), []).append(i)
    for (channel, day), items in sorted(days.items()):
        folder = out / channel
        folder.mkdir(exist_ok=True)
        path = folder / f"{day}.json"
        write_json(path, [sl.message(i) for i in items])
        result.file(path, root).add("messages", len(items))
    counts = result.counts
    counts["accounts"] = len(accounts)
    counts["channels"] = len(channels)
    counts["memberships"] = sum(len(c.members) for c in communities)
    counts.update(engagement_counts(plan))
    counts["mentions"] = counts["planted_mentions"]
    counts["about_brand"] = sum(1 for i in range(len(plan)) if plan.brand[i] >= 0)
    counts["threads"] = len(sl.thread)
    return result
