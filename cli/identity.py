"""``scrm identity``: show, link, unlink customers' accounts; list and accept weak matches."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from cli.common import load_settings, run, with_store
from graph import GraphStore
from loaders.identity_ops import (
    CustomerView,
    LinkResult,
    UnlinkResult,
    accept_suggestion,
    link_account,
    show_customer,
    unlink_account,
)
from loaders.identity_suggest import Suggestion, suggest

app = typer.Typer(
    help="Identity resolution: which accounts belong to which customer, and why. "
    "Automatic links come from shared keys (WeChat unionid, e-mail, phone, external ids) "
    "at load time; these commands inspect and correct them.",
    no_args_is_help=True,
)

_JSON = typer.Option(False, "--json", help="Print JSON.")


@app.command()
def show(customer: str = typer.Argument(..., help="Customer id."), as_json: bool = _JSON) -> None:
    """A customer's accounts, each with how it was linked (method, evidence, confidence)."""

    async def fetch(store: GraphStore) -> CustomerView:
        return await show_customer(store, customer)

    view = run(with_store(load_settings(), fetch))
    if as_json:
        typer.echo(json.dumps(view.as_json(), ensure_ascii=False))
        return
    title = f"customer {view.id}" + (f" ({view.name})" if view.name else "")
    if view.merged_into:
        title += f", merged into {view.merged_into}"
    table = Table(title=title)
    for column in ("account", "name", "method", "confidence", "evidence", "replaced"):
        table.add_column(column)
    for a in view.accounts:
        table.add_row(
            a.account,
            a.name or a.handle or "",
            a.method,
            f"{a.confidence:.2f}",
            a.evidence,
            a.replaced or "",
        )
    console = Console()
    console.print(table)
    if view.merged_from:
        console.print(f"merged into this customer: {', '.join(view.merged_from)}")
    for order in view.orders:
        console.print(f"order {order['id']}: {order['total']} {order['currency'] or ''}".rstrip())


@app.command()
def link(
    customer: str = typer.Option(..., "--customer", help="Customer id to link to."),
    account: str = typer.Option(..., "--account", help="Account id to link."),
    evidence: str = typer.Option(None, "--evidence", help="Why (kept on the link)."),
    as_json: bool = _JSON,
) -> None:
    """Link an account to a customer by hand (method "manual"); undo with `unlink`."""

    async def apply(store: GraphStore) -> LinkResult:
        return await link_account(store, customer=customer, account=account, evidence=evidence)

    _print_link(run(with_store(load_settings(), apply)), as_json)


@app.command()
def unlink(
    customer: str = typer.Option(..., "--customer", help="Customer id."),
    account: str = typer.Option(..., "--account", help="Account id to take out."),
    as_json: bool = _JSON,
) -> None:
    """Reverse a link exactly; later loads will not link the pair again.

    The account, and the accounts that came with it, get back the customer they had
    before, or none."""

    async def apply(store: GraphStore) -> UnlinkResult:
        return await unlink_account(store, customer=customer, account=account)

    result = run(with_store(load_settings(), apply))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "customer": result.customer,
                    "accounts": result.restored,
                    "restored_to": result.restored_to,
                }
            )
        )
        return
    where = f"back to {result.restored_to}" if result.restored_to else "without a customer now"
    typer.echo(f"unlinked from {result.customer}: {', '.join(result.restored)} ({where})")


@app.command(name="suggest")
def suggest_command(
    min_confidence: float = typer.Option(
        0.5, "--min-confidence", min=0.0, max=1.0, help="Lowest confidence to list."
    ),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many."),
    as_json: bool = _JSON,
) -> None:
    """List weak matches with a confidence; nothing changes until `accept ID` or `link`.

    Signals: similar handles and names across platforms (CJK-aware), shared group
    membership, strong keys kept apart by an unlink or by two stated customers."""

    async def fetch(store: GraphStore) -> list[Suggestion]:
        return await suggest(store, min_confidence=min_confidence, limit=limit)

    found = run(with_store(load_settings(), fetch))
    if as_json:
        typer.echo(json.dumps([s.as_json() for s in found], ensure_ascii=False))
        return
    table = Table(title=f"{len(found)} suggestion(s) at confidence >= {min_confidence}")
    for column in ("id", "confidence", "account", "account", "reasons"):
        table.add_column(column)
    for s in found:
        table.add_row(
            s.id, f"{s.confidence:.2f}", s.accounts[0], s.accounts[1], "; ".join(s.reasons)
        )
    Console().print(table)


@app.command()
def accept(
    suggestion: str = typer.Argument(..., help="Suggestion id from `scrm identity suggest`."),
    as_json: bool = _JSON,
) -> None:
    """Apply a suggestion: link its accounts to one customer (method "suggestion")."""

    async def apply(store: GraphStore) -> LinkResult:
        return await accept_suggestion(store, suggestion)

    _print_link(run(with_store(load_settings(), apply)), as_json)


def _print_link(result: LinkResult, as_json: bool) -> None:
    if as_json:
        linked: list[dict[str, Any]] = [
            {"account": a, "method": link.method, "evidence": link.evidence}
            for a, link in result.linked
        ]
        typer.echo(json.dumps({"customer": result.customer, "linked": linked}))
        return
    if not result.linked:
        typer.echo(f"nothing changed: already linked to {result.customer}")
        return
    for account, link in result.linked:
        typer.echo(f"linked {account} to {result.customer} ({link.method}: {link.evidence})")
