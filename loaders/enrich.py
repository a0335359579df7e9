"""Enrichment between identity resolution and the writer: brand mentions and sentiment.

:class:`Enricher` adds ``BrandMention`` (``ABOUT``) records for the posts of a
batch that match a brand's aliases (:mod:`loaders.brands`) or that the load is
tagged with (``LoadOptions.brand``, channel metadata), and fills
``Post.sentiment`` from the sentiment model (:mod:`loaders.sentiment`) where
the channel gave none - a value the channel provides always wins.  An ABOUT
carries its post's sentiment unless the connector set one.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.model import Account, BrandMention, Mention, Post, Record, Tagged
from graph.store import GraphStore
from loaders.base import LoadOptions
from loaders.brands import BrandError, BrandMatcher, handle_accounts, load_brands
from loaders.sentiment import SentimentModel, load_sentiment_model

__all__ = ["Enricher"]


class Enricher:
    """Call :meth:`prepare` once per load (it reads the brands), then :meth:`enrich`
    for every batch."""

    def __init__(self, sentiment: SentimentModel | None = None) -> None:
        self.sentiment = sentiment if sentiment is not None else load_sentiment_model()
        self.matcher = BrandMatcher(())
        # Handles of accounts in the graph that brand handle aliases name (account -> handle).
        self._handles: dict[str, str] = {}

    async def prepare(self, store: GraphStore) -> None:
        """Load the brands and the accounts their handle aliases name."""
        self.matcher = BrandMatcher(await load_brands(store))
        self._handles = await handle_accounts(store, self.matcher.handles)

    def check_brand(self, brand: str | None) -> None:
        """Raise :class:`BrandError` (``UNKNOWN_BRAND``) unless ``brand`` exists."""
        if brand is not None and brand not in self.matcher.brands:
            known = ", ".join(sorted(self.matcher.brands)) or "none yet"
            raise BrandError(
                "UNKNOWN_BRAND",
                f"unknown brand {brand!r} (known: {known}); add it with "
                f"`scrm brand add {brand} --name NAME --alias ...`",
            )

    def enrich(self, records: Sequence[Record], *, options: LoadOptions) -> list[Record]:
        """The batch with missing post sentiment filled in and ABOUT records added."""
        self.check_brand(options.brand)
        handles = dict(self._handles)
        tags: dict[str, list[str]] = {}
        mentioned: dict[str, list[str]] = {}
        for record in records:
            if isinstance(record, Account) and record.handle:
                handles[record.id] = record.handle
            elif isinstance(record, Tagged):
                tags.setdefault(record.post, []).append(record.hashtag)
            elif isinstance(record, Mention):
                mentioned.setdefault(record.post, []).append(record.account)
        out: list[Record] = []
        sentiment: dict[str, float | None] = {}
        about: dict[tuple[str, str], BrandMention] = {}
        for record in records:
            if isinstance(record, Post):
                if record.sentiment is None and record.text:
                    score = self.sentiment.score(record.text, record.lang)
                    if score is not None:
                        record = record.model_copy(update={"sentiment": score})
                sentiment[record.id] = record.sentiment
            elif isinstance(record, BrandMention):
                about[(record.post, record.brand)] = record
                continue
            out.append(record)
        for record in records:
            if not isinstance(record, Post):
                continue
            brands = set(
                self.matcher.match(
                    record.text,
                    hashtags=tags.get(record.id, ()),
                    mentioned_handles=[
                        handles[a] for a in mentioned.get(record.id, ()) if a in handles
                    ],
                )
            )
            if options.brand is not None:
                brands.add(options.brand)
            for brand in sorted(brands):
                about.setdefault((record.id, brand), BrandMention(post=record.id, brand=brand))
        for (post, _), mention in sorted(about.items()):
            if mention.sentiment is None and sentiment.get(post) is not None:
                mention = mention.model_copy(update={"sentiment": sentiment[post]})
            out.append(mention)
        return out
