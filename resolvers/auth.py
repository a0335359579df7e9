"""Who is asking, and what they may do: keys presented to the API, checked against the
ones in the graph (:mod:`resolvers.keys`), in constant time.

With no key in the graph the API is open, unless it was started with
``require_keys`` (bound to a non-loopback address); once a key exists every
request needs one.  Mutations need the admin role, ``cypher`` the analyst role.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graph.errors import ScrmError
from graph.store import GraphStore
from resolvers.context import Info
from resolvers.errors import Forbidden, Unauthenticated, refuse
from resolvers.keys import ROLES, ApiKey, Role, hash_key, key_id_of, list_keys

__all__ = ["OPEN", "KeyRing", "MutationsNeedAdmin", "Principal", "require_role"]

log = logging.getLogger("scrm.auth")

# Throttle for re-reading keys when an unknown key id is presented (a key just made).
_MISS_REFRESH_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a role, and the key id (None when the API runs open)."""

    role: Role
    key_id: str | None = None

    def allows(self, role: Role) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


OPEN = Principal("admin", None)


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
        key_id = key_id_of(token)
        key = (self._keys or {}).get(key_id) if key_id else None
        if key is None and key_id:
            await self.refresh(_MISS_REFRESH_SECONDS)
            key = (self._keys or {}).get(key_id)
        # Compare even when the id is unknown, so timing does not tell ids apart.
        expected = key.hash if key is not None else hash_key("")
        if not hmac.compare_digest(hash_key(token), expected) or key is None:
            raise Unauthenticated("this API key is not valid (unknown or revoked)")
        return Principal(key.role, key.id)
