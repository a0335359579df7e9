"""``scrm load`` as users run it: JSON summary, exit codes, rejects file, ``load all``,
and a load killed with SIGKILL then run again."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli.main import app
from graph import EmbeddedEngine, GraphSettings, GraphStore, open_store
from graph.version import graph_version
from tests.loaders.snapshot import engaged, snapshot
from tests.loaders.test_generic_connectors import KARATE, hostile_canonical, hostile_csv
from tests.support.procs import SCRM, run_scrm, scrm_env

runner = CliRunner()
SECRET = "cli-load-test-secret-0123456789"


@pytest.fixture
def cli_env(
    engine: EmbeddedEngine, graph_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The session engine, a fresh graph, and a data dir of the test's own (for rejects)."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SCRM_GRAPH_URI", f"unix://{engine.socket_path}")
    monkeypatch.setenv("SCRM_GRAPH_NAME", graph_name)
    monkeypatch.setenv("SCRM_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SCRM_IDENTITY_KEY", SECRET)
    return data_dir


async def scrm(*args: str) -> Result:
    # The command runs its own event loop: give it a thread of its own.
    return await asyncio.to_thread(runner.invoke, app, list(args))


def summary_of(result: Result) -> dict[str, Any]:
    assert result.stdout.strip(), result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


async def test_json_summary_and_exit_0(cli_env: Path, falkordb_store: GraphStore) -> None:
    result = await scrm("load", "graph-file", str(KARATE), "--json")
    assert result.exit_code == 0, result.output
    assert summary_of(result) == {
        "read": 190,
        "written": {"Account": 34, "FOLLOWS": 156},
        "rejected": 0,
        "repeated": 0,
        "rejects_file": None,
    }
    assert not (cli_env / "rejects").exists()  # no rejects, no file
    again = await scrm("load", "graph-file", str(KARATE), "--json", "--platform", "karate")
    assert summary_of(again)["written"] == {"Account": 34, "FOLLOWS": 156}
    stats = await falkordb_store.stats()
    assert (stats.nodes, stats.relationships) == ({"Account": 68}, {"FOLLOWS": 312})


async def test_human_summary(cli_env: Path) -> None:
    result = await scrm("load", "graph-file", str(KARATE))
    assert result.exit_code == 0, result.output
    assert "records read" in result.stdout and "written FOLLOWS" in result.stdout
    assert "156" in result.stdout


@pytest.mark.parametrize(
    ("connector", "data", "name", "good", "rejected"),
    [
        ("canonical", hostile_canonical, "h.jsonl", {"Account": 2, "Post": 1}, 9),
        ("edges-csv", hostile_csv, "h.csv", {"Account": 4, "Post": 1}, 11),
    ],
)
async def test_hostile_input_exit_2_with_reasons(
    cli_env: Path,
    falkordb_store: GraphStore,
    tmp_path: Path,
    connector: str,
    data: Any,
    name: str,
    good: dict[str, int],
    rejected: int,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(data())
    (folder / f"empty{Path(name).suffix}").write_bytes(b"")
    (folder / f"binary{Path(name).suffix}").write_bytes(bytes(range(256)))
    result = await scrm("load", connector, str(folder), "--json")
    assert result.exit_code == 2, result.output
    summary = summary_of(result)
    assert summary["rejected"] == rejected + 2
    rejects_file = Path(summary["rejects_file"])
    assert rejects_file.parent == cli_env / "rejects"
    assert rejects_file.name.startswith(f"{connector}-")
    lines = [json.loads(line) for line in rejects_file.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == rejected + 2
    assert all(set(r) >= {"source", "location", "reason", "raw"} and r["reason"] for r in lines)
    assert {Path(r["source"]).name for r in lines} == {
        name,
        *(f"{n}{Path(name).suffix}" for n in ("empty", "binary")),
    }
    assert (await falkordb_store.stats()).nodes == good


async def test_explicit_rejects_file(cli_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_bytes(hostile_canonical())
    out = tmp_path / "mine" / "rejects.jsonl"
    result = await scrm("load", "canonical", str(path), "--json", "--rejects", str(out))
    assert result.exit_code == 2
    assert summary_of(result)["rejects_file"] == str(out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", "nope", "x"], "unknown connector 'nope'"),
        (["load", "canonical", "/definitely/missing"], "/definitely/missing: no such file"),
        (
            ["load", "orders-csv", ".", "--columns", "total"],
            "--columns: 'total' is not ours=theirs",
        ),
        (["load", "all", "/definitely/missing"], "'scrm load all' takes one directory"),
    ],
)
async def test_failures_exit_1_with_one_line(cli_env: Path, args: list[str], message: str) -> None:
    result = await scrm(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.startswith("scrm: ")


async def test_an_unreachable_database_exits_1(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRM_GRAPH_URI", "redis://127.0.0.1:1")
    result = await scrm("load", "graph-file", str(KARATE), "--json")
    assert result.exit_code == 1
    assert result.output.startswith("scrm: SCRM_GRAPH_URI: cannot reach")
    assert len(result.output.strip().splitlines()) == 1


async def test_load_all(cli_env: Path, falkordb_store: GraphStore, tmp_path: Path) -> None:
    root = tmp_path / "export"
    for folder in ("canonical", "graph-file", "edges-csv", "holiday-photos"):
        (root / folder).mkdir(parents=True)
    (root / "canonical" / "a.jsonl").write_text(
        '{"kind": "post", "id": "c:p1", "platform": "c", "text": "Lumora!", "author": "c:1"}\n'
    )
    (root / "graph-file" / "karate_club.gml").write_bytes(KARATE.read_bytes())
    (root / "edges-csv" / "talk.csv").write_text("a,b,reply\n")
    (root / "brands.json").write_text(
        json.dumps([{"id": "lumora", "name": "Lumora Tea", "aliases": ["Lumora"]}])
    )
    (root / "truth.json").write_text("{}")
    result = await scrm("load", "all", str(root), "--json")
    assert result.exit_code == 0, result.output
    summary = summary_of(result)
    assert summary["written"] == {
        "ABOUT": 1,
        "Account": 34 + 2,  # karate, a and b; the post's author c:1 only as an endpoint
        "Brand": 1,
        "ENGAGED": 1,
        "FOLLOWS": 156,
        "POSTED": 2,
        "Post": 2,
        "REPLIED": 1,
    }
    assert "skipping" in result.stderr and "holiday-photos" in result.stderr
    assert "truth.json" not in result.stderr
    assert (await falkordb_store.stats()).nodes == {"Account": 37, "Brand": 1, "Post": 2}


# --- killed mid-way ---------------------------------------------------------------------------


def generated_canonical(
    path: Path, *, people: int = 1000, posts: int = 2000, acts: int = 8000
) -> int:
    """A few tens of thousands of canonical records: accounts, posts, likes, replies,
    shares, mentions, follows; returns how many."""
    rnd = random.Random(7)
    rows: list[dict[str, Any]] = []
    for i in range(people):
        rows.append({"kind": "account", "id": f"g:{i}", "platform": "g", "handle": f"u{i}"})
    for i in range(posts):
        author = f"g:{int(rnd.paretovariate(1.2)) % people}"
        rows.append(
            {
                "kind": "post",
                "id": f"g:p{i}",
                "platform": "g",
                "author": author,
                "text": f"post {i} 李雷 🎉",
                "created_at": 1_700_000_000_000 + i,
            }
        )
    kinds = ["LIKED", "LIKED", "REPLIED", "SHARED", "QUOTED"]
    for i in range(acts):
        who, post = f"g:{rnd.randrange(people)}", f"g:p{rnd.randrange(posts)}"
        if i % 8 == 0:
            rows.append({"kind": "mention", "post": post, "account": who})
        elif i % 8 == 1:
            rows.append({"kind": "follow", "source": who, "target": f"g:{rnd.randrange(people)}"})
        else:
            rows.append(
                {
                    "kind": "engagement",
                    "type": rnd.choice(kinds),
                    "account": who,
                    "post": post,
                    "at": 1_700_000_100_000 + i,
                }
            )
    rnd.shuffle(rows)  # relationships before their endpoints, authors after engagements
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return len(rows)


async def _open(data_dir: Path, graph: str) -> GraphStore:
    return await open_store(
        GraphSettings(data_dir=data_dir, graph=graph), engine=EmbeddedEngine(data_dir)
    )


@pytest.mark.slow
async def test_a_killed_load_run_again_ends_like_an_uninterrupted_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data_dir = tmp_path_factory.mktemp("k")  # short: the engine's socket lives here
    path = data_dir / "big.jsonl"
    total = generated_canonical(path)
    env = scrm_env(data_dir, SCRM_IDENTITY_KEY=SECRET)
    started = await asyncio.to_thread(run_scrm, "db", "start", env=env)
    assert started.returncode == 0, started.stderr
    killed_env = {**env, "SCRM_GRAPH_NAME": "killed"}
    whole_env = {**env, "SCRM_GRAPH_NAME": "whole"}
    load_args = [SCRM, "load", "canonical", str(path), "--json", "--batch-size", "400"]
    killed = await _open(data_dir, "killed")
    try:
        proc = subprocess.Popen(
            load_args, env=killed_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 120
        # Kill once a few batches have committed (each bumps the version) and well
        # before the end (there are 28).
        while await graph_version(killed) < 4:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no batch committed in time"
            await asyncio.sleep(0.02)
        proc.kill()
        proc.wait()
        assert proc.returncode == -9
        partial = await killed.stats()
        assert 0 < partial.relationships.get("FOLLOWS", 0) < total
        assert "ENGAGED" not in partial.relationships  # not brought current before the end

        rerun = await asyncio.to_thread(run_scrm, *load_args[1:], env=killed_env, timeout=600)
        assert rerun.returncode == 0, rerun.stderr
        whole_run = await asyncio.to_thread(run_scrm, *load_args[1:], env=whole_env, timeout=600)
        assert whole_run.returncode == 0, whole_run.stderr
        assert json.loads(whole_run.stdout)["read"] == total

        whole = await _open(data_dir, "whole")
        try:
            assert await killed.stats() == await whole.stats()
            assert await engaged(killed) == await engaged(whole)
            killed_nodes, killed_rels = await snapshot(killed)
            whole_nodes, whole_rels = await snapshot(whole)
            assert killed_rels == whole_rels
            assert _without_ingest_times(killed_nodes) == _without_ingest_times(whole_nodes)
        finally:
            await whole.drop()
            await whole.close()
    finally:
        await killed.drop()
        await killed.close()
        await asyncio.to_thread(run_scrm, "db", "stop", env=env)


def _without_ingest_times(nodes: list[Any]) -> list[Any]:
    # When each run first saw a post differs, and only that.
    return [(label, [kv for kv in props if kv[0] != "ingested_at"]) for label, props in nodes]
