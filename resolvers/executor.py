"""Execution with a short path for plain fields: the same results, errors and order as
graphql-core's executor, at a fraction of its cost per field.

Most fields of the API's answers are *plain*: a strawberry field without a
resolver, arguments or directives, read as an attribute of its parent object
(an influence score's ``rank``, every number of its ``breakdown``).  graphql-core
executes each of them in full — a response path, a resolve-info object, the
resolver call, the awaitable checks, the completion dispatch — which for a page
of twenty influencers is most of the request's time.  :class:`FastExecutor`
plans each selection set once per request and, for plain fields, reads the
attribute and coerces it directly:

- a leaf (scalar or enum), or a list of leaves: ``getattr`` and the type's own
  ``coerce_output_value``;
- an object, or a list of objects: ``getattr``, the type's ``is_type_of``
  check, then its sub-selection executed as usual;
- an interface strawberry resolves by the value's class (its default
  ``resolve_type``): the object type of that class, then as an object.

Anything unusual — a null where the type forbids it, a value that does not
coerce, an awaitable or exception in the attribute, a type check that is not
plainly true — hands the field to graphql-core's own ``execute_field`` before
anything of it was executed (reading an attribute twice has no effect), so
errors, their paths and null propagation stay exactly graphql-core's.  Fields
with resolvers, arguments, directives, unions, resolver middleware or incremental
delivery always take graphql-core's path.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from math import isfinite
from typing import Any, ClassVar

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    is_leaf_type,
    is_object_type,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import get_strawberry_type_cast

__all__ = ["FastExecutor", "SubtreePlans", "executor_class"]

_SLOW, _LEAF, _LEAF_LIST, _OBJECT, _OBJECT_LIST, _TYPENAME, _INTERFACE = range(7)

# One planned field: (kind, response name, field details, field definition, attribute,
# the named leaf/object type, the field is non-null, list items are non-null, the Python
# type a built-in scalar passes through unchanged).
_Entry = tuple[int, str, Any, Any, str, Any, bool, bool, type | None]
# One field of a plain subtree: (response name, attribute, kind, the named type (the
# type's name for __typename), the selected fields of an object (an interface's per
# runtime type), non-null, items non-null, the Python type passed through unchanged).
_Field = tuple[str, str, int, Any, Any, bool, bool, type | None]

# Built-in scalars and the values their coercion returns unchanged: a str as String or
# ID, a bool as Boolean, an int within 32 bits as Int, a finite float as Float.
_PLAIN: dict[Any, type] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLBoolean: bool,
    GraphQLInt: int,
    GraphQLFloat: float,
}
_MIN_INT, _MAX_INT = -(2**31), 2**31 - 1


class _Plans:
    """Plain-subtree fields by (parent type, field nodes), and plain selections by
    (object type, field nodes); None for those that are not all plain."""

    __slots__ = ("fields", "selections")

    def __init__(self) -> None:
        self.fields: dict[tuple[str, tuple[int, ...]], _Field | None] = {}
        self.selections: dict[tuple[str, tuple[int, ...]], tuple[_Field, ...] | None] = {}


class _ByRuntimeType:
    """An interface field's selection, planned per runtime type as each is met."""

    __slots__ = ("details", "selections")

    def __init__(self, details: Any) -> None:
        self.details = details
        self.selections: dict[str, tuple[_Field, ...] | None] = {}


