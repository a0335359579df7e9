"""Weak identity matches: accounts that may be one person, scored, applied only when accepted.

Signals (each a probability-like strength; a pair's confidence is their noisy-or,
``1 - Π(1 - s)``, so more independent signals mean more confidence but never 1):

- ``same handle`` (0.6): the normalised handles (NFKC, case-folded, no ``@``,
  ``.``, ``_``, ``-``, spaces) are equal and at least 3 characters long;
- ``similar handles`` (0.45): the handles differ only in trailing digits
  (``wong_maya50`` / ``wong_maya508``), with at least 5 characters before them;
- ``handle matches name`` (0.4): one account's handle is the other's normalised name;
- ``similar names`` (up to 0.5): name similarity, CJK-aware - Chinese, Japanese and
  Korean names are compared as character sequences (no word boundaries: 李雷 / 李雷雷),
  other names as word sets and as letter sequences (Lei Li / Li Lei);
- ``shared group`` (0.15 each, at most two): the two people (an account's customer,
  or the account alone) are members of the same community;
- ``shared key`` (0.9): the accounts hold the same strong key but people linked
  them to different customers.

Pairs come from blocking on exact handle/name keys, so two accounts only meet when
they share one; a block bigger than :data:`MAX_BLOCK` is a common name, not evidence,
and is skipped.  Pairs on one platform need a shared group or a shared key.  Pairs
already in one customer, or that a person unlinked, are never suggested.
"""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from graph.cypher import Statement
from graph.store import GraphStore
from loaders.scripts import is_cjk

__all__ = [
    "MAX_BLOCK",
    "Suggestion",
    "name_key",
    "name_similarity",
    "score_pair",
    "suggest",
]

MAX_BLOCK = 50

SUGGEST_ACCOUNTS = Statement(
    "identity.suggest_accounts",
    "MATCH (a:Account) OPTIONAL MATCH (c:Customer)-[:HAS_ACCOUNT]->(a) "
    "RETURN a.id AS id, a.platform AS platform, a.handle AS handle, a.name AS name, "
    "a.identity_keys AS keys, c.id AS customer",
)
SUGGEST_MEMBERSHIPS = Statement(
    "identity.suggest_memberships",
    "MATCH (a:Account)-[:MEMBER_OF]->(g:Community) RETURN a.id AS account, g.id AS community",
)
SUGGEST_VETOES = Statement(
    "identity.suggest_vetoes",
    "MATCH (v:GraphMeta) WHERE v.kind = 'identity_veto' "
    "RETURN v.account AS account, v.customers AS customers",
)
SAVE_SUGGESTIONS = Statement(
    "identity.save_suggestions",
    "UNWIND $rows AS row MERGE (s:GraphMeta {id: row.id}) "
    "SET s.kind = 'identity_suggestion', s.accounts = row.accounts, "
    "s.confidence = row.confidence, s.reasons = row.reasons",
)
READ_SUGGESTION = Statement(
    "identity.read_suggestion",
    "MATCH (s:GraphMeta {id: $id}) WHERE s.kind = 'identity_suggestion' "
    "RETURN s.accounts AS accounts, s.confidence AS confidence, s.reasons AS reasons",
)

