"""Identity by hand: link an account to a customer, unlink it exactly, show a customer.

``unlink`` reverses a link exactly: the link is deleted and the one it
replaced (kept on the link as ``prior``) comes back with every property, for
the account and for the accounts that moved with it from the same earlier
customer; an account that had no customer before is left without one.  The
unlinked pair is remembered (a veto) so later loads do not link them again,
and ``link`` (a person's decision) lifts that veto.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.cypher import Statement
from graph.errors import ScrmError
from graph.store import GraphStore
from graph.version import BUMP_VERSION
from loaders.identity_graph import (
    READ_ACCOUNTS,
    READ_CUSTOMERS,
    Changes,
    IdentityState,
    Link,
    load_state,
    plan_order_views,
    read_customers,
)
from loaders.identity_resolve import Resolution, merged_into_updates
from loaders.identity_suggest import read_suggestion

__all__ = [
    "CustomerView",
    "IdentityError",
    "LinkResult",
    "LinkedAccount",
    "UnlinkResult",
    "accept_suggestion",
    "link_account",
    "show_customer",
    "unlink_account",
]

ENSURE_CUSTOMER = Statement(
    "identity.ensure_customer",
    "MERGE (c:Customer {id: $id}) ON CREATE SET c.name = $name",
)
SHOW_CUSTOMER = Statement(
    "identity.show_customer",
    "MATCH (c:Customer {id: $id}) "
    "OPTIONAL MATCH (m:Customer) WHERE m.merged_into = $id "
    "RETURN c.id AS id, c.name AS name, c.merged_into AS merged_into, "
    "collect(m.id) AS merged_from",
)
SHOW_ACCOUNTS = Statement(
    "identity.show_accounts",
    "MATCH (:Customer {id: $id})-[h:HAS_ACCOUNT]->(a:Account) "
    "RETURN a.id AS account, a.platform AS platform, a.handle AS handle, a.name AS name, "
    "h.method AS method, h.evidence AS evidence, h.confidence AS confidence, h.at AS at, "
    "h.key AS key, h.prior AS prior ORDER BY account",
)
SHOW_ORDERS = Statement(
    "identity.show_orders",
    "MATCH (:Customer {id: $id})-[:PLACED]->(o:Order) "
    "RETURN o.id AS id, o.total AS total, o.currency AS currency, o.created_at AS created_at "
    "ORDER BY id",
)


class IdentityError(ScrmError):
    """A link or unlink that cannot be done; ``code`` says why."""

    code = "IDENTITY_ERROR"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class UnlinkResult:
    customer: str
    restored: list[str]  # the accounts taken out of ``customer``
    restored_to: str | None  # the customer they had before, or None


@dataclass(frozen=True, slots=True)
class LinkResult:
    customer: str
    linked: list[tuple[str, Link]]  # every account whose link changed, with its new link


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    account: str
    platform: str | None
    handle: str | None
    name: str | None
    method: str
    evidence: str
    confidence: float
    at: int | None
    key_type: str | None
    replaced: str | None  # the customer this link replaced (what unlink restores)


@dataclass(frozen=True, slots=True)
class CustomerView:
    id: str
    name: str | None
    merged_into: str | None
    merged_from: list[str]
    accounts: list[LinkedAccount] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "merged_into": self.merged_into,
            "merged_from": self.merged_from,
            "accounts": [asdict(a) for a in self.accounts],
            "orders": self.orders,
        }


async def unlink_account(store: GraphStore, *, customer: str, account: str) -> UnlinkResult:
    """Reverse the link of ``account`` to ``customer`` exactly (see the module docstring).

    Raises :class:`IdentityError` (``NOT_LINKED``) when the account is not linked to it.
    """
    state = await load_state(store, [account], [])
    current = state.accounts[account].link if account in state.accounts else None
    if current is None or current.customer != customer:
        where = f"; it is linked to {current.customer}" if current is not None else ""
        raise IdentityError(
            "NOT_LINKED", f"account {account!r} is not linked to {customer!r}{where}"
        )
    prior = current.prior_link
    moving = [account]
    if prior is not None:
        moving = sorted(
            member
            for member in state.members.get(customer, ())
            if _prior_customer(state, member) == prior.customer
        )
    if prior is not None:
        await read_customers(store, state, [prior.customer])
    before = {c: set(m) for c, m in state.members.items()}
    changes = Changes()
    for member in moving:
        link = state.accounts[member].link
        assert link is not None  # members of `customer` are linked to it
        changes.deleted.append({"customer": customer, "account": member})
        state.members[customer].discard(member)
        restored = link.prior_link
        state.accounts[member].link = restored
        if restored is not None:
            changes.created.append(restored.row(member))
            state.members.setdefault(restored.customer, set()).add(member)
        changes.vetoes[member] = sorted(state.vetoes.get(member, set()) | {customer})
    # Unlinking only ever clears merged_into (a customer that got accounts back).
    changes.merged_into = {
        c: into for c, into in merged_into_updates(state, before).items() if into is None
    }
    await plan_order_views(store, state.merged_into, changes.merged_into, changes)
    await store.write_batch([*changes.statements(), (BUMP_VERSION, {})])
    return UnlinkResult(customer, moving, prior.customer if prior is not None else None)


async def link_account(
    store: GraphStore,
    *,
    customer: str,
    account: str,
    evidence: str | None = None,
    method: str = "manual",
    confidence: float = 1.0,
    clock: Callable[[], int] | None = None,
) -> LinkResult:
    """Link ``account`` to ``customer`` as a person's decision (method ``manual``).

    The account's strong-key companions follow it to ``customer``; its earlier link is
    kept as ``prior`` so :func:`unlink_account` can restore it.  Raises
    :class:`IdentityError` (``UNKNOWN_CUSTOMER``, ``UNKNOWN_ACCOUNT``).
    """
    target = await store.read(READ_CUSTOMERS, {"ids": [customer]})
    if not target:
        raise IdentityError("UNKNOWN_CUSTOMER", f"no customer with id {customer!r}")
    if not await store.read(READ_ACCOUNTS, {"ids": [account]}):
        raise IdentityError("UNKNOWN_ACCOUNT", f"no account with id {account!r}")
    now = clock() if clock is not None else int(time.time() * 1000)
    # The target's accounts join the account's group: read them (and what hangs on them).
    state = await load_state(store, [account, *(target[0]["accounts"] or ())], [])
    await read_customers(store, state, [customer])
    changes = Changes()
    vetoes = state.vetoes.get(account, set())
    if customer in vetoes:
        vetoes.discard(customer)
        changes.vetoes[account] = sorted(vetoes)
    resolution = Resolution(state, now)
    current = state.accounts[account].link
    if current is None or current.customer != customer:
        resolution.move(
            account,
            Link(
                customer=customer,
                method=method,
                evidence=evidence or "linked by hand",
                confidence=confidence,
                at=now,
            ),
        )
        resolution.resolve_all()
    linked = resolution.finish(changes)
    await plan_order_views(store, state.merged_into, changes.merged_into, changes)
    if changes:
        await store.write_batch([*changes.statements(), (BUMP_VERSION, {})])
    return LinkResult(customer, linked)


async def accept_suggestion(
    store: GraphStore, suggestion: str, *, clock: Callable[[], int] | None = None
) -> LinkResult:
    """Apply a saved suggestion (``scrm identity suggest``): link the account that has the
    smaller customer (or none) to the other's customer, method ``suggestion``.  Two
    accounts without customers get a new one.  Raises :class:`IdentityError`."""
    found = await read_suggestion(store, suggestion)
    if found is None:
        raise IdentityError(
            "UNKNOWN_SUGGESTION",
            f"no suggestion {suggestion!r}; run `scrm identity suggest` to list them",
        )
    rows = {r["id"]: r for r in await store.read(READ_ACCOUNTS, {"ids": list(found.accounts)})}
    for account in found.accounts:
        if account not in rows:
            raise IdentityError("UNKNOWN_ACCOUNT", f"no account with id {account!r}")
    evidence = f"accepted suggestion {suggestion}: " + "; ".join(found.reasons)

    async def link(customer: str, account: str) -> list[tuple[str, Link]]:
        result = await link_account(
            store,
            customer=customer,
            account=account,
            evidence=evidence,
            method="suggestion",
            confidence=found.confidence,
            clock=clock,
        )
        return result.linked

    a, b = found.accounts
    ca, cb = rows[a]["customer"], rows[b]["customer"]
    if ca is not None and ca == cb:
        return LinkResult(ca, [])
    if ca is None and cb is None:
        target = "customer:" + hashlib.sha256(f"accounts:{a}|{b}".encode()).hexdigest()[:24]
        await store.write(
            ENSURE_CUSTOMER, {"id": target, "name": rows[a]["name"] or rows[b]["name"]}
        )
        return LinkResult(target, [*await link(target, a), *await link(target, b)])
    if ca is None or cb is None:
        target, other = (ca, b) if ca is not None else (cb, a)
    else:
        sizes = {
            r["id"]: len(r["accounts"] or ())
            for r in await store.read(READ_CUSTOMERS, {"ids": [ca, cb]})
        }
        target = min((ca, cb), key=lambda c: (-sizes.get(c, 0), c))
        other = b if target == ca else a
    assert target is not None
    return LinkResult(target, await link(target, other))


async def show_customer(store: GraphStore, customer: str) -> CustomerView:
    """A customer with each linked account and the evidence of its link, and its orders."""
    rows = await store.read(SHOW_CUSTOMER, {"id": customer})
    if not rows:
        raise IdentityError("UNKNOWN_CUSTOMER", f"no customer with id {customer!r}")
    head = rows[0]
    accounts = [
        LinkedAccount(
            account=r["account"],
            platform=r["platform"],
            handle=r["handle"],
            name=r["name"],
            method=r["method"] or "",
            evidence=r["evidence"] or "",
            confidence=float(r["confidence"] if r["confidence"] is not None else 1.0),
            at=r["at"],
            key_type=(r["key"] or "").split(":", 1)[0] or None,
            replaced=Link.from_json(r["prior"]).customer if r["prior"] else None,
        )
        for r in await store.read(SHOW_ACCOUNTS, {"id": customer})
    ]
    orders = [dict(r) for r in await store.read(SHOW_ORDERS, {"id": customer})]
    return CustomerView(
        id=head["id"],
        name=head["name"],
        merged_into=head["merged_into"],
        merged_from=sorted(head["merged_from"] or ()),
        accounts=accounts,
        orders=orders,
    )


def _prior_customer(state: IdentityState, account: str) -> str | None:
    link = state.accounts[account].link if account in state.accounts else None
    prior = link.prior_link if link is not None else None
    return prior.customer if prior is not None else None
