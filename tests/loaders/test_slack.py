"""The slack connector over the real slack-export-viewer archive and constructed exports."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from graph import EmbeddedEngine, GraphStore
from loaders.base import LoadOptions, Source
from loaders.registry import get_connector
from loaders.slack import parse
from tests.loaders.native_support import (
    BINARY,
    DATA,
    MEGABYTE_TEXT,
    MIXED_TEXT,
    ScrmLoad,
    run,
    truncated,
    write_json,
)

EXPORT = DATA / "slack-export-slack-export-viewer" / "export"
ENRIQUE, SAILOR = "slack:C0JGLMMNX", "slack:C0JL6CGQ2"
HAMZA, HARRY, HERMIONE, HANNIBAL = (
    "slack:U0BMQB6JE",
    "slack:U0BMYT2FL",
    "slack:U0BMS113R",
    "slack:U0BMM2FEH",
)


def raw_messages() -> list[tuple[str, dict[str, Any]]]:
    """(channel folder, message) for every message of the sample, read with plain json."""
    out = []
    for day in sorted(EXPORT.glob("*/*.json")):
        out += [(day.parent.name, m) for m in json.loads(day.read_text())]
    return out


def test_registered() -> None:
    spec = get_connector("slack")
    assert spec.parse is parse and spec.directory_source


def test_sample_users_channels_and_memberships() -> None:
    parsed = run(parse, EXPORT)
    assert parsed.rejects == []
    users = {a.id: a for a in parsed.of("account") if a.id.startswith("slack:U")}
    assert {u: (a.handle, a.name) for u, a in users.items()} == {
        HARRY: ("abilinski", "Harry Potter"),
        HERMIONE: ("doubledeez", "Hermione Granger"),
        HAMZA: ("hamza", "Hamza Faran"),
        HANNIBAL: ("heroeshannibal", "heroeshannibal"),
    }
    # The three integrations that posted, as accounts of their own.
    assert parsed.ids("account") - set(users) == {
        "slack:B0JL6RASU",
        "slack:B0VJZKVHC",
        "slack:B0JL6UFSL",
    }
    communities = {c.id: c for c in parsed.of("community")}
    assert {c: (v.name, v.community_kind, v.created_at) for c, v in communities.items()} == {
        ENRIQUE: ("enrique", "channel", 1452837318000),
        SAILOR: ("traveling-sailor", "channel", 1452988822000),
    }
    members = {(m.community, m.account): (m.role, m.since) for m in parsed.of("member_of")}
    # channel_join times, read off the two first day files by hand.
    assert members == {
        (ENRIQUE, HAMZA): ("owner", 1452837318000),
        (ENRIQUE, HARRY): ("member", 1452837318000),
        (ENRIQUE, HERMIONE): ("member", 1452837318000),
        (ENRIQUE, HANNIBAL): ("member", 1452837318000),
        (SAILOR, HAMZA): ("owner", 1452988821000),
        (SAILOR, HARRY): ("member", 1452988822000),
        (SAILOR, HERMIONE): ("member", 1452988822000),
        (SAILOR, HANNIBAL): ("member", 1452988822000),
    }
    # One profile in the export has a phone number, none an e-mail.
    keys = [(k.account, k.key_type, k.key) for k in parsed.of("account_key")]
    assert keys == [(HERMIONE, "phone", "6043544534")]


def test_sample_posts_match_the_files() -> None:
    parsed = run(parse, EXPORT)
    posts = {p.id: p for p in parsed.of("post")}
    channel_ids = {"enrique": "C0JGLMMNX", "traveling-sailor": "C0JL6CGQ2"}
    content = {None, "bot_message", "file_share", "file_comment"}
    expected = {
        f"slack:{channel_ids[folder]}:{m['ts']}": m
        for folder, m in raw_messages()
        if m.get("subtype") in content
    }
    # SOURCE.md: message 49 + bot_message 94 + file_share 3 + file_comment 1.
    assert len(expected) == 147
    assert set(posts) == set(expected)
    for post_id, message in expected.items():
        post = posts[post_id]
        author = message.get("user") or message.get("comment", {}).get("user") or message["bot_id"]
        assert post.author == f"slack:{author}"
        assert post.created_at == int(message["ts"].split(".")[0]) * 1000 + int(
            message["ts"].split(".")[1][:3]
        )
        assert post.platform == "slack"
        if message["text"]:
            assert post.text == message["text"]
    first = posts["slack:C0JGLMMNX:1454884927.000002"]
    assert first.author == HAMZA and first.created_at == 1454884927000
    assert first.text.startswith("<@U0BMYT2FL>: <https:")
    bot = posts["slack:C0JGLMMNX:1454892394.000004"]
    assert bot.author == "slack:B0JL6RASU"
    assert bot.text.startswith("[enrique:master] <https://github.com/mesos-magellan/enrique/")
    # The one file comment names its author only inside "comment".
    assert posts["slack:C0JL6CGQ2:1459106048.000018"].author == HERMIONE


def test_sample_mentions_and_reactions() -> None:
    parsed = run(parse, EXPORT)
    mentions = parsed.of("mention")
    # 14 plain messages mention someone other than their author (listed by hand with grep).
    assert len(mentions) == 14
    assert Counter(m.account for m in mentions) == {HARRY: 9, HERMIONE: 4, HAMZA: 1}
    assert parsed.one("mention", post="slack:C0JL6CGQ2:1458949481.000002").account == HAMZA
    mentioned: Counter[str] = Counter()
    for _folder, m in raw_messages():
        if m.get("subtype") is None:
            mentioned.update(set(re.findall(r"<@(U\w+)", m["text"])) - {m["user"]})
    assert sum(mentioned.values()) == 14
    (like,) = parsed.of("engagement")
    assert (like.type, like.account, like.post) == (
        "LIKED",
        HARRY,
        "slack:C0JGLMMNX:1459154014.000018",
    )
    assert parsed.one("post", id=like.post).likes == 1


def _constructed(root: Path) -> Path:
    """A small export in Slack's documented layout with what the sample lacks: threads,
    several reactions, private channels, group DMs, DMs and profile e-mails."""
    export = root / "export"
    write_json(
        export / "users.json",
        [
            {"id": "U1", "name": "ana", "profile": {"real_name": "Ana", "email": "ana@x.org"}},
            {"id": "U2", "name": "bo", "profile": {"real_name": MIXED_TEXT, "phone": "+1 555"}},
            {"id": "U3", "name": "cy", "is_bot": True, "profile": {}},
        ],
    )
    write_json(
        export / "channels.json",
        [
            {
                "id": "C1",
                "name": "general",
                "created": 1700000000,
                "creator": "U1",
                "members": ["U1", "U2"],
                "purpose": {"value": "all things"},
            }
        ],
    )
    write_json(export / "groups.json", [{"id": "G1", "name": "vip", "members": ["U2", "U3"]}])
    write_json(export / "mpims.json", [{"id": "G2", "name": "mpdm-ana--bo-1", "members": []}])
    write_json(export / "dms.json", [{"id": "D1", "members": ["U1", "U2"]}])
    write_json(
        export / "general" / "2023-11-14.json",
        [
            {
                "type": "message",
                "user": "U1",
                "text": "launch day <@U2> <@U2|bo> <!channel>",
                "ts": "1700000100.000100",
                "thread_ts": "1700000100.000100",
                "reply_count": 2,
                "reactions": [
                    {"name": "tada", "users": ["U2", "U3"], "count": 2},
                    {"name": "+1", "users": ["U2"], "count": 1},
                ],
            },
            {
                "type": "message",
                "user": "U2",
                "text": MIXED_TEXT,
                "ts": "1700000200.000200",
                "thread_ts": "1700000100.000100",
                "parent_user_id": "U1",
            },
            {
                "type": "message",
                "subtype": "thread_broadcast",
                "user": "U3",
                "text": "also here",
                "ts": "1700000300.000300",
                "thread_ts": "1700000100.000100",
                "unknown_field": {"nested": [1, 2]},
            },
            {
                "type": "message",
                "subtype": "channel_topic",
                "user": "U1",
                "text": "t",
                "ts": "1700000400.000400",
            },
        ],
    )
    write_json(
        export / "vip" / "2023-11-14.json",
        [{"type": "message", "user": "U9", "text": "hi", "ts": "1700000500.000001"}],
    )
    write_json(
        export / "D1" / "2023-11-14.json",
        [{"type": "message", "user": "U1", "text": "psst", "ts": "1700000600.000001"}],
    )
    return export


def test_constructed_threads_reactions_and_channel_lists(tmp_path: Path) -> None:
    parsed = run(parse, _constructed(tmp_path), LoadOptions(brand="acme"))
    assert parsed.rejects == []
    root, reply, broadcast = (
        "slack:C1:1700000100.000100",
        "slack:C1:1700000200.000200",
        "slack:C1:1700000300.000300",
    )
    assert parsed.ids("post") == {
        root,
        reply,
        broadcast,
        "slack:G1:1700000500.000001",
        "slack:D1:1700000600.000001",
    }
    top = parsed.one("post", id=root)
    assert (top.replies, top.likes, top.created_at) == (2, 3, 1700000100000)
    assert parsed.one("post", id=reply).text == MIXED_TEXT
    links = {(p.type, p.source, p.target) for p in parsed.of("post_link")}
    assert links == {("REPLY_TO", reply, root), ("REPLY_TO", broadcast, root)}
    engagements = {(e.type, e.account, e.post, e.at) for e in parsed.of("engagement")}
    assert engagements == {
        ("REPLIED", "slack:U2", root, 1700000200000),
        ("REPLIED", "slack:U3", root, 1700000300000),
        ("LIKED", "slack:U2", root, None),
        ("LIKED", "slack:U3", root, None),
    }
    assert {(m.post, m.account) for m in parsed.of("mention")} == {(root, "slack:U2")}
    communities = {c.id: (c.community_kind, c.description) for c in parsed.of("community")}
    assert communities == {
        "slack:C1": ("channel", "all things"),
        "slack:G1": ("channel", None),
        "slack:G2": ("group", None),
    }
    assert {(b.community, b.brand) for b in parsed.of("community_of_brand")} == {
        ("slack:C1", "acme"),
        ("slack:G1", "acme"),
        ("slack:G2", "acme"),
    }
    assert {(m.community, m.account, m.role) for m in parsed.of("member_of")} == {
        ("slack:C1", "slack:U1", "owner"),
        ("slack:C1", "slack:U2", "member"),
        ("slack:G1", "slack:U2", "member"),
        ("slack:G1", "slack:U3", "member"),
    }
    keys = {(k.account, k.key_type, k.key) for k in parsed.of("account_key")}
    assert keys == {("slack:U1", "email", "ana@x.org"), ("slack:U2", "phone", "+1 555")}
    # U9 posted but is not in users.json: a bare account, once.
    assert [a.id for a in parsed.of("account")].count("slack:U9") == 1
    assert parsed.one("account", id="slack:U2").name == MIXED_TEXT


def test_zip_export_reads_like_the_folder(tmp_path: Path) -> None:
    folder = _constructed(tmp_path)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.rglob("*.json"):
            zf.write(path, f"My Workspace Slack export/{path.relative_to(folder)}")
    from_zip = run(parse, archive)
    from_folder = run(parse, folder)
    assert from_zip.rejects == []
    assert sorted(map(repr, from_zip.records)) == sorted(map(repr, from_folder.records))
    in_memory = run(parse, Source.from_bytes(archive.read_bytes(), name="upload.zip"))
    assert len(in_memory.records) == len(from_folder.records)


def _hostile_export(tmp_path: Path) -> Path:
    """The sample export plus bad users, bad messages, and empty, binary, cut-short and
    unlisted day files; 14 rejects and 2 good messages in all."""
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    users = json.loads((export / "users.json").read_text())
    users.append(dict(users[0]))  # a duplicate id
    users.append({"name": "no-id"})  # a missing id
    users.append({"id": 42, "name": "wrong type"})
    (export / "users.json").write_text(json.dumps(users))
    day = export / "enrique" / "2099-01-01.json"
    good = {"type": "message", "user": "U0BMQB6JE", "text": MIXED_TEXT, "ts": "4070908800.000001"}
    messages = [
        good,
        {"type": "message", "user": "U0BMQB6JE", "text": "dup", "ts": "4070908800.000001"},
        {"type": "message", "user": "U0BMQB6JE", "text": "no ts"},
        {"type": "message", "user": "U0BMQB6JE", "text": "number ts", "ts": 4070908801.5},
        {"type": "message", "text": "nobody", "ts": "4070908802.000001"},
        {"type": "message", "user": "U0BMQB6JE", "text": MEGABYTE_TEXT, "ts": "4070908803.1"},
        {
            "type": "message",
            "user": "U0BMQB6JE",
            "text": "ok",
            "ts": "4070908804.1",
            "reactions": [{"name": "x", "users": "U0BMYT2FL"}],
        },
        "not an object",
    ]
    write_json(day, messages)
    (export / "enrique" / "2099-01-02.json").write_text("")
    (export / "enrique" / "2099-01-03.json").write_bytes(BINARY)
    last = {"type": "message", "user": "U0BMYT2FL", "text": "first", "ts": "4070909000.000001"}
    cut = truncated([last, {**last, "ts": "4070909001.000001", "text": "second"}], keep=0.8)
    (export / "traveling-sailor" / "2099-01-04.json").write_text(cut)
    write_json(export / "nowhere" / "2099-01-05.json", [good])

    return export


def test_hostile_export(tmp_path: Path) -> None:
    export = _hostile_export(tmp_path)
    parsed = run(parse, export)
    reasons = {(Path(r.source).name, r.location): r.reason for r in parsed.rejects}
    assert len(parsed.rejects) == 14
    assert reasons[("users.json", "$[4]")].startswith("id: duplicate user U0BMYT2FL")
    assert reasons[("users.json", "$[5]")] == "id: Field required"
    assert reasons[("users.json", "$[6]")] == "id: Input should be a valid string"
    assert (
        reasons[("2099-01-01.json", "$[1]")] == "ts: duplicate message 4070908800.000001 in enrique"
    )
    assert reasons[("2099-01-01.json", "$[2]")] == "ts: Field required"
    assert reasons[("2099-01-01.json", "$[3]")] == "ts: Input should be a valid string"
    assert reasons[("2099-01-01.json", "$[4]")] == "user: missing (and no bot_id)"
    assert reasons[("2099-01-01.json", "$[5]")].startswith("text: String should have at most")
    assert reasons[("2099-01-01.json", "$[6]")].startswith("reactions.0.users: Input should be")
    assert reasons[("2099-01-01.json", "$[7]")] == "expected a JSON object, not a string"
    assert reasons[("2099-01-02.json", "file")] == "empty file"
    assert reasons[("2099-01-03.json", "offset 0")] == "not UTF-8 text (a binary file?)"
    (cut_reason,) = [v for (f, _), v in reasons.items() if f == "2099-01-04.json"]
    assert cut_reason.startswith("not valid JSON from here")
    assert reasons[("2099-01-05.json", "$[0]")].startswith("channel: folder 'nowhere' is not")
    # Every good record still loads: the sample's, the Chinese/emoji/RTL message, and the
    # complete message before the cut.
    posts = {p.id: p for p in parsed.of("post")}
    assert len(posts) == 147 + 2
    assert posts["slack:C0JGLMMNX:4070908800.000001"].text == MIXED_TEXT
    assert posts["slack:C0JL6CGQ2:4070909000.000001"].text == "first"
    assert len(parsed.of("member_of")) == 8


@pytest.mark.parametrize("content", [b"", BINARY, b"{}", b"PK\x03\x04 broken zip"])
def test_not_an_export(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(content)
    parsed = run(parse, path)
    assert parsed.records == []
    assert len(parsed.rejects) == 1
    assert "Slack export" in parsed.rejects[0].reason


async def test_scrm_load(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    loaded = await scrm.twice("slack", str(EXPORT))
    assert loaded.summary["rejected"] == 0
    assert loaded.summary["read"] == len(run(parse, EXPORT).items)
    expected_nodes = {"Post": 147, "Account": 7, "Community": 2}
    expected_edges = {"POSTED": 147, "MEMBER_OF": 8, "MENTIONS": 14, "LIKED": 1}
    assert {k: loaded.summary["written"][k] for k in expected_nodes} == expected_nodes
    assert {k: loaded.nodes[k] for k in expected_nodes} == expected_nodes
    assert {k: loaded.relationships[k] for k in expected_edges} == expected_edges
    # Hermione's phone number makes her a customer.
    assert (loaded.nodes["Customer"], loaded.relationships["HAS_ACCOUNT"]) == (1, 1)


async def test_scrm_load_hostile(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    loaded = await scrm("slack", str(_hostile_export(tmp_path)))
    assert loaded.code == 2
    assert loaded.summary["rejected"] == len(loaded.rejects) == 14
    for line in loaded.rejects:
        assert {"source", "location", "reason", "raw"} <= set(line) and line["reason"]
    assert {Path(r["source"]).name for r in loaded.rejects} == {
        "users.json",
        "2099-01-01.json",
        "2099-01-02.json",
        "2099-01-03.json",
        "2099-01-04.json",
        "2099-01-05.json",
    }
    assert loaded.nodes["Post"] == 147 + 2
