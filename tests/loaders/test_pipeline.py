"""The load pipeline on a real engine: batching, rejects, progress, stages, payloads."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from graph.cypher import Statement
from graph.model import Account, AccountLink, Post, Record
from graph.store import GraphStore
from loaders.base import ConnectorSpec, LoadOptions, Reject, Source
from loaders.brands import BrandError, add_brand
from loaders.pipeline import LoadError, LoadProgress, expand_sources, load, load_payload
from loaders.registry import get_connector
from loaders.rejects import MAX_RAW_BYTES, RejectList, RejectsFile, reject_line
from loaders.stages import EnrichStage, IdentityStage
from tests.loaders.snapshot import engaged, snapshot
from tests.loaders.test_generic_connectors import hostile_canonical

CANONICAL = get_connector("canonical")
CUSTOMER_OF = Statement(
    "test.pipeline.customer_of",
    "MATCH (c:Customer)-[:HAS_ACCOUNT]->(a:Account {id: $id}) RETURN c.id AS id",
)
ABOUT = Statement(
    "test.pipeline.about",
    "MATCH (p:Post)-[:ABOUT]->(b:Brand) RETURN p.id AS post, b.id AS brand ORDER BY post",
)

SECRET = "pipeline-test-secret-0123456789"


@pytest.fixture(autouse=True)
def identity_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # The default stages hash identity keys; never with a key file in the working tree.
    monkeypatch.setenv("SCRM_IDENTITY_KEY", SECRET)


def lines(*records: dict[str, object]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def conversation_file(path: Path, people: int = 12) -> Path:
    """Everyone posts once and likes, replies to and mentions the next two people."""
    out = []
    for i in range(people):
        out.append({"kind": "account", "id": f"c:{i}", "platform": "c", "handle": f"h{i}"})
        out.append({"kind": "post", "id": f"c:p{i}", "platform": "c", "author": f"c:{i}"})
    for i in range(people):
        for step, kind in ((1, "LIKED"), (2, "REPLIED")):
            target = f"c:p{(i + step) % people}"
            out.append({"kind": "engagement", "type": kind, "account": f"c:{i}", "post": target})
        out.append({"kind": "mention", "post": f"c:p{i}", "account": f"c:{(i + 3) % people}"})
    path.write_text(lines(*out), encoding="utf-8")
    return path


@pytest.mark.parametrize("batch_size", [1, 7, 5000])
async def test_batch_size_changes_nothing_but_speed(
    store: GraphStore, tmp_path: Path, batch_size: int
) -> None:
    path = conversation_file(tmp_path / "c.jsonl")
    summary = await load(store, CANONICAL, [path], batch_size=batch_size, stages=[])
    assert summary.read == 12 * 2 + 12 * 3
    assert (summary.written["Account"], summary.written["Post"]) == (12, 12)
    assert summary.written["ENGAGED"] == 12 * 3
    found = await engaged(store)
    assert len(found) == 12 * 3
    assert found[("c:0", "c:1")]["weight"] == 1.0  # a like
    assert found[("c:0", "c:2")]["weight"] == 3.0  # a reply
    assert found[("c:0", "c:3")]["weight"] == 2.0  # a mention


async def test_loading_twice_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    path = conversation_file(tmp_path / "c.jsonl")
    await load(store, CANONICAL, [path], batch_size=5, stages=[])
    first = await snapshot(store)
    await load(store, CANONICAL, [path], batch_size=5, stages=[])
    assert await snapshot(store) == first


async def test_rejects_go_to_the_sink_and_the_rest_loads(store: GraphStore) -> None:
    sink = RejectList()
    summary = await load(
        store, CANONICAL, [Source.from_bytes(hostile_canonical(), "h.jsonl")], rejects=sink
    )
    assert summary.rejected == sink.count == 9
    assert summary.read == 12 + 1  # 13 lines with content, the blank ones skipped
    assert {r.source for r in sink.items} == {"h.jsonl"}
    stats = await store.stats()
    assert stats.nodes == {"Account": 2, "Post": 1}  # x:1 (also the post's author), x:10
    assert summary.written["Account"] == 1  # line 1; line 5 repeats it verbatim
    assert summary.repeated == 1


async def test_progress_reports_every_batch(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    first = conversation_file(tmp_path / "a" / "one.jsonl")
    second = tmp_path / "a" / "two.jsonl"
    second.write_text(lines({"kind": "hashtag", "id": "tea"}), encoding="utf-8")
    seen: list[LoadProgress] = []
    await load(store, CANONICAL, [tmp_path / "a"], batch_size=10, progress=seen.append, stages=[])
    assert len(seen) == 7  # 61 records in batches of 10
    assert [p.read for p in seen] == sorted(p.read for p in seen)
    assert seen[-1].read == 61
    assert (seen[-1].sources_done, seen[-1].sources_total) == (2, 2)
    size = first.stat().st_size + second.stat().st_size
    assert seen[-1].bytes_done == seen[-1].bytes_total == size


def test_expand_sources(tmp_path: Path) -> None:
    (tmp_path / "d" / "deep").mkdir(parents=True)
    for name in ("b.jsonl", "a.ndjson", "deep/c.jsonl", "notes.txt"):
        (tmp_path / "d" / name).write_text("{}\n")
    names = [
        Path(s.name).relative_to(tmp_path) for s in expand_sources(CANONICAL, [tmp_path / "d"])
    ]
    assert names == [Path("d/a.ndjson"), Path("d/b.jsonl"), Path("d/deep/c.jsonl")]
    folder_source = ConnectorSpec("export", "a folder", CANONICAL.parse, directory_source=True)
    assert [s.path for s in expand_sources(folder_source, [tmp_path / "d"])] == [tmp_path / "d"]
    with pytest.raises(LoadError, match="no such file or folder"):
        expand_sources(CANONICAL, [tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(LoadError, match=r"no files matching \*\.jsonl, \*\.ndjson"):
        expand_sources(CANONICAL, [tmp_path / "empty"])


def _crashing_parse(source: Source, *, options: LoadOptions) -> Iterator[Record | Reject]:
    yield Account(id="z:1", platform="z")
    if source.name == "bad":
        raise RuntimeError("the vendor changed the format")
    yield Account(id=f"z:{source.name}", platform="z")


async def test_a_connector_failure_costs_its_source_only(store: GraphStore) -> None:
    spec = ConnectorSpec("crashy", "fails on one source", _crashing_parse)
    sink = RejectList()
    sources = [Source.from_bytes(b"", "bad"), Source.from_bytes(b"", "good")]
    summary = await load(store, spec, sources, rejects=sink, stages=[])
    assert [(r.source, r.location, r.reason) for r in sink.items] == [
        (
            "bad",
            "file",
            "crashy could not read this source: RuntimeError: the vendor changed the format",
        )
    ]
    assert summary.written["Account"] == 3  # z:1 from both sources, z:good
    assert (await store.stats()).nodes == {"Account": 2}


class RefuseWord:
    """A custom stage: sets aside posts containing a word."""

    async def prepare(self, store: GraphStore, options: LoadOptions) -> None:
        self.seen_sources: list[str] = []

    async def process(
        self, store: GraphStore, records: Sequence[Record], *, source: str
    ) -> list[Record | Reject]:
        self.seen_sources.append(source)
        return [
            Reject(source, r.id, "refused word", r.text)
            if isinstance(r, Post) and "spam" in r.text
            else r
            for r in records
        ]


async def test_stages_see_each_source_and_may_reject(store: GraphStore) -> None:
    stage = RefuseWord()
    sink = RejectList()
    payloads = [
        Source.from_bytes(
            lines({"kind": "post", "id": f"s:{n}", "platform": "s", "text": text}).encode(), n
        )
        for n, text in (("one", "fine"), ("two", "buy spam now"))
    ]
    summary = await load(store, CANONICAL, payloads, rejects=sink, stages=[stage])
    assert stage.seen_sources == ["one", "two"]  # both in one batch, each under its name
    assert [(r.source, r.location, r.reason) for r in sink.items] == [
        ("two", "s:two", "refused word")
    ]
    assert (summary.written["Post"], summary.rejected) == (1, 1)


async def test_default_stages_resolve_identities_and_brands(
    store: GraphStore,
) -> None:
    await add_brand(store, "lumora", "Lumora Tea", ["Lumora", "#LumoraTea"])
    data = lines(
        {"kind": "account", "id": "twitter:1", "platform": "twitter"},
        {"kind": "account", "id": "weibo:1", "platform": "weibo"},
        {"kind": "account_key", "account": "twitter:1", "key_type": "email", "key": "Li@Ex.com"},
        {"kind": "account_key", "account": "weibo:1", "key_type": "email", "key": "li@ex.com"},
        {"kind": "post", "id": "twitter:p1", "platform": "twitter", "text": "I love Lumora"},
        {"kind": "post", "id": "twitter:p2", "platform": "twitter", "text": "nothing"},
    )
    summary = await load_payload(store, CANONICAL, data.encode(), options=LoadOptions())
    assert summary.rejected == 0
    customers = {
        (await store.read(CUSTOMER_OF, {"id": a}))[0]["id"] for a in ("twitter:1", "weibo:1")
    }
    assert len(customers) == 1  # one person behind both accounts
    assert await store.read(ABOUT) == [{"post": "twitter:p1", "brand": "lumora"}]
    tagged = await load_payload(
        store,
        CANONICAL,
        lines({"kind": "post", "id": "twitter:p3", "platform": "twitter"}).encode(),
        options=LoadOptions(brand="lumora"),
    )
    assert tagged.written["ABOUT"] == 1


async def test_an_unknown_brand_stops_the_load_before_writing(store: GraphStore) -> None:
    data = lines({"kind": "hashtag", "id": "tea"}).encode()
    with pytest.raises(BrandError, match="unknown brand 'nope'"):
        await load_payload(
            store, CANONICAL, data, options=LoadOptions(brand="nope"), stages=[EnrichStage()]
        )
    assert (await store.stats()).nodes == {}


async def test_identity_stage_rejects_bad_keys(
    store: GraphStore,
) -> None:
    sink = RejectList()
    records = [
        Account(id="t:1", platform="t").model_dump_json(),
        AccountLink(account="t:1", key_type="email", key="not an address").model_dump_json(),
    ]
    data = ("\n".join(records) + "\n").encode()
    await load_payload(
        store, CANONICAL, data, name="keys.jsonl", rejects=sink, stages=[IdentityStage()]
    )
    assert [r.source for r in sink.items] == ["keys.jsonl"]
    assert "not an e-mail address" in sink.items[0].reason
    assert sink.items[0].raw["key"] == "<redacted>"  # a raw identity value never leaks


def test_rejects_file_lines_and_truncation(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "rejects.jsonl"
    sink = RejectsFile(path)
    assert not path.exists()  # created on the first reject only
    sink.add(Reject("f.jsonl", "line 1", "bad", {"text": "李雷 🎉 שלום"}))
    sink.add(Reject("f.jsonl", "line 2", "huge", {"text": "x" * (MAX_RAW_BYTES + 10)}))
    sink.close()
    first, second = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert first == {
        "source": "f.jsonl",
        "location": "line 1",
        "reason": "bad",
        "raw": {"text": "李雷 🎉 שלום"},
    }
    assert second["raw_truncated"] is True
    assert second["raw_bytes"] == MAX_RAW_BYTES + 10 + len('{"text": ""}')
    assert len(second["raw"].encode()) == MAX_RAW_BYTES
    assert second["raw"].startswith('{"text": "xxx')
    assert "raw_truncated" not in reject_line(Reject("f", "l", "r", "small"))
