"""Shared fixtures: one embedded FalkorDB per test session, one graph per test.

The store fixtures are parameterised by backend: FalkorDB always, Neo4j when
``SCRM_TEST_NEO4J_URI`` names a server (with ``SCRM_TEST_NEO4J_USER`` /
``SCRM_TEST_NEO4J_PASSWORD``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from graph import EmbeddedEngine, GraphSettings, GraphStore, open_store

NEO4J_URI = os.environ.get("SCRM_TEST_NEO4J_URI", "")

BACKENDS = [
    "falkordb",
    pytest.param(
        "neo4j",
        marks=[
            pytest.mark.neo4j,
            pytest.mark.skipif(not NEO4J_URI, reason="SCRM_TEST_NEO4J_URI is not set"),
        ],
    ),
]


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Short path: unix socket paths are limited to 107 bytes.
    return tmp_path_factory.mktemp("db")


@pytest.fixture(scope="session")
def engine(data_dir: Path) -> Iterator[EmbeddedEngine]:
    engine = EmbeddedEngine(data_dir)
    engine.ensure_running()
    yield engine
    engine.stop()


@pytest.fixture
def graph_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def falkordb_settings(engine: EmbeddedEngine, graph_name: str) -> GraphSettings:
    return GraphSettings(data_dir=engine.data_dir, graph=graph_name)


def neo4j_settings() -> GraphSettings:
    return GraphSettings(
        uri=NEO4J_URI,
        user=os.environ.get("SCRM_TEST_NEO4J_USER", "neo4j"),
        password=os.environ.get("SCRM_TEST_NEO4J_PASSWORD", ""),
    )


@pytest.fixture
async def falkordb_store(
    engine: EmbeddedEngine, falkordb_settings: GraphSettings
) -> AsyncIterator[GraphStore]:
    store = await open_store(falkordb_settings, engine=engine)
    await store.ensure_schema()
    try:
        yield store
    finally:
        await store.drop()
        await store.close()


@pytest.fixture(params=BACKENDS)
async def store(
    request: pytest.FixtureRequest, engine: EmbeddedEngine, graph_name: str
) -> AsyncIterator[GraphStore]:
    """A fresh, empty graph with the schema in place, on each backend."""
    if request.param == "falkordb":
        settings = GraphSettings(data_dir=engine.data_dir, graph=graph_name)
        opened = await open_store(settings, engine=engine)
    else:
        opened = await open_store(neo4j_settings())
        await opened.drop()  # Community Edition has one database: start it empty
    await opened.ensure_schema()
    try:
        yield opened
    finally:
        await opened.drop()
        await opened.close()
