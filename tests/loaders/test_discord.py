"""The discord connector over constructed DiscordChatExporter exports (tests/data/discord)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import EmbeddedEngine, GraphStore
from loaders.base import LoadOptions
from loaders.discord import parse
from loaders.registry import get_connector
from tests.loaders.native_support import (
    BINARY,
    DATA,
    MEGABYTE_TEXT,
    MIXED_TEXT,
    ScrmLoad,
    run,
    write_json,
)

FIXTURES = DATA / "discord"
GENERAL = FIXTURES / "acme-fans-general.json"
GUILD, CHANNEL = "discord:2000000000000000001", "discord:3000000000000000001"
ANA, BO, CY, BOT = (f"discord:100000000000000000{n}" for n in (1, 2, 3, 9))


def post(n: int) -> str:
    return f"discord:4000000000000000{n:03d}"


def test_registered() -> None:
    assert get_connector("discord").parse is parse


def test_server_channel_export() -> None:
    parsed = run(parse, GENERAL, LoadOptions(brand="acme"))
    assert parsed.rejects == []
    communities = {c.id: (c.name, c.community_kind, c.description) for c in parsed.of("community")}
    assert communities == {
        GUILD: ("Acme Fans", "server", None),
        CHANNEL: ("general", "channel", "Talk about Acme products"),
    }
    assert {(b.community, b.brand) for b in parsed.of("community_of_brand")} == {
        (GUILD, "acme"),
        (CHANNEL, "acme"),
    }
    accounts = {a.id: (a.handle, a.name, a.properties["bot"]) for a in parsed.of("account")}
    assert accounts == {
        ANA: ("ana.lee", "Ana", False),
        BO: ("bo_wang", "王波", False),
        CY: ("cyrus", "cyrus", False),
        BOT: ("AcmeBot", "AcmeBot", True),
    }
    # 7 messages: the join and the pin notice are events; 5 are posts.
    posts = {p.id: p for p in parsed.of("post")}
    assert set(posts) == {post(2), post(3), post(5), post(6), post(7)}
    welcome = posts[post(2)]
    assert (welcome.author, welcome.created_at, welcome.likes) == (ANA, 1709284530500, 3)
    assert welcome.url == (
        "https://discord.com/channels/2000000000000000001/3000000000000000001/4000000000000000002"
    )
    # 09:20 at +08:00 is 01:20 UTC.
    assert (posts[post(3)].text, posts[post(3)].created_at) == (
        "谢谢！新品很棒 👍🏽 مرحبا",
        1709256000000,
    )
    assert posts[post(6)].created_at == 1709395200000  # 11:00 at -05:00
    links = {(p.type, p.source, p.target) for p in parsed.of("post_link")}
    assert links == {
        ("REPLY_TO", post(3), post(2)),
        ("SHARE_OF", post(6), post(5)),
        ("REPLY_TO", post(7), post(5)),
    }
    engagements = {(e.type, e.account, e.post, e.at) for e in parsed.of("engagement")}
    assert engagements == {
        ("LIKED", BO, post(2), None),
        ("LIKED", CY, post(2), None),
        ("REPLIED", BO, post(2), 1709256000000),
        ("SHARED", CY, post(5), 1709395200000),
        ("REPLIED", CY, post(5), 1709380800000),
        ("LIKED", CY, post(7), None),
    }
    assert {(m.post, m.account) for m in parsed.of("mention")} == {
        (post(2), BO),
        (post(3), ANA),
        (post(7), ANA),
    }
    members = {(m.account, m.community): m.since for m in parsed.of("member_of")}
    assert members == {
        (BO, GUILD): 1709283600123,  # GuildMemberJoin at 09:00:00.123 UTC
        (BO, CHANNEL): None,
        (ANA, GUILD): None,
        (ANA, CHANNEL): None,
        (CY, GUILD): None,
        (CY, CHANNEL): None,
        (BOT, GUILD): None,
        (BOT, CHANNEL): None,
    }


def test_direct_messages_make_no_community() -> None:
    parsed = run(parse, FIXTURES / "direct-messages.json", LoadOptions(brand="acme"))
    assert parsed.rejects == []
    assert parsed.of("community") == [] and parsed.of("member_of") == []
    assert parsed.of("community_of_brand") == []
    reply = parsed.one("post", id=post(102))
    assert reply.url == "https://discord.com/channels/@me/3000000000000000099/4000000000000000102"
    assert {(p.type, p.source, p.target) for p in parsed.of("post_link")} == {
        ("REPLY_TO", post(102), post(101))
    }


def test_group_direct_messages_are_a_group(tmp_path: Path) -> None:
    document = json.loads((FIXTURES / "direct-messages.json").read_text())
    document["channel"]["type"] = "DirectGroupTextChat"
    parsed = run(parse, write_json(tmp_path / "group.json", document))
    assert [(c.id, c.community_kind) for c in parsed.of("community")] == [
        ("discord:3000000000000000099", "group")
    ]
    assert len(parsed.of("member_of")) == 2


def test_older_format() -> None:
    parsed = run(parse, FIXTURES / "acme-fans-support-older-format.json")
    assert parsed.rejects == []
    # Reactions without users: counted, but nobody is known to have LIKED.
    assert parsed.one("post", id=post(201)).likes == 3
    assert {e.type for e in parsed.of("engagement")} == {"REPLIED"}
    assert {(p.type, p.source, p.target) for p in parsed.of("post_link")} == {
        ("REPLY_TO", post(202), post(201))
    }


def test_hostile_exports(tmp_path: Path) -> None:
    document = json.loads(GENERAL.read_text())
    good = document["messages"][1]
    bad_messages = [
        dict(good),  # a duplicate id
        {k: v for k, v in good.items() if k != "id"},
        {**good, "id": 4000000000000000050},  # a number, not a string
        {**good, "id": "4000000000000000051", "timestamp": "yesterday"},
        {**good, "id": "4000000000000000052", "timestamp": "2024-03-01T09:15:30"},  # no zone
        {**good, "id": "4000000000000000053", "author": {"name": "no id"}},
        {**good, "id": "4000000000000000054", "content": MEGABYTE_TEXT},
        {**good, "id": "4000000000000000055", "reactions": [{"emoji": {"name": "x"}}]},
        {**good, "id": "4000000000000000056", "content": MIXED_TEXT, "futureField": [1]},
        None,
    ]
    document["messages"] += bad_messages
    files = {
        "mixed.json": json.dumps(document, ensure_ascii=False),
        # Cut inside the fifth message (the bot's announcement).
        "cut.json": GENERAL.read_text()[: GENERAL.read_text().index("Reminder: AMA") + 5],
        "empty.json": "",
        "no-guild.json": json.dumps({"channel": {"id": "1"}, "messages": []}),
        "array.json": "[1, 2]",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "binary.json").write_bytes(BINARY)

    mixed = run(parse, tmp_path / "mixed.json")
    reasons = {r.location: r.reason for r in mixed.rejects}
    assert reasons == {
        "$.messages[7]": "id: duplicate message 4000000000000000002 (first at $.messages[1])",
        "$.messages[8]": "id: Field required",
        "$.messages[9]": "id: Input should be a valid string",
        "$.messages[10]": reasons["$.messages[10]"],
        "$.messages[11]": "timestamp: Input should have timezone info",
        "$.messages[12]": "author.id: Field required",
        "$.messages[13]": reasons["$.messages[13]"],
        "$.messages[14]": "reactions.0.count: Field required",
        "$.messages[16]": "expected a JSON object, not null",
    }
    assert reasons["$.messages[10]"].startswith("timestamp: Input should be a valid datetime")
    assert reasons["$.messages[13]"].startswith("content: String should have at most 100000")
    posts = {p.id: p for p in mixed.of("post")}
    assert len(posts) == 5 + 1
    assert posts["discord:4000000000000000056"].text == MIXED_TEXT

    cut = run(parse, tmp_path / "cut.json")
    # The header and every message before the cut load; the rest is one Reject.
    assert len(cut.rejects) == 1
    assert cut.rejects[0].reason.startswith("not valid JSON from here")
    assert cut.ids("post") == {post(2), post(3)}  # messages 1-4 hold two posts
    assert len(cut.of("community")) == 2

    for name, reason in {
        "empty.json": "empty file",
        "binary.json": "not UTF-8 text (a binary file?)",
        "no-guild.json": "guild: Field required",
        "array.json": "expected a JSON object, not an array",
    }.items():
        parsed = run(parse, tmp_path / name)
        assert parsed.records == [], name
        assert [r.reason for r in parsed.rejects] == [reason], name


async def test_scrm_load(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    loaded = await scrm.twice("discord", str(FIXTURES))
    # 5 + 2 + 2 posts by 4 people; the server and its two channels (a DM is no community).
    assert {k: loaded.nodes[k] for k in ("Post", "Account", "Community")} == {
        "Post": 9,
        "Account": 4,
        "Community": 3,
    }
    edges = {"POSTED": 9, "REPLY_TO": 4, "REPLIED": 4, "SHARE_OF": 1, "SHARED": 1}
    edges |= {"LIKED": 3, "MENTIONS": 3, "MEMBER_OF": 10}
    assert {k: loaded.relationships[k] for k in edges} == edges


async def test_scrm_load_hostile(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    document = json.loads(GENERAL.read_text())
    document["messages"] += [
        document["messages"][1],
        {"id": "1", "type": "Default"},
        {**document["messages"][1], "id": "4000000000000000099", "content": MIXED_TEXT},
    ]
    folder = tmp_path / "exports"
    write_json(folder / "mixed.json", document)
    (folder / "empty.json").write_text("")
    (folder / "binary.json").write_bytes(BINARY)
    loaded = await scrm("discord", str(folder))
    assert loaded.code == 2
    assert loaded.summary["rejected"] == len(loaded.rejects) == 4
    assert {(Path(r["source"]).name, r["location"]) for r in loaded.rejects} == {
        ("mixed.json", "$.messages[7]"),
        ("mixed.json", "$.messages[8]"),
        ("empty.json", "file"),
        ("binary.json", "offset 0"),
    }
    assert loaded.nodes["Post"] == 6
