"""The shopify connector over the Shopify Admin API fixtures of shopify_python_api."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from graph import EmbeddedEngine, GraphStore, Statement
from loaders.base import LoadOptions, Source
from loaders.registry import get_connector
from loaders.shopify import parse
from tests.loaders.native_support import (
    BINARY,
    DATA,
    MEGABYTE_TEXT,
    MIXED_TEXT,
    ScrmLoad,
    run,
)

FIXTURES = DATA / "shopify-api-shopify_python_api-fixtures"
BOB = "shopify:customer:207119551"
PLACED_ORDERS = Statement(
    "test.shopify.placed_orders",
    "MATCH (c:Customer)-[:PLACED]->(o:Order) RETURN c.id AS c, o.id AS o, o.total AS t",
)


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def test_registered() -> None:
    assert get_connector("shopify").parse is parse


@pytest.mark.parametrize("name", ["order.json", "orders.json"])
def test_orders_match_the_files(name: str) -> None:
    body = json.loads((FIXTURES / name).read_text())
    natives = body["orders"] if "orders" in body else [body["order"]]
    parsed = run(parse, FIXTURES / name, LoadOptions(brand="acme"))
    assert parsed.rejects == []
    orders = {o.id: o for o in parsed.of("order")}
    assert set(orders) == {f"shopify:order:{n['id']}" for n in natives}
    for native in natives:
        order = orders[f"shopify:order:{native['id']}"]
        assert Decimal(str(order.total)) == Decimal(native["total_price"])
        assert (order.currency, order.created_at, order.platform) == (
            native["currency"],
            ms(native["created_at"]),
            "shopify",
        )
        customer = f"shopify:customer:{native['customer']['id']}"
        assert parsed.one("placed", order=order.id).customer == customer
        assert parsed.one("order_of_brand", order=order.id).brand == "acme"
        assert parsed.one("customer", id=customer).first_seen == ms(
            native["customer"]["created_at"]
        )


def test_order_fields_by_hand() -> None:
    parsed = run(parse, FIXTURES / "orders.json")
    (order,) = parsed.of("order")
    # "2008-01-10T11:00:00-05:00" is 16:00 UTC.
    assert (order.id, order.total, order.currency, order.created_at) == (
        "shopify:order:450789469",
        598.94,
        "USD",
        1199980800000,
    )
    customer = parsed.one("customer", id=BOB)
    assert (customer.name, customer.tags, customer.email, customer.phone) == (
        "Bob Norman",
        [],
        None,  # raw e-mail and phone never go on the Customer from here
        None,
    )
    account = parsed.one("account", id=BOB)
    assert (account.platform, account.name) == ("shopify", "Bob Norman")
    link = parsed.one("identity_link", account=BOB)
    assert (link.customer, link.method, link.confidence) == (BOB, "source", 1.0)
    keys = {(k.account, k.key_type, k.key) for k in parsed.of("account_key")}
    assert keys == {
        (BOB, "email", "bob.norman@hostmail.com"),
        (BOB, "phone", "+16136120707"),
    }


def test_customers() -> None:
    parsed = run(parse, FIXTURES / "customer_saved_search_customers.json")
    assert parsed.rejects == []
    customer = parsed.one("customer", id="shopify:customer:112223902")
    assert (customer.name, customer.tags, customer.first_seen) == (
        "John Smith",
        ["Buyer", "Canadian"],
        ms("2013-01-29T16:33:35-05:00"),
    )
    assert parsed.of("order") == [] and parsed.of("placed") == []
    single = run(parse, FIXTURES / "customer.json")
    assert single.ids("customer") == {BOB}
    assert {(k.key_type, k.key) for k in single.of("account_key")} == {
        ("email", "bob.norman@hostmail.com")
    }


def test_other_bodies_are_rejected() -> None:
    parsed = run(parse, FIXTURES / "draft_orders.json")
    assert parsed.records == []
    assert [r.reason for r in parsed.rejects] == [
        "not an Admin API orders/customers body (no orders, order, customers or customer)"
    ]


def test_pages_one_per_line(tmp_path: Path) -> None:
    order = json.loads((FIXTURES / "order.json").read_text())["order"]
    lines = [
        json.dumps({"orders": [order]}),
        json.dumps({"orders": [{**order, "id": 2, "customer": None}]}),
        json.dumps({"customers": [{"id": 3, "first_name": "李", "last_name": "四"}]}),
    ]
    path = tmp_path / "pages.jsonl"
    path.write_text("\n".join(lines) + "\n")
    parsed = run(parse, path)
    assert parsed.rejects == []
    assert parsed.ids("order") == {"shopify:order:450789469", "shopify:order:2"}
    assert parsed.ids("customer") == {BOB, "shopify:customer:3"}
    # A guest checkout: an order with no customer and so no Placed.
    assert [p.order for p in parsed.of("placed")] == ["shopify:order:450789469"]
    assert parsed.one("customer", id="shopify:customer:3").name == "李 四"


def test_hostile_bodies(tmp_path: Path) -> None:
    order = json.loads((FIXTURES / "order.json").read_text())["order"]
    orders = [
        order,
        dict(order),  # a duplicate id
        {k: v for k, v in order.items() if k != "id"},
        {**order, "id": 5, "total_price": "twelve"},
        {**order, "id": 6, "total_price": "-3.00"},
        {**order, "id": 7, "created_at": "2008-01-10 11:00"},  # no time zone
        {**order, "id": 8, "customer": {**order["customer"], "id": None}},
        {**order, "id": 9, "currency": 840},
        {**order, "id": 10, "note": MEGABYTE_TEXT, "unknown": {"x": [1]}},  # unused fields
        {**order, "id": 11, "customer": {"id": 12, "first_name": MEGABYTE_TEXT}},
        {**order, "id": 13, "customer": {"id": 14, "first_name": MIXED_TEXT}},
        [],
    ]
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": orders}, ensure_ascii=False))
    parsed = run(parse, path)
    reasons = {r.location: r.reason for r in parsed.rejects}
    assert reasons == {
        "$.orders[1]": "id: duplicate order 450789469 (first at $.orders[0])",
        "$.orders[2]": "id: Field required",
        "$.orders[3]": "total_price: Input should be a valid decimal",
        "$.orders[4]": "total_price: Input should be greater than or equal to 0",
        "$.orders[5]": "created_at: Input should have timezone info",
        "$.orders[6]": "customer.id: Input should be a valid string",
        "$.orders[7]": "currency: Input should be a valid string",
        "$.orders[9]": "customer.first_name: String should have at most 10000 characters",
        "$.orders[11]": "expected a JSON object, not an array",
    }
    assert parsed.ids("order") == {
        "shopify:order:450789469",
        "shopify:order:10",
        "shopify:order:13",
    }
    assert parsed.one("customer", id="shopify:customer:14").name == MIXED_TEXT

    text = json.dumps({"orders": [order, {**order, "id": 2}, {**order, "id": 3}]})
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.index('"id": 3') + 3])
    parsed = run(parse, cut)
    assert parsed.ids("order") == {"shopify:order:450789469", "shopify:order:2"}
    assert len(parsed.rejects) == 1 and parsed.rejects[0].reason.startswith("not valid JSON")

    for content, reason in [
        (b"", "empty file"),
        (BINARY, "not UTF-8 text (a binary file?)"),
        (b'{"errors": "Not Found"}', "an Admin API error response: Not Found"),
        (b'{"orders": {"id": 1}}', "orders: expected a list"),
        (b"[1, 2, 3]", "not an Admin API orders/customers body"),
    ]:
        parsed = run(parse, Source.from_bytes(content, name="body.json"))
        assert parsed.records == []
        assert len(parsed.rejects) == 1 and parsed.rejects[0].reason.startswith(reason)


API_BODIES = [
    "order.json",
    "orders.json",
    "customer.json",
    "customers_search.json",
    "customer_saved_search_customers.json",
]


async def test_scrm_load(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    loaded = await scrm.twice("shopify", *[str(FIXTURES / name) for name in API_BODIES])
    # One order (the same id in order.json and orders.json), Bob and John as customers,
    # each with its shop account.
    assert {k: loaded.nodes[k] for k in ("Order", "Customer", "Account")} == {
        "Order": 1,
        "Customer": 2,
        "Account": 2,
    }
    assert loaded.relationships["HAS_ACCOUNT"] == 2
    assert loaded.relationships["PLACED"] == 1
    rows = await falkordb_store.read(PLACED_ORDERS)
    assert [(r["c"], r["o"], r["t"]) for r in rows] == [
        (BOB, "shopify:order:450789469", 598.94)  # orders.json, read after order.json
    ]


async def test_scrm_load_hostile(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    order = json.loads((FIXTURES / "order.json").read_text())["order"]
    bodies = tmp_path / "bodies"
    bodies.mkdir()
    orders = [order, order, {**order, "id": 2, "total_price": "x"}, {**order, "id": 3}]
    (bodies / "orders.json").write_text(json.dumps({"orders": orders}))
    (bodies / "draft_orders.json").write_bytes((FIXTURES / "draft_orders.json").read_bytes())
    (bodies / "empty.json").write_text("")
    (bodies / "binary.json").write_bytes(BINARY)
    loaded = await scrm("shopify", str(bodies))
    assert loaded.code == 2
    assert loaded.summary["rejected"] == len(loaded.rejects) == 5
    assert loaded.nodes["Order"] == 2
