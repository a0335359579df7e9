"""Mutations on customers and brands: tags, identity links, adding a brand.

Every mutation needs the admin role (checked for the whole operation, see
:class:`resolvers.auth.MutationsNeedAdmin`).  Changes bump the graph version.
"""

from __future__ import annotations

import contextlib
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from graph.cypher import Statement
from graph.version import BUMP_VERSION
from loaders.brands import add_brand, match_existing_posts
from loaders.identity_ops import link_account, unlink_account
from resolvers.context import Info
from resolvers.errors import BadInput, NotFound
from resolvers.ids import graph_id, graph_ids
from schema.account import Account
from schema.add_brand_payload import AddBrandPayload
from schema.brand import Brand
from schema.customer import Customer
from schema.identity_change import IdentityChange

__all__ = [
    "resolve_add_brand",
    "resolve_link_identity",
    "resolve_tag_customers",
    "resolve_unlink_identity",
]

MAX_TAGS = 50
MAX_TAG_LENGTH = 64
MAX_CUSTOMERS = 1000
MAX_ALIASES = 200

TAG_CUSTOMERS = Statement(
    "api.customers.tag",
    "UNWIND $ids AS key MATCH (c:Customer {id: key}) "
    "WITH c, [t IN coalesce(c.tags, []) WHERE NOT t IN $remove] AS kept "
    "SET c.tags = kept + [t IN $add WHERE NOT t IN kept]",
)


def _forget(loader: DataLoader[str, Any], keys: list[str]) -> None:
    for key in keys:
        with contextlib.suppress(KeyError):  # not loaded yet
            loader.clear(key)


def _tags(values: list[str], argument: str) -> list[str]:
    if len(values) > MAX_TAGS:
        raise BadInput(f"{argument}: at most {MAX_TAGS} tags (got {len(values)})")
    tags = []
    for i, value in enumerate(values):
        tag = value.strip()
        if not tag or len(tag) > MAX_TAG_LENGTH:
            raise BadInput(f"{argument}[{i}]: a tag has 1 to {MAX_TAG_LENGTH} characters")
        tags.append(tag)
    return list(dict.fromkeys(tags))


async def _customers(info: Info, ids: list[str], argument: str) -> list[Customer]:
    loader = info.context.loaders.node("Customer")
    _forget(loader, ids)  # read what the mutation left, not what an earlier field saw
    found: list[Customer | None] = await loader.load_many(ids)
    missing = [key for key, customer in zip(ids, found, strict=True) if customer is None]
    if missing:
        raise NotFound(f"{argument}: no Customer has id {', '.join(map(repr, missing[:5]))}")
    return [c for c in found if c is not None]


async def resolve_tag_customers(
    info: Info,
    ids: list[strawberry.ID],
    add: list[str] | None = None,
    remove: list[str] | None = None,
) -> list[Customer]:
    """Add and remove tags on customers; returns them as they are now."""
    if not ids or len(ids) > MAX_CUSTOMERS:
        raise BadInput(f"ids: 1 to {MAX_CUSTOMERS} customers (got {len(ids)})")
    keys = list(dict.fromkeys(graph_ids(ids, "Customer", "ids")))
    added, removed = _tags(add or [], "add"), _tags(remove or [], "remove")
    if not added and not removed:
        raise BadInput("add, remove: give at least one tag to add or remove")
    await _customers(info, keys, "ids")
    await info.context.store.write_batch(
        [(TAG_CUSTOMERS, {"ids": keys, "add": added, "remove": removed}), (BUMP_VERSION, {})]
    )
    return await _customers(info, keys, "ids")


async def resolve_link_identity(
    info: Info,
    customer: strawberry.ID,
    account: strawberry.ID,
    evidence: str | None = None,
) -> IdentityChange:
    """Link an account to a customer by hand (its strong-key companions follow)."""
    result = await link_account(
        info.context.store,
        customer=graph_id(customer, "Customer", "customer"),
        account=graph_id(account, "Account", "account"),
        evidence=evidence,
    )
    return await _change(info, result.customer, [a for a, _ in result.linked], None)


async def resolve_unlink_identity(
    info: Info, customer: strawberry.ID, account: strawberry.ID
) -> IdentityChange:
    """Reverse a link exactly: the account goes back to the customer it had before."""
    result = await unlink_account(
        info.context.store,
        customer=graph_id(customer, "Customer", "customer"),
        account=graph_id(account, "Account", "account"),
    )
    return await _change(info, result.customer, result.restored, result.restored_to)


async def _change(
    info: Info, customer: str, accounts: list[str], restored_to: str | None
) -> IdentityChange:
    loaders = info.context.loaders
    wanted = [customer] + ([restored_to] if restored_to else [])
    _forget(loaders.node("Customer"), wanted)
    people = await loaders.node("Customer").load_many(wanted)
    found: list[Account | None] = await loaders.node("Account").load_many(accounts)
    return IdentityChange(
        customer=people[0],
        accounts=[a for a in found if a is not None],
        restored_to=people[1] if restored_to else None,
    )


async def resolve_add_brand(
    info: Info,
    id: str,
    name: str,
    aliases: list[str] | None = None,
    match_existing: bool = True,
) -> AddBrandPayload:
    """Add a brand or replace its name and aliases (@handles, #hashtags, keywords); with
    ``matchExisting`` the posts already loaded that use an alias become ABOUT it too."""
    if len(aliases or []) > MAX_ALIASES:
        raise BadInput(f"aliases: at most {MAX_ALIASES} (got {len(aliases or [])})")
    store = info.context.store
    record = await add_brand(store, id, name, aliases or [])
    matched = await match_existing_posts(store, record) if match_existing else 0
    loader = info.context.loaders.node("Brand")
    _forget(loader, [record.id])
    brand: Brand | None = await loader.load(record.id)
    if brand is None:
        raise NotFound(f"id: the brand {record.id!r} was not stored")
    return AddBrandPayload(brand=brand, matched_posts=matched)
