"""The short path for plain fields gives what graphql-core's own executor gives: the same
data, errors, error paths and null propagation, for good and for bad values."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.scalars import JSON
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers.executor import _NOT_DONE, FastExecutor, executor_class


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Inner:
    value: int
    maybe: float | None
    tags: list[str]
    loose: list[int | None] | None
    blob: JSON | None = None

    @strawberry.field
    async def checked(self) -> int:
        await asyncio.sleep(0)
        if isinstance(self.value, int) and self.value < 0:
            raise ValueError("negative")
        return 1


@strawberry.type
class Leaf(Named):
    inner: Inner
    optional_inner: Inner | None


@strawberry.type
class Other(Named):
    size: int


@strawberry.type
class Row:
    title: str
    leaf: Leaf | None
    strict_leaf: Leaf
    items: list[Inner]
    loose_items: list[Inner | None] | None
    some_items: list[Inner] | None
    leaves: list[Leaf | None]
    named: Named | None
    strict_named: Named

    @strawberry.field
    async def later(self) -> Inner:
        await asyncio.sleep(0)
        return Inner(value=7, maybe=None, tags=["x"], loose=None)

    @strawberry.field
    def doubled(self, by: int = 2) -> int:
        return len(self.title) * by


def _inner(value: Any = 1, **changes: Any) -> Inner:
    fields: dict[str, Any] = {"value": value, "maybe": 0.5, "tags": ["a", "b"], "loose": [1, None]}
    fields.update(changes)
    return Inner(**fields)


def _leaf(**changes: Any) -> Leaf:
    fields: dict[str, Any] = {"name": "leaf", "inner": _inner(), "optional_inner": None}
    fields.update(changes)
    return Leaf(**fields)


def _row(**changes: Any) -> Row:
    fields: dict[str, Any] = {
        "title": "row",
        "leaf": _leaf(),
        "strict_leaf": _leaf(),
        "items": [_inner(1), _inner(2)],
        "loose_items": [_inner(3), None],
        "some_items": [_inner(4)],
        "leaves": [_leaf(), None],
        "named": Other(name="other", size=3),
        "strict_named": _leaf(),
    }
    fields.update(changes)
    return Row(**fields)


async def _raising() -> int:
    raise ValueError("from a coroutine")


# Each case: rows the query runs over (values an attribute may wrongly hold included).
CASES: dict[str, Any] = {
    "good": lambda: [_row(), _row(title="second")],
    "null in a non-null leaf": lambda: [_row(leaf=_leaf(inner=_inner(value=None)))],
    "null in a non-null object": lambda: [_row(strict_leaf=_leaf(inner=None))],
    "null through to the root": lambda: [_row(strict_leaf=None)],
    "value that does not coerce": lambda: [_row(leaf=_leaf(inner=_inner(value="x")))],
    "float into an int": lambda: [_row(items=[_inner(1.5)])],
    "int past 32 bits": lambda: [_row(items=[_inner(2**31)])],
    "infinite float": lambda: [_row(leaf=_leaf(inner=_inner(maybe=float("inf"))))],
    "not a number": lambda: [_row(leaf=_leaf(inner=_inner(maybe=float("nan"))))],
    "bool as an int": lambda: [_row(items=[_inner(True)])],
    "int as a float": lambda: [_row(leaf=_leaf(inner=_inner(maybe=3)))],
    "int as a string": lambda: [_row(title=5)],
    "exception as a value": lambda: [_row(leaf=_leaf(inner=_inner(maybe=ValueError("no"))))],
    "exception in a JSON leaf": lambda: [_row(leaf=_leaf(inner=_inner(blob=ValueError("no"))))],
    "coroutine as a value": lambda: [_row(leaf=_leaf(inner=_inner(value=_raising())))],
    "null item in a non-null list": lambda: [_row(items=[_inner(1), None])],
    "bad item in a nullable list": lambda: [_row(some_items=[_inner(4), _inner(1.5)])],
    "async error in a nullable list": lambda: [_row(some_items=[_inner(-4)])],
    "null tag": lambda: [_row(items=[_inner(tags=["a", None])])],
    "tuple for a list": lambda: [_row(items=(_inner(1),))],
    "wrong object type": lambda: [_row(leaf=Other(name="o", size=1))],
    "object of an unrelated type": lambda: [_row(leaf=_inner(), strict_named=_inner())],
    "wrong item type": lambda: [_row(loose_items=[_inner(1), Other(name="o", size=1)])],
    "item of an unrelated type": lambda: [
        _row(leaves=[_leaf(), SimpleNamespace(name="look-alike", inner=_inner())])
    ],
    "interface of another class": lambda: [_row(named=_inner())],
    "async error in a non-null item": lambda: [_row(items=[_inner(1), _inner(-1)])],
    "async error in a nullable item": lambda: [_row(loose_items=[_inner(-1), _inner(2)])],
    "async error under an object": lambda: [_row(leaf=_leaf(inner=_inner(-2)))],
    "null interface": lambda: [_row(named=None)],
}

# Cases graphql-core answers without an error.
FINE = {"good", "tuple for a list", "null interface", "bool as an int", "int as a float"}

QUERY = """
query Rows($skipTags: Boolean!) {
  rows {
    title doubled(by: 3) __typename
    alias: title
    leaf { name inner { value maybe tags loose blob checked } optionalInner { value } }
    strictLeaf { ...LeafParts ... @include(if: $skipTags) { optionalInner { value } } }
    items { value tags @skip(if: $skipTags) checked }
    looseItems { value maybe checked }
    someItems { value checked }
    leaves { name inner { value } }
    named { __typename name ... on Other { size } ... on Leaf { inner { value } } }
    strictNamed { name }
    later { value tags }
  }
}
fragment LeafParts on Leaf { name inner { value } }
"""


def _schema(rows: list[Row], executor: type[Any]) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def rows(self) -> list[Row]:
            return rows

    return strawberry.Schema(query=Query, types=[Leaf, Other], execution_context_class=executor)


class Rows:
    """The rows the shared schema's query answers with (set per case)."""

    current: ClassVar[list[Row]] = []


