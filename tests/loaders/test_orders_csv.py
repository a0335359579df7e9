"""The orders-csv connector: UCI Online Retail (real sample), Shopify's order export and
a custom layout (constructed)."""

from __future__ import annotations

import csv
import hashlib
import hmac
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from graph import EmbeddedEngine, GraphStore
from loaders.base import LoadOptions, Source
from loaders.orders_csv import parse
from loaders.registry import get_connector
from tests.loaders.native_support import (
    BINARY,
    DATA,
    MEGABYTE_TEXT,
    MIXED_TEXT,
    ScrmLoad,
    run,
)

UCI = DATA / "uci-online-retail-sample" / "OnlineRetail_first999.csv"
SHOPIFY = DATA / "orders-csv" / "shopify_orders_export.csv"
CUSTOM = DATA / "orders-csv" / "custom_layout.csv"
SECRET = "orders-csv-test-secret-0123456789"
UCI_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


@pytest.fixture(autouse=True)
def identity_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRM_IDENTITY_KEY", SECRET)


def email_customer(email: str) -> str:
    digest = hmac.new(SECRET.encode(), f"email:{email}".encode(), hashlib.sha256).hexdigest()
    return f"shopify:customer:email-{digest[:32]}"


def test_registered() -> None:
    assert get_connector("orders-csv").parse is parse


def test_uci_invoices_match_the_file() -> None:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    customers: dict[str, str] = {}
    dates: dict[str, str] = {}
    with UCI.open(newline="") as handle:
        for row in csv.DictReader(handle):
            invoice = row["InvoiceNo"]
            totals[invoice] += Decimal(row["Quantity"]) * Decimal(row["UnitPrice"])
            dates.setdefault(invoice, row["InvoiceDate"])
            if row["CustomerID"]:
                customers[invoice] = row["CustomerID"]
    parsed = run(parse, UCI, LoadOptions(preset="uci", brand="acme"))
    assert parsed.rejects == []
    orders = {o.id: o for o in parsed.of("order")}
    # SOURCE.md: 66 invoices, 48 customers, one row without a CustomerID.
    assert len(orders) == len(totals) == 66
    for invoice, total in totals.items():
        order = orders[f"uci:order:{invoice}"]
        assert order.total == float(total.quantize(Decimal("0.01")))
        assert (order.currency, order.platform) == ("GBP", "uci")
        when = datetime.strptime(dates[invoice], "%m/%d/%y %H:%M").replace(tzinfo=UTC)
        assert order.created_at == int(when.timestamp() * 1000)
    placed = {p.order: p.customer for p in parsed.of("placed")}
    assert placed == {f"uci:order:{i}": f"uci:customer:{c}" for i, c in customers.items()}
    assert len(parsed.ids("customer")) == len(set(customers.values())) == 48
    assert len(parsed.of("order_of_brand")) == 66


def test_uci_invoices_by_hand() -> None:
    parsed = run(parse, UCI)  # the layout is recognised from the header
    first = parsed.one("order", id="uci:order:536365")
    # 6×2.55 + 6×3.39 + 8×2.75 + 6×3.39 + 6×3.39 + 2×7.65 + 6×4.25 = 139.12
    assert (first.total, first.created_at) == (139.12, 1291191960000)  # 2010-12-01 08:26 UTC
    assert parsed.one("placed", order="uci:order:536365").customer == "uci:customer:17850"
    # A cancellation: its own Order, negative.
    assert parsed.one("order", id="uci:order:C536379").total == -27.5
    # The row without a CustomerID: an order with no customer.
    assert parsed.one("order", id="uci:order:536414").total == 0.0
    assert [p for p in parsed.of("placed") if p.order == "uci:order:536414"] == []
    customer = parsed.one("customer", id="uci:customer:17850")
    assert customer.first_seen == 1291191960000
    link = parsed.one("identity_link", customer="uci:customer:17850")
    assert (link.account, link.method) == ("uci:customer:17850", "source")
    assert parsed.of("account_key") == []  # anonymised: no e-mail or phone


