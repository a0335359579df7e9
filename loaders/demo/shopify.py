"""Render the shop plan as Shopify Admin REST API ``orders.json`` pages (250 orders a page).

Each order embeds its ``customer`` (id, e-mail, phone, orders_count, total_spent)
and ``line_items`` whose ``vendor`` is the brand, as the Admin API returns them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from loaders.demo.crm import CrmPlan, Order, ShopCustomer
from loaders.demo.people import Population
from loaders.demo.render import ChannelOutput, write_json

__all__ = ["write_shopify"]

PAGE_SIZE = 250
_ZONES = {"CNY": timezone(timedelta(hours=8)), "USD": timezone(timedelta(hours=-5))}


def _time(ms: int, currency: str) -> str:
    return datetime.fromtimestamp(ms / 1000, _ZONES.get(currency, UTC)).isoformat(
        timespec="seconds"
    )


def _money(amount: float, currency: str) -> dict[str, Any]:
    value = f"{amount:.2f}"
    return {
        "shop_money": {"amount": value, "currency_code": currency},
        "presentment_money": {"amount": value, "currency_code": currency},
    }


def _customer(c: ShopCustomer, upto: Order) -> dict[str, Any]:
    placed = [o for o in c.orders if o.created_at <= upto.created_at]
    return {
        "id": c.id,
        "email": c.email,
        "accepts_marketing": False,
        "created_at": _time(c.created_at, c.currency),
        "updated_at": _time(upto.created_at, c.currency),
        "first_name": c.first_name,
        "last_name": c.last_name,
        "orders_count": len(placed),
        "state": "enabled",
        "total_spent": f"{sum(o.total for o in placed):.2f}",
        "last_order_id": upto.id,
        "note": None,
        "verified_email": c.email is not None,
        "multipass_identifier": None,
        "tax_exempt": False,
        "phone": c.phone,
        "tags": "repeat" if len(placed) > 1 else "",
        "last_order_name": f"#{upto.number}",
        "currency": c.currency,
        "admin_graphql_api_id": f"gid://shopify/Customer/{c.id}",
    }


def _order(c: ShopCustomer, o: Order) -> dict[str, Any]:
    at = _time(o.created_at, c.currency)
    subtotal = o.total
    lines = [
        {
            "id": o.id * 10 + k,
            "variant_id": 40_000_000_000_000 + abs(hash_text(product)) % 10**9,
            "title": f"{o.brand.name} {product}",
            "quantity": quantity,
            "sku": f"{o.brand.id[:3].upper()}-{abs(hash_text(product)) % 10_000:04d}",
            "variant_title": "",
            "vendor": o.brand.name,
            "product_id": 8_000_000_000_000 + abs(hash_text(o.brand.id + product)) % 10**9,
            "requires_shipping": True,
            "taxable": True,
            "gift_card": False,
            "name": f"{o.brand.name} {product}",
            "price": f"{price:.2f}",
            "total_discount": "0.00",
            "fulfillment_status": "fulfilled",
        }
        for k, (product, quantity, price) in enumerate(o.lines)
    ]
    return {
        "id": o.id,
        "admin_graphql_api_id": f"gid://shopify/Order/{o.id}",
        "email": (c.email or "").strip(),
        "contact_email": (c.email or "").strip() or None,
        "phone": c.phone,
        "created_at": at,
        "updated_at": at,
        "processed_at": at,
        "closed_at": None,
        "cancelled_at": None,
        "cancel_reason": None,
        "number": o.number - 1000,
        "order_number": o.number,
        "name": f"#{o.number}",
        "currency": c.currency,
        "presentment_currency": c.currency,
        "total_price": f"{subtotal:.2f}",
        "subtotal_price": f"{subtotal:.2f}",
        "total_line_items_price": f"{subtotal:.2f}",
        "total_tax": "0.00",
        "total_discounts": "0.00",
        "taxes_included": True,
        "total_price_set": _money(subtotal, c.currency),
        "financial_status": "paid",
        "fulfillment_status": "fulfilled",
        "confirmed": True,
        "test": False,
        "buyer_accepts_marketing": False,
        "source_name": "web",
        "tags": "",
        "note": None,
        "customer_locale": "zh-CN" if c.currency == "CNY" else "en",
        "line_items": lines,
        "customer": _customer(c, o),
    }


def hash_text(text: str) -> int:
    """A stable small hash (Python's ``hash`` of str changes per process)."""
    h = 2166136261
    for byte in text.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


def write_shopify(out: Path, root: Path, pop: Population, crm: CrmPlan) -> ChannelOutput:
    """Write ``out/orders-NNNN.json``, newest order first."""
    out.mkdir(parents=True, exist_ok=True)
    result = ChannelOutput("shopify")
    orders = [(o, c) for c in crm.customers for o in c.orders]
    orders.sort(key=lambda oc: (oc[0].created_at, oc[0].id), reverse=True)
    for number, start in enumerate(range(0, len(orders), PAGE_SIZE), start=1):
        chunk = orders[start : start + PAGE_SIZE]
        path = out / f"orders-{number:04d}.json"
        write_json(path, {"orders": [_order(c, o) for o, c in chunk]})
        result.file(path, root).add("orders", len(chunk))
    result.counts["customers"] = len(crm.customers)
    result.counts["orders"] = len(orders)
    result.counts["line_items"] = sum(len(o.lines) for o, _ in orders)
    result.counts["with_email"] = sum(1 for c in crm.customers if c.email)
    result.counts["with_phone"] = sum(1 for c in crm.customers if c.phone)
    return result
