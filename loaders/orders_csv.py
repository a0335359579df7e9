"""Order-line CSV files (Shopify's order export, UCI Online Retail, or any layout named
with ``--columns``) as shop customers and orders.

A row is one order line; rows sharing an order id make one Order.  Column roles:
``order_id`` (required: groups the rows), ``order_api_id`` (the order's id in the
shop's API, on one of its rows: names the Order when given), ``customer`` (the shop's
customer id), ``email``, ``phone``, ``name`` (the customer's), ``total`` (the order
total, given on one of its rows), ``quantity`` and ``unit_price`` (the order total is
the sum of quantity × unit price when no ``total`` column is mapped), ``currency`` and
``created_at``.

Presets (``--preset``; detected from the header when neither a preset nor columns are
given):

- ``shopify``: Shopify's order export.  One row per line item; the order-level
  columns (Email, Total, Currency, Created at, ...) are filled on the order's first
  row only.  Rows are grouped by ``Name`` (``#1001``); the Order is named by the
  ``Id`` column (the Admin API's order id, so a CSV order and the same order read by
  the ``shopify`` connector are one Order), or by ``Name`` in exports without it.
  The export has no customer id, so a customer is keyed by e-mail:
  ``shopify:customer:email-<keyed hash of the e-mail>`` (:mod:`loaders.pii`, so the
  id holds no personal data).
- ``uci``: UCI Online Retail (``InvoiceNo, StockCode, Description, Quantity,
  InvoiceDate, UnitPrice, CustomerID, Country``), platform ``uci``, prices in GBP,
  dates as ``12/1/10 8:26`` (month first; taken as UTC).  An invoice's total is the
  sum of Quantity × UnitPrice over its rows.  A cancellation (an invoice number with a
  ``C`` prefix and negative quantities) is an Order of its own with a negative total,
  so totals per customer net out.  Rows without a CustomerID are real sales to
  unregistered buyers: their invoice loads as an Order without a customer.

``--columns order_id=Invoice,customer=Client,...`` maps roles for any other layout
(over a preset's mapping when both are given); ``--platform`` names the id
namespace (default ``shop``).  Each customer follows the shop-customer rule of
:mod:`loaders.shop`.

A bad row is rejected with its line number, and its whole order is set aside with
it (one more Reject naming the order), because an order total missing a line would
be wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from graph.model import Record
from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.native import NativeId, NativeModel, build_records, ms_from_datetime, validate
from loaders.pii import BadKey, IdentityHasher
from loaders.shop import customer_id, customer_records, order_records
from loaders.social import ShortText

__all__ = ["CONNECTOR", "PRESETS", "ROLES", "parse"]

ROLES = (
    "order_id",
    "order_api_id",
    "customer",
    "email",
    "phone",
    "name",
    "total",
    "quantity",
    "unit_price",
    "currency",
    "created_at",
)
# Naive date formats tried after ISO 8601 (month first, as UCI and US spreadsheets write).
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%m/%d/%y %H:%M",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y",
    "%m/%d/%Y",
)
FIELD_LIMIT = 64 << 20  # csv's default 128 KiB would fail on a long description


@dataclass(frozen=True)
class Preset:
    """A known CSV layout: the platform namespace and the column(s) of each role; where
    a role lists several columns, the first one in the header is used."""

    platform: str
    columns: Mapping[str, tuple[str, ...]]
    currency: str | None = None
    key_by_email: bool = False  # no customer id column: customers keyed by e-mail


PRESETS: dict[str, Preset] = {
    "shopify": Preset(
        platform="shopify",
        columns={
            "order_id": ("Name",),
            "order_api_id": ("Id",),
            "email": ("Email",),
            "phone": ("Phone", "Billing Phone"),
            "name": ("Billing Name",),
            "total": ("Total",),
            "currency": ("Currency",),
            "created_at": ("Created at",),
        },
        key_by_email=True,
    ),
    "uci": Preset(
        platform="uci",
        columns={
            "order_id": ("InvoiceNo",),
            "customer": ("CustomerID",),
            "quantity": ("Quantity",),
            "unit_price": ("UnitPrice",),
            "created_at": ("InvoiceDate",),
        },
        currency="GBP",
    ),
}


# --- one row -------------------------------------------------------------------


def _parse_date(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return value  # pydantic names it as not a datetime


Amount = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=24)]


class OrderLine(NativeModel):
    """One CSV row, by role; blank cells are absent values."""

    order_id: NativeId
    order_api_id: NativeId | None = None
    customer: NativeId | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    name: ShortText | None = None
    total: Amount | None = None
    quantity: Amount | None = None
    unit_price: Amount | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] | None = None
    created_at: Annotated[datetime, BeforeValidator(_parse_date)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data


# --- orders being gathered ---------------------------------------------------------


@dataclass
class _Order:
    first: str  # where its first row is
    rows: int = 0
    lines: Decimal = Decimal(0)
    priced: bool = False  # some row gave quantity and unit price
    values: dict[str, Any] = field(default_factory=dict)  # order-level role -> value
    bad: str | None = None


# Roles that hold one value per order (the others differ from line to line).
ORDER_LEVEL = tuple(r for r in ROLES if r not in ("order_id", "quantity", "unit_price"))


@dataclass
class _Layout:
    """Which column holds each role in this file."""

    platform: str
    columns: dict[str, str]
    currency: str | None
    key_by_email: bool

    @property
    def uses_total(self) -> bool:
        return "total" in self.columns


def _layout(header: Sequence[str], options: LoadOptions) -> _Layout | str:
    """The layout of a file from its header and the options, or why there is none."""
    preset_name = options.preset
    if preset_name is None and not options.columns:
        preset_name = _detect(header)
        if preset_name is None:
            return (
                "cannot tell the layout from the header: give --preset shopify|uci "
                "or --columns order_id=...,total=..."
            )
    preset = PRESETS.get(preset_name) if preset_name else None
    if preset_name and preset is None:
        return f"unknown preset {preset_name!r}; choose one of: {', '.join(PRESETS)}"
    present = set(header)
    columns: dict[str, str] = {}
    if preset is not None:
        for role, names in preset.columns.items():
            found = next((n for n in names if n in present), None)
            if found is not None:
                columns[role] = found
    unknown = sorted(set(options.columns) - set(ROLES))
    if unknown:
        return f"unknown column role(s) {', '.join(unknown)}; roles are: {', '.join(ROLES)}"
    columns.update(options.columns)
    missing = sorted({c for c in columns.values() if c not in present})
    if missing:
        return f"column(s) not in the header: {', '.join(missing)}"
    if "order_id" not in columns:
        expected = " or ".join(preset.columns["order_id"]) if preset else "order_id=..."
        return f"no order id column: expected {expected}"
    if "total" not in columns and not {"quantity", "unit_price"} <= set(columns):
        return "no order total: map total=..., or quantity=... and unit_price=..."
    return _Layout(
        platform=options.platform or (preset.platform if preset else "shop"),
        columns=columns,
        currency=preset.currency if preset else None,
        key_by_email=bool(preset and preset.key_by_email and "customer" not in columns),
    )


def _detect(header: Sequence[str]) -> str | None:
    present = set(header)
    if {"InvoiceNo", "Quantity", "UnitPrice", "CustomerID"} <= present:
        return "uci"
    if {"Name", "Email", "Total", "Created at"} <= present:
        return "shopify"
    return None


# --- parsing -----------------------------------------------------------------------


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one order-line CSV file, and Rejects."""
    text = _text(source)
    if isinstance(text, Reject):
        yield text
        return
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error) as exc:
        yield Reject(source.name, "line 1", f"no CSV header: {exc or 'empty'}", text[:1000])
        return
    layout = _layout(header, options)
    if isinstance(layout, str):
        yield Reject(source.name, "line 1", layout, header)
        return
    orders: dict[str, _Order] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield Reject(source.name, f"line {reader.line_num}", f"not valid CSV: {exc}", None)
            continue
        if not any(cell.strip() for cell in row):
            continue
        location = f"line {reader.line_num}"
        reject = _take_row(row, header, layout, source, location, orders)
        if reject is not None:
            yield reject
    yield from _records(orders, layout, source, options)


