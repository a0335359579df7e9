"""IdentityLink: why an account belongs to a customer (the HAS_ACCOUNT relationship)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from schema.account import Account
from schema.scalars import datetime_from_ms

__all__ = ["IdentityLink"]


@strawberry.type(description="A HAS_ACCOUNT link, explained: how it was made and on what evidence.")
class IdentityLink:
    account: Account
    method: str | None
    evidence: str | None
    confidence: float | None
    at: datetime | None

    @classmethod
    def from_record(cls, link: Mapping[str, Any], account: Account) -> IdentityLink:
        return cls(
            account=account,
            method=link.get("method"),
            evidence=link.get("evidence"),
            confidence=link.get("confidence"),
            at=datetime_from_ms(link.get("at")),
        )
