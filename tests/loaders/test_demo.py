"""The demo data generator: same seed same bytes, native formats, truth.json true to the files,
and the planted structure readable through the real connectors."""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import igraph as ig
import pytest
import typer
from typer.testing import CliRunner

from cli import demo as demo_cli
from graph import EmbeddedEngine, GraphStore
from graph.cypher import Statement
from graph.model import Brand, Record
from loaders.base import LoadOptions, Reject, Source
from loaders.brands import BrandMatcher
from loaders.demo import CONNECTOR_DIRS, DemoError, Truth, generate
from loaders.registry import get_connector
from loaders.sentiment import DefaultSentiment
from tests.loaders.demo_formats import CHECKERS, Found
from tests.support.procs import run_scrm, scrm_env

TINY = 0.06  # of the small size: ~120 accounts, a few hundred posts
SEED = 7
SOCIAL = ("twitter", "weibo", "reddit", "slack")
# The account platforms each connector folder holds, where not the connector's own name.
PLATFORMS = {"wechat-work": ("wechat", "wechat-mp")}
# Engagement type -> truth count of distinct (account, post) pairs.
ENGAGEMENT_COUNTS = (
    ("REPLIED", "replied_pairs"),
    ("SHARED", "shared_pairs"),
    ("QUOTED", "quoted_pairs"),
    ("LIKED", "likes"),
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("demo") / "tiny"
    return out, generate(out, size="small", seed=SEED, factor=TINY)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("demo") / "small"
    return out, generate(out, size="small", seed=42)


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def parse_folder(name: str, folder: Path) -> tuple[list[Record], list[Reject]]:
    spec = get_connector(name)
    if spec.directory_source:
        sources = [Source.from_path(folder)]
    else:
        paths = sorted({p for pattern in spec.patterns for p in folder.rglob(pattern)})
        sources = [Source.from_path(p) for p in paths]
    records: list[Record] = []
    rejects: list[Reject] = []
    for source in sources:
        for item in spec.parse(source, options=LoadOptions()):
            (rejects if isinstance(item, Reject) else records).append(item)  # type: ignore[arg-type]
    return records, rejects


def of(records: list[Record], kind: str, type_: str | None = None) -> Iterator[Record]:
    return (r for r in records if r.kind == kind and getattr(r, "type", type_) == type_)


def test_same_seed_same_bytes(tiny: tuple[Path, Truth], tmp_path: Path) -> None:
    out, _ = tiny
    again = tmp_path / "again"
    generate(again, size="small", seed=SEED, factor=TINY)
    first = digests(out)
    assert len(first) > 20
    assert digests(again) == first


def test_another_seed_other_data(tiny: tuple[Path, Truth], tmp_path: Path) -> None:
    _, truth = tiny
    other = generate(tmp_path / "other", size="small", seed=SEED + 1, factor=TINY)
    assert other.reference_time != truth.reference_time
    assert set(other.accounts["twitter"]).isdisjoint(truth.accounts["twitter"])


def test_rewrites_an_earlier_set_but_no_other_directory(
    tiny: tuple[Path, Truth], tmp_path: Path
) -> None:
    out, _ = tiny
    before = digests(out)
    generate(out, size="small", seed=SEED, factor=TINY)  # an earlier demo set: replaced
    assert digests(out) == before
    # A run that died half-way leaves its marker: the next run cleans up after it.
    half = tmp_path / "half"
    with pytest.raises(ValueError):
        generate(half, size="small", factor=-1.0)
    assert not half.exists()  # bad arguments are refused before anything is written
    (half / "twitter").mkdir(parents=True)
    (half / "twitter" / "tweets-9999.jsonl").write_text("{")
    (half / "truth.json").write_text('{"format": "scrm-demo-truth/1", "complete": false}')
    generate(half, size="small", seed=SEED, factor=TINY)
    assert digests(half) == before
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "todo.txt").write_text("keep me")
    with pytest.raises(DemoError, match="not empty"):
        generate(foreign, size="small", factor=TINY)
    assert (foreign / "todo.txt").read_text() == "keep me"


def test_small_is_the_promised_size(small: tuple[Path, Truth]) -> None:
    out, truth = small
    total = truth.counts["total"]
    assert 1_800 <= total["accounts"] <= 2_200
    assert 15_000 <= total["interactions"] <= 25_000
    assert 8 <= total["communities"] <= 12
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(CONNECTOR_DIRS)
    assert json.loads((out / "brands.json").read_text()) == truth.brands
    assert {b["id"] for b in truth.brands} == {"lumora", "kestrel"}
    span = truth.reference_time_ms - truth.start_time_ms
    assert span == 365 * 86_400_000


