"""Social capital per customer: the graph reads behind it, a fixed number per page of customers.

Scores are computed on demand, not stored: one page of customers costs the same
seven reads whatever its size (the API batches customers through a DataLoader),
plus two reads per graph version that are kept (the brand's accounts and the
graph's clock).  The formulas live in :mod:`algorithms.capital_scores`.
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from algorithms.capital_scores import (
    CapitalFacts,
    CapitalSettings,
    CustomerCapital,
    score_customer,
)
from algorithms.errors import BadParameter, UnknownBrand
from graph.cypher import Statement
from graph.store import GraphStore, Row
from graph.version import graph_version

__all__ = ["PAGE_SIZE", "social_capital"]

PAGE_SIZE = 500

BRANDS = Statement(
    "capital.brands",
    "MATCH (b:Brand) RETURN b.id AS id, b.aliases AS aliases ORDER BY id",
)
# A brand's own accounts: those whose handle is one of its aliases.
BRAND_ACCOUNTS = Statement(
    "capital.brand_accounts",
    "MATCH (a:Account) WHERE toLower(a.handle) IN $handles RETURN a.id AS id ORDER BY id",
)
GRAPH_CLOCK = Statement(
    "capital.graph_clock",
    "MATCH (p:Post) RETURN max(p.created_at) AS latest",
)
ALL_CUSTOMERS = Statement(
    "capital.all_customers",
    "MATCH (c:Customer) RETURN c.id AS id ORDER BY id",
)
CUSTOMER_ACCOUNTS = Statement(
    "capital.customer_accounts",
    "UNWIND $ids AS cid MATCH (c:Customer {id: cid}) "
    "OPTIONAL MATCH (c)-[:HAS_ACCOUNT]->(a:Account) "
    "RETURN cid, collect(a.id) AS accounts, sum(coalesce(a.followers, 0)) AS followers",
)
# Accounts that engaged with the customer's content: its audience beyond followers.
AUDIENCE = Statement(
    "capital.audience",
    "UNWIND $accounts AS aid MATCH (a:Account {id: aid})<-[:ENGAGED]-(x:Account) "
    "RETURN aid, count(DISTINCT x) AS engagers",
)
# Everything the customer posted: activity in the window, decayed.
POSTS = Statement(
    "capital.posts",
    "UNWIND $accounts AS aid MATCH (:Account {id: aid})-[:POSTED]->(p:Post) "
    "WITH aid, coalesce(p.created_at, $undated) AS t WHERE t <= $as_of "
    "RETURN aid, count(*) AS posts, "
    "sum(CASE WHEN t >= $window_start THEN 1 ELSE 0 END) AS recent, "
    "sum(CASE WHEN t >= $window_start THEN exp($activity_rate * (t - $as_of)) ELSE 0.0 END) "
    "AS activity",
)
# Posts about the brand: sentiment (decayed) for trust, engagement drawn, love.
# A post about several brands counts once, with its mean sentiment.  The WITH
# makes the engine start from the customer's posts, never from the brand's.
BRAND_POSTS = Statement(
    "capital.brand_posts",
    "UNWIND $accounts AS aid "
    "MATCH (:Account {id: aid})-[:POSTED]->(p:Post) "
    "WITH aid, p "
    "MATCH (p)-[r:ABOUT]->(b:Brand) "
    "WHERE $brand IS NULL OR b.id = $brand "
    "WITH aid, p, avg(coalesce(r.sentiment, p.sentiment)) AS s "
    "WITH aid, p, s, coalesce(p.created_at, $undated) AS t WHERE t <= $as_of "
    "WITH aid, s, t, exp($trust_rate * (t - $as_of)) AS w, "
    "size([(p)<-[:REPLIED|SHARED|QUOTED|LIKED]-(:Account) | 1]) AS seen, "
    "coalesce(p.likes, 0) + coalesce(p.shares, 0) + coalesce(p.replies, 0) "
    "+ coalesce(p.quotes, 0) AS counted "
    "RETURN aid, count(*) AS posts, count(s) AS rated, "
    "sum(CASE WHEN s IS NULL THEN 0.0 ELSE w * s END) AS trust_sum, "
    "sum(CASE WHEN s IS NULL THEN 0.0 ELSE w END) AS trust_weight, "
    "sum(CASE WHEN t >= $window_start THEN exp($activity_rate * (t - $as_of)) ELSE 0.0 END) "
    "AS love, max(t) AS last_at, "
    "sum(CASE WHEN counted > seen THEN counted ELSE seen END) AS drawn",
)
# The customer's interactions with posts in the window; brand-related ones are
# on posts about the brand or posted by the brand's accounts.
ENGAGEMENTS = Statement(
    "capital.engagements",
    "UNWIND $accounts AS aid "
    "MATCH (:Account {id: aid})-[e:REPLIED|SHARED|QUOTED|LIKED]->(p:Post) "
    "WITH aid, type(e) AS kind, p, coalesce(e.at, p.created_at, $undated) AS t "
    "WHERE t <= $as_of AND t >= $window_start "
    "WITH aid, kind, exp($activity_rate * (t - $as_of)) AS w, "
    "size([(p)-[:ABOUT]->(b:Brand) WHERE $brand IS NULL OR b.id = $brand | 1]) "
    "+ size([(ba:Account)-[:POSTED]->(p) WHERE ba.id IN $brand_accounts | 1]) > 0 AS branded "
    "RETURN aid, kind, count(*) AS n, sum(w) AS activity, "
    "sum(CASE WHEN branded THEN w ELSE 0.0 END) AS love, "
    "sum(CASE WHEN branded THEN 1 ELSE 0 END) AS brand_n",
)
# Tie with the brand: engagement both ways with its accounts, and its communities.
TIES = Statement(
    "capital.ties",
    "UNWIND $accounts AS aid MATCH (a:Account {id: aid}) "
    "OPTIONAL MATCH (a)-[o:ENGAGED]->(ba:Account) WHERE ba.id IN $brand_accounts "
    "WITH aid, a, sum(o.count) AS out_n, max(o.last_at) AS out_last "
    "OPTIONAL MATCH (a)<-[i:ENGAGED]-(bb:Account) WHERE bb.id IN $brand_accounts "
    "WITH aid, a, out_n, out_last, sum(i.count) AS in_n, max(i.last_at) AS in_last "
    "OPTIONAL MATCH (a)-[m:MEMBER_OF]->(cm:Community)-[:OF_BRAND]->(b:Brand) "
    "WHERE $brand IS NULL OR b.id = $brand "
    "RETURN aid, out_n, out_last, in_n, in_last, count(DISTINCT cm) AS communities, "
    "min(m.since) AS member_since",
)
# An order linked to no brand counts toward every brand: a shop export loaded
# without --brand is taken to be the brand's own shop.
ORDERS = Statement(
    "capital.orders",
    "UNWIND $ids AS cid MATCH (c:Customer {id: cid}) "
    "WITH cid, c "
    "MATCH (c)-[:PLACED]->(o:Order) "
    "WHERE coalesce(o.created_at, $as_of) <= $as_of "
    "OPTIONAL MATCH (o)-[:OF_BRAND]->(b:Brand) "
    "WITH cid, o, collect(b.id) AS brands "
    "WHERE $brand IS NULL OR size(brands) = 0 OR $brand IN brands "
    "RETURN cid, count(o) AS orders, sum(coalesce(o.total, 0.0)) AS value, "
    "collect(DISTINCT o.currency) AS currencies, max(o.created_at) AS last_order",
)


async def social_capital(
    store: GraphStore,
    *,
    customer_ids: Sequence[str] | None,
    brand: str | None,
    as_of: int | None = None,
    settings: CapitalSettings | None = None,
) -> list[CustomerCapital]:
    """Social capital of each customer toward a brand (all brands when ``brand`` is None).

    Parameters
    ----------
    store : GraphStore
        The graph.
    customer_ids : sequence of str or None
        Customers to score, answered in this order (repeats once); ids that name
        no Customer are left out.  ``None`` scores every customer, by id.
    brand : str or None
        The brand; ``None`` counts every brand's mentions, accounts,
        communities and orders together.
    as_of : int, optional
        Epoch ms the scores describe; default the graph's clock, the newest
        post's time (imported exports are historical: against the wall clock
        their activity would all have decayed away).
    settings : CapitalSettings, optional
        Half-lives, weights and thresholds.

    Returns
    -------
    list of CustomerCapital

    Raises
    ------
    UnknownBrand
        No Brand has id ``brand``.
    BadParameter
        ``as_of`` is negative.

    Notes
    -----
    Seven reads per page of up to :data:`PAGE_SIZE` customers, whatever its
    size; formulas in :func:`algorithms.capital_scores.score_customer`.
    """
    settings = settings or CapitalSettings()
    if as_of is not None and as_of < 0:
        raise BadParameter("as_of", f"must be epoch milliseconds, not {as_of}")
    context = await _context(store, brand)
    moment = as_of if as_of is not None else context.clock
    if customer_ids is None:
        ids = [str(r["id"]) for r in await store.read(ALL_CUSTOMERS)]
    else:
        ids = list(dict.fromkeys(customer_ids))
    out: list[CustomerCapital] = []
    for start in range(0, len(ids), PAGE_SIZE):
        page = ids[start : start + PAGE_SIZE]
        facts = await _read_facts(store, page, brand, context.brand_accounts, moment, settings)
        out.extend(
            score_customer(facts[cid], brand=brand, as_of=moment, settings=settings)
            for cid in page
            if cid in facts
        )
    return out


class _Context:
    __slots__ = ("brand_accounts", "clock")

    def __init__(self, brand_accounts: list[str], clock: int) -> None:
        self.brand_accounts = brand_accounts
        self.clock = clock


_CONTEXT: weakref.WeakKeyDictionary[GraphStore, dict[tuple[int, str | None], _Context]] = (
    weakref.WeakKeyDictionary()
)


async def _context(store: GraphStore, brand: str | None) -> _Context:
    """The brand's accounts and the graph clock, read once per graph version."""
    version = await graph_version(store)
    slot = _CONTEXT.setdefault(store, {})
    found = slot.get((version, brand))
    if found is not None:
        return found
    brands = {str(r["id"]): list(r["aliases"] or []) for r in await store.read(BRANDS)}
    if brand is not None and brand not in brands:
        raise UnknownBrand(brand, sorted(brands)[:20])
    aliases = brands[brand] if brand is not None else [a for v in brands.values() for a in v]
    handles = sorted({h for alias in aliases for h in _handle_forms(alias)})
    accounts_rows, clock_rows = await asyncio.gather(
        store.read(BRAND_ACCOUNTS, {"handles": handles}), store.read(GRAPH_CLOCK)
    )
    latest = clock_rows[0]["latest"] if clock_rows else None
    found = _Context(
        [str(r["id"]) for r in accounts_rows],
        int(latest) if latest is not None else int(time.time() * 1000),
    )
    slot.clear()  # older versions are stale
    slot[(version, brand)] = found
    return found


