"""Identity resolution: accounts that share a strong key become one Customer, explained.

Connectors emit ``AccountLink(account, key_type, key)`` with raw values
(WeChat ``unionid``, ``email``, ``phone``, ``external`` ids) and
``IdentityLink(customer, account, ...)`` where the data itself names a customer
(a shop's customer record, a CRM export).  The load pipeline hands every batch
to :func:`resolve_identities` before the writer: keys are normalised and
hashed with a secret (:mod:`loaders.pii`), stored on the accounts, and every
account connected to the batch through shared keys or shared customers is
(re)assigned so that accounts sharing a key belong to one Customer.

How a group of connected accounts gets its customer (deterministic, so a rerun
or reload changes nothing; the code is :mod:`loaders.identity_resolve`):

1. Links the data states (``IdentityLink``) are applied first: the account
   moves to that customer unless it is there already or was and has been
   merged on since (its links' ``prior`` chain says so), or a person unlinked
   it from there or linked it elsewhere (a person's decision stands).
2. Among the customers the group's accounts already have, the target is the
   one holding a link a person made, then one holding a link the data states
   (a shop's or a CRM's customer record), then the one with most accounts,
   then the smallest id.  With none, a new customer ``customer:<hash>`` is
   named after the group's smallest key token and its holder is the first
   account.
3. From the target's accounts, a breadth-first walk over shared keys links
   every other account of the group to the target; each link records the key
   type as ``method``, which key and which account it matched as
   ``evidence`` (never the raw value), a ``confidence`` (the product along the
   walk) and what it replaced (``prior``).  The walk never moves an account a
   person linked elsewhere, nor one a person unlinked from the target; those,
   and what hangs on them, are resolved again among the remaining customers.
4. A customer left without accounts is kept, with ``merged_into`` naming where
   they went; its orders stay PLACED by it and the customer it was merged into
   gets a PLACED ``{via: <that customer>}`` to each of them, so one customer
   shows every order.  Nothing but HAS_ACCOUNT links and those ``via`` edges is
   ever deleted, and every moved link remembers the one it replaced, so
   ``scrm identity unlink`` restores the earlier state exactly
   (:mod:`loaders.identity_ops`).  Readers that list customers skip the ones
   with ``merged_into`` (they have no accounts and their orders show twice).

Shop customers (the rule for order connectors): emit ``Customer(id=
"shopify:customer:<id>")``, an ``Account`` with the same id (platform
``shopify``), ``IdentityLink(customer=<that id>, account=<that id>,
method="source", evidence="shopify customer record")``, the customer's
e-mail/phone as ``AccountLink`` on that account, and ``Placed(customer=<that
id>, order=...)``.  Social accounts sharing its e-mail or phone then end up
under one Customer with the shop account and its orders.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.cypher import Statement
from graph.model import Account, AccountLink, Customer, IdentityLink, Placed, Record
from graph.store import GraphStore, Params
from graph.version import BUMP_VERSION
from loaders.base import Reject
from loaders.identity_graph import (
    Changes,
    Link,
    load_state,
    merge_end,
    merged_customers,
    plan_order_views,
    read_account_keys,
)
from loaders.identity_resolve import (
    METHOD_CONFIDENCE,
    Resolution,
    derived_customer_id,
)
from loaders.pii import BadKey, IdentityHasher, store_pii

__all__ = [
    "METHOD_CONFIDENCE",
    "IdentityPlan",
    "IdentityResolver",
    "derived_customer_id",
    "resolve_identities",
]


@dataclass(slots=True)
class IdentityPlan:
    """A batch after identity resolution: what the writer stores, what was set aside,
    and the identity changes (commit :meth:`statements` with the batch, or alone)."""

    records: list[Record] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    linked: list[tuple[str, Link]] = field(default_factory=list)  # (account, new link)
    vetoed_links: int = 0  # IdentityLink records refused because of an earlier unlink

    def statements(self) -> list[tuple[Statement, Params]]:
        """The identity writes (without a graph-version bump: commit them with the batch
        that bumps it, or add one)."""
        return self.changes.statements()


class IdentityResolver:
    """Resolves identities batch by batch.  One resolver may serve a whole load; batches
    must be planned and committed one after the other (each plan reads the graph)."""

    def __init__(
        self,
        hasher: IdentityHasher,
        *,
        keep_pii: bool = False,
        clock: Callable[[], int] | None = None,
    ) -> None:
        self.hasher = hasher
        self.keep_pii = keep_pii
        self._clock = clock or (lambda: int(time.time() * 1000))
        # Rows :meth:`resolve` wrote so far, for a load summary ({"HAS_ACCOUNT": n}).
        self.written: Counter[str] = Counter()

    @classmethod
    def from_env(cls) -> IdentityResolver:
        """Configured by ``SCRM_IDENTITY_KEY`` / ``SCRM_DATA_DIR`` / ``SCRM_STORE_PII``."""
        return cls(IdentityHasher.from_env(), keep_pii=store_pii())

    async def plan(
        self, store: GraphStore, records: Iterable[Record], *, source: str = "identity"
    ) -> IdentityPlan:
        """Work out what ``records`` change in the identity graph (reads, never writes)."""
        plan = IdentityPlan()
        keys: dict[str, dict[str, tuple[str, str]]] = {}  # account -> token -> (type, value)
        explicit: list[IdentityLink] = []
        names: dict[str, str] = {}
        placed: list[Placed] = []
        for record in records:
            if isinstance(record, AccountLink):
                try:
                    value = self.hasher.normalise(record.key_type, record.key)
                except BadKey as exc:
                    plan.rejects.append(_reject_key(record, str(exc), source))
                    continue
                token = self.hasher.token_of_normalised(record.key_type, value)
                keys.setdefault(record.account, {})[token] = (record.key_type, value)
            elif isinstance(record, IdentityLink):
                explicit.append(record)
            elif isinstance(record, Customer) and (record.email or record.phone):
                try:
                    plan.records.append(self._sanitise_customer(record))
                except BadKey as exc:
                    plan.rejects.append(_reject_customer(record, str(exc), source))
            else:
                if isinstance(record, Account) and record.name:
                    names[record.id] = record.name
                elif isinstance(record, Placed):
                    placed.append(record)
                plan.records.append(record)
        # With SCRM_STORE_PII a reload may add raw values a keyless earlier load left out.
        if (keys or explicit) and (
            self.keep_pii or not await _known_already(store, keys, explicit)
        ):
            tokens = {t for account_keys in keys.values() for t in account_keys}
            state = await load_state(store, {*keys, *(e.account for e in explicit)}, tokens)
            for account_id, name in names.items():
                if account_id in state.accounts:
                    state.accounts[account_id].name = name
            resolution = Resolution(state, self._clock())
            resolution.add_keys({a: set(k) for a, k in keys.items()}, plan.changes)
            if self.keep_pii:
                _collect_pii(keys, plan.changes)
            plan.vetoed_links = resolution.apply_explicit(explicit)
            resolution.resolve_all()
            plan.linked = resolution.finish(plan.changes)
            await plan_order_views(store, state.merged_into, plan.changes.merged_into, plan.changes)
        if placed:
            await _plan_via_placed(store, placed, plan.changes)
        return plan

    async def resolve(
        self, store: GraphStore, records: Iterable[Record], *, source: str = "identity"
    ) -> list[Record | Reject]:
        """Plan and commit the identity changes of ``records`` now; return what is left
        for the writer, plus a :class:`Reject` for each bad key."""
        plan = await self.plan(store, records, source=source)
        statements = plan.statements()
        if statements:
            # Links changed: customer-level analyses cached per graph version must see it.
            await store.write_batch([*statements, (BUMP_VERSION, {})])
            self.written["HAS_ACCOUNT"] += len(plan.linked)
        return [*plan.records, *plan.rejects]

    def _sanitise_customer(self, record: Customer) -> Customer:
        update: dict[str, str | None] = {}
        for kind in ("email", "phone"):
            raw = getattr(record, kind)
            if raw is None:
                continue
            value = self.hasher.normalise(kind, raw)
            update[f"{kind}_hash"] = self.hasher.token_of_normalised(kind, value)
            update[kind] = value if self.keep_pii else None
        return record.model_copy(update=update)


async def resolve_identities(
    store: GraphStore,
    records: Sequence[Record],
    *,
    resolver: IdentityResolver | None = None,
    source: str = "identity",
) -> list[Record | Reject]:
    """The load pipeline's identity step: resolve ``records`` and commit the identity
    changes; return the records for the writer (``AccountLink`` and ``IdentityLink``
    consumed, customers' e-mail/phone hashed) and a :class:`Reject` per bad key."""
    resolver = resolver or IdentityResolver.from_env()
    return await resolver.resolve(store, records, source=source)


async def _known_already(
    store: GraphStore,
    keys: dict[str, dict[str, tuple[str, str]]],
    explicit: Sequence[IdentityLink],
) -> bool:
    """Whether the graph holds every key and stated link of the batch already (a reload):
    then resolution has nothing to do, since every change to the identity graph leaves
    it resolved."""
    known = await read_account_keys(store, {*keys, *(e.account for e in explicit)})
    for account_id, tokens in keys.items():
        if account_id not in known or not known[account_id][0].issuperset(tokens):
            return False
    return all(
        record.account in known and record.customer in known[record.account][1]
        for record in explicit
    )


async def _plan_via_placed(store: GraphStore, placed: Sequence[Placed], changes: Changes) -> None:
    """Orders placed by a customer that was merged into another show under that one too."""
    merged = await merged_customers(store)
    for customer, into in changes.merged_into.items():
        if into is None:
            merged.pop(customer, None)
        else:
            merged[customer] = into
    for record in placed:
        end = merge_end(merged, record.customer)
        if end != record.customer:
            changes.via_placed.append(
                {"target": end, "source": record.customer, "order": record.order}
            )


def _collect_pii(keys: dict[str, dict[str, tuple[str, str]]], changes: Changes) -> None:
    for account_id, account_keys in keys.items():
        values = sorted(account_keys.values())
        changes.account_pii[account_id] = {
            "emails": [v for kind, v in values if kind == "email"],
            "phones": [v for kind, v in values if kind == "phone"],
        }


def _reject_key(record: AccountLink, reason: str, source: str) -> Reject:
    raw = record.model_dump()
    raw["key"] = "<redacted>"  # the raw value stays out of rejects files too
    return Reject(source, f"account {record.account}", f"identity key: {reason}", raw)


def _reject_customer(record: Customer, reason: str, source: str) -> Reject:
    raw: dict[str, Any] = record.model_dump()
    for kind in ("email", "phone"):
        if raw[kind] is not None:
            raw[kind] = "<redacted>"
    return Reject(source, f"customer {record.id}", f"identity key: {reason}", raw)