@pytest.mark.parametrize("connector", CONNECTOR_DIRS)
def test_files_are_native_and_match_truth(tiny: tuple[Path, Truth], connector: str) -> None:
    out, truth = tiny
    found = Found(out)
    CHECKERS[connector](out / connector, found)
    listed = {
        path: counts for path, counts in truth.files.items() if path.startswith(connector + "/")
    }
    assert {path: dict(counts) for path, counts in found.files.items()} == listed
    platforms = PLATFORMS.get(connector, (connector,))
    if connector != "shopify":
        assert found.accounts == {a for p in platforms for a in truth.accounts[p]}


def test_truth_is_consistent(tiny: tuple[Path, Truth]) -> None:
    out, truth = tiny
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(truth.files) == on_disk - {"truth.json", "brands.json"}
    social = [a for p in SOCIAL for a in truth.accounts[p]]
    in_communities = [a for c in truth.communities for a in c.accounts]
    assert sorted(in_communities) == sorted(social)  # a partition of the social accounts
    for c in truth.communities:
        assert set(c.advocates) | set(c.detractors) | set(c.influencers) <= set(c.accounts)
        assert c.advocates and c.detractors
    assert {v.account for v in truth.advocates} == {
        a for c in truth.communities for a in c.advocates
    }
    everyone = {a for ids in truth.accounts.values() for a in ids}
    orders = set()
    for path in (out / "shopify").glob("*.json"):
        orders |= {f"shopify:order:{o['id']}" for o in json.loads(path.read_text())["orders"]}
    assert len(orders) == truth.counts["shopify"]["orders"]
    kinds = {i.match for i in truth.identities}
    assert kinds == {"strong", "suggested"}
    for identity in truth.identities:
        assert set(identity.accounts) <= everyone
        assert set(identity.orders) <= orders
        assert len(identity.accounts) + len(identity.orders) >= 2
    for group in truth.wechat_groups:
        assert set(group.members) <= set(truth.accounts["wechat"])


@pytest.mark.parametrize("connector", CONNECTOR_DIRS)
def test_connectors_read_every_record(tiny: tuple[Path, Truth], connector: str) -> None:
    out, truth = tiny
    records, rejects = parse_folder(connector, out / connector)
    assert rejects == []
    counts = truth.counts[connector]
    if connector == "shopify":
        assert len({r.id for r in of(records, "order")}) == counts["orders"]  # type: ignore[attr-defined]
        return
    platforms = PLATFORMS.get(connector, (connector,))
    accounts = {r.id for r in of(records, "account") if r.platform in platforms}  # type: ignore[attr-defined]
    assert accounts == {a for p in platforms for a in truth.accounts[p]}
    if connector == "wechat-work":
        groups = {r.id for r in of(records, "community")}  # type: ignore[attr-defined]
        assert groups == {g.id for g in truth.wechat_groups}
        return
    posts = {r.id for r in of(records, "post")}  # type: ignore[attr-defined]
    assert len(posts) == counts["posts"]
    for link, key in (("REPLY_TO", "replies"), ("SHARE_OF", "shares"), ("QUOTE_OF", "quotes")):
        assert len({r.source for r in of(records, "post_link", link)}) == counts[key]  # type: ignore[attr-defined]
    for etype, key in ENGAGEMENT_COUNTS:
        found = {(r.account, r.post) for r in of(records, "engagement", etype)}  # type: ignore[attr-defined]
        assert len(found) == counts[key], etype
    follows = {(r.source, r.target) for r in of(records, "follow")}  # type: ignore[attr-defined]
    assert len(follows) == counts.get("follows", 0)
    if connector in ("twitter", "slack"):
        mentions = {(r.post, r.account) for r in of(records, "mention")}  # type: ignore[attr-defined]
        assert len(mentions) == counts["mentions"]


@pytest.fixture(scope="module")
def small_records(small: tuple[Path, Truth]) -> list[Record]:
    out, _ = small
    records: list[Record] = []
    for name in SOCIAL:
        parsed, rejects = parse_folder(name, out / name)
        assert rejects == []
        records += parsed
    return records