def _handle_forms(alias: str) -> list[str]:
    """An alias as a handle would be stored: lower case, with and without a leading '@'."""
    bare = alias.strip().lstrip("@").lower()
    return [bare, f"@{bare}"] if bare else []


async def _read_facts(
    store: GraphStore,
    ids: list[str],
    brand: str | None,
    brand_accounts: list[str],
    as_of: int,
    settings: CapitalSettings,
) -> dict[str, CapitalFacts]:
    rows = await store.read(CUSTOMER_ACCOUNTS, {"ids": ids})
    facts = {
        str(r["cid"]): CapitalFacts(
            customer=str(r["cid"]),
            accounts=sorted({str(a) for a in r["accounts"] or []}),
            followers=int(r["followers"] or 0),
        )
        for r in rows
    }
    owners: dict[str, list[CapitalFacts]] = defaultdict(list)
    for f in facts.values():
        for account in f.accounts:
            owners[account].append(f)
    accounts = sorted(owners)
    rates = {
        name: math.log(2) / settings.half_life_ms(days)
        for name, days in (
            ("trust_rate", settings.trust_half_life_days),
            ("activity_rate", settings.activity_half_life_days),
        )
    }
    params: dict[str, Any] = {
        "accounts": accounts,
        "ids": list(facts),
        "brand": brand,
        "brand_accounts": brand_accounts,
        "as_of": as_of,
        "window_start": as_of - settings.window_ms,
        # An undated item counts as one activity half-life old.
        "undated": as_of - int(settings.half_life_ms(settings.activity_half_life_days)),
        **rates,
    }
    audience, posts, brand_posts, engagements, ties, orders = await asyncio.gather(
        store.read(AUDIENCE, _only(params, "accounts")),
        store.read(
            POSTS, _only(params, "accounts", "as_of", "window_start", "undated", "activity_rate")
        ),
        store.read(
            BRAND_POSTS,
            _only(
                params,
                "accounts",
                "brand",
                "as_of",
                "window_start",
                "undated",
                "trust_rate",
                "activity_rate",
            ),
        ),
        store.read(
            ENGAGEMENTS,
            _only(
                params,
                "accounts",
                "brand",
                "brand_accounts",
                "as_of",
                "window_start",
                "undated",
                "activity_rate",
            ),
        ),
        store.read(TIES, _only(params, "accounts", "brand", "brand_accounts")),
        store.read(ORDERS, _only(params, "ids", "brand", "as_of")),
    )
    love = settings.love_weights
    for r in audience:
        for f in owners[str(r["aid"])]:
            f.engagers += int(r["engagers"] or 0)
    for r in posts:
        for f in owners[str(r["aid"])]:
            f.posts += int(r["posts"] or 0)
            f.posts_window += int(r["recent"] or 0)
            f.activity += float(r["activity"] or 0.0)
    for r in brand_posts:
        for f in owners[str(r["aid"])]:
            f.brand_posts += int(r["posts"] or 0)
            f.rated_posts += int(r["rated"] or 0)
            f.trust_sum += float(r["trust_sum"] or 0.0)
            f.trust_weight += float(r["trust_weight"] or 0.0)
            f.love += love["post"] * float(r["love"] or 0.0)
            f.last_brand_post = _latest(f.last_brand_post, r["last_at"])
            f.engagement_drawn += int(r["drawn"] or 0)
    for r in engagements:
        kind = str(r["kind"])
        for f in owners[str(r["aid"])]:
            f.engagements_window += int(r["n"] or 0)
            f.activity += float(r["activity"] or 0.0)
            f.love += love.get(kind, 0.0) * float(r["love"] or 0.0)
            if kind != "REPLIED":  # a reply may disagree; shares, quotes and likes endorse
                f.endorsements += int(r["brand_n"] or 0)
    for r in ties:
        for f in owners[str(r["aid"])]:
            _add_ties(f, r)
    for r in orders:
        f = facts[str(r["cid"])]
        f.orders = int(r["orders"] or 0)
        f.order_value = float(r["value"] or 0.0)
        f.currencies = sorted(str(c) for c in r["currencies"] or [] if c is not None)
        f.last_order = _latest(None, r["last_order"])
    return facts


def _add_ties(f: CapitalFacts, r: Row) -> None:
    f.interactions_out += int(r["out_n"] or 0)
    f.interactions_in += int(r["in_n"] or 0)
    f.last_out = _latest(f.last_out, r["out_last"])
    f.last_in = _latest(f.last_in, r["in_last"])
    f.communities += int(r["communities"] or 0)
    since = r["member_since"]
    if since is not None:
        f.member_since = int(since) if f.member_since is None else min(f.member_since, int(since))


def _latest(known: int | None, value: Any) -> int | None:
    if value is None:
        return known
    found = int(value)
    return found if known is None else max(known, found)


def _only(params: dict[str, Any], *names: str) -> dict[str, Any]:
    # Send each statement just its own parameters (FalkorDB encodes every one sent).
    return {name: params[name] for name in names}
