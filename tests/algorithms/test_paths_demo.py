"""Advocacy paths on the demo data set, loaded through the real connectors with ``scrm load all``:
the planted advocates reach the members of their communities."""

from __future__ import annotations

import asyncio
from pathlib import Path

from algorithms.paths import PathParams, find_advocacy_paths
from graph import GraphSettings
from graph.store import GraphStore
from loaders.demo import generate
from tests.support.procs import run_scrm, scrm_env

SCALE = 0.25  # of the small set: ~500 accounts, 11 planted communities
PER_COMMUNITY = 12  # members checked per community


async def test_advocates_reach_their_community_members(
    falkordb_store: GraphStore, falkordb_settings: GraphSettings, tmp_path: Path
) -> None:
    truth = generate(tmp_path / "demo", size="small", seed=42, factor=SCALE)
    env = scrm_env(falkordb_settings.data_dir, SCRM_GRAPH_NAME=falkordb_settings.graph)
    loaded = await asyncio.to_thread(
        run_scrm, "load", "all", str(tmp_path / "demo"), env=env, timeout=300
    )
    assert loaded.returncode == 0, loaded.stderr
    checked = reached = from_own = explicit = 0
    for community in truth.communities:
        advocates = set(community.advocates)
        members = sorted(set(community.accounts) - advocates)
        step = max(1, len(members) // PER_COMMUNITY)
        for member in members[::step][:PER_COMMUNITY]:
            checked += 1
            best = await find_advocacy_paths(
                falkordb_store, PathParams(target=member, brand=community.brand)
            )
            if best.paths:
                reached += 1
                from_own += best.paths[0].nodes[0] in advocates
                assert all(p.nodes[0] in best.sources for p in best.paths)
                assert all(len(p.hops) <= 5 for p in best.paths)
            direct = await find_advocacy_paths(
                falkordb_store, PathParams(target=member, source=community.advocates[0], k=1)
            )
            explicit += bool(direct.paths)
    assert checked >= 100
    # Every member is reached from its brand's advocates, and for nearly all the
    # strongest path starts at an advocate of the member's own community.
    assert reached == checked
    assert from_own >= 0.9 * checked
    # Each community's first advocate reaches its members within 5 hops.
    assert explicit >= 0.95 * checked
