"""The generic connectors - canonical JSON lines, edges-csv, graph-file - on real networks
and on hostile input."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pytest

from graph.model import (
    Account,
    Engagement,
    Follow,
    Mention,
    Post,
    Record,
    RecordAdapter,
)
from graph.store import GraphStore
from loaders import canonical, edges_csv, graph_file
from loaders.base import LoadOptions, Reject, Source
from loaders.canonical import schema_text
from loaders.pipeline import load
from loaders.registry import get_connector
from tests.loaders.snapshot import engaged, snapshot

DATA = Path(__file__).resolve().parents[1] / "data"
DOCS = Path(__file__).resolve().parents[2] / "docs"
KARATE = DATA / "zachary-karate-club" / "karate_club.gml"
FOOTBALL = DATA / "newman-football" / "football.gml"
POLBOOKS = DATA / "newman-polbooks" / "polbooks.gml"
MIXED = "李雷 🎉 שלום עולם"  # CJK, emoji and right-to-left text in one value
BINARY = bytes(range(256)) * 4


def parse(module: object, source: Source, **options: str) -> tuple[list[Record], list[Reject]]:
    items = list(module.parse(source, options=LoadOptions(**options)))  # type: ignore[attr-defined]
    return (
        [i for i in items if not isinstance(i, Reject)],
        [i for i in items if isinstance(i, Reject)],
    )


def kinds(records: Iterable[Record]) -> dict[str, int]:
    return dict(Counter(type(r).__name__ for r in records))


def test_registered() -> None:
    assert get_connector("canonical") is canonical.CONNECTOR
    assert get_connector("edges-csv") is edges_csv.CONNECTOR
    assert get_connector("graph-file") is graph_file.CONNECTOR


# --- canonical ------------------------------------------------------------------------


def test_schema_file_is_current() -> None:
    committed = (DOCS / "canonical.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "docs/canonical.schema.json is stale: run "
        "`.venv/bin/python -m loaders.canonical > docs/canonical.schema.json`"
    )


def test_docs_describe_every_kind() -> None:
    text = (DOCS / "canonical.md").read_text(encoding="utf-8")
    for kind in json.loads(schema_text())["discriminator"]["mapping"]:
        assert f"`{kind}`" in text, f"docs/canonical.md does not describe kind {kind!r}"


def test_canonical_round_trip_of_every_kind() -> None:
    from tests.loaders.test_writer import every_kind

    records = every_kind()
    lines = "\n".join(r.model_dump_json(exclude_none=True) for r in records)
    parsed, rejects = parse(canonical, Source.from_bytes(lines.encode(), "all.jsonl"))
    assert rejects == []
    assert parsed == records


def hostile_canonical() -> bytes:
    big = "字" * 350_000  # over 1 MB of UTF-8
    lines = [
        json.dumps({"kind": "account", "id": "x:1", "platform": "x", "name": MIXED}),
        '{"kind": "account", "id": "x:2", "platform": "x"',  # truncated
        json.dumps({"kind": "account", "id": "x:3", "platform": "x", "followers": "many"}),
        json.dumps({"kind": "account", "platform": "x"}),  # no id
        json.dumps({"kind": "account", "id": "x:1", "platform": "x", "name": MIXED}),  # again
        json.dumps({"kind": "account", "id": "x:6", "platform": "x", "colour": "red"}),
        json.dumps({"kind": "post", "id": "x:p1", "platform": "x", "text": big, "author": "x:1"}),
        json.dumps({"kind": "spaceship", "id": "x:7"}),
        "[1, 2]",
        json.dumps({"id": "x:9", "platform": "x"}),
        json.dumps({"kind": "post", "id": "x:p2", "platform": "x", "text": big, "mood": 1}),
        json.dumps({"kind": "mention", "post": "x:p1", "account": "x:10"}),
    ]
    data = "\n".join(lines).encode()
    return data + b"\n\xff\xfe not utf-8 \xc3\x28\n\n"


HOSTILE_CANONICAL_REASONS = {
    "line 2": "not valid JSON",
    "line 3": "followers: Input should be a valid integer",
    "line 4": "account.id: Field required",
    "line 6": "account.colour: Extra inputs are not permitted",
    "line 8": "does not match any of the expected tags",
    "line 9": "not a JSON object",
    "line 10": "kind: missing",
    "line 11": "post.mood: Extra inputs are not permitted",
    "line 13": "not UTF-8 text",
}


def test_canonical_hostile_lines() -> None:
    records, rejects = parse(canonical, Source.from_bytes(hostile_canonical(), "bad.jsonl"))
    assert kinds(records) == {"Account": 2, "Post": 1, "Mention": 1}
    assert {r.location for r in rejects} == set(HOSTILE_CANONICAL_REASONS)
    for reject in rejects:
        assert HOSTILE_CANONICAL_REASONS[reject.location] in reject.reason, reject
    post = next(r for r in records if isinstance(r, Post))
    assert len(post.text) == 350_000
    assert next(r for r in records if isinstance(r, Account)).name == MIXED


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"\n \n", "empty file"), (BINARY, "binary data, not JSON lines")],
)
def test_canonical_whole_file_rejects(data: bytes, reason: str) -> None:
    records, rejects = parse(canonical, Source.from_bytes(data, "f.jsonl"))
    assert records == []
    assert [(r.location, r.reason) for r in rejects] == [("file", reason)]


# --- edges-csv ----------------------------------------------------------------------------


def test_edges_csv_types_and_synthetic_posts() -> None:
    text = (
        "source,target,type,weight,at\n"
        "a,b,,,\n"
        "a,b,like,2.5,1700000000000\n"
        "c,b,reply,,2024-01-02T03:04:05Z\n"
        "a,c,mention\n"
        "b,a,follow,0.5\n"
    )
    records, rejects = parse(edges_csv, Source.from_bytes(text.encode(), "net.csv"))
    assert rejects == []
    accounts = [r for r in records if isinstance(r, Account)]
    assert [a.id for a in accounts] == ["net:a", "net:b", "net:c"]  # each once
    assert {p.id: p.author for p in records if isinstance(p, Post)} == {
        "net:b#content": "net:b",
        "net:a#content": "net:a",
    }
    assert [r for r in records if isinstance(r, Follow)] == [
        Follow(source="net:a", target="net:b"),
        Follow(source="net:b", target="net:a", weight=0.5),
    ]
    assert [r for r in records if isinstance(r, Engagement)] == [
        Engagement(
            type="LIKED", account="net:a", post="net:b#content", at=1_700_000_000_000, weight=2.5
        ),
        Engagement(type="REPLIED", account="net:c", post="net:b#content", at=1_704_164_645_000),
    ]
    assert [r for r in records if isinstance(r, Mention)] == [
        Mention(post="net:a#content", account="net:c")
    ]


def test_edges_csv_without_header_and_with_platform() -> None:
    text = "1\t2\n2\t3\tshare\n"
    records, rejects = parse(edges_csv, Source.from_bytes(text.encode()), platform="Weibo")
    assert rejects == []
    assert kinds(records) == {"Account": 3, "Follow": 1, "Post": 1, "Engagement": 1}
    assert {r.id for r in records if isinstance(r, Account)} == {"weibo:1", "weibo:2", "weibo:3"}


def hostile_csv() -> bytes:
    rows = [
        "source,target,type,weight,at,colour",  # line 1: an unknown column, ignored
        f"{MIXED},b,like,1,,red",  # fine
        "a,,follow",  # no target
        "a,b,poke",  # unknown type
        "a,b,like,heavy",  # weight not a number
        "a,b,like,-1",  # negative weight
        "a,b,like,1,yesterday",  # bad time
        "a,b,like,1,5,red,extra",  # too many columns
        "a",  # truncated
        "y" * 600 + ",b",  # an id past 512 characters
        "x" * 1_000_000 + ",b",  # a 1 MB field
        f"{MIXED},b,like,1,,red",  # a duplicate: same relationship
        "c,d",  # fine
    ]
    return ("\n".join(rows) + "\n").encode() + b"e,\xff\xfe\n"


HOSTILE_CSV_REASONS = {
    "line 1": "unknown column 'colour' ignored",
    "line 3": "target: missing",
    "line 4": "type: 'poke' is not one of",
    "line 5": "weight: 'heavy' is not a number",
    "line 6": "weight: '-1' is not a finite number >= 0",
    "line 7": "at: 'yesterday' is neither",
    "line 8": "7 columns, expected at most 6",
    "line 9": "target: missing",
    "line 10": "id: String should have at most 512 characters",
    "line 11": "field larger than field limit",
    "line 14": "not UTF-8 text",
}


def test_edges_csv_hostile_rows() -> None:
    records, rejects = parse(edges_csv, Source.from_bytes(hostile_csv(), "bad.csv"))
    assert {r.location for r in rejects} == set(HOSTILE_CSV_REASONS)
    for reject in rejects:
        assert HOSTILE_CSV_REASONS[reject.location] in reject.reason, reject
    assert kinds(records) == {"Account": 4, "Post": 1, "Engagement": 2, "Follow": 1}
    assert f"bad:{MIXED}" in {r.id for r in records if isinstance(r, Account)}


@pytest.mark.parametrize("module", [edges_csv, graph_file])
@pytest.mark.parametrize(("data", "reason"), [(b"", "empty file"), (BINARY, "binary data")])
def test_whole_file_rejects(module: object, data: bytes, reason: str) -> None:
    name = "f.csv" if module is edges_csv else "f.gml"
    records, rejects = parse(module, Source.from_bytes(data, name))
    assert records == []
    assert len(rejects) == 1 and rejects[0].location == "file"
    assert reason in rejects[0].reason


# --- graph-file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "platform", "nodes", "edges", "attribute", "groups"),
    [
        (KARATE, "karate_club", 34, 78, "club", {"Mr. Hi": 17, "Officer": 17}),
        (POLBOOKS, "polbooks", 105, 441, "value", {"c": 49, "l": 43, "n": 13}),
        (
            FOOTBALL,
            "football",
            115,
            613,
            "value",
            dict(enumerate([9, 8, 11, 12, 10, 5, 13, 8, 10, 12, 7, 10])),
        ),
    ],
)
def test_graph_file_reads_the_published_networks(
    path: Path,
    platform: str,
    nodes: int,
    edges: int,
    attribute: str,
    groups: dict[object, int],
) -> None:
    records, rejects = parse(graph_file, Source.from_path(path))
    assert rejects == []
    accounts = [r for r in records if isinstance(r, Account)]
    follows = [r for r in records if isinstance(r, Follow)]
    assert (len(accounts), len(follows)) == (nodes, 2 * edges)  # undirected: both ways
    assert {a.platform for a in accounts} == {platform}
    assert dict(Counter(a.properties[attribute] for a in accounts)) == groups
    pairs = {(f.source, f.target) for f in follows}
    assert all((t, s) in pairs for s, t in pairs)


def test_graph_file_names_from_labels() -> None:
    records, _ = parse(graph_file, Source.from_path(POLBOOKS))
    first = next(r for r in records if isinstance(r, Account))
    assert (first.id, first.name, first.properties) == (
        "polbooks:0",
        "1000 Years for Revenge",
        {"value": "n"},
    )


@pytest.mark.parametrize(
    ("suffix", "write"),
    [
        (".graphml", nx.write_graphml),
        (".gexf", nx.write_gexf),
        (".net", nx.write_pajek),
        (".edgelist", lambda g, p: nx.write_edgelist(g, p, data=["weight"])),
    ],
)
def test_graph_file_formats(tmp_path: Path, suffix: str, write: object) -> None:
    graph = nx.DiGraph() if suffix != ".edgelist" else nx.Graph()
    graph.add_node("a", club="x", label="Alice")
    graph.add_node("b", club="y", label="Bob")
    graph.add_node("c", club="y", label="Carol")
    graph.add_edge("a", "b", weight=2.0)
    graph.add_edge("b", "c", weight=1.0)
    path = tmp_path / f"g{suffix}"
    write(graph, path)  # type: ignore[operator]
    records, rejects = parse(graph_file, Source.from_path(path), platform="demo")
    assert rejects == []
    follows = {(f.source, f.target, f.weight) for f in records if isinstance(f, Follow)}
    expected = {("demo:a", "demo:b", 2.0), ("demo:b", "demo:c", 1.0)}
    if suffix == ".edgelist":  # edge lists are undirected, as networkx reads them
        expected |= {(t, s, w) for s, t, w in expected}
    assert follows == expected
    if suffix in {".graphml", ".gexf"}:
        names = {
            a.id: (a.name, a.properties.get("club")) for a in records if isinstance(a, Account)
        }
        assert names["demo:a"] == ("Alice", "x")


def test_graph_file_sniffs_a_payload() -> None:
    text = KARATE.read_bytes()
    records, rejects = parse(graph_file, Source.from_bytes(text), platform="karate")
    assert rejects == []
    assert kinds(records) == {"Account": 34, "Follow": 156}


def test_graph_file_hostile() -> None:
    truncated = KARATE.read_bytes()[:2000]
    records, rejects = parse(graph_file, Source.from_bytes(truncated, "cut.gml"))
    assert records == []
    assert [r.location for r in rejects] == ["document"]
    assert rejects[0].reason.startswith("not a readable gml document")
    lines = "a b\n# a comment\nc\nd e {bad\nf g heavy\nh i -3\n李 🎉 2\nj k\n"
    records, rejects = parse(graph_file, Source.from_bytes(lines.encode(), "e.edgelist"))
    assert {r.location: r.reason for r in rejects} == {
        "line 3": "an edge needs two node ids",
        "line 4": "not an edge: expected 'u v', 'u v weight' or 'u v {attributes}'",
        "line 5": "not an edge: expected 'u v', 'u v weight' or 'u v {attributes}'",
        "line 6": "weight: -3.0 is not a finite number >= 0",
    }
    assert kinds(records) == {"Account": 6, "Follow": 6}


# --- into the graph -----------------------------------------------------------------------


async def test_karate_loads_exactly_and_reloads_to_the_same_graph(store: GraphStore) -> None:
    connector = get_connector("graph-file")
    summary = await load(store, connector, [KARATE], stages=[])
    assert summary.as_json() == {
        "read": 34 + 156,
        "written": {"Account": 34, "FOLLOWS": 156},
        "rejected": 0,
        "repeated": 0,
        "rejects_file": None,
    }
    stats = await store.stats()
    assert (stats.nodes, stats.relationships) == ({"Account": 34}, {"FOLLOWS": 156})
    first = await snapshot(store)
    await load(store, connector, [KARATE], stages=[])
    assert await snapshot(store) == first


async def test_edges_csv_engagements_make_engaged(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "talk.csv"
    path.write_text("a,b,like,2\nc,b,reply\na,b,reply\nb,a,mention\n", encoding="utf-8")
    await load(store, get_connector("edges-csv"), [path], stages=[])
    found = {k: (v["count"], v["weight"]) for k, v in (await engaged(store)).items()}
    assert found == {
        ("talk:a", "talk:b"): (2, 2 * 1.0 + 3.0),
        ("talk:c", "talk:b"): (1, 3.0),
        ("talk:b", "talk:a"): (1, 2.0),
    }


def test_canonical_lines_validate_as_the_models() -> None:
    line = '{"kind": "engagement", "type": "SHARED", "account": "a:1", "post": "a:p"}'
    assert RecordAdapter.validate_json(line) == next(
        iter(parse(canonical, Source.from_bytes(line.encode()))[0])
    )
