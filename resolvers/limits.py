"""Request limits: depth, aliases, introspection, page sizes and estimated cost.

Depth, aliases and introspection are checked while validating (cached per
document); page sizes and cost depend on variables, so they are checked right
before execution.  Each refusal is a GraphQL error with its own
``extensions.code`` (``DEPTH_LIMIT_EXCEEDED``, ``ALIAS_LIMIT_EXCEEDED``,
``INTROSPECTION_LIMIT_EXCEEDED``, ``PAGE_SIZE_EXCEEDED``, ``COST_LIMIT_EXCEEDED``).

Cost estimates how many objects a query may return: a field returning an
object counts 1, times the size of every list around it, where a paged list
counts its ``first``/``last`` (or the default page size) and any other list
counts ``list_cost_factor``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInt,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    get_named_type,
    is_composite_type,
    value_from_ast,
    value_from_ast_untyped,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import ParserCache, SchemaExtension

from resolvers.documents import DocumentCache
from resolvers.errors import refuse
from resolvers.settings import ApiSettings

__all__ = ["CachedParse", "CostLimit", "document_limits"]

_PAGING = ("first", "last")
_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


def _refusal(code: str, message: str, nodes: Any = None) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": code})


class CachedParse(ParserCache):
    """Parse through an LRU cache, at most ``max_tokens`` tokens (as strawberry's
    ``MaxTokensLimiter`` has it); a document that does not parse (or is over the token
    limit) is left to the schema's own parse step, with the same limit, which reports
    the error as the operation's result rather than raising it past the other
    extensions."""

    def __init__(self, *, max_tokens: int, maxsize: int = 1024) -> None:
        super().__init__(maxsize=maxsize)
        self.max_tokens = max_tokens

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


# --- validation: depth, aliases, introspection --------------------------------------------


@dataclass(slots=True)
class _Shape:
    depth: int = 0  # nested object fields outside introspection
    introspection_depth: int = 0
    aliases: int = 0
    introspection_fields: int = 0

    def merge(self, other: _Shape) -> None:
        self.depth = max(self.depth, other.depth)
        self.introspection_depth = max(self.introspection_depth, other.introspection_depth)
        self.aliases += other.aliases
        self.introspection_fields += other.introspection_fields


class _ShapeWalker:
    """Measures operations with fragments expanded; each fragment is measured once per
    context, so a document of nested fragment spreads cannot make this slow."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self._memo: dict[tuple[str, bool], _Shape] = {}
        self._active: set[tuple[str, bool]] = set()

    def walk(self, selection_set: SelectionSetNode | None, introspecting: bool) -> _Shape:
        shape = _Shape()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                shape.merge(self._field(selection, introspecting))
            elif isinstance(selection, InlineFragmentNode):
                shape.merge(self.walk(selection.selection_set, introspecting))
            elif isinstance(selection, FragmentSpreadNode):
                shape.merge(self._spread(selection.name.value, introspecting))
        return shape

    def _field(self, node: FieldNode, introspecting: bool) -> _Shape:
        name = node.name.value
        entering = name in _INTROSPECTION_ROOTS
        inside = introspecting or entering
        child = self.walk(node.selection_set, inside) if node.selection_set else _Shape()
        shape = _Shape(
            aliases=child.aliases + (1 if node.alias else 0),
            introspection_fields=child.introspection_fields + (1 if entering else 0),
        )
        if inside and node.selection_set:
            shape.introspection_depth = 1 + child.introspection_depth
        elif node.selection_set and not name.startswith("__"):
            shape.depth = 1 + child.depth
            shape.introspection_depth = child.introspection_depth
        return shape

    def _spread(self, name: str, introspecting: bool) -> _Shape:
        key = (name, introspecting)
        if key in self._memo:
            return self._memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or key in self._active:  # unknown or cyclic: other rules report it
            return _Shape()
        self._active.add(key)
        try:
            shape = self.walk(fragment.selection_set, introspecting)
        finally:
            self._active.discard(key)
        self._memo[key] = shape
        return shape