def brand_sentiment(records: list[Record], truth: Truth) -> dict[tuple[str, str], list[float]]:
    """Sentiment of each author's posts about each brand, as enrichment would score them."""
    matcher = BrandMatcher([Brand.model_validate(b) for b in truth.brands])
    model = DefaultSentiment()
    tags: dict[str, list[str]] = defaultdict(list)
    for r in of(records, "tagged"):
        tags[r.post].append(r.hashtag)  # type: ignore[attr-defined]
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    seen: set[str] = set()
    for post in of(records, "post"):
        if post.id in seen or post.author is None:  # type: ignore[attr-defined]
            continue
        seen.add(post.id)  # type: ignore[attr-defined]
        for brand in matcher.match(post.text, hashtags=tags[post.id]):  # type: ignore[attr-defined]
            score = model.score(post.text, post.lang) or 0.0  # type: ignore[attr-defined]
            scores[(post.author, brand)].append(score)  # type: ignore[attr-defined]
    return scores


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def test_voices_say_what_was_planted(
    small: tuple[Path, Truth], small_records: list[Record]
) -> None:
    _, truth = small
    sentiment = brand_sentiment(small_records, truth)
    for voice in truth.advocates:
        assert mean(sentiment[(voice.account, voice.brand)]) > 0.3, voice
    for voice in truth.detractors:
        assert mean(sentiment[(voice.account, voice.brand)]) < -0.3, voice
    members = {
        a
        for c in truth.communities
        for a in set(c.accounts) - set(c.advocates) - set(c.detractors) - set(c.influencers)
    }
    member_scores = [mean(v) for (account, _), v in sentiment.items() if account in members]
    assert len(member_scores) > len(members) / 3
    assert mean(member_scores) < 0.4  # members are milder than advocates


WEIGHTS = {"REPLIED": 3.0, "QUOTED": 3.0, "SHARED": 2.0, "LIKED": 1.0}


def test_planted_structure_is_recoverable(
    small: tuple[Path, Truth], small_records: list[Record]
) -> None:
    """Leiden on the engagement graph finds the planted communities, and influence times
    brand sentiment ranks the planted advocates first (issue 4's acceptance bars)."""
    _, truth = small
    authors = {r.id: r.author for r in of(small_records, "post")}  # type: ignore[attr-defined]
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for r in small_records:
        if r.kind == "engagement" and authors.get(r.post) not in (None, r.account):  # type: ignore[attr-defined]
            weights[(r.account, authors[r.post])] += WEIGHTS[r.type]  # type: ignore[attr-defined]
        elif r.kind == "mention" and authors.get(r.post) not in (None, r.account):  # type: ignore[attr-defined]
            weights[(authors[r.post], r.account)] += 2.0  # type: ignore[attr-defined]
    ids = sorted({a for edge in weights for a in edge})
    index = {a: i for i, a in enumerate(ids)}
    graph = ig.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b in weights], directed=True)
    graph.es["weight"] = list(weights.values())
    planted = {a: k for k, c in enumerate(truth.communities) for a in c.accounts}
    assert set(ids) == set(planted)  # every planted account engages or is engaged with
    undirected = graph.as_undirected(combine_edges="sum")
    found = undirected.community_leiden(
        objective_function="modularity", weights="weight", n_iterations=-1
    )
    nmi = ig.compare_communities([planted[a] for a in ids], found.membership, method="nmi")
    assert nmi >= 0.95, nmi
    # Influence as algorithms/influence.py defines it: 0.75 PageRank + 0.25 log reach,
    # times the mean brand sentiment shrunk by n / (n + 1).
    rank = graph.pagerank(weights="weight")
    followers = {r.id: r.followers or 0 for r in of(small_records, "account")}  # type: ignore[attr-defined]
    top_reach = math.log1p(max(followers.values()))
    influence = {
        a: 0.75 * rank[index[a]] / max(rank) + 0.25 * math.log1p(followers[a]) / top_reach
        for a in ids
    }
    sentiment = brand_sentiment(small_records, truth)
    for brand in ("lumora", "kestrel"):
        advocates = {v.account for v in truth.advocates if v.brand == brand}
        rated = {a: sentiment.get((a, brand), []) for a in ids}
        score = {a: influence[a] * mean(v) * len(v) / (len(v) + 1) for a, v in rated.items()}
        top = sorted(score, key=lambda a: -score[a])[: len(advocates)]
        assert len(advocates & set(top)) >= 0.85 * len(advocates), brand


