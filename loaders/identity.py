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
or reload changes nothing):

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

import hashlib
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from graph.cypher import Statement
from graph.model import Account, AccountLink, Customer, IdentityLink, Placed, Record
from graph.store import GraphStore, Params
from loaders.base import Reject
from loaders.identity_graph import (
    Changes,
    IdentityState,
    Link,
    load_state,
    merge_end,
    merged_customers,
    plan_order_views,
    read_account_keys,
)
from loaders.pii import KEY_TYPES, BadKey, IdentityHasher, store_pii

__all__ = [
    "METHOD_CONFIDENCE",
    "IdentityPlan",
    "IdentityResolver",
    "derived_customer_id",
    "resolve_identities",
]

METHOD_CONFIDENCE: dict[str, float] = {
    "unionid": 0.99,
    "external": 0.98,
    "email": 0.95,
    "phone": 0.9,
}
"""How sure one shared key of each type makes a link (multiplied along a chain)."""

MERGE_METHOD = "merge"  # came along with an account of the same customer


def derived_customer_id(token: str) -> str:
    """The id of a customer created for a group of accounts, from its smallest key token."""
    return "customer:" + hashlib.sha256(token.encode()).hexdigest()[:24]


HUMAN_METHODS = frozenset({"manual", "suggestion"})
"""Links a person made (``scrm identity link`` / ``accept``): nothing automatic moves them."""


def is_anchor(link: Link) -> bool:
    """Whether a link was stated (by the data or by a person) rather than inferred from a key."""
    return _stated(link.method)


def _stated(method: str) -> bool:
    return method not in KEY_TYPES and method != MERGE_METHOD


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
            await store.write_batch(statements)
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


