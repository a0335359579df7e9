"""The pipeline's hook points between the connector and the writer.

A :class:`Stage` is prepared once per load and then sees every batch of
records; it returns the records to pass on plus a :class:`Reject` for anything
it sets aside.  The default stages are identity resolution
(:mod:`loaders.identity`) and enrichment - brand mentions and sentiment -
(:mod:`loaders.enrich`), in that order.

Two optional hooks let a load parse in worker processes (:mod:`loaders.pipeline_workers`):
a stage with ``process_records(records, *, source)`` works on records alone
(no store) and leaves what the other stages handle untouched, so it may run in
the worker right after parsing; a stage with ``needs(records)`` says which
records of a batch it must see - the rest it would pass on unchanged, so the
worker prepares them for the writer itself.  A stage without ``needs`` sees
every record.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Protocol

from graph.model import Account, AccountLink, Customer, IdentityLink, Placed, Record
from graph.store import GraphStore
from loaders.base import LoadOptions, Reject
from loaders.enrich import Enricher
from loaders.identity import IdentityResolver

__all__ = ["EnrichStage", "IdentityStage", "Stage", "default_stages"]


class Stage(Protocol):
    """One step between parsing and writing."""

    async def prepare(self, store: GraphStore, options: LoadOptions) -> None:
        """Called once before the first batch; may raise to refuse the load."""

    async def process(
        self, store: GraphStore, records: Sequence[Record], *, source: str
    ) -> list[Record | Reject]:
        """The batch as the next step should see it."""


class IdentityStage:
    """Links accounts to customers by their keys (consumes ``AccountLink`` and
    ``IdentityLink`` records, hashes customers' e-mail and phone)."""

    def __init__(self, resolver: IdentityResolver | None = None) -> None:
        self._resolver = resolver

    async def prepare(self, store: GraphStore, options: LoadOptions) -> None:
        if self._resolver is None:
            self._resolver = IdentityResolver.from_env()

    async def process(
        self, store: GraphStore, records: Sequence[Record], *, source: str
    ) -> list[Record | Reject]:
        if self._resolver is None:
            raise RuntimeError("IdentityStage.prepare was not called")
        return await self._resolver.resolve(store, records, source=source)

    def needs(self, records: Sequence[Record]) -> Callable[[Record], bool]:
        """Which records of a batch resolution must see: keys, stated links, customers and
        their orders, and - when the batch holds keys or links - its accounts (their
        names name new customers).  It passes every other record on unchanged."""
        kinds: tuple[type[Record], ...] = (AccountLink, IdentityLink, Customer, Placed)
        if any(isinstance(record, AccountLink | IdentityLink) for record in records):
            kinds = (*kinds, Account)
        return lambda record: isinstance(record, kinds)


class EnrichStage:
    """Adds ``ABOUT`` brand mentions and fills in post sentiment."""

    def __init__(self, enricher: Enricher | None = None) -> None:
        self._enricher = enricher
        self._options = LoadOptions()

    async def prepare(self, store: GraphStore, options: LoadOptions) -> None:
        self._enricher = self._enricher or Enricher()
        await self._enricher.prepare(store)
        self._enricher.check_brand(options.brand)  # an unknown --brand stops the load here
        self._options = options

    async def process(
        self, store: GraphStore, records: Sequence[Record], *, source: str
    ) -> list[Record | Reject]:
        if self._enricher is None:
            raise RuntimeError("EnrichStage.prepare was not called")
        # Sentiment scoring is CPU work: off the event loop.
        return await asyncio.to_thread(self.process_records, records, source=source)

    def process_records(self, records: Sequence[Record], *, source: str) -> list[Record | Reject]:
        """:meth:`process` without the store: brand matching and sentiment need only the
        brands :meth:`prepare` read, so a load may run this in a worker process."""
        if self._enricher is None:
            raise RuntimeError("EnrichStage.prepare was not called")
        return list(self._enricher.enrich(records, options=self._options))


def default_stages() -> list[Stage]:
    """Identity resolution, then enrichment (fresh instances: they hold per-load state)."""
    return [IdentityStage(), EnrichStage()]
