"""docker-compose.yml wires the API to Neo4j the way the README says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_neo4j_service() -> None:
    neo4j = compose()["services"]["neo4j"]
    assert neo4j["image"].split(":") == ["neo4j", "5"]  # Community Edition, major 5
    auth = neo4j["environment"]["NEO4J_AUTH"]
    assert auth.startswith("neo4j/${NEO4J_PASSWORD")  # from the environment, never literal
    health = neo4j["healthcheck"]
    assert "cypher-shell" in " ".join(health["test"]) and health["retries"] >= 3
    mounts = {m.split(":")[1]: m.split(":")[0] for m in neo4j["volumes"]}
    assert mounts["/data"] in compose()["volumes"]  # a named volume


def test_api_service_is_wired_to_neo4j_after_it_is_healthy() -> None:
    api = compose()["services"]["api"]
    assert api["build"]["dockerfile"] == "Dockerfile"
    assert (ROOT / api["build"]["dockerfile"]).is_file()
    env = api["environment"]
    assert env["SCRM_GRAPH_URI"] == "neo4j://neo4j:7687"
    assert env["SCRM_GRAPH_PASSWORD"].startswith("${NEO4J_PASSWORD")
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"


def test_dockerfile_installs_the_project_and_serves() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "pip install" in text and "scrm" in text and "serve" in text
    for package in ("graph", "loaders", "algorithms", "schema", "resolvers", "cli"):
        assert f"COPY {package} " in text, package
