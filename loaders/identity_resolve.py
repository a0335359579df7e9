"""The assignment of accounts to customers, in memory: the rules of :mod:`loaders.identity`.

:class:`Resolution` works on an :class:`~loaders.identity_graph.IdentityState`
read from the graph: it applies stated links, groups accounts that share keys or
customers, picks each group's customer and walks the group to explain every
link; :meth:`Resolution.finish` turns the result into
:class:`~loaders.identity_graph.Changes` to write.  No I/O here.
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import replace

from graph.model import IdentityLink
from loaders.identity_graph import Changes, IdentityState, Link
from loaders.pii import KEY_TYPES

__all__ = [
    "HUMAN_METHODS",
    "MERGE_METHOD",
    "METHOD_CONFIDENCE",
    "Resolution",
    "derived_customer_id",
    "in_history",
    "is_anchor",
    "merged_into_updates",
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
                in_history(account.link, record.customer) or account.link.method in HUMAN_METHODS
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


def in_history(link: Link, customer: str) -> bool:
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
