"""API keys and roles: who may read, query with Cypher, or change the graph.

Roles are ordered: ``viewer`` reads, ``analyst`` also runs read-only Cypher,
``admin`` also runs mutations and ingests.  A key is shown once, when made
(``scrm keys create``): ``scrm_<key id>_<secret>``.  The graph stores only an
``ApiKey`` node with the key id, the role and the SHA-256 of the whole key (the
secret is 256 random bits, so a fast hash is enough); presented keys are
compared in constant time.  With no key in the graph the API is open, unless
it was started with ``require_keys`` (bound to a non-loopback address).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graph.cypher import Statement
from graph.errors import ScrmError
from graph.store import GraphStore
from resolvers.context import Info
from resolvers.errors import BadInput, Forbidden, Unauthenticated, refuse

__all__ = [
    "OPEN",
    "ROLES",
    "ApiKey",
    "KeyRing",
    "MutationsNeedAdmin",
    "Principal",
    "Role",
    "create_key",
    "list_keys",
    "require_role",
    "revoke_key",
]

log = logging.getLogger("scrm.auth")

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")
_PREFIX = "scrm_"
# Throttle for re-reading keys when an unknown key id is presented (a key just made).
_MISS_REFRESH_SECONDS = 0.5

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
class Principal:
    """Who is asking: a role, and the key id (None when the API runs open)."""

    role: Role
    key_id: str | None = None

    def allows(self, role: Role) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


OPEN = Principal("admin", None)


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    role: Role
    name: str
    created_at: int
    hash: str


def require_role(info: Info, role: Role) -> None:
    """Raise Forbidden unless the request's key has ``role`` (or a higher one)."""
    principal = info.context.principal
    if not principal.allows(role):
        raise Forbidden(f"this needs the {role} role; this API key has the {principal.role} role")


class MutationsNeedAdmin(SchemaExtension):
    """Every mutation needs the admin role: checked once for the whole operation, so no
    mutation field can be left unguarded."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.operation_type is OperationType.MUTATION and not context.result:
            principal: Principal = context.context.principal
            if not principal.allows("admin"):
                refuse(
                    context,
                    "FORBIDDEN",
                    f"mutations need the admin role; this API key has the {principal.role} role",
                )
        yield


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise BadInput(f"role: one of {', '.join(ROLES)} (got {role!r})")
    return role


async def create_key(store: GraphStore, role: str, name: str = "") -> tuple[ApiKey, str]:
    """Make a key with ``role``; returns the stored record and the key itself (shown once)."""
    checked = _check_role(role)
    key_id = secrets.token_hex(6)
    token = f"{_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    key = ApiKey(key_id, checked, name, int(time.time() * 1000), _hash(token))
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


class KeyRing:
    """The API keys, cached from the graph and re-read every ``refresh_seconds``
    (so keys made or revoked by ``scrm keys`` in another process take effect)."""

    def __init__(
        self, store: GraphStore, *, refresh_seconds: float = 2.0, require_keys: bool = False
    ) -> None:
        self.store = store
        self.refresh_seconds = refresh_seconds
        self.require_keys = require_keys
        self._keys: dict[str, ApiKey] | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    @property
    def has_keys(self) -> bool:
        return bool(self._keys)

    async def refresh(self, max_age: float = 0.0) -> None:
        """Re-read the keys unless they were read within ``max_age`` seconds (raises a
        database error when none were ever read)."""
        if self._fresh(max_age):
            return
        async with self._lock:
            if self._fresh(max_age):  # another request refreshed while this one waited
                return
            try:
                keys = await list_keys(self.store)
            except ScrmError:
                if self._keys is None:
                    raise
                log.warning("could not re-read API keys; keeping the ones known")
                self._loaded_at = time.monotonic()  # retry after the interval, not per request
                return
            self._keys = {key.id: key for key in keys}
            self._loaded_at = time.monotonic()

    def _fresh(self, max_age: float) -> bool:
        return self._keys is not None and time.monotonic() - self._loaded_at < max_age

    async def authenticate(self, authorization: str | None) -> Principal:
        """The principal an ``Authorization`` header value stands for.

        Raises Unauthenticated when keys are required and the header holds none
        or one that is not valid."""
        await self.refresh(self.refresh_seconds)
        if not self._keys and not self.require_keys:
            return OPEN
        if not authorization:
            raise Unauthenticated("an API key is required: send 'Authorization: Bearer <key>'")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("send the API key as 'Authorization: Bearer <key>'")
        key_id = _key_id(token)
        key = (self._keys or {}).get(key_id) if key_id else None
        if key is None and key_id:
            await self.refresh(_MISS_REFRESH_SECONDS)
            key = (self._keys or {}).get(key_id)
        # Compare even when the id is unknown, so timing does not tell ids apart.
        expected = key.hash if key is not None else _hash("")
        if not hmac.compare_digest(_hash(token), expected) or key is None:
            raise Unauthenticated("this API key is not valid (unknown or revoked)")
        return Principal(key.role, key.id)


def _key_id(token: str) -> str | None:
    if not token.startswith(_PREFIX):
        return None
    key_id, sep, secret = token[len(_PREFIX) :].partition("_")
    return key_id if sep and secret else None
