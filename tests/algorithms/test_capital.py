"""Social capital against the embedded FalkorDB: hand-computed scores and every advocacy stage."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import pytest

from algorithms.capital import social_capital
from algorithms.capital_scores import CapitalSettings, CustomerCapital
from algorithms.errors import BadParameter, UnknownBrand
from graph import GraphSettings
from graph.cypher import Statement
from graph.store import GraphStore
from tests.algorithms.builders import GraphBuilder
from tests.support.procs import run_scrm, scrm_env

DAY = 86_400_000
T = 1000 * DAY  # the newest post: the graph's clock

HANDLES = Statement(
    "test.capital.handles",
    "UNWIND $rows AS r MATCH (a:Account {id: r.id}) SET a.handle = r.handle",
)
ALIASES = Statement(
    "test.capital.aliases",
    "UNWIND $rows AS r MATCH (b:Brand {id: r.id}) SET b.aliases = r.aliases",
)
ORDERS = Statement(
    "test.capital.orders",
    "UNWIND $rows AS r MATCH (c:Customer {id: r.customer}), (b:Brand {id: r.brand}) "
    "CREATE (c)-[:PLACED]->(:Order {id: r.id, total: r.total, currency: r.currency, "
    "created_at: r.at})-[:OF_BRAND]->(b)",
)
UNBRANDED_ORDERS = Statement(
    "test.capital.unbranded_orders",
    "UNWIND $rows AS r MATCH (c:Customer {id: r.customer}) "
    "CREATE (c)-[:PLACED]->(:Order {id: r.id, total: r.total, created_at: r.at})",
)
COMMUNITIES = Statement(
    "test.capital.communities",
    "UNWIND $rows AS r MATCH (a:Account {id: r.account}), (b:Brand {id: r.brand}) "
    "MERGE (cm:Community {id: r.community}) ON CREATE SET cm.platform = 'twitter' "
    "MERGE (cm)-[:OF_BRAND]->(b) "
    "CREATE (a)-[:MEMBER_OF {role: 'member', since: r.since}]->(cm)",
)


def scenario() -> tuple[GraphBuilder, dict[str, list[dict[str, Any]]]]:
    """One customer per rung of the ladder, plus a detractor."""
    g = GraphBuilder()
    g.brand("acme")
    g.brand("other")
    g.account("tw:acme", followers=5000)
    for i in range(1, 4):
        g.post(f"acme-{i}", "tw:acme", at=T - 200 * DAY)
    fans = [g.account(f"tw:f{i:02d}") for i in range(15)]

    # Advocate: speaks well of acme, is heard, and is close to the brand.
    g.account("tw:a", followers=100)
    g.account("rd:a", platform="reddit")
    g.customer("cust:a", "tw:a", "rd:a")
    g.post("a-brand-1", "tw:a", at=T, sentiment=0.8, brand="acme")
    g.post("a-brand-2", "rd:a", at=T - 180 * DAY, sentiment=0.4, brand="acme")
    g.post("a-other", "tw:a", at=T - 400 * DAY)
    for fan in fans[:12]:
        g.interact(fan, "LIKED", "a-brand-1", at=T - DAY)
    g.interact("tw:acme", "LIKED", "a-other", at=T - 90 * DAY)
    g.interact("tw:acme", "REPLIED", "a-other", at=T - 100 * DAY)
    for days in (10, 20, 30, 40):
        g.interact("tw:a", "REPLIED", "acme-1", at=T - days * DAY)

    # Supporters: one endorses acme's posts, one speaks well of it once.
    g.account("tw:s", followers=3)
    g.customer("cust:s", "tw:s")
    for i in range(1, 4):
        g.interact("tw:s", "LIKED", f"acme-{i}", at=T - 5 * DAY)
    g.account("tw:w", followers=10)
    g.customer("cust:w", "tw:w")
    g.post("w-1", "tw:w", at=T, sentiment=0.6, brand="acme")

    # Customers by orders only.
    for name in ("r", "c", "p"):
        g.account(f"tw:{name}")
        g.customer(f"cust:{name}", f"tw:{name}")
    g.post("p-1", "tw:p", at=T - DAY)

    # Detractor: heard, speaks ill, endorses nothing it says; one order.
    g.account("tw:d", followers=50)
    g.customer("cust:d", "tw:d")
    g.post("d-1", "tw:d", at=T, sentiment=-0.9, brand="acme")
    for fan in fans:
        g.interact(fan, "LIKED", "d-1", at=T - DAY)
    for i in range(1, 4):
        g.interact("tw:d", "LIKED", f"acme-{i}", at=T - 5 * DAY)

    extra = {
        "handles": [{"id": "tw:acme", "handle": "AcmeHQ"}],
        "aliases": [{"id": "acme", "aliases": ["@AcmeHQ", "Acme"]}],
        "orders": [
            {"id": "o-s", "customer": "cust:s", "brand": "acme", "total": 10.0, "at": T - DAY},
            {"id": "o-r1", "customer": "cust:r", "brand": "acme", "total": 20.0, "at": T - DAY},
            {"id": "o-r2", "customer": "cust:r", "brand": "acme", "total": 30.5, "at": T - DAY},
            {"id": "o-r3", "customer": "cust:r", "brand": "other", "total": 100.0, "at": T},
            {"id": "o-c1", "customer": "cust:c", "brand": "acme", "total": 50.0, "at": T - DAY},
            # after the clock: not yet placed as of T
            {"id": "o-c2", "customer": "cust:c", "brand": "acme", "total": 50.0, "at": T + DAY},
            {"id": "o-d", "customer": "cust:d", "brand": "acme", "total": 5.0, "at": T - DAY},
        ],
        # A shop order naming no brand counts toward every brand.
        "unbranded": [{"id": "o-r4", "customer": "cust:r", "total": 7.0, "at": T - DAY}],
        "communities": [
            {"account": "tw:a", "community": "acme-club", "brand": "acme", "since": T - 365 * DAY}
        ],
    }
    for order in extra["orders"]:
        order["currency"] = "EUR"
    return g, extra


@pytest.fixture
async def graph(falkordb_store: GraphStore) -> GraphStore:
    g, extra = scenario()
    await g.write(falkordb_store)
    for statement, key in (
        (HANDLES, "handles"),
        (ALIASES, "aliases"),
        (ORDERS, "orders"),
        (UNBRANDED_ORDERS, "unbranded"),
        (COMMUNITIES, "communities"),
    ):
        await falkordb_store.write(statement, {"rows": extra[key]})
    return falkordb_store


async def capital(store: GraphStore, *ids: str, brand: str | None = "acme") -> dict[str, Any]:
    found = await social_capital(store, customer_ids=list(ids), brand=brand)
    return {c.customer: c for c in found}


async def test_each_rung_of_the_ladder(graph: GraphStore) -> None:
    ids = ("cust:p", "cust:c", "cust:r", "cust:s", "cust:w", "cust:a", "cust:d")
    found = await capital(graph, *ids)
    assert {cid: found[cid].stage for cid in ids} == {
        "cust:p": "prospect",
        "cust:c": "customer",
        "cust:r": "repeat_customer",
        "cust:s": "supporter",  # endorses: three likes of acme's posts, trust 0
        "cust:w": "supporter",  # speaks well: trust 0.3, but not heard
        "cust:a": "advocate",
        "cust:d": "customer",  # heard and endorsing, but speaks ill
    }


async def test_advocate_scores_by_hand(graph: GraphStore) -> None:
    a: CustomerCapital = (await capital(graph, "cust:a"))["cust:a"]
    b = a.breakdown
    assert a.as_of == T  # the graph's clock: the newest post
    # Trust: sentiments 0.8 (now, weight 1) and 0.4 (one 180-day half-life ago,
    # weight 1/2), shrunk by one neutral pseudo-observation.
    assert a.trust == pytest.approx((0.8 + 0.5 * 0.4) / (1.5 + 1.0))
    assert (b.brand_posts, b.rated_posts) == (2, 2)
    # Relationship: 4 replies to acme, 2 interactions from acme, 2 posts about it.
    assert (b.interactions_out, b.interactions_in) == (4, 2)
    assert b.frequency == pytest.approx(1 - math.exp(-8 / 10))
    assert b.last_contact == T and b.recency == pytest.approx(1.0)
    assert b.reciprocity == pytest.approx(0.5)
    assert (b.communities, b.member_since, b.community) == (1, T - 365 * DAY, 1.0)
    assert a.relationship == pytest.approx(0.4 * (1 - math.exp(-0.8)) + 0.3 + 0.2 * 0.5 + 0.1)
    # Activity and love in the 90-day window (30-day half-life): the post of
    # today and the four replies to acme's post, 10..40 days old.
    replies = sum(2 ** (-d / 30) for d in (10, 20, 30, 40))
    assert (b.posts, b.posts_window, b.engagements_window) == (3, 1, 4)
    assert a.activity == pytest.approx(1 + replies)
    assert a.love == pytest.approx(4 * 1 + 3 * replies)
    # Reach: 100 followers and 13 accounts that engaged (12 fans and acme).
    assert (b.followers, b.engagers, b.audience) == (100, 13, 113)
    assert a.reach == pytest.approx(math.log10(114))
    assert a.gravity == pytest.approx(a.love * math.log10(114))
    # Contribution: 2 posts about acme, 12 likes drawn, no orders.
    assert b.engagement_drawn == 12
    assert a.contribution == pytest.approx(math.log10(3) + math.log10(13))
    assert b.accounts == ["rd:a", "tw:a"]


async def test_orders_are_per_brand_and_before_the_clock(graph: GraphStore) -> None:
    acme = await capital(graph, "cust:r", "cust:c")
    assert (acme["cust:r"].breakdown.orders, acme["cust:r"].breakdown.order_value) == (3, 57.5)
    assert acme["cust:c"].breakdown.orders == 1
    assert acme["cust:r"].breakdown.currencies == ["EUR"]
    every = await capital(graph, "cust:r", brand=None)
    assert (every["cust:r"].breakdown.orders, every["cust:r"].breakdown.order_value) == (4, 157.5)
    other = await capital(graph, "cust:r", brand="other")
    assert (other["cust:r"].breakdown.orders, other["cust:r"].breakdown.order_value) == (2, 107.0)
    assert other["cust:r"].stage == "repeat_customer"
    assert (await capital(graph, "cust:c", brand="other"))["cust:c"].stage == "prospect"


async def test_detractor_and_prospect(graph: GraphStore) -> None:
    found = await capital(graph, "cust:d", "cust:p")
    d, p = found["cust:d"], found["cust:p"]
    assert d.trust == pytest.approx(-0.9 / 2)
    assert d.breakdown.engagement_drawn == 15 and d.breakdown.endorsements == 3
    assert p.trust == 0.0 and p.relationship == 0.0 and p.love == 0.0
    assert p.activity == pytest.approx(2 ** (-1 / 30))  # one post, a day old


async def test_explicit_clock_decays_everything(graph: GraphStore) -> None:
    later = T + 180 * DAY
    (a,) = await social_capital(graph, customer_ids=["cust:a"], brand="acme", as_of=later)
    assert a.as_of == later
    assert a.trust == pytest.approx((0.5 * 0.8 + 0.25 * 0.4) / (0.75 + 1.0))
    assert a.activity == 0.0 and a.love == 0.0  # nothing in the last 90 days
    assert a.breakdown.recency == pytest.approx(2 ** (-180 / 90))


async def test_order_and_missing_ids(graph: GraphStore) -> None:
    found = await social_capital(
        graph, customer_ids=["cust:w", "nobody", "cust:a", "cust:w"], brand="acme"
    )
    assert [c.customer for c in found] == ["cust:w", "cust:a"]
    everyone = await social_capital(graph, customer_ids=None, brand="acme")
    assert [c.customer for c in everyone] == sorted(
        ["cust:a", "cust:c", "cust:d", "cust:p", "cust:r", "cust:s", "cust:w"]
    )


async def test_a_page_costs_a_constant_number_of_reads(graph: GraphStore) -> None:
    await social_capital(graph, customer_ids=["cust:a"], brand="acme")  # brand context read
    before = graph.round_trips
    await social_capital(graph, customer_ids=["cust:a"], brand="acme")
    one = graph.round_trips - before
    before = graph.round_trips
    await social_capital(graph, customer_ids=[f"cust:{x}" for x in "acdprsw"], brand="acme")
    assert graph.round_trips - before == one == 8  # version + customers + six facts reads


async def test_bad_parameters(graph: GraphStore) -> None:
    with pytest.raises(UnknownBrand) as raised:
        await social_capital(graph, customer_ids=["cust:a"], brand="nope")
    assert raised.value.code == "UNKNOWN_BRAND" and "acme" in str(raised.value)
    with pytest.raises(BadParameter):
        await social_capital(graph, customer_ids=["cust:a"], brand="acme", as_of=-1)


async def test_settings_change_the_thresholds(graph: GraphStore) -> None:
    strict = CapitalSettings(supporter_endorsements=4, advocate_engagement_drawn=13)
    found = {
        c.customer: c.stage
        for c in await social_capital(
            graph, customer_ids=["cust:s", "cust:a"], brand="acme", settings=strict
        )
    }
    assert found == {"cust:s": "customer", "cust:a": "supporter"}


async def test_cli(graph: GraphStore, falkordb_settings: GraphSettings) -> None:
    env = scrm_env(falkordb_settings.data_dir, SCRM_GRAPH_NAME=falkordb_settings.graph)
    done = await asyncio.to_thread(
        run_scrm,
        *("analyze", "capital", "--brand", "acme", "--customer", "cust:w", "--customer", "cust:a"),
        "--json",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["brand"], out["as_of"]) == ("acme", T)
    assert [(c["customer"], c["stage"]) for c in out["customers"]] == [
        ("cust:w", "supporter"),
        ("cust:a", "advocate"),
    ]
    assert out["customers"][0]["trust"] == pytest.approx(0.3)
    # Without --customer: everyone, most gravity first.
    table = await asyncio.to_thread(
        run_scrm, "analyze", "capital", "--brand", "acme", "--top", "2", env=env
    )
    assert table.returncode == 0, table.stderr
    rows = [line for line in table.stdout.splitlines() if "cust:" in line]
    assert [row.split()[1] for row in rows] == ["cust:a", "cust:d"]
    unknown = await asyncio.to_thread(
        run_scrm, "analyze", "capital", "--customer", "cust:zz", env=env
    )
    assert unknown.returncode == 1 and unknown.stderr.startswith("scrm: unknown customer 'cust:zz'")
