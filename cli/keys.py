"""``scrm keys``: API keys with roles (viewer, analyst, admin) for the GraphQL API."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import typer

from cli.common import fail, load_settings, run, with_store
from graph import GraphStore
from resolvers.keys import ROLES, ApiKey, create_key, list_keys, revoke_key

app = typer.Typer(
    help="API keys for the GraphQL API: viewer (read), analyst (read + Cypher), "
    "admin (mutations, ingest). Once a key exists, every request needs one.",
    no_args_is_help=True,
)


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%SZ")


@app.command()
def create(
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option("", "--name", help="A note on who or what uses the key."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Make a key and print it. It is shown only now: the graph keeps only its hash."""
    if role not in ROLES:
        fail(f"--role: one of {', '.join(ROLES)} (got {role!r})")

    async def make(store: GraphStore) -> tuple[ApiKey, str]:
        return await create_key(store, role, name)

    key, token = run(with_store(load_settings(), make))
    if as_json:
        typer.echo(json.dumps({"id": key.id, "role": key.role, "name": key.name, "key": token}))
        return
    typer.echo(token)
    typer.echo(
        f"key {key.id} ({key.role}) created; send it as 'Authorization: Bearer <key>'. "
        "It is not shown again.",
        err=True,
    )


@app.command(name="list")
def list_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every key: id, role, name and when it was made (never the key itself)."""
    keys = run(with_store(load_settings(), list_keys))
    if as_json:
        rows = [
            {"id": k.id, "role": k.role, "name": k.name, "created_at": k.created_at} for k in keys
        ]
        typer.echo(json.dumps(rows))
        return
    if not keys:
        typer.echo("no API keys: the API is open on loopback and refuses other addresses")
        return
    for k in keys:
        typer.echo(f"{k.id}  {k.role:<8} {_when(k.created_at)}  {k.name}")


@app.command()
def revoke(key_id: str = typer.Argument(..., metavar="ID", help="The key id (from list).")) -> None:
    """Delete a key; requests with it are refused from then on."""

    async def delete(store: GraphStore) -> bool:
        return await revoke_key(store, key_id)

    if not run(with_store(load_settings(), delete)):
        fail(f"no API key has id {key_id!r}")
    typer.echo(f"key {key_id} revoked")
