"""``scrm brand``: the brands posts can be ABOUT, with the aliases that mean them."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from cli.common import load_settings, run, with_store
from graph import GraphStore
from loaders.brands import add_brand, list_brands, match_existing_posts, remove_brand

app = typer.Typer(
    help="Brands and their aliases: @handles, #hashtags and keywords (any language) that "
    "make a post ABOUT the brand.",
    no_args_is_help=True,
)

_ALIASES = typer.Option(
    [],
    "--alias",
    help="Repeatable: @handle, #hashtag or keyword (acme, 艾克米). Replaces the brand's aliases.",
)


@app.command()
def add(
    brand_id: str = typer.Argument(..., metavar="ID", help="Brand id, e.g. acme."),
    name: str = typer.Option(..., "--name", help="Display name."),
    alias: list[str] = _ALIASES,
    match_existing: bool = typer.Option(
        True,
        "--match-existing/--no-match-existing",
        help="Also link the posts already loaded that match the aliases.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Create or update a brand (upsert): its name and aliases."""

    async def apply(store: GraphStore) -> tuple[list[str], int]:
        brand = await add_brand(store, brand_id, name, alias)
        matched = await match_existing_posts(store, brand) if match_existing else 0
        return brand.aliases, matched

    aliases, matched = run(with_store(load_settings(), apply))
    if as_json:
        out = {"id": brand_id.strip(), "name": name.strip(), "aliases": aliases, "matched": matched}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(f"brand {brand_id.strip()} ({name.strip()}): aliases {', '.join(aliases) or 'none'}")
    if match_existing:
        typer.echo(f"{matched} post(s) already loaded are about it")


@app.command(name="list")
def list_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every brand with its aliases and how many posts are ABOUT it."""

    async def fetch(store: GraphStore) -> list[dict[str, object]]:
        return await list_brands(store)

    brands = run(with_store(load_settings(), fetch))
    if as_json:
        typer.echo(json.dumps(brands, ensure_ascii=False))
        return
    table = Table(title=f"{len(brands)} brand(s)")
    for column in ("id", "name", "aliases", "posts"):
        table.add_column(column)
    for b in brands:
        aliases = b["aliases"]
        assert isinstance(aliases, list)
        table.add_row(str(b["id"]), str(b["name"]), ", ".join(aliases), str(b["posts"]))
    Console().print(table)


@app.command()
def remove(brand_id: str = typer.Argument(..., metavar="ID", help="Brand id.")) -> None:
    """Delete a brand with its ABOUT and OF_BRAND relationships.

    Posts, communities and orders stay."""

    async def apply(store: GraphStore) -> int:
        return await remove_brand(store, brand_id)

    links = run(with_store(load_settings(), apply))
    typer.echo(f"removed brand {brand_id} and {links} relationship(s) to it")