def test_shopify_export() -> None:
    parsed = run(parse, SHOPIFY, LoadOptions(preset="shopify"))
    assert parsed.rejects == []
    orders = {o.id: (o.total, o.currency, o.created_at) for o in parsed.of("order")}
    assert orders == {
        "shopify:order:5550001001": (100.72, "USD", 1714572764000),  # 10:12:44 -04:00
        "shopify:order:5550001002": (199.0, "CNY", 1714694400000),  # 08:00 +08:00
        "shopify:order:5550001003": (12.0, "USD", 1718035200000),
        "shopify:order:5550001004": (5.0, "USD", 1718208000000),
    }
    bob, li = email_customer("bob.norman@hostmail.com"), email_customer("li.si@example.cn")
    assert {p.order: p.customer for p in parsed.of("placed")} == {
        "shopify:order:5550001001": bob,
        "shopify:order:5550001002": li,
        "shopify:order:5550001003": bob,
    }
    assert {(c.id, c.name) for c in parsed.of("customer")} == {(bob, "Bob Norman"), (li, "李四")}
    assert {(k.account, k.key_type, k.key) for k in parsed.of("account_key")} == {
        (bob, "email", "bob.norman@hostmail.com"),
        (li, "email", "li.si@example.cn"),
        (li, "phone", "+86 138 0000 0001"),
    }
    assert parsed.one("customer", id=bob).first_seen == 1714572764000


def test_custom_columns() -> None:
    columns = {
        "order_id": "订单号",
        "customer": "客户编号",
        "email": "邮箱",
        "total": "金额",
        "currency": "币种",
        "created_at": "下单时间",
    }
    parsed = run(parse, CUSTOM, LoadOptions(columns=columns, platform="myshop"))
    assert parsed.rejects == []
    assert {o.id: (o.total, o.currency) for o in parsed.of("order")} == {
        "myshop:order:SO-1": (88.5, "CNY"),
        "myshop:order:SO-2": (11.5, "CNY"),
        "myshop:order:SO-3": (3.0, None),
    }
    assert {p.order for p in parsed.of("placed")} == {"myshop:order:SO-1", "myshop:order:SO-2"}
    assert parsed.one("order", id="myshop:order:SO-3").created_at == 1719964800000
    assert [(k.account, k.key) for k in parsed.of("account_key")] == [
        ("myshop:customer:C-9", "wang.wu@example.cn")
    ]


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (LoadOptions(), "cannot tell the layout from the header"),
        (LoadOptions(preset="woo"), "unknown preset 'woo'"),
        (
            LoadOptions(columns={"order_id": "订单号", "price": "金额"}),
            "unknown column role(s) price",
        ),
        (LoadOptions(columns={"order_id": "Order"}), "column(s) not in the header: Order"),
        (LoadOptions(columns={"order_id": "订单号"}), "no order total"),
        (LoadOptions(preset="uci"), "column(s) not in the header"),
    ],
)
def test_layout_errors(options: LoadOptions, reason: str) -> None:
    if options.preset == "uci":
        options = LoadOptions(preset="uci", columns={"customer": "Client"})
    parsed = run(parse, CUSTOM, options)
    assert parsed.records == []
    assert len(parsed.rejects) == 1 and parsed.rejects[0].reason.startswith(reason)
    assert parsed.rejects[0].location == "line 1"


