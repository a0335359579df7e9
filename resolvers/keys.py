"""API keys in the graph: made, listed, revoked; only their hashes are stored.

A key is shown once, when made (``scrm keys create``): ``scrm_<key id>_<secret>``.
The graph keeps an ``ApiKey`` node with the key id, the role and the SHA-256 of
the whole key (the secret is 256 random bits, so a fast hash is enough).
Roles are ordered: ``viewer`` reads, ``analyst`` also runs read-only Cypher,
``admin`` also runs mutations and ingests.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Literal

from graph.cypher import Statement
from graph.store import GraphStore

__all__ = [
    "LIST_KEYS",
    "ROLES",
    "ApiKey",
    "Role",
    "create_key",
    "hash_key",
    "key_id_of",
    "list_keys",
    "revoke_key",
]

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")
_PREFIX = "scrm_"

CREATE_KEY = Statement(
    "api.keys.create",
    "CREATE (k:ApiKey {id: $id, role: $role, name: $name, hash: $hash, created_at: $at})",
)
LIST_KEYS = Statement(
    "api.keys.list",
    "MATCH (k:ApiKey) RETURN k.id AS id, k.role AS role, k.name AS name, "
    "k.hash AS hash, k.created_at AS created_at ORDER BY k.created_at, k.id",
)
DELETE_KEY = Statement(
    "api.keys.delete",
    "MATCH (k:ApiKey {id: $id}) DELETE k RETURN count(*) AS deleted",
)


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    role: Role
    name: str
    created_at: int
    hash: str


def hash_key(token: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise ValueError(f"role: one of {', '.join(ROLES)} (got {role!r})")
    return role


async def create_key(store: GraphStore, role: str, name: str = "") -> tuple[ApiKey, str]:
    """Make a key with ``role``; returns the stored record and the key itself (shown once)."""
    checked = _check_role(role)
    key_id = secrets.token_hex(6)
    token = f"{_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    key = ApiKey(key_id, checked, name, int(time.time() * 1000), hash_key(token))
    await store.write(
        CREATE_KEY,
        {"id": key.id, "role": key.role, "name": key.name, "hash": key.hash, "at": key.created_at},
    )
    return key, token


async def list_keys(store: GraphStore) -> list[ApiKey]:
    """Every key (hashes included; never shown to anyone)."""
    return [
        ApiKey(
            str(row["id"]),
            _check_role(str(row["role"])),
            str(row["name"] or ""),
            int(row["created_at"] or 0),
            str(row["hash"]),
        )
        for row in await store.read(LIST_KEYS)
    ]


async def revoke_key(store: GraphStore, key_id: str) -> bool:
    """Delete key ``key_id``; False when there was none."""
    rows = await store.write(DELETE_KEY, {"id": key_id})
    return bool(rows and int(rows[0]["deleted"]))


def key_id_of(token: str) -> str | None:
    """The key id inside a presented key (None when it is not one of ours)."""
    if not token.startswith(_PREFIX):
        return None
    key_id, sep, secret = token[len(_PREFIX) :].partition("_")
    return key_id if sep and secret else None