def document_limits(settings: ApiSettings) -> type[ASTValidationRule]:
    """The validation rule enforcing depth, alias and introspection limits (make it once:
    validation results are cached per document and rule set)."""

    class DocumentLimits(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            walker = _ShapeWalker(fragments)
            for definition in document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    for error in _check(walker.walk(definition.selection_set, False), definition):
                        context.report_error(error)

    def _check(shape: _Shape, operation: OperationDefinitionNode) -> Iterator[GraphQLError]:
        if shape.depth > settings.max_depth:
            yield _refusal(
                "DEPTH_LIMIT_EXCEEDED",
                f"the query nests {shape.depth} levels deep; at most {settings.max_depth}",
                operation,
            )
        if shape.aliases > settings.max_aliases:
            yield _refusal(
                "ALIAS_LIMIT_EXCEEDED",
                f"the query uses {shape.aliases} aliases; at most {settings.max_aliases}",
                operation,
            )
        if shape.introspection_fields > settings.max_introspection_fields:
            yield _refusal(
                "INTROSPECTION_LIMIT_EXCEEDED",
                f"the query asks for __schema/__type {shape.introspection_fields} times; "
                f"at most {settings.max_introspection_fields}",
                operation,
            )
        if shape.introspection_depth > settings.max_introspection_depth:
            yield _refusal(
                "INTROSPECTION_LIMIT_EXCEEDED",
                f"the introspection query nests {shape.introspection_depth} levels deep; "
                f"at most {settings.max_introspection_depth}",
                operation,
            )

    return DocumentLimits


# --- execution: page sizes and cost ------------------------------------------------------


class _CostWalker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        settings: ApiSettings,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.settings = settings
        self._memo: dict[tuple[str, str, int], int] = {}
        self._active: set[tuple[str, str, int]] = set()
        # Whether a page size came from a variable (the cost then depends on the request).
        self.read_variables = False

    def cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, page: int
    ) -> int:
        """Objects ``selection_set`` may return; ``page`` is the size of the paged list the
        parent field opened (lists directly under it have that many items)."""
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, target or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection.name.value, page)
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None)  # unions have none; __typename costs nothing
        definition = fields.get(name) if fields and not name.startswith("__") else None
        if definition is None:
            return 0
        size = self._page_size(node)
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        items = 1
        if _is_list(definition.type):
            items = page or self.settings.list_cost_factor
        child_page = 0
        if any(arg in definition.args for arg in _PAGING):
            child_page = size if size is not None else self.settings.default_page_size
        return items * (1 + self.cost(node.selection_set, named, child_page))

    def _page_size(self, node: FieldNode) -> int | None:
        size: int | None = None
        for argument in node.arguments or ():
            if argument.name.value not in _PAGING:
                continue
            if not isinstance(argument.value, IntValueNode):
                self.read_variables = True
            value = value_from_ast(argument.value, GraphQLInt, self.variables)
            if not isinstance(value, int):
                continue
            if value > self.settings.max_page_size:
                raise _refusal(
                    "PAGE_SIZE_EXCEEDED",
                    f"{node.name.value}({argument.name.value}:): at most "
                    f"{self.settings.max_page_size} items per page (got {value})",
                    node,
                )
            size = max(size or 0, value)
        return size

    def _spread(self, name: str, page: int) -> int:
        fragment = self.fragments.get(name)
        if fragment is None:
            return 0
        condition = fragment.type_condition.name.value
        key = (name, condition, page)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return 0
        target = self.schema.get_type(condition)
        if target is None:
            return 0
        self._active.add(key)
        try:
            value = self.cost(fragment.selection_set, target, page)
        finally:
            self._active.discard(key)
        self._memo[key] = value
        return value


def _is_list(type_: GraphQLOutputType) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class CostLimit(SchemaExtension):
    """Refuse, before execution, a page larger than the limit or a query whose
    estimated cost is over ``max_cost``."""

    def __init__(self, *, settings: ApiSettings, costs: DocumentCache[int] | None = None) -> None:
        self.settings = settings
        # Costs of operations whose page sizes are all literals, by document.
        self.costs = costs

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and not context.result and _unnamed_choice(context, document):
            # strawberry would run the first one; GraphQL says the client must choose.
            refuse(
                context,
                "GRAPHQL_VALIDATION_FAILED",
                "the document has several operations: name the one to run in operationName",
            )
        elif document is not None and operation is not None and not context.result:
            error = self._check(document, operation)
            if error is not None:
                refuse(
                    context, str((error.extensions or {}).get("code")), error.message, error.nodes
                )
        yield

    def _check(self, document: Any, operation: OperationDefinitionNode) -> GraphQLError | None:
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        schema = self.execution_context.schema._schema
        root = schema.get_root_type(operation.operation)
        if root is None:
            return None
        name = operation.name.value if operation.name else None
        known = self.costs.peek(document, name) if self.costs is not None else None
        if known is not None:
            cost = known
        else:
            walker = _CostWalker(schema, fragments, _variables(self, operation), self.settings)
            try:
                cost = walker.cost(operation.selection_set, root, 0)
            except GraphQLError as error:
                return error
            if self.costs is not None and not walker.read_variables:
                self.costs.put(document, name, cost)
        if cost > self.settings.max_cost:
            return _refusal(
                "COST_LIMIT_EXCEEDED",
                f"the query may return about {cost} objects; at most {self.settings.max_cost} "
                "(ask for smaller pages or fewer nested lists)",
                operation,
            )
        return None


def _unnamed_choice(context: Any, document: Any) -> bool:
    """Several operations in the document, and the request named none of them."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    # ExecutionContext keeps the name the request gave apart from the one it derives.
    return len(operations) > 1 and getattr(context, "_provided_operation_name", None) is None


def _variables(extension: SchemaExtension, operation: OperationDefinitionNode) -> dict[str, Any]:
    """The request's variables, with the operation's defaults for those not given."""
    given = dict(extension.execution_context.variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in given and definition.default_value is not None:
            given[name] = value_from_ast_untyped(definition.default_value)
    return given