def _text(source: Source) -> str | Reject:
    try:
        data = source.read_bytes()
    except OSError as exc:
        return Reject(source.name, "file", f"cannot read: {exc.strerror or exc}", None)
    if not data.strip():
        return Reject(source.name, "file", "empty file", "")
    nul = data.find(b"\x00")
    if nul >= 0:
        return Reject(source.name, f"offset {nul}", "binary data, not CSV", None)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheet exports (the UCI file among them) are often Windows-1252.
        return data.decode("cp1252", errors="replace")


def _take_row(
    row: list[str],
    header: list[str],
    layout: _Layout,
    source: Source,
    location: str,
    orders: dict[str, _Order],
) -> Reject | None:
    """Add one row to its order; a Reject when the row is bad (its order is then bad)."""
    raw = dict(zip(header, row, strict=False))
    by_role = {role: raw.get(column, "") for role, column in layout.columns.items()}
    order_key = by_role.get("order_id", "").strip()
    if len(row) < len(header) or any(cell.strip() for cell in row[len(header) :]):
        line: OrderLine | Reject = Reject(
            source.name, location, f"row has {len(row)} fields, the header {len(header)}", row
        )
    else:
        line = validate(OrderLine, by_role, source, location)
        if isinstance(line, Reject):  # name the columns, and keep the whole row
            line = Reject(source.name, location, _column_names(line.reason, layout), raw)
    if isinstance(line, Reject):
        if order_key:  # the order's other rows must not load without this one
            order = orders.setdefault(order_key, _Order(first=location))
            order.bad = order.bad or f"its row at {location} was rejected"
        return line
    order = orders.setdefault(line.order_id, _Order(first=location))
    order.rows += 1
    if line.quantity is not None and line.unit_price is not None:
        order.lines += line.quantity * line.unit_price
        order.priced = True
    for role in ORDER_LEVEL:
        value = getattr(line, role)
        if value is None:
            continue
        earlier = order.values.setdefault(role, value)
        if earlier != value:
            column = layout.columns[role]
            reason = f"{column}: {value} differs from {earlier} on an earlier row of the order"
            order.bad = order.bad or f"its row at {location} was rejected"
            return Reject(source.name, location, reason, raw)
    return None