class SubtreePlans:
    """Plain-subtree plans kept per operation, for operations whose field collection
    cannot depend on variables (no directive anywhere: no ``@skip``/``@include``); the
    least recently run are dropped past ``maxsize``.  Keyed by syntax-node identity: an
    operation's nodes stay the same objects for as long as the parser cache keeps its
    document, and a kept operation keeps its nodes (so their ids are not reused)."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._operations: OrderedDict[int, tuple[OperationDefinitionNode, _Plans | None]] = (
            OrderedDict()
        )

    def of(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> _Plans | None:
        """The plans shared by executions of ``operation``, or None when they may not be."""
        kept = self._operations.get(id(operation))
        if kept is not None and kept[0] is operation:
            self._operations.move_to_end(id(operation))
            return kept[1]
        plans = None if _has_directives(operation, fragments) else _Plans()
        self._operations[id(operation)] = (operation, plans)
        while len(self._operations) > self.maxsize:
            self._operations.popitem(last=False)
        return plans


class FastExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with plain fields read and coerced directly (see the
    module docstring).  Use :func:`executor_class` to have plans kept across requests."""

    plans: ClassVar[SubtreePlans | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._fast = manager is None or not manager.middlewares
        # Plans by grouped field set (with its parent type); the set is kept with its
        # plan so its id cannot be reused while this execution runs.
        self._plans: dict[int, tuple[Any, GraphQLObjectType, list[_Entry]]] = {}
        self._runtime_types: dict[tuple[str, type], GraphQLObjectType | None] = {}
        # Plain subtrees: shared by the executions of one operation when its field
        # collection cannot depend on variables, else this execution's own.
        shared = self.plans.of(self.operation, self.fragment_definitions) if self.plans else None
        self._subtrees = shared if shared is not None else _Plans()

    # --- planning ----------------------------------------------------------------------

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[_Entry]:
        kept = self._plans.get(id(grouped_field_set))
        if kept is None or kept[0] is not grouped_field_set or kept[1] is not parent_type:
            kept = (
                grouped_field_set,
                parent_type,
                [self._entry(parent_type, n, d) for n, d in grouped_field_set.items()],
            )
            self._plans[id(grouped_field_set)] = kept
        return kept[2]

    def _entry(self, parent_type: GraphQLObjectType, name: str, details: Any) -> _Entry:
        slow: _Entry = (_SLOW, name, details, None, "", None, False, False, None)
        node = details[0].node
        field_name = node.name.value
        if any(d.node.directives for d in details):
            return slow
        if field_name == "__typename":
            return (_TYPENAME, name, details, None, "", None, False, False, None)
        field_def = self.schema.get_field(parent_type, field_name)
        if field_def is None or field_def.args or any(d.node.arguments for d in details):
            return slow
        attribute = _plain_attribute(field_def)
        if attribute is None:
            return slow
        type_: GraphQLOutputType = field_def.type
        non_null = isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if is_leaf_type(inner):
            plain = _PLAIN.get(inner)
            return (_LEAF, name, details, field_def, attribute, inner, non_null, False, plain)
        if is_object_type(inner):
            return (_OBJECT, name, details, field_def, attribute, inner, non_null, False, None)
        if _resolves_by_class(inner):
            return (_INTERFACE, name, details, field_def, attribute, inner, non_null, False, None)
        if isinstance(inner, GraphQLList):
            item = inner.of_type
            item_non_null = isinstance(item, GraphQLNonNull)
            named = item.of_type if isinstance(item, GraphQLNonNull) else item
            if is_leaf_type(named):
                kind = _LEAF_LIST
            elif is_object_type(named):
                kind = _OBJECT_LIST
            else:  # lists of lists, of interfaces or unions
                return slow
            plain = _PLAIN.get(named)
            return (
                kind,
                name,
                details,
                field_def,
                attribute,
                named,
                non_null,
                item_non_null,
                plain,
            )
        return slow

    # --- execution ---------------------------------------------------------------------

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if not self._fast or position_context is not None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for entry in self._plan(parent_type, grouped_field_set):
                kind, name = entry[0], entry[1]
                result: Any = _NOT_DONE
                if kind == _LEAF:
                    result = _leaf(source_value, entry)
                    if result is not _NOT_DONE:
                        results[name] = result
                        continue
                elif kind == _TYPENAME:
                    result = parent_type.name
                elif kind == _LEAF_LIST:
                    result = _leaf_list(source_value, entry)
                elif kind in (_OBJECT, _INTERFACE, _OBJECT_LIST):
                    result = self._whole(parent_type, source_value, entry)
                    if result is not _NOT_DONE:
                        results[name] = result
                        continue
                    if kind == _OBJECT_LIST:
                        result = self._object_list(parent_type, source_value, path, entry)
                    else:
                        result = self._object(parent_type, source_value, path, entry)
                if result is _NOT_DONE:
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        entry[2],
                        Path(path, name, parent_type.name),
                        position_context,
                    )
                    if result is Undefined:
                        continue
                elif kind in (_LEAF, _LEAF_LIST):  # coerced values, never awaitable
                    results[name] = result
                    continue
                results[name] = result
                if is_awaitable(result):
                    awaitable_fields.append(name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    # --- plain subtrees: completed in one pass -----------------------------------------

    def _whole(self, parent_type: GraphQLObjectType, source: Any, entry: _Entry) -> Any:
        """An object field whose whole subtree is plain, completed without response paths
        or per-level bookkeeping; _NOT_DONE when the subtree is not all plain or holds
        anything unusual (then it is executed level by level, from the start)."""
        key = (parent_type.name, _node_ids(entry[2]))
        fields = self._subtrees.fields
        if key in fields:
            field = fields[key]
        else:
            field = fields[key] = self._subtree_field(parent_type, entry)
        if field is None:
            return _NOT_DONE
        try:
            return self._fill((field,), source)[entry[1]]
        except Exception:  # _Fallback, or whatever reading an attribute raised
            return _NOT_DONE

    def _subtree_field(self, parent_type: GraphQLObjectType, entry: _Entry) -> _Field | None:
        """``entry`` as a field of a plain subtree, or None when its subtree is not plain."""
        kind, name, details, _, attribute, named, non_null, item_non_null, plain = entry
        if kind == _TYPENAME:
            return (name, "", kind, parent_type.name, None, False, False, None)
        if kind in (_LEAF, _LEAF_LIST):
            return (name, attribute, kind, named, None, non_null, item_non_null, plain)
        if kind == _INTERFACE:  # each runtime type's selection is planned when met
            return (name, attribute, kind, named, _ByRuntimeType(details), non_null, False, None)
        if kind in (_OBJECT, _OBJECT_LIST):
            fields = self._subtree(named, details)
            if fields is not None:
                return (name, attribute, kind, named, fields, non_null, item_non_null, None)
        return None

    def _subtree(self, object_type: GraphQLObjectType, details: Any) -> tuple[_Field, ...] | None:
        """The fields ``details`` select on ``object_type``, when all are plain."""
        key = (object_type.name, _node_ids(details))
        selections = self._subtrees.selections
        if key in selections:
            return selections[key]
        sub_fields, defer_usages, *_ = self.collect_subfields(object_type, details)
        fields: tuple[_Field, ...] | None = None
        if not defer_usages:
            planned = [
                self._subtree_field(object_type, self._entry(object_type, n, d))
                for n, d in sub_fields.items()
            ]
            if all(f is not None for f in planned):
                fields = tuple(f for f in planned if f is not None)
        selections[key] = fields
        return fields

    def _fill(self, fields: tuple[_Field, ...], source: Any) -> dict[str, Any]:
        """The completed values of plain ``fields`` on ``source``; raises _Fallback at
        anything graphql-core would answer with an error or complete otherwise."""
        out: dict[str, Any] = {}
        for name, attribute, kind, named, sub, non_null, item_non_null, plain in fields:
            if kind == _TYPENAME:
                out[name] = named
                continue
            value = getattr(source, attribute)
            if value is None:
                if non_null:
                    raise _FALLBACK
                out[name] = None
            elif kind == _LEAF:
                coerced = _coerce(named, plain, value)
                if coerced is _NOT_DONE:
                    raise _FALLBACK
                out[name] = coerced
            elif kind == _OBJECT:
                if not self._is_plain_object(named, value):
                    raise _FALLBACK
                out[name] = self._fill(sub, value)
            elif kind == _OBJECT_LIST:
                if type(value) is not list:
                    raise _FALLBACK
                items: list[Any] = []
                for item in value:
                    if item is None:
                        if item_non_null:
                            raise _FALLBACK
                        items.append(None)
                    elif self._is_plain_object(named, item):
                        items.append(self._fill(sub, item))
                    else:
                        raise _FALLBACK
                out[name] = items
            elif kind == _INTERFACE:
                runtime = self._runtime_type(named, value)
                if runtime is None:
                    raise _FALLBACK
                by_type = sub.selections
                if runtime.name in by_type:
                    selected = by_type[runtime.name]
                else:
                    selected = by_type[runtime.name] = self._subtree(runtime, sub.details)
                if selected is None or not self._is_plain_object(runtime, value):
                    raise _FALLBACK
                out[name] = self._fill(selected, value)
            else:  # _LEAF_LIST
                coerced = _leaf_list_values(named, plain, item_non_null, value)
                if coerced is _NOT_DONE:
                    raise _FALLBACK
                out[name] = coerced
        return out

    # --- one level at a time -------------------------------------------------------------

    def _object(
        self, parent_type: GraphQLObjectType, source: Any, path: Path | None, entry: _Entry
    ) -> Any:
        """A plain object (or interface) field: its sub-selection, with errors handled as
        ``execute_field`` handles them."""
        kind, name, details, field_def, attribute, object_type, non_null, _, _ = entry
        try:
            value = getattr(source, attribute)
        except Exception:
            return _NOT_DONE
        if value is None:
            return _NOT_DONE if non_null else None
        if kind == _INTERFACE:
            object_type = self._runtime_type(object_type, value)
            if object_type is None:
                return _NOT_DONE
        if not self._is_plain_object(object_type, value):
            return _NOT_DONE
        sub_fields, defer_usages, *_ = self.collect_subfields(object_type, details)
        if defer_usages:
            return _NOT_DONE
        field_path = Path(path, name, parent_type.name)
        try:
            completed = self.execute_fields(object_type, value, field_path, sub_fields, None)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_def.type, details, field_path)
            return None
        if self.is_awaitable(completed):
            return self._settled(completed, field_def.type, details, field_path)
        return completed

    def _object_list(
        self, parent_type: GraphQLObjectType, source: Any, path: Path | None, entry: _Entry
    ) -> Any:
        """A plain list of objects: each item's sub-selection, with errors handled as
        ``complete_list_item_value`` and ``execute_field`` handle them."""
        _, name, details, field_def, attribute, object_type, non_null, item_non_null, _ = entry
        try:
            items = getattr(source, attribute)
        except Exception:
            return _NOT_DONE
        if items is None:
            return _NOT_DONE if non_null else None
        if type(items) is not list:
            return _NOT_DONE
        for item in items:
            if item is None:
                if item_non_null:
                    return _NOT_DONE
            elif not self._is_plain_object(object_type, item):
                return _NOT_DONE
        sub_fields, defer_usages, *_ = self.collect_subfields(object_type, details)
        if defer_usages:
            return _NOT_DONE
        is_awaitable = self.is_awaitable
        field_path = Path(path, name, parent_type.name)
        item_type = GraphQLNonNull(object_type) if item_non_null else object_type
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(items):
                if item is None:
                    completed.append(None)
                    continue
                item_path = Path(field_path, index, None)
                try:
                    value = self.execute_fields(object_type, item, item_path, sub_fields, None)
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, details, item_path)
                    value = None
                if is_awaitable(value):
                    value = self._settled(value, item_type, details, item_path)
                    awaitable_indices.append(index)
                completed.append(value)
        except Exception as raw_error:
            if awaitable_indices:
                self.settle_in_background([completed[i] for i in awaitable_indices])
            self.handle_field_error(raw_error, field_def.type, details, field_path)
            return None
        if not awaitable_indices:
            return completed

        async def get_completed() -> list[Any]:
            awaited = await gather_with_cancel(*(completed[i] for i in awaitable_indices))
            for index, value in zip(awaitable_indices, awaited, strict=True):
                completed[index] = value
            return completed

        return self._settled(get_completed(), field_def.type, details, field_path)

    def _runtime_type(
        self, interface: GraphQLInterfaceType, value: Any
    ) -> GraphQLObjectType | None:
        """The object type strawberry's default ``resolve_type`` gives ``value``, when it
        gives it by the value's class alone (no cast, no generic type)."""
        if get_strawberry_type_cast(value) is not None:  # a cast is per value, not per class
            return None
        key = (interface.name, type(value))
        if key in self._runtime_types:
            return self._runtime_types[key]
        runtime: GraphQLObjectType | None = None
        definition = interface.extensions["strawberry-definition"]
        object_definition = getattr(type(value), "__strawberry_definition__", None)
        if (
            isinstance(value, definition.origin)
            and object_definition is not None
            and not object_definition.is_graphql_generic
        ):
            named = self.schema.get_type(object_definition.name)
            if isinstance(named, GraphQLObjectType) and self.schema.is_sub_type(interface, named):
                runtime = named
        self._runtime_types[key] = runtime
        return runtime

    def _is_plain_object(self, object_type: GraphQLObjectType, value: Any) -> bool:
        if isinstance(value, Exception) or self.is_awaitable(value):
            return False
        is_type_of = object_type.is_type_of
        if is_type_of is None:
            return True
        try:
            # strawberry's checks use the value only; one that needs the resolve info
            # fails here and the field takes the full path.
            verdict = is_type_of(value, None)  # type: ignore[arg-type]
        except Exception:
            return False
        if self.is_awaitable(verdict):
            _close(verdict)
            return False
        return verdict is True

    async def _settled(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        details: Any,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, path)
            return None


