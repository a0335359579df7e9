"""Enrichment between identity resolution and the writer: brand mentions and sentiment.

:class:`Enricher` adds ``BrandMention`` (``ABOUT``) records for the posts of a
batch that match a brand's aliases (:mod:`loaders.brands`) or that the load is
tagged with (``LoadOptions.brand``, channel metadata), and fills
``Post.sentiment`` from the sentiment model (:mod:`loaders.sentiment`) where
the channel gave none - a value the channel provides always wins.  An ABOUT
carries its post's sentiment unless the connector set one.

Both remember what they computed for a text (:class:`loaders.sentiment.MemoSentiment`,
:meth:`loaders.brands.BrandMatcher.text_brands`), within bounds, for as long as the
Enricher lives: retweets and copied posts repeat texts verbatim across batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from graph.model import Account, BrandMention, Mention, Post, Record, Tagged
from graph.store import GraphStore
from loaders.base import LoadOptions
from loaders.brands import BrandError, BrandMatcher, handle_accounts, load_brands
from loaders.sentiment import MemoSentiment, SentimentModel, load_sentiment_model

__all__ = ["Enricher"]

_R = TypeVar("_R", Post, BrandMention)


class Enricher:
    """Call :meth:`prepare` once per load (it reads the brands), then :meth:`enrich`
    for every batch."""

    def __init__(self, sentiment: SentimentModel | None = None) -> None:
        self.sentiment = sentiment if sentiment is not None else load_sentiment_model()
        # Scores are pure functions of (text, lang) (the interface's contract), and texts
        # repeat across batches: each is scored once while the memo holds it.
        self.scores = (
            self.sentiment
            if isinstance(self.sentiment, MemoSentiment)
            else MemoSentiment(self.sentiment)
        )
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
        """The batch with missing post sentiment filled in and ABOUT records added.

        The other records keep their order; the ABOUT records follow, sorted by post and
        brand (one per pair: the batch's own wins over one found here)."""
        self.check_brand(options.brand)
        matcher = self.matcher
        tags, mentioned, handles = self._context(records)
        # Matching needs brands; ``--brand`` alone tags every post.
        matching = bool(matcher)
        score = self.scores.score
        out: list[Record] = []
        sentiment: dict[str, float | None] = {}
        about: dict[tuple[str, str], BrandMention] = {}
        for record in records:
            if isinstance(record, Post):
                post, text = record, record.text
                if post.sentiment is None and text:
                    value = score(text, post.lang)
                    if value is not None:
                        post = _replace(post, "sentiment", value)
                sentiment[post.id] = post.sentiment
                out.append(post)
                brands: list[str] = []
                if matching:
                    named = [handles[a] for a in mentioned.get(post.id, ()) if a in handles]
                    brands = matcher.match(
                        text, hashtags=tags.get(post.id, ()), mentioned_handles=named
                    )
                if options.brand is not None and options.brand not in brands:
                    brands.append(options.brand)
                for brand in brands:
                    if (post.id, brand) not in about:
                        about[(post.id, brand)] = BrandMention(post=post.id, brand=brand)
            elif isinstance(record, BrandMention):
                # The batch's own ABOUT wins over one found here (the last of equals).
                about[(record.post, record.brand)] = record
            else:
                out.append(record)
        for (post_id, _), mention in sorted(about.items()):
            if mention.sentiment is None:
                value = sentiment.get(post_id)
                if value is not None:
                    mention = _replace(mention, "sentiment", value)
            out.append(mention)
        return out

    def _context(
        self, records: Sequence[Record]
    ) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
        """``(post -> hashtags, post -> mentioned accounts, account -> handle)`` of a batch,
        as far as the brands' aliases can use them."""
        tags: dict[str, list[str]] = {}
        mentioned: dict[str, list[str]] = {}
        handles: dict[str, str] = {}
        want_tags, want_handles = bool(self.matcher.hashtags), bool(self.matcher.handles)
        if not (want_tags or want_handles):
            return tags, mentioned, handles
        handles.update(self._handles)
        for record in records:
            if want_handles and isinstance(record, Account) and record.handle:
                handles[record.id] = record.handle
            elif want_tags and isinstance(record, Tagged):
                tags.setdefault(record.post, []).append(record.hashtag)
            elif want_handles and isinstance(record, Mention):
                mentioned.setdefault(record.post, []).append(record.account)
        return tags, mentioned, handles


_set = object.__setattr__


def _replace(record: _R, name: str, value: object) -> _R:
    """``record.model_copy(update={name: value})``, without its generic steps: the
    records are frozen, forbid extra fields and have no private attributes, so the copy
    is the field values with one replaced and ``name`` added to the fields set."""
    copy = record.__class__.__new__(record.__class__)
    values = record.__dict__.copy()
    values[name] = value
    _set(copy, "__dict__", values)
    _set(copy, "__pydantic_fields_set__", record.__pydantic_fields_set__ | {name})
    _set(copy, "__pydantic_extra__", None)
    _set(copy, "__pydantic_private__", None)
    return copy
