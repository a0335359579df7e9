"""AddBrandPayload: what ``addBrand`` answers."""

from __future__ import annotations

import strawberry

from schema.brand import Brand

__all__ = ["AddBrandPayload"]


@strawberry.type(description="The brand as stored, and how many loaded posts it matched.")
class AddBrandPayload:
    brand: Brand
    matched_posts: int = strawberry.field(
        description="Posts already loaded that its aliases matched (now ABOUT it)."
    )
