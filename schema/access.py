"""Access: the role the request's API key carries, so a client can offer only what it may do."""

from __future__ import annotations

import strawberry

__all__ = ["Access"]


@strawberry.type(description="What the request's API key may do.")
class Access:
    role: str = strawberry.field(
        description="viewer, analyst or admin (admin when the API runs open, without keys)."
    )
    key_id: str | None = strawberry.field(description="The key's id; null when the API is open.")
