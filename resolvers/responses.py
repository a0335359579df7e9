"""Whole responses to read-only queries, kept per graph version.

Every write to the graph's content bumps its version (the writer per batch,
the API's mutations, identity links, brands), so the answer to a query that
reads only that content is the same for as long as the version is.  Such a
query's response body is kept and served again to the same request (API key,
query, operation, variables) at the same version, without executing anything.

Not kept: anything but a query; answers with errors; and queries that reach
data stored without a version bump - analysis runs and their clusters
(``AnalysisRun``, ``Cluster``, memberships), graph statistics, ``node(s)``
(which can return runs) and analyst Cypher.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
)
from graphql.utilities import get_operation_ast

from resolvers.cache import ResultCache

__all__ = ["ResponseCache"]

# Types whose data is stored without bumping the graph version.
_UNVERSIONED_TYPES = frozenset(
    {"AnalysisRun", "Cluster", "ClusterMembership", "GraphStats", "CypherResult"}
)
_UNVERSIONED_ROOT_FIELDS = frozenset({"node", "nodes", "cypher", "graphStats"})


class ResponseCache:
    """Response bodies of cacheable queries, per graph version (see the module docstring)."""

    def __init__(self, schema: GraphQLSchema, maxsize: int = 1024) -> None:
        self._schema = schema
        self._bodies = ResultCache(maxsize)
        self.cacheable = lru_cache(maxsize=1024)(self._cacheable)

    @staticmethod
    def key(
        principal: Hashable,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> Any:
        """Who asks is part of the key: an answer may depend on the API key (its role)."""
        variables_json = json.dumps(variables or {}, sort_keys=True, default=str)
        return (principal, query, operation_name, variables_json)

    def get(self, version: int, key: Any) -> bytes | None:
        body: bytes | None = self._bodies.get(version, key)
        return body

    def put(self, version: int, key: Any, body: bytes) -> None:
        self._bodies.put(version, key, body)

    def _cacheable(self, query: str, operation_name: str | None) -> bool:
        """Whether the operation is a query that reads only versioned data."""
        try:
            document = parse(query, max_tokens=10_000)
        except GraphQLError:
            return False
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation is not OperationType.QUERY:
            return False
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        root = self._schema.query_type
        return root is not None and _versioned(
            self._schema, operation.selection_set, root, fragments, set(), top=True
        )


def _versioned(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode | None,
    parent: GraphQLNamedType,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: set[str],
    *,
    top: bool = False,
) -> bool:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name.startswith("__"):  # introspection: the schema never changes under it
                continue
            if top and name in _UNVERSIONED_ROOT_FIELDS:
                return False
            field = getattr(parent, "fields", {}).get(name)
            if field is None:
                return False
            named = get_named_type(field.type)
            if named.name in _UNVERSIONED_TYPES:
                return False
            if selection.selection_set is not None and not _versioned(
                schema, selection.selection_set, named, fragments, seen
            ):
                return False
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            if target is None or target.name in _UNVERSIONED_TYPES:
                return False
            if not _versioned(schema, selection.selection_set, target, fragments, seen, top=top):
                return False
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or selection.name.value in seen:
                return False
            target = schema.get_type(fragment.type_condition.name.value)
            if target is None or target.name in _UNVERSIONED_TYPES:
                return False
            seen.add(selection.name.value)
            if not _versioned(schema, fragment.selection_set, target, fragments, seen, top=top):
                return False
            seen.discard(selection.name.value)
    return True