def test_hostile_rows(tmp_path: Path) -> None:
    lines = [
        UCI_HEADER,
        "900001,A1,good line,2,12/1/10 8:26,1.50,12345,United Kingdom",
        f'900001,A2,"{MIXED_TEXT}",1,12/1/10 8:26,0.25,12345,United Kingdom',
        f"900002,A3,{MEGABYTE_TEXT},1,12/1/10 9:00,10,12345,United Kingdom",
        "900003,B1,ok,1,12/1/10 9:00,1,22222,France",
        "900003,B2,not a number,two,12/1/10 9:00,1,22222,France",  # sets 900003 aside
        "900004,C1,ok,1,12/1/10 9:00,1,33333,France",
        "900004,C2,another customer,1,12/1/10 9:00,1,44444,France",  # a conflicting duplicate
        ",D1,no invoice,1,12/1/10 9:00,1,55555,France",
        "900005,E1,bad date,1,yesterday,1,55555,France",
        "900006,F1,too few fields,1",
        "900007,G1,ok,1,12/1/10 9:00,1e400,66666,France",
        "900008,H1,cut short,3,12/1/10 9",
    ]
    path = tmp_path / "retail.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    parsed = run(parse, path, LoadOptions(preset="uci"))
    reasons = {r.location: r.reason for r in parsed.rejects if not r.reason.startswith("order ")}
    order_rejects = {r.raw["order_id"]: r.reason for r in parsed.rejects if "first_row" in r.raw}
    assert len(parsed.rejects) == len(reasons) + len(order_rejects) == 13
    assert reasons == {
        "line 6": "Quantity: Input should be a valid decimal",
        "line 8": "CustomerID: 44444 differs from 33333 on an earlier row of the order",
        "line 9": "InvoiceNo: Field required",
        "line 10": reasons["line 10"],
        "line 11": "row has 4 fields, the header 8",
        "line 12": reasons["line 12"],
        "line 13": "row has 5 fields, the header 8",
    }
    assert reasons["line 10"].startswith("InvoiceDate: Input should be a valid datetime")
    assert reasons["line 12"].startswith("UnitPrice: ")
    assert order_rejects == {
        "900003": "order 900003 set aside: its row at line 6 was rejected",
        "900004": "order 900004 set aside: its row at line 8 was rejected",
        "900005": "order 900005 set aside: its row at line 10 was rejected",
        "900006": "order 900006 set aside: its row at line 11 was rejected",
        "900007": "order 900007 set aside: its row at line 12 was rejected",
        "900008": "order 900008 set aside: its row at line 13 was rejected",
    }
    # The good orders load whole: a Chinese/emoji/RTL description and a 1 MB one are fine.
    assert {o.id: o.total for o in parsed.of("order")} == {
        "uci:order:900001": 3.25,
        "uci:order:900002": 10.0,
    }
    assert parsed.ids("customer") == {"uci:customer:12345"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\n\n  \n", "empty file"),
        (BINARY, "binary data, not CSV"),
        (b"just one line, no layout", "cannot tell the layout"),
    ],
)
def test_not_a_csv(content: bytes, reason: str) -> None:
    parsed = run(parse, Source.from_bytes(content, name="orders.csv"))
    assert parsed.records == []
    assert len(parsed.rejects) == 1 and parsed.rejects[0].reason.startswith(reason)


def test_windows_1252_file(tmp_path: Path) -> None:
    text = f"{UCI_HEADER}\n900010,A1,CAFÉ MUG £,1,12/1/10 8:26,2.50,12345,United Kingdom\n"
    path = tmp_path / "retail.csv"
    path.write_bytes(text.encode("cp1252"))
    parsed = run(parse, path)
    assert parsed.rejects == []
    assert parsed.one("order", id="uci:order:900010").total == 2.5


def test_shopify_export_with_a_bad_email(tmp_path: Path) -> None:
    text = SHOPIFY.read_text(encoding="utf-8").replace("li.si@example.cn", "not-an-email")
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    parsed = run(parse, path, LoadOptions(preset="shopify"))
    (reject,) = parsed.rejects
    assert reject.reason.startswith("order #1002 set aside: Email: not an e-mail address")
    assert len(parsed.of("order")) == 3


async def test_scrm_load(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    loaded = await scrm.twice("orders-csv", str(UCI), "--preset", "uci")
    # SOURCE.md: 66 invoices, 48 customers; one invoice has no customer.
    assert (loaded.nodes["Order"], loaded.nodes["Customer"]) == (66, 48)
    assert (loaded.relationships["PLACED"], loaded.relationships["HAS_ACCOUNT"]) == (65, 48)
    shop = await scrm.twice("orders-csv", str(SHOPIFY), "--preset", "shopify")
    assert (shop.nodes["Order"], shop.nodes["Customer"]) == (66 + 4, 48 + 2)


async def test_scrm_load_hostile(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    lines = [
        UCI_HEADER,
        "900001,A1,good,2,12/1/10 8:26,1.50,12345,United Kingdom",
        f"900002,A2,{MIXED_TEXT},1,12/1/10 8:26,4,12345,United Kingdom",
        "900003,B1,bad quantity,x,12/1/10 8:26,1,22222,France",
        "900004,C1,cut",
    ]
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "retail.csv").write_text("\n".join(lines), encoding="utf-8")
    (folder / "empty.csv").write_text("")
    (folder / "binary.csv").write_bytes(BINARY)
    loaded = await scrm("orders-csv", str(folder), "--preset", "uci")
    assert loaded.code == 2
    # Two bad rows, the two orders they set aside, the empty and the binary file.
    assert loaded.summary["rejected"] == len(loaded.rejects) == 6
    assert loaded.nodes["Order"] == 2
