"""Who posts what and engages with whom, planned as compact columns before rendering.

The plan is channel-neutral: posts (originals, replies, shares, quotes) with an
author, a time, a parent, a planned brand and tone; likes; mentions.  Engagement
stays mostly inside the actor's planted community (``Mix.cross`` leaves it), and
inside a community it flows to the planted voices: advocates draw over two
fifths of it, detractors and high-reach influencers a tenth each.  Renderers turn the
plan into each channel's native files.
"""

from __future__ import annotations

import random
from array import array
from collections import deque
from dataclasses import dataclass, field

from loaders.demo.config import BRANDS, PlatformScale
from loaders.demo.people import Account, Population

__all__ = ["MIXES", "ORIGINAL", "QUOTE", "REPLY", "SHARE", "ChannelPlan", "Mix", "plan_channel"]

ORIGINAL, REPLY, SHARE, QUOTE, LIKE = 0, 1, 2, 3, 4
NO_BRAND = -1

# Where engagement inside a community goes, by the target's role.
TARGET_ROLES: tuple[tuple[str, float], ...] = (
    ("advocate", 0.42),
    ("detractor", 0.10),
    ("influencer", 0.10),
    ("member", 0.38),
)
_WINDOW = {"advocate": 40, "detractor": 30, "influencer": 30, "member": 300}
_TALK_WINDOW = 200


@dataclass(frozen=True, slots=True)
class Mix:
    """A channel's mix of actions (shares of interaction events) and habits."""

    reply: float
    share: float
    quote: float
    like: float
    originals: float  # originals per interaction event
    reply_to_reply: float  # chance a reply answers a reply rather than a root post
    mention_rate: float  # chance an original or quote mentions community peers
    cross: float = 0.04  # chance an action leaves the actor's community
    follower_lists: bool = False  # the channel's exports list followers of the planted voices


MIXES: dict[str, Mix] = {
    "twitter": Mix(
        reply=0.36,
        share=0.30,
        quote=0.06,
        like=0.28,
        originals=0.17,
        reply_to_reply=0.25,
        mention_rate=0.25,
        follower_lists=True,
    ),
    "weibo": Mix(
        reply=0.58,
        share=0.42,
        quote=0.0,
        like=0.0,
        originals=0.18,
        reply_to_reply=0.3,
        mention_rate=0.0,
    ),
    "reddit": Mix(
        reply=1.0,
        share=0.0,
        quote=0.0,
        like=0.0,
        originals=0.11,
        reply_to_reply=0.3,
        mention_rate=0,
    ),
    "slack": Mix(
        reply=0.42,
        share=0.0,
        quote=0.0,
        like=0.58,
        originals=0.2,
        reply_to_reply=0.0,
        mention_rate=0.2,
    ),
}


