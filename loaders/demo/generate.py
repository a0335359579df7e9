"""Generate the demo data set: plan everyone, render each channel, write truth.json."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from loaders.demo.activity import MIXES, ChannelPlan, plan_channel
from loaders.demo.config import BRANDS, SOCIAL_PLATFORMS, Scale, reference_time, scale_for
from loaders.demo.crm import CrmPlan, plan_crm
from loaders.demo.people import Population, plan_population
from loaders.demo.reddit import write_reddit
from loaders.demo.render import ChannelOutput, dump, iso_ms
from loaders.demo.shopify import write_shopify
from loaders.demo.slack import write_slack
from loaders.demo.truth import Truth, TruthCommunity, TruthGroup, TruthIdentity, TruthVoice
from loaders.demo.twitter import write_twitter
from loaders.demo.wechat_work import write_wechat_work
from loaders.demo.weibo import write_weibo

__all__ = ["CONNECTOR_DIRS", "DemoError", "generate"]

# The sub-folders written, each named after the connector that loads it.
CONNECTOR_DIRS: tuple[str, ...] = ("twitter", "weibo", "reddit", "slack", "wechat-work", "shopify")
_OURS = {*CONNECTOR_DIRS, "truth.json", "brands.json"}


class DemoError(Exception):
    """The demo data cannot be written where asked."""


def _prepare(out: Path) -> None:
    """Make ``out`` ready: new, empty, or an earlier demo data set (which is replaced)."""
    if out.exists() and not out.is_dir():
        raise DemoError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    present = {p.name for p in out.iterdir()}
    foreign = sorted(present - _OURS)
    if present and (foreign or "truth.json" not in present):
        shown = ", ".join(foreign[:5] or sorted(present)[:5])
        raise DemoError(
            f"{out}: not empty and not an earlier demo data set (found {shown}); "
            "choose a new or empty directory"
        )
    for name in CONNECTOR_DIRS:
        shutil.rmtree(out / name, ignore_errors=True)
    (out / "brands.json").unlink(missing_ok=True)
    # Marks the directory as a demo set from the start, so a run that dies half-way can
    # be repeated over its leftovers; replaced by the real truth.json at the end.
    (out / "truth.json").write_text('{"format": "scrm-demo-truth/1", "complete": false}\n')


def generate(
    out: Path,
    *,
    size: str = "small",
    seed: int = 42,
    factor: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> Truth:
    """Write the demo data set of ``size`` (scaled by ``factor``) for ``seed`` into ``out``.

    The same arguments always write the same bytes.  Returns what was planted
    (also written to ``out/truth.json``).
    """
    scale = scale_for(size, factor)
    _prepare(out)
    say = progress or (lambda _msg: None)
    ref = reference_time(seed)
    pop = plan_population(scale, seed, ref)
    outputs: list[ChannelOutput] = []
    # One channel at a time, so only one channel's plan is held in memory.
    social: dict[str, Callable[[Path, ChannelPlan], ChannelOutput]] = {
        "twitter": lambda d, plan: write_twitter(d, out, pop, plan, ref),
        "weibo": lambda d, plan: write_weibo(d, out, pop, plan),
        "reddit": lambda d, plan: write_reddit(d, out, pop, plan),
        "slack": lambda d, plan: write_slack(d, out, pop, plan),
    }
    for platform in SOCIAL_PLATFORMS:
        say(f"writing {platform}")
        plan = plan_channel(pop, platform, scale.platform(platform), MIXES[platform], seed)
        outputs.append(social[platform](out / platform, plan))
        del plan
    crm = plan_crm(pop, scale, seed)
    say("writing wechat-work")
    outputs.append(write_wechat_work(out / "wechat-work", out, pop, crm))
    say("writing shopify")
    outputs.append(write_shopify(out / "shopify", out, pop, crm))
    truth = _truth(scale, seed, ref, pop, crm, outputs)
    (out / "brands.json").write_text(dump([b.as_json() for b in BRANDS]) + "\n", encoding="utf-8")
    (out / "truth.json").write_text(truth.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return truth


def _truth(
    scale: Scale,
    seed: int,
    ref: int,
    pop: Population,
    crm: CrmPlan,
    outputs: list[ChannelOutput],
) -> Truth:
    ids: dict[int, str] = {}
    channel_ids: dict[int, str] = {}
    for output in outputs:
        ids.update(output.account_ids)
        channel_ids.update(output.extra.get("communities", {}))
    communities = []
    advocates: list[TruthVoice] = []
    detractors: list[TruthVoice] = []
    for c in pop.communities:
        by_role: dict[str, list[str]] = {}
        for m in c.members:
            by_role.setdefault(pop.accounts[m].role, []).append(ids[m])
        tags = c.theme.hashtags_zh if c.lang == "zh" else c.theme.hashtags_en
        communities.append(
            TruthCommunity(
                id=c.key,
                platform=c.platform,
                name=c.name,
                brand=c.brand.id,
                lang="zh" if c.lang == "zh" else "en",
                hashtags=[t.lower() for t in tags],
                channel=c.native_id or None,
                community=channel_ids.get(c.index),
                accounts=[ids[m] for m in c.members],
                advocates=by_role.get("advocate", []),
                detractors=by_role.get("detractor", []),
                influencers=by_role.get("influencer", []),
            )
        )
        for m in c.members:
            a = pop.accounts[m]
            if a.role in ("advocate", "detractor"):
                voice = TruthVoice(
                    account=ids[m],
                    platform=a.platform,
                    brand=c.brand.id,
                    community=c.key,
                    followers=a.followers,
                )
                (advocates if a.role == "advocate" else detractors).append(voice)
    identities = _identities(pop, crm, ids)
    groups = [
        TruthGroup(
            id=f"wechat-group:{g.chat_id}",
            chat_id=g.chat_id,
            name=g.name,
            brand=g.brand.id,
            owner=crm.employees[g.owner].userid,
            members=[ids[m[0]] for m in g.members],
        )
        for g in crm.groups
    ]
    accounts: dict[str, list[str]] = {}
    for a in pop.accounts:
        accounts.setdefault(a.platform, []).append(ids[a.index])
    counts = {o.connector: dict(o.counts) for o in outputs}
    interaction_keys = ("replies", "shares", "quotes", "likes", "planted_mentions")
    counts["total"] = {
        "accounts": len(pop.accounts),
        "posts": sum(c.get("posts", 0) for c in counts.values()),
        "interactions": sum(c.get(k, 0) for c in counts.values() for k in interaction_keys),
        "orders": counts["shopify"]["orders"],
        "communities": len(communities),
        "advocates": len(advocates),
        "detractors": len(detractors),
    }
    files = {f.path: dict(f.counts) for o in outputs for f in o.files}
    return Truth(
        size=scale.name,
        scale=round(scale.factor, 6),
        seed=seed,
        reference_time=iso_ms(ref).replace(".000Z", "Z"),
        reference_time_ms=ref,
        start_time_ms=pop.start_ms,
        brands=[b.as_json() for b in BRANDS],
        communities=communities,
        advocates=advocates,
        detractors=detractors,
        identities=identities,
        wechat_groups=groups,
        accounts=accounts,
        counts=counts,
        files=files,
    )


def _identities(pop: Population, crm: CrmPlan, ids: dict[int, str]) -> list[TruthIdentity]:
    """People whose accounts and orders share a key (strong) or look alike (suggested)."""
    remarked = {c.account: {m for f in c.follow for m in f.mobiles} for c in crm.contacts}
    identities = []
    for person in pop.people:
        customer = crm.customers[person.shop_customer] if person.shop_customer is not None else None
        keys: list[Literal["unionid", "phone", "email", "handle"]] = []
        platforms = {pop.accounts[a].platform for a in person.accounts}
        if person.similar_handles:
            keys.append("handle")
        if person.unionid and {"wechat", "wechat-mp"} <= platforms:
            keys.append("unionid")
        if customer is not None and person.accounts:
            if customer.phone and any(person.phone in remarked.get(a, ()) for a in person.accounts):
                keys.append("phone")
            if customer.email and "slack" in platforms:
                keys.append("email")
        if not keys:
            continue  # one account, or an order nothing ties to the person's accounts
        if not {"phone", "email"} & set(keys):
            customer = None  # their shop record shares no key with their accounts
        identities.append(
            TruthIdentity(
                person=f"p{person.index:06d}",
                name=person.name,
                match="suggested" if keys == ["handle"] else "strong",
                keys=keys,
                accounts=[ids[a] for a in person.accounts],
                shop_customer=f"shopify:customer:{customer.id}" if customer else None,
                orders=[f"shopify:order:{o.id}" for o in customer.orders] if customer else [],
            )
        )
    return identities