def test_cli_writes_a_set(tmp_path: Path) -> None:
    env = scrm_env(tmp_path / "data")
    out = tmp_path / "demo"
    result = run_scrm("demo", "generate", "--out", str(out), "--scale", "0.03", "--json", env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    truth = Truth.model_validate_json((out / "truth.json").read_text())
    assert (
        summary["accounts"]
        == truth.counts["total"]["accounts"]
        == sum(len(ids) for ids in truth.accounts.values())
    )
    assert summary["files"] == len(truth.files)
    # Another process (another string hash seed) writes the same bytes.
    here = tmp_path / "here"
    generate(here, size="small", seed=42, factor=0.03)
    assert digests(here) == digests(out)


def test_cli_refuses_a_busy_directory_and_explains_itself(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x.txt").write_text("x")
    app = typer.Typer()  # `scrm` with the demo group registered as cli/main.py does
    app.add_typer(demo_cli.app, name="demo")
    runner = CliRunner()
    refused = runner.invoke(app, ["demo", "generate", "--out", str(tmp_path / "busy")])
    assert refused.exit_code == 1
    assert "not empty and not an earlier demo data set" in refused.stderr
    bad = runner.invoke(app, ["demo", "generate", "--out", str(tmp_path / "x"), "--size", "huge"])
    assert bad.exit_code == 2 and not (tmp_path / "x").exists()
    helped = runner.invoke(app, ["demo", "generate", "--help"])
    assert helped.exit_code == 0
    assert all(option in helped.stdout for option in ("--size", "--out", "--seed", "--scale"))


CUSTOMER_OF = Statement(
    "test.demo.customer_of",
    "MATCH (c:Customer)-[:HAS_ACCOUNT]->(a:Account) WHERE a.id IN $ids "
    "RETURN a.id AS account, c.id AS customer",
)
ORDER_OWNER = Statement(
    "test.demo.order_owner",
    "MATCH (c:Customer)-[:PLACED]->(o:Order) WHERE o.id IN $ids "
    "RETURN o.id AS order_id, c.id AS customer",
)
VOICE_SENTIMENT = Statement(
    "test.demo.voice_sentiment",
    "MATCH (a:Account)-[:POSTED]->(:Post)-[r:ABOUT]->(b:Brand) WHERE a.id IN $ids "
    "RETURN a.id AS account, b.id AS brand, avg(r.sentiment) AS sentiment",
)


async def test_scrm_load_all_loads_everything(
    falkordb_store: GraphStore, engine: EmbeddedEngine, graph_name: str, tmp_path: Path
) -> None:
    """Generate, `scrm load all DIR`: nothing rejected, the graph holds what truth.json
    says, identities resolve as planted and enrichment reads the voices as planted."""
    out = tmp_path / "demo"
    truth = generate(out, size="small", seed=11, factor=0.3)
    env = scrm_env(engine.data_dir, SCRM_GRAPH_NAME=graph_name)
    result = run_scrm("load", "all", str(out), "--json", env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["rejected"], summary["rejects_file"]) == (0, None)

    counts = truth.counts
    stats = await falkordb_store.stats()

    def social(key: str) -> int:
        return sum(counts[p][key] for p in SOCIAL)

    shop, wecom = counts["shopify"], counts["wechat-work"]
    accounts = counts["total"]["accounts"] + shop["customers"] + wecom["employees"]
    assert stats.nodes["Account"] == accounts  # shop customers and staff are accounts too
    assert stats.nodes["Post"] == social("posts") == counts["total"]["posts"]
    assert stats.nodes["Order"] == shop["orders"]
    assert stats.nodes["Brand"] == len(truth.brands)
    channels = [c for c in truth.communities if c.community] + truth.wechat_groups
    assert stats.nodes["Community"] == len(channels)
    relationships = stats.relationships
    assert relationships["REPLY_TO"] == social("replies")
    assert relationships["SHARE_OF"] == social("shares")
    assert relationships["QUOTE_OF"] == social("quotes")
    assert relationships["LIKED"] == social("likes")
    assert relationships["REPLIED"] == social("replied_pairs")
    assert relationships["SHARED"] == social("shared_pairs")
    assert relationships["QUOTED"] == social("quoted_pairs")
    assert relationships["ABOUT"] == social("about_brand")
    assert relationships["PLACED"] == shop["orders"]
    assert relationships["FOLLOWS"] == counts["twitter"]["follows"] + 2 * wecom["staff_links"]
    assert relationships["MEMBER_OF"] == counts["slack"]["memberships"] + wecom["memberships"]
    assert relationships["MENTIONS"] >= counts["twitter"]["mentions"] + counts["slack"]["mentions"]

    ids = [a for i in truth.identities for a in [*i.accounts, i.shop_customer] if a]
    customer = {
        r["account"]: r["customer"] for r in await falkordb_store.read(CUSTOMER_OF, {"ids": ids})
    }
    orders = [o for i in truth.identities for o in i.orders]
    owner = {
        r["order_id"]: r["customer"]
        for r in await falkordb_store.read(ORDER_OWNER, {"ids": orders})
    }
    for identity in truth.identities:
        held = {customer.get(a) for a in identity.accounts}
        if identity.match == "strong":
            if identity.shop_customer:
                held.add(customer.get(identity.shop_customer))
            held |= {owner.get(o) for o in identity.orders}
            assert len(held) == 1 and None not in held, identity  # one Customer holds it all
        else:
            assert len(held) == len(identity.accounts) or held == {None}, identity  # suggested

    voices = [v.account for v in truth.advocates + truth.detractors]
    rows = await falkordb_store.read(VOICE_SENTIMENT, {"ids": voices})
    scored = {(r["account"], r["brand"]): r["sentiment"] for r in rows}
    for voice in truth.advocates:
        assert scored[(voice.account, voice.brand)] > 0.3, voice
    for voice in truth.detractors:
        assert scored[(voice.account, voice.brand)] < -0.3, voice