_STRENGTH = {
    "same handle": 0.6,
    "similar handles": 0.45,
    "handle matches name": 0.4,
    "similar names": 0.5,
    "shared group": 0.15,
    "shared key": 0.9,
}
_HANDLE_DROP = frozenset("@._- ")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two accounts that may be one person; ``id`` is stable for the pair."""

    id: str
    accounts: tuple[str, str]
    confidence: float
    reasons: list[str] = field(default_factory=list)
    customers: tuple[str | None, str | None] = (None, None)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["accounts"] = list(self.accounts)
        data["customers"] = list(self.customers)
        return data


@dataclass(slots=True)
class _Account:
    id: str
    platform: str
    handle: str
    name: str
    customer: str | None
    keys: frozenset[str]


def suggestion_id(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return "sg-" + hashlib.sha256(f"{first}\x1f{second}".encode()).hexdigest()[:10]


def handle_key(handle: str | None) -> str:
    """A handle without case, ``@`` and separators."""
    text = unicodedata.normalize("NFKC", handle or "").casefold()
    return "".join(ch for ch in text if ch not in _HANDLE_DROP)


def handle_stem(handle: str) -> str:
    """A normalised handle without trailing digits, if at least 5 characters remain."""
    stem = handle.rstrip("0123456789")
    return stem if len(stem) >= 5 else ""


def name_key(name: str | None) -> str:
    """A name's letters and digits only (NFKC, case-folded): no spaces, punctuation, emoji."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def name_similarity(a: str | None, b: str | None) -> float:
    """Similarity of two display names in [0, 1], CJK-aware (see the module docstring)."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    ratio = SequenceMatcher(None, ka, kb, autojunk=False).ratio()
    if is_cjk(ka) or is_cjk(kb):
        return ratio
    ta, tb = _words(a or ""), _words(b or "")
    jaccard = len(ta & tb) / len(ta | tb) if ta and tb else 0.0
    return max(ratio, jaccard)


def score_pair(reasons: Iterable[tuple[str, float]]) -> float:
    """Noisy-or of signal strengths: ``1 - Π(1 - s)``."""
    remaining = 1.0
    for _, strength in reasons:
        remaining *= 1.0 - strength
    return round(1.0 - remaining, 4)


async def suggest(
    store: GraphStore,
    *,
    min_confidence: float = 0.5,
    limit: int = 50,
    save: bool = True,
) -> list[Suggestion]:
    """Score weak matches across the graph, best first; ``save`` stores them so
    ``scrm identity accept ID`` can apply one later."""
    accounts = {
        row["id"]: _Account(
            id=row["id"],
            platform=row["platform"] or "",
            handle=row["handle"] or "",
            name=row["name"] or "",
            customer=row["customer"],
            keys=frozenset(row["keys"] or ()),
        )
        for row in await store.read(SUGGEST_ACCOUNTS)
    }
    groups: dict[str, set[str]] = defaultdict(set)  # person -> communities
    for row in await store.read(SUGGEST_MEMBERSHIPS):
        account = accounts.get(row["account"])
        if account is not None:
            groups[account.customer or account.id].add(row["community"])
    vetoes = {
        row["account"]: set(row["customers"] or ()) for row in await store.read(SUGGEST_VETOES)
    }
    found: list[Suggestion] = []
    for a, b in sorted(_candidate_pairs(accounts.values())):
        first, second = accounts[a], accounts[b]
        if _kept_apart(first, second, vetoes):
            continue
        reasons = _reasons(first, second, groups)
        if not reasons:
            continue
        confidence = score_pair(reasons)
        if confidence < min_confidence:
            continue
        found.append(
            Suggestion(
                id=suggestion_id(a, b),
                accounts=(a, b),
                confidence=confidence,
                reasons=[text for text, _ in reasons],
                customers=(first.customer, second.customer),
            )
        )
    found.sort(key=lambda s: (-s.confidence, s.id))
    found = found[:limit]
    if save and found:
        rows = [
            {
                "id": f"idsuggest:{s.id}",
                "accounts": list(s.accounts),
                "confidence": s.confidence,
                "reasons": s.reasons,
            }
            for s in found
        ]
        await store.write(SAVE_SUGGESTIONS, {"rows": rows})
    return found


async def read_suggestion(store: GraphStore, suggestion: str) -> Suggestion | None:
    """A suggestion saved by :func:`suggest`, or None."""
    rows = await store.read(READ_SUGGESTION, {"id": f"idsuggest:{suggestion}"})
    if not rows:
        return None
    a, b = rows[0]["accounts"]
    return Suggestion(
        id=suggestion,
        accounts=(a, b),
        confidence=float(rows[0]["confidence"]),
        reasons=list(rows[0]["reasons"] or ()),
    )


def _candidate_pairs(accounts: Iterable[_Account]) -> set[tuple[str, str]]:
    blocks: dict[str, list[str]] = defaultdict(list)
    for account in accounts:
        for block in _blocks(account):
            blocks[block].append(account.id)
    pairs: set[tuple[str, str]] = set()
    for members in blocks.values():
        if 2 <= len(members) <= MAX_BLOCK:
            pairs.update((a, b) if a < b else (b, a) for a, b in itertools.combinations(members, 2))
    return pairs


def _blocks(account: _Account) -> set[str]:
    blocks = {f"key:{token}" for token in account.keys}
    handle = handle_key(account.handle)
    if len(handle) >= 3:
        blocks.add(f"k:{handle}")
    stem = handle_stem(handle)
    if stem:
        blocks.add(f"k:{stem}")
    name = name_key(account.name)
    if len(name) >= (2 if is_cjk(name) else 4):
        blocks.add(f"k:{name}")
        words = _words(account.name)
        if len(words) >= 2 and not is_cjk(name):
            blocks.add("w:" + "".join(sorted(words)))
    return blocks


def _reasons(a: _Account, b: _Account, groups: dict[str, set[str]]) -> list[tuple[str, float]]:
    reasons: list[tuple[str, float]] = []
    shared_keys = sorted({t.split(":", 1)[0] for t in a.keys & b.keys})
    if shared_keys:
        reasons.append((f"shared key ({', '.join(shared_keys)})", _STRENGTH["shared key"]))
    ha, hb = handle_key(a.handle), handle_key(b.handle)
    if len(ha) >= 3 and ha == hb:
        reasons.append((f"same handle {ha!r}", _STRENGTH["same handle"]))
    elif handle_stem(ha) and handle_stem(ha) == handle_stem(hb):
        reasons.append((f"similar handles ({ha}, {hb})", _STRENGTH["similar handles"]))
    elif (len(ha) >= 3 and ha == name_key(b.name)) or (len(hb) >= 3 and hb == name_key(a.name)):
        reasons.append(("handle matches name", _STRENGTH["handle matches name"]))
    similarity = name_similarity(a.name, b.name)
    if similarity >= 0.75:
        reasons.append(
            (f"similar names ({similarity:.2f})", round(_STRENGTH["similar names"] * similarity, 4))
        )
    shared = groups.get(a.customer or a.id, set()) & groups.get(b.customer or b.id, set())
    for community in sorted(shared)[:2]:
        reasons.append((f"shared group {community}", _STRENGTH["shared group"]))
    if a.platform == b.platform and not (shared or shared_keys):
        return []  # namesakes on one platform are common; need more than a name
    if not any(
        r[0].startswith(("shared key", "same handle", "handle", "similar")) for r in reasons
    ):
        return []  # a shared group alone is no evidence of one person
    return reasons


def _kept_apart(a: _Account, b: _Account, vetoes: dict[str, set[str]]) -> bool:
    if a.customer is not None and a.customer == b.customer:
        return True
    return (b.customer is not None and b.customer in vetoes.get(a.id, ())) or (
        a.customer is not None and a.customer in vetoes.get(b.id, ())
    )


def _words(name: str) -> set[str]:
    text = unicodedata.normalize("NFKC", name).casefold()
    cleaned = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in text)
    return {w for w in cleaned.split() if len(w) >= 2}
