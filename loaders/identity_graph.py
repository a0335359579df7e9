"""Identity state in the graph: links, key index, vetoes; reading it and writing changes.

What identity resolution keeps in the graph:

- ``Account.identity_keys``: the account's key tokens (:mod:`loaders.pii`), sorted.
- ``(Customer)-[:HAS_ACCOUNT {method, evidence, confidence, at, key, prior}]->(Account)``:
  at most one per account.  ``key`` is the token that justified the link (absent for
  explicit and manual links); ``prior`` is the link this one replaced, as JSON (absent
  when the account had none), so a link can be reversed exactly.
- ``Customer.merged_into``: set on a customer whose accounts all moved to another one,
  cleared when one comes back.  Nothing is ever deleted but links.
- Bookkeeping nodes (label ``GraphMeta``, left out of statistics): ``idkey:<token>`` with
  ``accounts`` (every account holding the token; the indexed way to find holders on every
  engine) and ``idveto:<account>`` with ``customers`` (customers the account was unlinked
  from, which automatic resolution must not link it to again).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.cypher import Statement
from graph.store import GraphStore, Params

__all__ = [
    "AccountState",
    "IdentityState",
    "Link",
    "load_state",
]

# Bounds how far one batch's expansion may walk through the key graph.
_MAX_ROUNDS = 20

READ_KEY_INDEX = Statement(
    "identity.read_key_index",
    "UNWIND $ids AS kid MATCH (k:GraphMeta {id: kid}) RETURN k.id AS id, k.accounts AS accounts",
)
READ_ACCOUNTS = Statement(
    "identity.read_accounts",
    "UNWIND $ids AS aid MATCH (a:Account {id: aid}) "
    "OPTIONAL MATCH (c:Customer)-[h:HAS_ACCOUNT]->(a) "
    "RETURN a.id AS id, a.identity_keys AS keys, a.name AS name, c.id AS customer, "
    "h.method AS method, h.evidence AS evidence, h.confidence AS confidence, h.at AS at, "
    "h.key AS key, h.prior AS prior",
)
READ_ACCOUNT_KEYS = Statement(
    "identity.read_account_keys",
    "UNWIND $ids AS aid MATCH (a:Account {id: aid}) "
    "OPTIONAL MATCH (c:Customer)-[h:HAS_ACCOUNT]->(a) "
    "RETURN a.id AS id, a.identity_keys AS keys, c.id AS customer, h.prior AS prior",
)
READ_CUSTOMERS = Statement(
    "identity.read_customers",
    "UNWIND $ids AS cid MATCH (c:Customer {id: cid}) "
    "OPTIONAL MATCH (c)-[:HAS_ACCOUNT]->(a:Account) "
    "RETURN c.id AS id, c.merged_into AS merged_into, collect(a.id) AS accounts",
)
READ_VETOES = Statement(
    "identity.read_vetoes",
    "UNWIND $ids AS vid MATCH (v:GraphMeta {id: vid}) "
    "RETURN v.account AS account, v.customers AS customers",
)

WRITE_ACCOUNT_KEYS = Statement(
    "identity.write_account_keys",
    "UNWIND $rows AS row MERGE (a:Account {id: row.id}) "
    "ON CREATE SET a.platform = CASE WHEN row.id CONTAINS ':' THEN split(row.id, ':')[0] END "
    "SET a.identity_keys = row.keys",
)
WRITE_ACCOUNT_PII = Statement(
    "identity.write_account_pii",
    "UNWIND $rows AS row MATCH (a:Account {id: row.id}) "
    "SET a.emails = [e IN coalesce(a.emails, []) WHERE NOT e IN row.emails] + row.emails, "
    "a.phones = [p IN coalesce(a.phones, []) WHERE NOT p IN row.phones] + row.phones",
)
WRITE_KEY_INDEX = Statement(
    "identity.write_key_index",
    "UNWIND $rows AS row MERGE (k:GraphMeta {id: row.id}) "
    "SET k.kind = 'identity_key', k.accounts = row.accounts",
)
DELETE_LINKS = Statement(
    "identity.delete_links",
    "UNWIND $rows AS row "
    "MATCH (:Customer {id: row.customer})-[h:HAS_ACCOUNT]->(:Account {id: row.account}) "
    "DELETE h",
)
CREATE_LINKS = Statement(
    "identity.create_links",
    "UNWIND $rows AS row "
    "MERGE (c:Customer {id: row.customer}) ON CREATE SET c.name = row.name "
    "MERGE (a:Account {id: row.account}) "
    "ON CREATE SET a.platform = CASE WHEN row.account CONTAINS ':' "
    "THEN split(row.account, ':')[0] END "
    "MERGE (c)-[h:HAS_ACCOUNT]->(a) "
    "SET h.method = row.method, h.evidence = row.evidence, h.confidence = row.confidence, "
    "h.at = row.at, h.key = row.key, h.prior = row.prior",
)
SET_MERGED_INTO = Statement(
    "identity.set_merged_into",
    "UNWIND $rows AS row MATCH (c:Customer {id: row.id}) SET c.merged_into = row.into",
)
MERGED_CUSTOMERS = Statement(
    "identity.merged_customers",
    "MATCH (c:Customer) WHERE c.merged_into IS NOT NULL "
    "RETURN c.id AS id, c.merged_into AS merged_into",
)
DELETE_VIA_ORDERS = Statement(
    "identity.delete_via_orders",
    "UNWIND $ids AS cid MATCH (:Customer {id: cid})-[p:PLACED]->(:Order) "
    "WHERE p.via IS NOT NULL DELETE p",
)
ADD_VIA_ORDERS = Statement(
    "identity.add_via_orders",
    "UNWIND $rows AS row "
    "MATCH (:Customer {id: row.source})-[p:PLACED]->(o:Order) WHERE p.via IS NULL "
    "MATCH (t:Customer {id: row.target}) MERGE (t)-[:PLACED {via: row.source}]->(o)",
)
ADD_VIA_PLACED = Statement(
    "identity.add_via_placed",
    "UNWIND $rows AS row MATCH (t:Customer {id: row.target}) "
    "MERGE (o:Order {id: row.order}) MERGE (t)-[:PLACED {via: row.source}]->(o)",
)
WRITE_VETOES = Statement(
    "identity.write_vetoes",
    "UNWIND $rows AS row MERGE (v:GraphMeta {id: row.id}) "
    "SET v.kind = 'identity_veto', v.account = row.account, v.customers = row.customers",
)


def key_index_id(token: str) -> str:
    return f"idkey:{token}"


def veto_id(account: str) -> str:
    return f"idveto:{account}"


@dataclass(frozen=True, slots=True)
class Link:
    """One HAS_ACCOUNT: which customer, how it was decided, and what it replaced."""

    customer: str
    method: str
    evidence: str
    confidence: float
    at: int
    key: str | None = None
    prior: str | None = None  # the replaced Link as JSON (see to_json)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Link:
        data = json.loads(text)
        return cls(**data)

    @property
    def prior_link(self) -> Link | None:
        return Link.from_json(self.prior) if self.prior else None

    def row(self, account: str, name: str | None = None) -> dict[str, Any]:
        return {"account": account, "name": name, **asdict(self)}


@dataclass(slots=True)
class AccountState:
    id: str
    keys: set[str] = field(default_factory=set)
    link: Link | None = None
    name: str | None = None
    stored_keys: frozenset[str] = frozenset()  # as read from the graph


@dataclass(slots=True)
class IdentityState:
    """The part of the identity graph one operation looks at (and then changes)."""

    accounts: dict[str, AccountState] = field(default_factory=dict)
    # Customer id -> its accounts and merged_into, as read.
    members: dict[str, set[str]] = field(default_factory=dict)
    merged_into: dict[str, str | None] = field(default_factory=dict)
    key_index: dict[str, set[str]] = field(default_factory=dict)  # token -> holders
    vetoes: dict[str, set[str]] = field(default_factory=dict)  # account -> customers

    def account(self, account_id: str) -> AccountState:
        state = self.accounts.get(account_id)
        if state is None:
            state = self.accounts[account_id] = AccountState(account_id)
        return state

    def vetoed(self, account_id: str, customer: str) -> bool:
        return customer in self.vetoes.get(account_id, ())


async def load_state(
    store: GraphStore, account_ids: Iterable[str], tokens: Iterable[str]
) -> IdentityState:
    """Read the accounts, the holders of ``tokens``, and everything connected to them
    through shared keys or shared customers (to a fixpoint), plus their vetoes."""
    state = IdentityState()
    pending_accounts = set(account_ids)
    pending_tokens = set(tokens)
    seen_tokens: set[str] = set()
    pending_customers: set[str] = set()
    for _ in range(_MAX_ROUNDS):
        pending_tokens -= seen_tokens
        if pending_tokens:
            seen_tokens |= pending_tokens
            for row in await store.read(
                READ_KEY_INDEX, {"ids": sorted(key_index_id(t) for t in pending_tokens)}
            ):
                holders = set(row["accounts"] or ())
                state.key_index[row["id"].removeprefix("idkey:")] = holders
                pending_accounts |= holders
            pending_tokens = set()
        pending_accounts -= state.accounts.keys()
        if pending_accounts:
            for row in await store.read(READ_ACCOUNTS, {"ids": sorted(pending_accounts)}):
                _read_account(state, row, pending_customers)
            for account_id in pending_accounts:  # not in the graph yet
                state.account(account_id)
            for account in (state.accounts[a] for a in pending_accounts):
                pending_tokens |= account.stored_keys
            pending_accounts = set()
        pending_customers -= state.members.keys()
        if pending_customers:
            for row in await store.read(READ_CUSTOMERS, {"ids": sorted(pending_customers)}):
                state.members[row["id"]] = set(row["accounts"] or ())
                state.merged_into[row["id"]] = row["merged_into"]
                pending_accounts |= state.members[row["id"]]
            pending_customers = set()
        if not (pending_tokens - seen_tokens or pending_accounts - state.accounts.keys()):
            break
    for row in await store.read(READ_VETOES, {"ids": sorted(veto_id(a) for a in state.accounts)}):
        state.vetoes[row["account"]] = set(row["customers"] or ())
    return state


async def read_account_keys(
    store: GraphStore, account_ids: Iterable[str]
) -> dict[str, tuple[frozenset[str], list[str]]]:
    """Just the named accounts: their keys, and the customers of their link and of the
    links it replaced (newest first)."""
    found: dict[str, tuple[frozenset[str], list[str]]] = {}
    for row in await store.read(READ_ACCOUNT_KEYS, {"ids": sorted(set(account_ids))}):
        history: list[str] = []
        if row["customer"] is not None:
            history.append(row["customer"])
            prior = Link.from_json(row["prior"]) if row["prior"] else None
            while prior is not None:
                history.append(prior.customer)
                prior = prior.prior_link
        found[row["id"]] = (frozenset(row["keys"] or ()), history)
    return found


async def read_customers(store: GraphStore, state: IdentityState, ids: Iterable[str]) -> None:
    """Add customers (their members and merged_into) to ``state``."""
    wanted = sorted(set(ids) - state.members.keys())
    if wanted:
        for row in await store.read(READ_CUSTOMERS, {"ids": wanted}):
            state.members[row["id"]] = set(row["accounts"] or ())
            state.merged_into[row["id"]] = row["merged_into"]


def _read_account(state: IdentityState, row: dict[str, Any], customers: set[str]) -> None:
    account = state.account(row["id"])
    keys = frozenset(row["keys"] or ())
    account.stored_keys = keys
    account.keys |= keys
    account.name = row["name"]
    if row["customer"] is None:
        return
    link = Link(
        customer=row["customer"],
        method=row["method"] or "explicit",
        evidence=row["evidence"] or "",
        confidence=float(row["confidence"] if row["confidence"] is not None else 1.0),
        at=int(row["at"] or 0),
        key=row["key"],
        prior=row["prior"],
    )
    # Two links on one account can only come from outside this module; keep the
    # smallest customer id so every run agrees.
    if account.link is None or link.customer < account.link.customer:
        account.link = link
    customers.add(link.customer)


@dataclass(slots=True)
class Changes:
    """What an identity operation writes, as rows for the statements above."""

    account_keys: dict[str, list[str]] = field(default_factory=dict)
    account_pii: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    key_index: dict[str, list[str]] = field(default_factory=dict)
    deleted: list[dict[str, str]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    merged_into: dict[str, str | None] = field(default_factory=dict)
    vetoes: dict[str, list[str]] = field(default_factory=dict)
    # Customers whose derived PLACED {via} edges are rebuilt, and the rows rebuilding them.
    order_views: list[str] = field(default_factory=list)
    via_orders: list[dict[str, str]] = field(default_factory=list)
    via_placed: list[dict[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(
            (
                self.account_keys,
                self.account_pii,
                self.key_index,
                self.deleted,
                self.created,
                self.merged_into,
                self.vetoes,
                self.order_views,
                self.via_placed,
            )
        )

    def statements(self) -> list[tuple[Statement, Params]]:
        """The write statements, in an order where each finds what it needs."""
        batch: list[tuple[Statement, Params]] = []

        def add(statement: Statement, rows: Sequence[Any]) -> None:
            if rows:
                batch.append((statement, {"rows": list(rows)}))

        add(WRITE_ACCOUNT_KEYS, [{"id": a, "keys": k} for a, k in self.account_keys.items()])
        add(WRITE_ACCOUNT_PII, [{"id": a, **v} for a, v in self.account_pii.items()])
        add(
            WRITE_KEY_INDEX,
            [{"id": key_index_id(t), "accounts": a} for t, a in self.key_index.items()],
        )
        add(DELETE_LINKS, self.deleted)
        add(CREATE_LINKS, self.created)
        add(SET_MERGED_INTO, [{"id": c, "into": i} for c, i in self.merged_into.items()])
        if self.order_views:
            batch.append((DELETE_VIA_ORDERS, {"ids": self.order_views}))
        add(ADD_VIA_ORDERS, self.via_orders)
        add(ADD_VIA_PLACED, self.via_placed)
        add(
            WRITE_VETOES,
            [{"id": veto_id(a), "account": a, "customers": c} for a, c in self.vetoes.items()],
        )
        return batch


async def merged_customers(store: GraphStore) -> dict[str, str]:
    """Every customer with ``merged_into``, mapped to it."""
    return {r["id"]: r["merged_into"] for r in await store.read(MERGED_CUSTOMERS)}


def merge_end(merged: dict[str, str], customer: str) -> str:
    """Where ``customer``'s accounts are now: the end of its ``merged_into`` chain."""
    seen = {customer}
    while customer in merged and merged[customer] not in seen:
        customer = merged[customer]
        seen.add(customer)
    return customer


async def plan_order_views(
    store: GraphStore,
    old: dict[str, str | None],
    updates: dict[str, str | None],
    changes: Changes,
) -> None:
    """Rebuild the PLACED ``{via}`` edges of every customer a ``merged_into`` change
    touches (``old``: values before, ``updates``: new values; None clears)."""
    if not updates:
        return
    merged = await merged_customers(store)
    for customer, into in updates.items():
        if into is None:
            merged.pop(customer, None)
        else:
            merged[customer] = into
    affected: set[str] = set()
    for customer, into in updates.items():
        affected.add(customer)
        for other in (old.get(customer), into):
            if other is not None:
                affected.add(merge_end(merged, other))
    changes.order_views = sorted(affected)
    changes.via_orders = [
        {"target": end, "source": source}
        for source in sorted(merged)
        if (end := merge_end(merged, source)) in affected and end != source
    ]