@dataclass(slots=True)
class ChannelPlan:
    """Every post, like and mention of one channel, oldest first."""

    platform: str
    time: array[int] = field(default_factory=lambda: array("q"))
    author: array[int] = field(default_factory=lambda: array("l"))
    kind: array[int] = field(default_factory=lambda: array("b"))
    parent: array[int] = field(default_factory=lambda: array("l"))
    root: array[int] = field(default_factory=lambda: array("l"))
    brand: array[int] = field(default_factory=lambda: array("b"))
    tone: array[int] = field(default_factory=lambda: array("b"))
    bits: array[int] = field(default_factory=lambda: array("Q"))
    replies: array[int] = field(default_factory=lambda: array("l"))
    shares: array[int] = field(default_factory=lambda: array("l"))
    quotes: array[int] = field(default_factory=lambda: array("l"))
    likes: array[int] = field(default_factory=lambda: array("l"))
    mentions: dict[int, tuple[int, ...]] = field(default_factory=dict)
    like_time: array[int] = field(default_factory=lambda: array("q"))
    like_account: array[int] = field(default_factory=lambda: array("l"))
    like_post: array[int] = field(default_factory=lambda: array("l"))
    # Followers of the planted voices (advocates, detractors, influencers), as listed.
    followers: dict[int, list[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.time)

    def add_post(
        self, t: int, author: int, kind: int, parent: int, brand: int, tone: int, bits: int
    ) -> int:
        index = len(self.time)
        self.time.append(t)
        self.author.append(author)
        self.kind.append(kind)
        self.parent.append(parent)
        # A conversation's root: shares and quotes start their own, replies join one.
        self.root.append(self.root[parent] if kind == REPLY else index)
        self.brand.append(brand)
        self.tone.append(tone)
        self.bits.append(bits)
        for column in (self.replies, self.shares, self.quotes, self.likes):
            column.append(0)
        return index

    def count(self, kind: int) -> int:
        return sum(1 for k in self.kind if k == kind)


def _spread(rng: random.Random, accounts: list[Account], total: int, floor: int) -> list[int]:
    """``total`` actions over ``accounts``: ``floor`` each, the rest by activity."""
    counts = [floor] * len(accounts)
    rest = total - floor * len(accounts)
    if rest > 0:
        for i in rng.choices(range(len(accounts)), [a.activity for a in accounts], k=rest):
            counts[i] += 1
    return counts


def _event_kinds(mix: Mix) -> tuple[list[int], list[float]]:
    pairs = [(REPLY, mix.reply), (SHARE, mix.share), (QUOTE, mix.quote), (LIKE, mix.like)]
    pairs = [(k, w) for k, w in pairs if w > 0]
    return [k for k, _ in pairs], [w for _, w in pairs]


def _original_voice(rng: random.Random, role: str, home_brand: int) -> tuple[int, int]:
    """(brand, tone) of an original post by someone of ``role``.  Advocates and
    detractors hold their opinion about their community's brand; about the other
    brand everyone is lukewarm."""
    if rng.random() >= 0.85:
        other = 1 - home_brand
        warm = role == "member" and rng.random() < 0.2
        return (other, 1 if warm else 0) if rng.random() < 0.5 else (NO_BRAND, 0)
    r = rng.random()
    if role == "advocate":
        return (home_brand, 2) if r < 0.9 else (NO_BRAND, 0)
    if role == "detractor":
        return (home_brand, -2) if r < 0.9 else (NO_BRAND, 0)
    if role == "influencer":
        return (home_brand, 0) if r < 0.6 else (NO_BRAND, 0)
    if r < 0.55:
        t = rng.random()
        return home_brand, (1 if t < 0.3 else -1 if t > 0.9 else 0)
    return NO_BRAND, 0


def plan_channel(
    pop: Population, platform: str, pscale: PlatformScale, mix: Mix, seed: int
) -> ChannelPlan:
    """Plan one channel's posts, likes and mentions over the data set's year."""
    rng = random.Random(f"scrm-demo-activity-{platform}-{seed}")
    accounts = pop.platform_accounts(platform)
    communities = pop.platform_communities(platform)
    home = {c.index: BRANDS.index(c.brand) for c in communities}
    members = {c.index: c.members for c in communities}
    advocates = {
        c.index: [i for i in c.members if pop.accounts[i].role == "advocate"] for c in communities
    }
    expected_mentions = int(pscale.interactions * mix.originals * mix.mention_rate * 1.4)
    events_total = max(len(accounts) * 2, pscale.interactions - expected_mentions)
    originals = _spread(rng, accounts, int(events_total * mix.originals), 0)
    actions = _spread(rng, accounts, events_total, 2)
    kinds, weights = _event_kinds(mix)
    span = pop.end_ms - pop.start_ms
    events: list[tuple[int, int, int]] = []
    for account, n_orig, n_act in zip(accounts, originals, actions, strict=True):
        for _ in range(n_orig):
            events.append(
                (pop.start_ms + int(span * rng.random() ** 0.85), account.index, ORIGINAL)
            )
        for kind in rng.choices(kinds, weights, k=n_act):
            events.append((pop.start_ms + int(span * rng.random() ** 0.8), account.index, kind))
    events.sort()

    plan = ChannelPlan(platform)
    roots = {
        c.index: {role: deque[int](maxlen=_WINDOW[role]) for role, _ in TARGET_ROLES}
        for c in communities
    }
    talk = {c.index: deque[int](maxlen=_TALK_WINDOW) for c in communities}
    community_ids = [c.index for c in communities]
    role_names = [r for r, _ in TARGET_ROLES]
    role_weights = [w for _, w in TARGET_ROLES]
    done: set[int] = set()  # (post << 17 | account) for likes and shares: once each

    def target(actor: Account, kind: int) -> int:
        c = actor.community
        if len(community_ids) > 1 and rng.random() < mix.cross:
            c = rng.choice(community_ids)
        # Advocates and detractors amplify their own side: they share their peers' posts
        # (or members'), never one that says the opposite or praises another brand;
        # influencers share only what takes no side.
        stance = {"advocate": 1, "detractor": -1}.get(actor.role, 0) if kind == SHARE else 0
        neutral = kind == SHARE and actor.role == "influencer"
        own = home[actor.community]
        for _ in range(4):
            if kind == REPLY and talk[c] and rng.random() < mix.reply_to_reply:
                post = rng.choice(talk[c])
            else:
                windows = roots[c]
                if stance:
                    role = actor.role if rng.random() < 0.7 else "member"
                else:
                    role = rng.choices(role_names, role_weights)[0]
                window = windows[role] or windows["member"]
                if not window:
                    return -1
                post = rng.choice(window)
            if plan.author[post] == actor.index:
                continue
            tone = plan.tone[post]
            if neutral and tone:
                continue
            if stance and (tone * stance < 0 or plan.brand[post] not in (NO_BRAND, own)):
                continue
            return post
        return -1

    def mention_peers(actor: Account) -> tuple[int, ...]:
        pool, favoured = members[actor.community], advocates[actor.community]
        chosen: list[int] = []
        for _ in range(1 if rng.random() < 0.7 else 2):
            who = rng.choice(favoured) if favoured and rng.random() < 0.3 else rng.choice(pool)
            if who != actor.index and who not in chosen:
                chosen.append(who)
        return tuple(chosen)

    for t, actor_index, kind in events:
        actor = pop.accounts[actor_index]
        bits = rng.getrandbits(63)
        post = target(actor, kind) if kind != ORIGINAL else -1
        if kind != ORIGINAL and post < 0:
            kind = ORIGINAL  # nothing to engage with yet: say something instead
        if kind in (SHARE, LIKE):
            key = (post << 17) | actor_index
            if key in done:
                continue
            done.add(key)
        if kind == LIKE:
            plan.like_time.append(t)
            plan.like_account.append(actor_index)
            plan.like_post.append(post)
            plan.likes[post] += 1
            continue
        if kind == ORIGINAL:
            brand, tone = _original_voice(rng, actor.role, home[actor.community])
        elif kind == SHARE:
            brand, tone = plan.brand[post], plan.tone[post]
        elif actor.role in ("advocate", "detractor") and (kind == QUOTE or rng.random() < 0.3):
            brand = home[actor.community]
            tone = 2 if actor.role == "advocate" else -2
        else:
            brand, tone = NO_BRAND, 0
        index = plan.add_post(t, actor_index, kind, post, brand, tone, bits)
        if kind == REPLY:
            plan.replies[post] += 1
            talk[pop.accounts[plan.author[post]].community].append(index)
        elif kind == SHARE:
            plan.shares[post] += 1
        else:
            if kind == QUOTE:
                plan.quotes[post] += 1
            roots[actor.community][actor.role].append(index)
            if mix.mention_rate and rng.random() < mix.mention_rate:
                peers = mention_peers(actor)
                if peers:
                    plan.mentions[index] = peers
    if mix.follower_lists:
        plan.followers = _follower_lists(rng, pop, platform, mix.cross)
    return plan


def _follower_lists(
    rng: random.Random, pop: Population, platform: str, cross: float
) -> dict[int, list[int]]:
    """Who follows each planted voice: much of its own community, a few outsiders."""
    everyone = pop.by_platform[platform]
    lists: dict[int, list[int]] = {}
    for community in pop.platform_communities(platform):
        for voice in community.members:
            if pop.accounts[voice].role == "member":
                continue
            share = rng.uniform(0.3, 0.7)
            chosen = [m for m in community.members if m != voice and rng.random() < share]
            outsiders = int(len(chosen) * cross) + 1
            chosen += [a for a in rng.sample(everyone, outsiders) if a not in chosen and a != voice]
            lists[voice] = sorted(chosen)
    return lists
