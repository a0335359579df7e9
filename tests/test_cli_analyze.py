"""``scrm analyze influencers`` / ``communities``: the --json shapes and one-line errors."""

from __future__ import annotations

import json

import pytest

from graph import EmbeddedEngine, GraphStore
from tests.algorithms.test_projection import small_graph
from tests.support.procs import run_scrm, scrm_env


@pytest.fixture
async def env(
    falkordb_store: GraphStore, engine: EmbeddedEngine, graph_name: str
) -> dict[str, str]:
    await small_graph().write(falkordb_store)
    return scrm_env(engine.data_dir, SCRM_GRAPH_NAME=graph_name)


def test_influencers_json(env: dict[str, str]) -> None:
    result = run_scrm("analyze", "influencers", "--brand", "acme", "--top", "2", "--json", env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["run_id"].startswith("influence-")
    assert [r["rank"] for r in out["results"]] == [1, 2]
    first = out["results"][0]
    assert first["id"] == "twitter:a1" and first["score"] == pytest.approx(1.0)
    assert set(first["breakdown"]) >= {
        "pagerank_part",
        "reach_part",
        "engagement_received",
        "channels",
        "brand_sentiment",
        "advocacy",
    }
    assert [a["id"] for a in out["advocates"]] == ["twitter:a1"]
    again = json.loads(
        run_scrm("analyze", "influencers", "--brand", "acme", "--json", env=env).stdout
    )
    assert again["reused"] and again["run_id"] == out["run_id"]


def test_communities_json(env: dict[str, str]) -> None:
    result = run_scrm("analyze", "communities", "--resolution", "1.5", "--json", env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["algorithm"] == "leiden" and isinstance(out["modularity"], float)
    members = [m for c in out["clusters"] for m in c["members"]]
    assert sorted(members) == sorted(set(members)) and len(members) == out["node_count"] == 5
    assert all({"id", "size", "members", "leaders"} <= set(c) for c in out["clusters"])
    human = run_scrm("analyze", "communities", "--algorithm", "louvain", env=env)
    assert human.returncode == 0 and "modularity" in human.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("influencers", "--brand", "nope"), "scrm: unknown brand 'nope'"),
        (("influencers", "--since", "last week"), "scrm: --since: not an ISO date"),
        (("influencers", "--top", "0"), "scrm: top: must be 1 or more"),
        (("communities", "--resolution", "0"), "scrm: resolution: must be greater than 0"),
    ],
)
def test_bad_parameters_give_one_line(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = run_scrm("analyze", *args, env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr


def test_empty_filters_say_so(env: dict[str, str]) -> None:
    result = run_scrm("analyze", "influencers", "--platform", "discord", env=env)
    assert result.returncode == 0 and "nothing to rank" in result.stdout