def _column_names(reason: str, layout: _Layout) -> str:
    """A validation reason naming CSV columns rather than roles."""
    for role, column in layout.columns.items():
        reason = reason.replace(f"{role}: ", f"{column}: ")
    return reason


def _records(
    orders: dict[str, _Order], layout: _Layout, source: Source, options: LoadOptions
) -> Iterator[ParseItem]:
    hasher: IdentityHasher | None = None
    customers: dict[str, dict[str, Any]] = {}  # customer id -> what we know
    ready: list[tuple[str, _Order, str | None]] = []
    for order_key, order in orders.items():
        if order.bad is None and layout.uses_total and "total" not in order.values:
            order.bad = f"no {layout.columns['total']} on any of its rows"
        if order.bad is None and not layout.uses_total and not order.priced:
            order.bad = "no row has both a quantity and a unit price"
        email = order.values.get("email")
        native_customer = order.values.get("customer")
        if order.bad is None and native_customer is None and layout.key_by_email and email:
            hasher = hasher or IdentityHasher.from_env()
            try:
                native_customer = hasher.token("email", email).replace(":", "-")
            except BadKey as exc:
                order.bad = f"{layout.columns['email']}: {exc}"
        if order.bad is not None:
            raw = {"order_id": order_key, "rows": order.rows, "first_row": order.first}
            yield Reject(source.name, order.first, f"order {order_key} set aside: {order.bad}", raw)
            continue
        cid = customer_id(layout.platform, native_customer) if native_customer else None
        if native_customer is not None and cid is not None:
            known = customers.setdefault(
                cid, {"native": native_customer, "emails": {}, "phones": {}, "first": None}
            )
            known.setdefault("name", order.values.get("name"))
            if email:
                known["emails"][email] = None
            if order.values.get("phone"):
                known["phones"][order.values["phone"]] = None
            created = order.values.get("created_at")
            if created is not None:
                at = ms_from_datetime(created)
                known["first"] = at if known["first"] is None else min(known["first"], at)
        ready.append((order_key, order, cid))
    for cid, known in customers.items():
        yield from build_records(source, cid, known["native"], partial(_customer, known, layout))
    for order_key, order, cid in ready:
        raw = {"order_id": order_key, "rows": order.rows}
        build = partial(_order, order_key, order, cid, layout, options)
        yield from build_records(source, order.first, raw, build)


def _customer(known: dict[str, Any], layout: _Layout) -> Iterator[Record]:
    yield from customer_records(
        layout.platform,
        known["native"],
        name=known.get("name"),
        emails=list(known["emails"]),
        phones=list(known["phones"]),
        first_seen=known["first"],
    )


def _order(
    order_key: str, order: _Order, cid: str | None, layout: _Layout, options: LoadOptions
) -> Iterator[Record]:
    total = order.values["total"] if layout.uses_total else order.lines
    created = order.values.get("created_at")
    yield from order_records(
        layout.platform,
        order.values.get("order_api_id") or order_key,
        total=total,
        currency=order.values.get("currency") or layout.currency,
        created_at=ms_from_datetime(created) if created is not None else None,
        customer=cid,
        brand=options.brand,
    )


CONNECTOR = ConnectorSpec(
    name="orders-csv",
    summary="order-line CSV: --preset shopify (order export) | uci (Online Retail), "
    "or --columns order_id=...,customer=...,total=...",
    parse=parse,
    patterns=("*.csv",),
)
