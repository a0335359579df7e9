"""Resolvers for accounts: the filtered, sorted, paged list."""

from __future__ import annotations

from resolvers.context import Info
from resolvers.ids import graph_id
from resolvers.lists import ListQuery, PageArgs
from schema.account import Account
from schema.connection import Connection
from schema.enums import AccountSortField
from schema.inputs import AccountFilter, AccountSort

__all__ = ["ACCOUNTS", "resolve_accounts"]

_WHERE = (
    "WHERE ($text IS NULL OR toLower(a.handle) CONTAINS $text OR toLower(a.name) CONTAINS $text) "
    "AND ($platform IS NULL OR a.platform = $platform) "
    "AND ($verified IS NULL OR a.verified = $verified) "
    "AND ($min_followers IS NULL OR a.followers >= $min_followers) "
    "AND ($community IS NULL OR (a)-[:MEMBER_OF]->(:Community {id: $community}))"
)
ACCOUNTS = ListQuery(
    name="api.accounts",
    variants={
        "": f"MATCH (a:Account) {_WHERE}",
        "community": f"MATCH (:Community {{id: $community}})<-[:MEMBER_OF]-(a:Account) {_WHERE}",
    },
    returns="a AS node",
    sorts={field.value: f"a.{field.value}" for field in AccountSortField},
    tiebreak="a.id",
)


async def resolve_accounts(
    info: Info,
    filter: AccountFilter | None = None,
    sort: AccountSort | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Account]:
    """Accounts matching ``filter``, sorted by ``sort``, a page at a time."""
    f = filter or AccountFilter()
    s = sort or AccountSort()
    community = graph_id(f.community, "Community", "filter.community") if f.community else None
    params = {
        "text": f.text.lower() if f.text else None,
        "platform": f.platform.lower() if f.platform else None,
        "verified": f.verified,
        "min_followers": f.min_followers,
        "community": community,
    }
    return await ACCOUNTS.page(
        info,
        params=params,
        sort=s.field.value,
        direction=s.direction,
        args=PageArgs(first, after, last, before),
        convert=lambda row: Account.from_record(row["node"]),
        variant="community" if community else "",
    )
