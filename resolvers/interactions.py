"""``interactions(person)``: a customer's or account's timeline, newest first.

Each kind of event is read by its own statement, newest first and cut at the
end of the requested page; the reads are merged by time in Python.  So a page
costs one read per kind however deep it sits, and ``totalCount`` one count per
kind, only when asked for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import strawberry

from graph.cypher import Statement
from resolvers.context import Info
from resolvers.errors import BadInput, NotFound
from resolvers.lists import PageArgs
from resolvers.pagination import page_of_rows, selects
from schema.community import Community
from schema.connection import Connection
from schema.interaction import Interaction, InteractionKind
from schema.node import from_global_id
from schema.order import Order
from schema.post import Post
from schema.scalars import datetime_from_ms

__all__ = ["EVENTS", "PERSON", "resolve_interactions"]

PERSON = Statement(
    "api.interactions.person",
    "OPTIONAL MATCH (c:Customer {id: $id}) "
    "OPTIONAL MATCH (c)-[:HAS_ACCOUNT]->(linked:Account) "
    "WITH c, collect(linked.id) AS linked "
    "OPTIONAL MATCH (a:Account {id: $id}) "
    "RETURN c.id AS customer, linked, a.id AS account",
)

_ACCOUNTS = "WHERE a.id IN $accounts "
# One read per source of events: (MATCH part, the relationship type that names the kind,
# the columns: account, post, target (a post id), order, community, at).
_READS: dict[str, tuple[str, str, str]] = {
    # Their posts; one answering another post is a reply, share or quote of it.
    "posts": (
        "MATCH (a:Account)-[:POSTED]->(p:Post) " + _ACCOUNTS + "WITH a, p "
        "OPTIONAL MATCH (p)-[r:REPLY_TO|SHARE_OF|QUOTE_OF]->(q:Post) "
        "WITH a, p, collect(type(r))[0] AS answer, collect(q.id)[0] AS target",
        "coalesce(answer, 'POSTED')",
        "a.id AS account, p AS post, target, null AS order, null AS community, "
        "coalesce(p.created_at, 0) AS at",
    ),
    # Replies, shares and quotes known only as interactions (no post of theirs answers it).
    "engaged": (
        "MATCH (a:Account)-[e:REPLIED|SHARED|QUOTED]->(p:Post) " + _ACCOUNTS + "WITH a, e, p "
        "OPTIONAL MATCH (a)-[:POSTED]->(own:Post)-[:REPLY_TO|SHARE_OF|QUOTE_OF]->(p) "
        "WITH a, e, p, count(own) AS answered WHERE answered = 0",
        "type(e)",
        "a.id AS account, null AS post, p.id AS target, null AS order, null AS community, "
        "coalesce(e.at, p.created_at, 0) AS at",
    ),
    "likes": (
        "MATCH (a:Account)-[l:LIKED]->(p:Post) " + _ACCOUNTS,
        "'LIKED'",
        "a.id AS account, p AS post, null AS target, null AS order, null AS community, "
        "coalesce(l.at, p.created_at, 0) AS at",
    ),
    "mentions": (
        "MATCH (p:Post)-[:MENTIONS]->(a:Account) " + _ACCOUNTS,
        "'MENTIONS'",
        "a.id AS account, p AS post, null AS target, null AS order, null AS community, "
        "coalesce(p.created_at, 0) AS at",
    ),
    "joined": (
        "MATCH (a:Account)-[m:MEMBER_OF]->(c:Community) " + _ACCOUNTS,
        "'MEMBER_OF'",
        "a.id AS account, null AS post, null AS target, null AS order, c AS community, "
        "coalesce(m.since, 0) AS at",
    ),
    "orders": (
        "MATCH (:Customer {id: $customer})-[:PLACED]->(o:Order)",
        "'PLACED'",
        "null AS account, null AS post, null AS target, o AS order, null AS community, "
        "coalesce(o.created_at, 0) AS at",
    ),
}
EVENTS = {
    name: Statement(
        f"api.interactions.{name}",
        f"{match} RETURN {rel} AS rel, {columns} ORDER BY at DESC LIMIT $limit",
    )
    for name, (match, rel, columns) in _READS.items()
}
COUNTS = {
    name: Statement(
        f"api.interactions.{name}.count", f"{match} RETURN {rel} AS rel, count(*) AS total"
    )
    for name, (match, rel, _) in _READS.items()
}
_KIND_OF_REL = {
    "POSTED": InteractionKind.POST,
    "REPLY_TO": InteractionKind.REPLY,
    "REPLIED": InteractionKind.REPLY,
    "SHARE_OF": InteractionKind.SHARE,
    "SHARED": InteractionKind.SHARE,
    "QUOTE_OF": InteractionKind.QUOTE,
    "QUOTED": InteractionKind.QUOTE,
    "LIKED": InteractionKind.LIKE,
    "MENTIONS": InteractionKind.MENTIONED,
    "MEMBER_OF": InteractionKind.JOINED,
    "PLACED": InteractionKind.ORDER,
}
_ANSWERS = (InteractionKind.REPLY, InteractionKind.SHARE, InteractionKind.QUOTE)
# Which reads can yield which kinds.
_KINDS: dict[str, tuple[InteractionKind, ...]] = {
    "posts": (InteractionKind.POST, *_ANSWERS),
    "engaged": _ANSWERS,
    "likes": (InteractionKind.LIKE,),
    "mentions": (InteractionKind.MENTIONED,),
    "joined": (InteractionKind.JOINED,),
    "orders": (InteractionKind.ORDER,),
}


async def resolve_interactions(
    info: Info,
    person: strawberry.ID,
    kinds: list[InteractionKind] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Interaction]:
    """The timeline of a customer (across its accounts, with its orders) or of one
    account, newest first; ``kinds`` keeps only those events."""
    customer, accounts = await _person(info, person)
    wanted = set(kinds or InteractionKind)
    reads = [name for name, served in _KINDS.items() if wanted.intersection(served)]
    if customer is None:
        reads = [name for name in reads if name != "orders"]
    params: dict[str, Any] = {"accounts": accounts, "customer": customer}
    store = info.context.store
    span = PageArgs(first, after, last, before).window(info)
    total: int | None = None
    if span.needs_total or selects(info, "totalCount"):
        counted = await asyncio.gather(*(store.read(COUNTS[n], params) for n in reads))
        total = sum(
            int(row["total"])
            for rows in counted
            for row in rows
            if _KIND_OF_REL[str(row["rel"])] in wanted
        )
    lo, hi = span.bounds(total)
    if hi <= lo:
        return page_of_rows([], _same, lo=lo, hi=hi, total=total)
    events = await _events(info, reads, params, wanted, limit=hi + 1)
    return page_of_rows(events[lo:], _same, lo=lo, hi=hi, total=total)


def _same(event: Interaction) -> Interaction:
    return event


async def _person(info: Info, value: str) -> tuple[str | None, list[str]]:
    """``(customer id or None, account ids)`` of the person ``value`` names."""
    value = value.strip()
    if not value:
        raise BadInput("person: must not be empty")
    decoded = from_global_id(value)
    if decoded is not None and decoded[0] not in ("Customer", "Account"):
        raise BadInput(f"person: {value!r} is the id of a {decoded[0]}, not of a person")
    gid = decoded[1] if decoded else value
    rows = await info.context.store.read(PERSON, {"id": gid})
    row = rows[0] if rows else {}
    label = decoded[0] if decoded else None
    if row.get("customer") is not None and label != "Account":
        return str(row["customer"]), [str(a) for a in row.get("linked") or []]
    if row.get("account") is not None and label != "Customer":
        return None, [str(row["account"])]
    raise NotFound(f"person: no customer or account has the id {value!r}")


async def _events(
    info: Info,
    reads: list[str],
    params: Mapping[str, Any],
    wanted: set[InteractionKind],
    *,
    limit: int,
) -> list[Interaction]:
    """The newest ``limit`` events of the wanted kinds, newest first."""
    store = info.context.store
    results = await asyncio.gather(
        *(store.read(EVENTS[n], {**params, "limit": limit}) for n in reads)
    )
    rows = [row for found in results for row in found if _KIND_OF_REL[str(row["rel"])] in wanted]
    rows.sort(key=lambda row: int(row["at"]), reverse=True)
    rows = rows[:limit]
    loaders = info.context.loaders
    account_ids = sorted({str(r["account"]) for r in rows if r["account"] is not None})
    target_ids = sorted({str(r["target"]) for r in rows if r["target"] is not None})
    accounts, targets = await asyncio.gather(
        loaders.node("Account").load_many(account_ids),
        loaders.node("Post").load_many(target_ids),
    )
    account_of = dict(zip(account_ids, accounts, strict=True))
    target_of = dict(zip(target_ids, targets, strict=True))
    return [
        Interaction(
            at=datetime_from_ms(int(r["at"])) if int(r["at"]) > 0 else None,
            kind=_KIND_OF_REL[str(r["rel"])],
            account=account_of.get(str(r["account"])),
            post=Post.from_record(r["post"]) if r["post"] is not None else None,
            target=target_of.get(str(r["target"])),
            order=Order.from_record(r["order"]) if r["order"] is not None else None,
            community=(
                Community.from_record(r["community"]) if r["community"] is not None else None
            ),
        )
        for r in rows
    ]
