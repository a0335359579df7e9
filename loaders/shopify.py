"""Shopify Admin API order and customer responses as canonical records.

Reads the JSON bodies of the Admin REST API as it returns them: ``{"orders": [...]}``
and ``{"order": {...}}`` (GET orders.json / orders/{id}.json), ``{"customers": [...]}``
and ``{"customer": {...}}``; one body per file, or one per line.

Mapping: an order is an Order ``shopify:order:<id>`` (``total_price`` as ``total``,
``currency``, ``created_at``), Placed by the order's ``customer``; a customer follows
the shop-customer rule of :mod:`loaders.shop` (Customer and Account
``shopify:customer:<id>``, its e-mail and phone as identity keys, ``tags`` split on
commas).  An order without a customer (a guest checkout) has no Placed; its e-mail is
not turned into a customer.  ``--brand`` makes every order OF_BRAND that brand.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field, StringConstraints

from graph.model import Record
from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.native import NativeModel, build_records, json_documents, ms_from_datetime, validate
from loaders.shop import customer_id, customer_records, order_id, order_records
from loaders.social import ShortText

__all__ = ["CONNECTOR", "parse"]

PLATFORM = "shopify"


def _id_text(value: Any) -> Any:
    """Admin REST ids are integers; the id is kept as its decimal text (a string of
    digits, as some exports write it, is taken too)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return str(value)
    return value


ShopifyId = Annotated[str, BeforeValidator(_id_text), StringConstraints(pattern=r"^\d{1,20}$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=4)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]


class ShopifyCustomer(NativeModel):
    id: ShopifyId
    email: ShortText | None = None
    phone: ShortText | None = None
    first_name: ShortText | None = None
    last_name: ShortText | None = None
    tags: ShortText = ""
    created_at: AwareDatetime | None = None


class ShopifyOrder(NativeModel):
    id: ShopifyId
    total_price: Money
    currency: Currency | None = None
    created_at: AwareDatetime
    customer: ShopifyCustomer | None = None


# The keys of an Admin API body, whether each holds a list, and what it holds.
BODIES: dict[str, tuple[bool, type[NativeModel]]] = {
    "orders": (True, ShopifyOrder),
    "order": (False, ShopifyOrder),
    "customers": (True, ShopifyCustomer),
    "customer": (False, ShopifyCustomer),
}


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one file of Admin API bodies, and Rejects."""
    customers: set[str] = set()
    orders: dict[str, str] = {}  # order id -> location first read
    for found in json_documents(source):
        if isinstance(found, Reject):
            yield found
            continue
        location, body = found
        prefix = "$" if location == "document" else location
        keys = [key for key in BODIES if isinstance(body, dict) and key in body]
        if not keys:
            yield Reject(source.name, prefix, _not_a_body(body), body)
            continue
        for key in keys:
            many, model = BODIES[key]
            value = body[key]
            if many and not isinstance(value, list):
                yield Reject(source.name, f"{prefix}.{key}", f"{key}: expected a list", value)
                continue
            items = enumerate(value) if many else [(None, value)]
            for index, raw in items:
                where = f"{prefix}.{key}" + (f"[{index}]" if index is not None else "")
                record = validate(model, raw, source, where)
                if isinstance(record, Reject):
                    yield record
                elif isinstance(record, ShopifyOrder):
                    oid = order_id(PLATFORM, record.id)
                    if oid in orders:
                        reason = f"id: duplicate order {record.id} (first at {orders[oid]})"
                        yield Reject(source.name, where, reason, raw)
                        continue
                    build = partial(_order_records, record, options, customers)
                    items_out = build_records(source, where, raw, build)
                    if not any(isinstance(i, Reject) for i in items_out):
                        orders[oid] = where
                    yield from items_out
                elif isinstance(record, ShopifyCustomer):
                    build = partial(_customer_records, record, customers)
                    yield from build_records(source, where, raw, build)


def _not_a_body(body: Any) -> str:
    if isinstance(body, dict) and "errors" in body:
        return f"an Admin API error response: {str(body['errors'])[:200]}"
    return "not an Admin API orders/customers body (no orders, order, customers or customer)"


def _customer_records(customer: ShopifyCustomer, seen: set[str]) -> Iterator[Record]:
    cid = customer_id(PLATFORM, customer.id)
    if cid in seen:
        return
    records = list(
        customer_records(
            PLATFORM,
            customer.id,
            name=" ".join(n for n in (customer.first_name, customer.last_name) if n) or None,
            emails=[customer.email] if customer.email else [],
            phones=[customer.phone] if customer.phone else [],
            tags=[t.strip() for t in customer.tags.split(",") if t.strip()],
            first_seen=ms_from_datetime(customer.created_at) if customer.created_at else None,
        )
    )
    seen.add(cid)
    yield from records


def _order_records(order: ShopifyOrder, options: LoadOptions, seen: set[str]) -> Iterator[Record]:
    # The order first: if the graph model refuses it, the customer is not marked as seen.
    placed = list(
        order_records(
            PLATFORM,
            order.id,
            total=order.total_price,
            currency=order.currency,
            created_at=ms_from_datetime(order.created_at),
            customer=customer_id(PLATFORM, order.customer.id) if order.customer else None,
            brand=options.brand,
        )
    )
    if order.customer is not None:
        yield from _customer_records(order.customer, seen)
    yield from placed


CONNECTOR = ConnectorSpec(
    name="shopify",
    summary="Shopify Admin API JSON: {orders: [...]}, {order: {...}}, {customers: [...]}, "
    "{customer: {...}}",
    parse=parse,
    patterns=("*.json", "*.jsonl"),
)
