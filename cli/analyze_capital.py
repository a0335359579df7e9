"""``scrm analyze capital``: social capital of customers toward a brand."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from algorithms.capital import social_capital
from algorithms.capital_scores import CustomerCapital
from algorithms.errors import BadParameter, UnknownTarget
from cli.analyze_options import epoch_ms, fmt
from cli.common import fail, load_settings, run, with_store
from graph import GraphStore

CUSTOMERS = typer.Option(
    None, "--customer", help="Customer id (repeat for several; default: every customer)."
)


def capital(
    customers: list[str] | None = CUSTOMERS,
    brand: str | None = typer.Option(None, "--brand", help="Brand id (default: every brand)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Score as of this ISO date/time (default: the newest post's time)."
    ),
    top: int = typer.Option(
        20, "--top", help="Without --customer: list the N with the most gravity (0: all)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Social capital per customer: trust, tie strength, activity, contribution, gravity, stage.

    Orbit-style love, reach and gravity; advocacy stage from prospect to
    advocate.  Formulas and their reasoning: docs/social-capital.md.
    """
    if top < 0:
        fail(str(BadParameter("top", f"must be 0 or more, not {top}")))
    moment = epoch_ms(as_of, "--as-of")
    settings = load_settings()

    async def analyse(store: GraphStore) -> list[CustomerCapital]:
        found = await social_capital(store, customer_ids=customers, brand=brand, as_of=moment)
        if customers:
            missing = sorted(set(customers) - {c.customer for c in found})
            if missing:
                raise UnknownTarget(missing[0], "customer")
        return found

    found = run(with_store(settings, analyse))
    if not customers:
        found.sort(key=lambda c: (-c.gravity, c.customer))
        if top:
            found = found[:top]
    if as_json:
        clock = found[0].as_of if found else moment
        payload = {
            "brand": brand,
            "as_of": clock,
            "customers": [c.model_dump() for c in found],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    console = Console()
    if not found:
        console.print("no customers")
        return
    console.print(_table(found, brand))


def _table(found: list[CustomerCapital], brand: str | None) -> Table:
    table = Table(
        title=f"Social capital toward {brand or 'every brand'}",
        caption="rel. = relationship strength; gravity = love × reach; "
        "contrib. = content + engagement drawn + order value (log10)",
    )
    table.add_column("customer", no_wrap=True)
    table.add_column("stage")
    for name in ("trust", "rel.", "activity", "contrib.", "love", "reach", "gravity", "orders"):
        table.add_column(name, justify="right")
    for c in found:
        table.add_row(
            c.customer,
            c.stage.replace("_", " "),
            fmt(c.trust, 2),
            fmt(c.relationship, 2),
            fmt(c.activity, 2),
            fmt(c.contribution, 2),
            fmt(c.love, 2),
            fmt(c.reach, 2),
            fmt(c.gravity, 2),
            str(c.breakdown.orders),
        )
    return table