@strawberry.type
class SharedQuery:
    @strawberry.field
    def rows(self) -> list[Row]:
        return Rows.current


def _shared_schema(executor: type[Any]) -> strawberry.Schema:
    """One schema for every case, parsing through a cache: executions of the same query
    text run the same document (so an executor may keep its plans across them)."""
    return strawberry.Schema(
        query=SharedQuery,
        types=[Leaf, Other],
        execution_context_class=executor,
        extensions=[lambda: ParserCache(maxsize=16), lambda: ValidationCache(maxsize=16)],
    )


async def _run(case: str, executor: type[Any]) -> tuple[Any, list[dict[str, Any]]]:
    result = await _schema(CASES[case](), executor).execute(
        QUERY, variable_values={"skipTags": case == "good"}
    )
    errors = sorted(
        ({"message": e.message, "path": e.path} for e in result.errors or []),
        key=lambda e: str(e["path"]),
    )
    return result.data, errors


class LevelByLevel(FastExecutor):
    """The short path without whole plain subtrees in one pass (one level at a time)."""

    def _whole(self, *args: Any) -> Any:
        return _NOT_DONE


@pytest.mark.parametrize("executor", [FastExecutor, LevelByLevel])
@pytest.mark.parametrize("case", list(CASES))
async def test_same_answer_as_graphql_core(case: str, executor: type[Any]) -> None:
    expected = await _run(case, StrawberryGraphQLCoreExecutionContext)
    assert await _run(case, executor) == expected
    if case not in FINE:  # every bad value is a case graphql-core reports
        assert expected[1], case


async def test_plans_kept_across_requests_give_the_same_answers() -> None:
    """Every case run in turn through one schema whose executor keeps plans per operation
    (the query without directives shares them; the one with @skip does not)."""
    shared, plain = (
        _shared_schema(executor_class()),
        _shared_schema(StrawberryGraphQLCoreExecutionContext),
    )
    without_directives = (
        QUERY.replace(" @skip(if: $skipTags)", "")
        .replace(" @include(if: $skipTags)", "")
        .replace("($skipTags: Boolean!)", "")
    )
    assert "$" not in without_directives
    for _ in range(2):
        for case in CASES:
            for query in (without_directives, QUERY):
                for skip in (True, False):
                    answers = []
                    for schema in (plain, shared):
                        Rows.current = CASES[case]()
                        variables = {"skipTags": skip} if "$" in query else None
                        result = await schema.execute(query, variable_values=variables)
                        assert result.data is not None or case != "good"
                        errors = sorted(
                            ((e.message, str(e.path)) for e in result.errors or []),
                            key=lambda e: e[1],
                        )
                        answers.append((result.data, errors))
                    assert answers[1] == answers[0], (case, skip)


async def test_good_rows_are_complete() -> None:
    data, errors = await _run("good", FastExecutor)
    assert not errors
    first = data["rows"][0]
    assert first["leaf"]["inner"] == {
        "value": 1,
        "maybe": 0.5,
        "tags": ["a", "b"],
        "loose": [1, None],
        "blob": None,
        "checked": 1,
    }
    assert first["named"] == {"__typename": "Other", "name": "other", "size": 3}
    assert first["doubled"] == 9 and first["later"]["value"] == 7
