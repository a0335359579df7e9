"""Helpers for the social connectors' end-to-end tests: ``scrm load`` as a user runs it,
against the session's embedded FalkorDB, and what the graph holds afterwards."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph import GraphSettings, GraphStore
from tests.support.procs import run_scrm, scrm_env


@dataclass(frozen=True)
class Loaded:
    code: int
    summary: dict[str, Any]
    rejects: list[dict[str, Any]]
    nodes: dict[str, int]
    relationships: dict[str, int]


async def scrm_load(
    store: GraphStore,
    settings: GraphSettings,
    connector: str,
    paths: list[Path],
    rejects: Path,
) -> Loaded:
    """Run ``scrm load CONNECTOR PATHS --json --rejects FILE``; read the graph's counts."""
    env = scrm_env(settings.data_dir, SCRM_GRAPH_NAME=settings.graph)
    args = ("load", connector, *map(str, paths), "--json", "--rejects", str(rejects))
    done = await asyncio.to_thread(run_scrm, *args, env=env, timeout=180)
    assert done.stdout.strip(), done.stderr
    lines = rejects.read_text(encoding="utf-8").splitlines() if rejects.exists() else []
    stats = await store.stats()
    return Loaded(
        done.returncode,
        json.loads(done.stdout),
        [json.loads(line) for line in lines],
        stats.nodes,
        stats.relationships,
    )
