"""IdentityChange: what ``linkIdentity`` / ``unlinkIdentity`` changed."""

from __future__ import annotations

import strawberry

from schema.account import Account
from schema.customer import Customer

__all__ = ["IdentityChange"]


@strawberry.type(
    description="The customer a link or unlink was about, and the accounts that moved."
)
class IdentityChange:
    customer: Customer | None
    accounts: list[Account] = strawberry.field(
        description="Accounts whose link changed (strong-key companions move together)."
    )
    restored_to: Customer | None = strawberry.field(
        description="Unlink: the customer the accounts went back to (null: none)."
    )