class Resolution:
    """Assigns the accounts of an :class:`IdentityState` to customers (pure, in memory):
    :meth:`move` one account, :meth:`resolve_all` groups, :meth:`finish` into changes."""

    def __init__(self, state: IdentityState, now: int) -> None:
        self.state = state
        self.now = now
        self.original = {a: s.link for a, s in state.accounts.items()}
        self.before = {c: set(m) for c, m in state.members.items()}
        self.holders: dict[str, list[str]] = {}

    def add_keys(self, keys: dict[str, set[str]], changes: Changes) -> None:
        state = self.state
        for account_id, tokens in keys.items():
            account = state.account(account_id)
            account.keys |= tokens
            if account.keys != account.stored_keys:
                changes.account_keys[account_id] = sorted(account.keys)
            for token in tokens:
                holders = state.key_index.setdefault(token, set())
                if account_id not in holders:
                    holders.add(account_id)
                    changes.key_index[token] = sorted(holders)

    def apply_explicit(self, links: Sequence[IdentityLink]) -> int:
        refused = 0
        for record in links:
            account = self.state.account(record.account)
            if self.state.vetoed(record.account, record.customer):
                refused += 1
                continue
            if account.link is not None and (
                _in_history(account.link, record.customer) or account.link.method in HUMAN_METHODS
            ):
                # Unchanged; applied before and since merged on (the link it was is kept
                # as ``prior``); or a person decided otherwise, which stands.
                continue
            self.move(
                record.account,
                Link(
                    customer=record.customer,
                    method=record.method,
                    evidence=record.evidence,
                    confidence=record.confidence,
                    at=record.at if record.at is not None else self.now,
                ),
            )
        return refused

    def move(self, account_id: str, link: Link) -> None:
        """Link ``account_id`` as ``link`` says, keeping its current link as ``prior``."""
        account = self.state.account(account_id)
        old = account.link
        if old is not None:
            self.state.members.get(old.customer, set()).discard(account_id)
            link = replace(link, prior=old.to_json())
        self.state.members.setdefault(link.customer, set()).add(account_id)
        account.link = link

    def resolve_all(self) -> None:
        """Give every group of connected accounts its customer (see the module docstring)."""
        for component in self._components():
            self._resolve_component(component)

    def finish(self, changes: Changes) -> list[tuple[str, Link]]:
        """Record link and merged_into changes in ``changes``; return the new links."""
        state = self.state
        linked: list[tuple[str, Link]] = []
        for account_id in sorted(state.accounts):
            account = state.accounts[account_id]
            old, new = self.original.get(account_id), account.link
            if old == new or new is None:
                continue
            if old is not None:
                changes.deleted.append({"customer": old.customer, "account": account_id})
            linked.append((account_id, new))
        # A customer this creates is named after its first named account (every row of one
        # customer carries the same name, so the engine's row order does not matter).
        names: dict[str, str] = {}
        for account_id, link in linked:
            name = state.accounts[account_id].name
            if name and link.customer not in names:
                names[link.customer] = name
        changes.created.extend(
            link.row(account_id, names.get(link.customer)) for account_id, link in linked
        )
        changes.merged_into.update(merged_into_updates(state, self.before))
        return linked

    # --- internals ---------------------------------------------------------------

    def _holders(self) -> dict[str, list[str]]:
        holders: dict[str, list[str]] = {}
        for account in self.state.accounts.values():
            for token in account.keys:
                holders.setdefault(token, []).append(account.id)
        for accounts in holders.values():
            accounts.sort()
        return holders

    def _components(self) -> list[list[str]]:
        parent: dict[str, str] = {a: a for a in self.state.accounts}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(group: Iterable[str]) -> None:
            members = [m for m in group if m in parent]
            for other in members[1:]:
                a, b = find(members[0]), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)

        self.holders = self._holders()
        for group in self.holders.values():
            union(group)
        for members in self.state.members.values():
            union(sorted(members))
        components: dict[str, list[str]] = {}
        for account_id in sorted(parent):
            components.setdefault(find(account_id), []).append(account_id)
        return list(components.values())

    def _resolve_component(self, members: list[str]) -> None:
        state = self.state
        remaining = set(members)
        start = {a: _customer_of(state, a) for a in members}
        used: set[str] = set()
        while remaining:
            current = {c for a in remaining if (c := _customer_of(state, a)) is not None} - used
            if current:
                target = min(
                    current,
                    key=lambda c: (self._rank(c), -len(self.state.members.get(c, ())), c),
                )
                roots = sorted(a for a in remaining if _customer_of(state, a) == target)
            else:
                picked = self._derived_root(remaining)
                if picked is None:
                    return
                target, root, token = picked
                kind = token.split(":", 1)[0]
                self.move(
                    root,
                    Link(
                        customer=target,
                        method=kind,
                        evidence=f"{kind} key {_short(token)} of this account "
                        "(customer created from it)",
                        confidence=1.0,
                        at=self.now,
                        key=token,
                    ),
                )
                roots = [root]
            used.add(target)
            remaining -= set(roots)
            remaining -= self._walk(target, roots, remaining, start)

    def _walk(
        self, target: str, roots: list[str], remaining: set[str], start: dict[str, str | None]
    ) -> set[str]:
        """Link every account reachable from ``roots`` through shared keys (or a shared
        earlier customer) to ``target``; return the accounts linked."""
        state = self.state
        reached: set[str] = set()
        queue = deque(roots)
        confidence = {r: _link_confidence(state, r) for r in roots}
        while queue:
            x = queue.popleft()
            for y, method, token, via in self._neighbours(x, start):
                if y not in remaining or y in reached or not self._movable(y, target):
                    continue
                if method == MERGE_METHOD:
                    step = _link_confidence(state, y)
                    evidence = f"same customer {via} as {x} before the merge"
                else:
                    step = METHOD_CONFIDENCE[method]
                    evidence = f"{method} key {_short(token)} shared with {x}"
                confidence[y] = round(confidence[x] * step, 4)
                reached.add(y)
                queue.append(y)
                if _customer_of(state, y) == target:
                    continue
                self.move(
                    y,
                    Link(
                        customer=target,
                        method=method,
                        evidence=evidence,
                        confidence=confidence[y],
                        at=self.now,
                        key=token,
                    ),
                )
        return reached

    def _neighbours(
        self, x: str, start: dict[str, str | None]
    ) -> list[tuple[str, str, str | None, str | None]]:
        found: list[tuple[str, str, str | None, str | None]] = []
        for token in sorted(self.state.accounts[x].keys):
            kind = token.split(":", 1)[0]
            found.extend((y, kind, token, None) for y in self.holders.get(token, ()) if y != x)
        earlier = start.get(x)
        if earlier is not None:
            found.extend(
                (y, MERGE_METHOD, None, earlier)
                for y in sorted(self.before.get(earlier, ()))
                if y != x
            )
        return found

    def _rank(self, customer: str) -> int:
        """0: holds a link a person made; 1: a link the data states; 2: inferred only."""
        methods = {
            link.method
            for a in self.state.members.get(customer, ())
            if a in self.state.accounts and (link := self.state.accounts[a].link) is not None
        }
        if methods & HUMAN_METHODS:
            return 0
        return 1 if any(_stated(m) for m in methods) else 2

    def _movable(self, account_id: str, target: str) -> bool:
        """Whether the walk may link ``account_id`` to ``target`` (and walk on through it)."""
        if self.state.vetoed(account_id, target):
            return False
        link = self.state.accounts[account_id].link
        return link is None or link.customer == target or link.method not in HUMAN_METHODS

    def _derived_root(self, remaining: set[str]) -> tuple[str, str, str] | None:
        # An account unlinked by hand is never made the first account of a new customer:
        # unlinking leaves it without one until new evidence or a person links it.
        free = [a for a in remaining if not self.state.vetoes.get(a)]
        tokens = sorted((t, a) for a in free for t in self.state.accounts[a].keys)
        if not tokens:
            return None
        token, holder = tokens[0]
        return derived_customer_id(token), holder, token


def merged_into_updates(state: IdentityState, before: dict[str, set[str]]) -> dict[str, str | None]:
    """``merged_into`` for customers emptied since ``before``, cleared for refilled ones."""
    updates: dict[str, str | None] = {}
    for customer, members in before.items():
        now_members = state.members.get(customer, set())
        if members and not now_members:
            receivers = Counter(
                link.customer
                for a in members
                if a in state.accounts and (link := state.accounts[a].link) is not None
            )
            if receivers:
                top = max(receivers.values())
                into = min(c for c, n in receivers.items() if n == top)
                if state.merged_into.get(customer) != into:
                    updates[customer] = into
    for customer, merged in state.merged_into.items():
        if merged is not None and state.members.get(customer):
            updates[customer] = None
    return updates


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


def _in_history(link: Link, customer: str) -> bool:
    """Whether ``link`` or a link it replaced (its ``prior`` chain) is to ``customer``."""
    current: Link | None = link
    while current is not None:
        if current.customer == customer:
            return True
        current = current.prior_link
    return False


def _customer_of(state: IdentityState, account_id: str) -> str | None:
    link = state.accounts[account_id].link
    return link.customer if link is not None else None


def _link_confidence(state: IdentityState, account_id: str) -> float:
    link = state.accounts[account_id].link
    return link.confidence if link is not None else 1.0


def _short(token: str | None) -> str:
    return (token or "").split(":", 1)[-1][:12]


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