def executor_class(maxsize: int = 256) -> type[FastExecutor]:
    """A :class:`FastExecutor` class keeping the plans of up to ``maxsize`` operations
    across requests (make one per schema)."""

    class SharingExecutor(FastExecutor):
        plans = SubtreePlans(maxsize)

    return SharingExecutor


def _node_ids(details: Any) -> tuple[int, ...]:
    return tuple(id(d.node) for d in details)


def _has_directives(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    """Whether a directive appears on any selection of the operation or a fragment."""

    def within(selection_set: SelectionSetNode | None) -> bool:
        for selection in selection_set.selections if selection_set else ():
            if selection.directives:
                return True
            if isinstance(selection, (FieldNode, InlineFragmentNode)) and within(
                selection.selection_set
            ):
                return True
        return False

    return within(operation.selection_set) or any(
        fragment.directives or within(fragment.selection_set) for fragment in fragments.values()
    )


class _NotDone:
    """The field is left to graphql-core's ``execute_field``."""


_NOT_DONE = _NotDone()


class _Fallback(Exception):
    """A plain subtree holds something to execute level by level."""


_FALLBACK = _Fallback()


def _resolves_by_class(type_: Any) -> bool:
    """An interface that strawberry resolves with its default ``resolve_type``."""
    if not isinstance(type_, GraphQLInterfaceType) or type_.resolve_type is None:
        return False
    definition = (type_.extensions or {}).get("strawberry-definition")
    return (
        isinstance(definition, StrawberryObjectDefinition)
        and definition.is_interface
        and definition.resolve_type is None
    )


def _plain_attribute(field_def: Any) -> str | None:
    """The attribute a strawberry field without a resolver reads, or None when the
    field is not one (it has a resolver, extensions or a custom default resolver)."""
    if not getattr(field_def.resolve, "_is_default", False):
        return None
    strawberry_field = (field_def.extensions or {}).get("strawberry-definition")
    if strawberry_field is None or strawberry_field.default_resolver is not getattr:
        return None
    name = strawberry_field.python_name
    return name if isinstance(name, str) else None


# Values that are certainly neither awaitable nor an exception.
_PLAIN_VALUES = frozenset({int, float, str, bool})


def _coerce(leaf_type: GraphQLLeafType, plain: type | None, value: Any) -> Any:
    """``value`` coerced as graphql-core completes a leaf, or _NOT_DONE when that would
    be an error, or when the value is an exception or awaitable (which graphql-core
    raises or awaits before coercing; a scalar like JSON would pass them through)."""
    kind = type(value)
    if kind is plain and (
        kind is str
        or kind is bool
        or (_MIN_INT <= value <= _MAX_INT if kind is int else isfinite(value))
    ):
        return value
    if kind not in _PLAIN_VALUES and (
        isinstance(value, Exception) or optimized_is_awaitable(value)
    ):
        return _NOT_DONE
    try:
        coerced = leaf_type.coerce_output_value(value)
    except Exception:
        return _NOT_DONE
    return _NOT_DONE if coerced is None or coerced is Undefined else coerced


def _leaf(source: Any, entry: _Entry) -> Any:
    try:
        value = getattr(source, entry[4])
    except Exception:
        return _NOT_DONE
    if value is None:
        return _NOT_DONE if entry[6] else None
    return _coerce(entry[5], entry[8], value)


def _leaf_list(source: Any, entry: _Entry) -> Any:
    try:
        values = getattr(source, entry[4])
    except Exception:
        return _NOT_DONE
    if values is None:
        return _NOT_DONE if entry[6] else None
    return _leaf_list_values(entry[5], entry[8], entry[7], values)


def _leaf_list_values(
    leaf_type: GraphQLLeafType, plain: type | None, item_non_null: bool, values: Any
) -> Any:
    if type(values) is not list:
        return _NOT_DONE
    out: list[Any] = []
    for value in values:
        if value is None:
            if item_non_null:
                return _NOT_DONE
            out.append(None)
            continue
        coerced = _coerce(leaf_type, plain, value)
        if coerced is _NOT_DONE:
            return _NOT_DONE
        out.append(coerced)
    return out


def _close(awaitable: Any) -> None:
    close: Callable[[], None] | None = getattr(awaitable, "close", None)
    if close is not None:
        close()
