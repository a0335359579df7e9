"""What the API keeps per parsed document: its validation errors and its estimated cost.

The parser cache (:class:`resolvers.limits.CachedParse`) hands every request
with the same query text the same ``DocumentNode`` object, so results that
depend only on the document are kept by the document's identity.  Keying by
the document itself would hash its whole syntax tree (frozen dataclasses hash
every field, recursively, and keep no hash) on every request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from typing import Generic, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

__all__ = ["CachedValidation", "DocumentCache"]

T = TypeVar("T")


class DocumentCache(Generic[T]):
    """Values by (document identity, key), least recently used dropped past ``maxsize``.
    An entry holds its document, so the identity cannot be reused while it is kept."""

    def __init__(self, maxsize: int = 1024) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[int, Hashable], tuple[DocumentNode, T]] = OrderedDict()

    def peek(self, document: DocumentNode, key: Hashable) -> T | None:
        """The value kept for ``document`` and ``key``, or None."""
        slot = (id(document), key)
        kept = self._entries.get(slot)
        if kept is None or kept[0] is not document:
            return None
        self._entries.move_to_end(slot)
        return kept[1]

    def put(self, document: DocumentNode, key: Hashable, value: T) -> None:
        slot = (id(document), key)
        self._entries[slot] = (document, value)
        self._entries.move_to_end(slot)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)


class CachedValidation(SchemaExtension):
    """Validate each document once per set of rules, ``rules`` added to strawberry's (as
    its ``AddValidationRules`` and ``ValidationCache`` do together, without hashing the
    document on every request)."""

    def __init__(
        self,
        *,
        results: DocumentCache[list[GraphQLError]],
        rules: Sequence[type[ASTValidationRule]] = (),
    ) -> None:
        self.results = results
        self.rules = tuple(rules)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, *self.rules)
        document = context.graphql_document
        if document is None:  # did not parse: the schema reports that
            yield
            return
        rules = tuple(context.validation_rules)
        errors = self.results.peek(document, rules)
        if errors is None:
            errors = validate_document(context.schema._schema, document, rules)
            self.results.put(document, rules, errors)
        context.pre_execution_errors = errors
        yield
