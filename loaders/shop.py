"""Shop customers and orders as canonical records, shared by the shopify and orders-csv
connectors.

A shop's customer record follows the identity rule of :mod:`loaders.identity`: a
Customer and an Account with the same id ``<platform>:customer:<id>``, an
IdentityLink between them (method ``source``), the customer's e-mail and phone as
AccountLink keys on that account (raw here; the identity step hashes them), and
Placed for each order.  A social account sharing the e-mail or phone then joins the
shop customer, orders included.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_EVEN, Decimal

from graph.model import (
    Account,
    AccountLink,
    Customer,
    IdentityLink,
    Order,
    OrderBrand,
    Placed,
    Record,
)

__all__ = ["customer_id", "customer_records", "order_id", "order_records"]

CENT = Decimal("0.01")


def customer_id(platform: str, native_id: str) -> str:
    return f"{platform}:customer:{native_id}"


def order_id(platform: str, native_id: str) -> str:
    return f"{platform}:order:{native_id}"


def customer_records(
    platform: str,
    native_id: str,
    *,
    name: str | None = None,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    tags: list[str] | None = None,
    first_seen: int | None = None,
) -> Iterator[Record]:
    """The Customer, its shop Account, the link between them and its identity keys."""
    cid = customer_id(platform, native_id)
    yield Customer(id=cid, name=name, tags=tags or [], first_seen=first_seen)
    yield Account(id=cid, platform=platform, name=name, created_at=first_seen)
    yield IdentityLink(
        customer=cid,
        account=cid,
        method="source",
        evidence=f"{platform} customer record",
        confidence=1.0,
    )
    for email in dict.fromkeys(e.strip() for e in emails if e.strip()):
        yield AccountLink(account=cid, key_type="email", key=email)
    for phone in dict.fromkeys(p.strip() for p in phones if p.strip()):
        yield AccountLink(account=cid, key_type="phone", key=phone)


def order_records(
    platform: str,
    native_id: str,
    *,
    total: Decimal,
    currency: str | None,
    created_at: int | None,
    customer: str | None,
    brand: str | None,
) -> Iterator[Record]:
    """The Order, Placed by ``customer`` (a customer id) when known, OF_BRAND ``brand``."""
    oid = order_id(platform, native_id)
    yield Order(
        id=oid,
        total=float(total.quantize(CENT, rounding=ROUND_HALF_EVEN)),
        currency=currency.upper() if currency else None,
        created_at=created_at,
        platform=platform,
    )
    if customer is not None:
        yield Placed(customer=customer, order=oid)
    if brand:
        yield OrderBrand(order=oid, brand=brand)
