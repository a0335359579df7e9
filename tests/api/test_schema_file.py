"""The committed schema.graphql is the schema the code builds."""

from __future__ import annotations

from pathlib import Path

from cli.graphql_schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is stale: run `scrm schema print --out schema.graphql`"
    )


def test_schema_has_the_relay_conventions() -> None:
    sdl = schema_sdl()
    assert "interface Node {" in sdl
    assert "node(id: ID!): Node" in sdl and "nodes(ids: [ID!]!): [Node]!" in sdl
    for type_name in (
        "Customer",
        "Account",
        "Post",
        "Brand",
        "Community",
        "Hashtag",
        "Order",
        "Cluster",
        "AnalysisRun",
    ):
        assert f"type {type_name} implements Node" in sdl
    assert "type PageInfo {" in sdl and "totalCount: Int!" in sdl
