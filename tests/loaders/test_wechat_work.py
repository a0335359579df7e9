"""The wechat-work connector over wechatpy's WeCom and Official Account fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph import EmbeddedEngine, GraphStore, Statement
from loaders.base import LoadOptions, Source
from loaders.registry import get_connector
from loaders.wechat_work import parse
from tests.loaders.native_support import (
    BINARY,
    DATA,
    MEGABYTE_TEXT,
    MIXED_TEXT,
    ScrmLoad,
    run,
    write_json,
)

FIXTURES = DATA / "wecom-wechatpy-fixtures"
WORK, MP = FIXTURES / "work", FIXTURES / "mp"
LISI = "woAJ2GCAAAXtWyujaWJHDDGi0mACH71w"
CHAT = "wechat-group:wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"
CUSTOMER_ACCOUNTS = Statement(
    "test.wechat_work.customer_accounts",
    "MATCH (c:Customer)-[h:HAS_ACCOUNT]->(a:Account) "
    "RETURN c.id AS customer, a.id AS account, h.method AS method ORDER BY customer, account",
)


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_registered() -> None:
    assert get_connector("wechat-work").parse is parse


def test_contact_detail_matches_the_file() -> None:
    body = load(WORK / "externalcontact_get.json")
    native = body["external_contact"]
    parsed = run(parse, WORK / "externalcontact_get.json")
    assert parsed.rejects == []
    account = parsed.one("account", id=f"wechat:{native['external_userid']}")
    assert (account.platform, account.name) == ("wechat", native["name"])
    assert account.properties == {
        "corp_name": "腾讯",
        "corp_full_name": "腾讯科技有限公司",
        "position": "Manager",
        "gender": 1,
        "contact_type": "wework",  # type 2: a WeCom user
    }
    customer = parsed.one("customer", id=f"wechat-work:customer:{LISI}")
    tags = [t["tag_name"] for f in body["follow_user"] for t in f.get("tags", [])]
    first = min(f["createtime"] for f in body["follow_user"]) * 1000
    assert (customer.name, customer.tags, customer.first_seen) == ("李四", tags, first)
    assert customer.tags == ["标签名称"] and first == 1525779812000
    link = parsed.one("identity_link", account=f"wechat:{LISI}")
    assert (link.customer, link.method) == (customer.id, "source")
    keys = [(k.key_type, k.key) for k in parsed.of("account_key")]
    assert keys == [
        ("unionid", native["unionid"]),
        ("phone", "138000001"),  # written as numbers in this response
        ("phone", "130000002"),
    ]
    staff = {a.id: a.handle for a in parsed.of("account") if a.platform == "wechat-work"}
    assert staff == {f"wechat-work:{f['userid']}": f["userid"] for f in body["follow_user"]}
    follows = {(f.source, f.target, f.at) for f in parsed.of("follow")}
    expected = set()
    for follow in body["follow_user"]:
        staff_id, at = f"wechat-work:{follow['userid']}", follow["createtime"] * 1000
        expected |= {(f"wechat:{LISI}", staff_id, at), (staff_id, f"wechat:{LISI}", at)}
    assert follows == expected and len(follows) == 4


def test_batch_by_user() -> None:
    body = load(WORK / "externalcontact_batch_get_by_user.json")
    parsed = run(parse, WORK / "externalcontact_batch_get_by_user.json")
    assert parsed.rejects == []
    natives = [item["external_contact"] for item in body["external_contact_list"]]
    assert parsed.ids("account") == {f"wechat:{n['external_userid']}" for n in natives}
    unionids = {(k.account, k.key) for k in parsed.of("account_key") if k.key_type == "unionid"}
    assert unionids == {(f"wechat:{n['external_userid']}", n["unionid"]) for n in natives}
    phones = [k.key for k in parsed.of("account_key") if k.key_type == "phone"]
    assert phones == ["13800000001", "13000000002"]
    customers = {c.id: (c.tags, c.first_seen) for c in parsed.of("customer")}
    assert customers == {
        "wechat-work:customer:woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA": (
            ["etAJ2GCAAAXtWyujaWJHDDGi0mACHAAA"],
            1525779812000,
        ),
        "wechat-work:customer:woAJ2GCAAAXtWyujaWJHDDGi0mACHBBB": (
            ["etAJ2GCAAAXtWyujaWJHDDGi0mACHAAA"],
            1525881637000,
        ),
    }
    # This (older) response does not say which staff member: no FOLLOWS.
    assert parsed.of("follow") == []


def test_group_chat() -> None:
    body = load(WORK / "externalcontact_groupchat_get.json")["group_chat"]
    parsed = run(parse, WORK / "externalcontact_groupchat_get.json", LoadOptions(brand="acme"))
    assert parsed.rejects == []
    community = parsed.one("community", id=CHAT)
    assert (community.name, community.community_kind, community.platform) == (
        "销售客服群",
        "wechat_group",
        "wechat-work",
    )
    assert (community.description, community.created_at) == ("文明沟通，拒绝脏话", 1572505490000)
    assert parsed.one("community_of_brand", community=CHAT).brand == "acme"
    members = {(m.account, m.role, m.since) for m in parsed.of("member_of")}
    assert members == {
        ("wechat-work:abel", "member", 1572505491000),
        ("wechat-work:sam", "member", 1572505491000),
        ("wechat:wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA", "member", 1572505491000),
        # The owner is not in this response's member_list but owns the group.
        ("wechat-work:ZhuShengBen", "owner", None),
    }
    assert len(body["member_list"]) == 3
    (key,) = parsed.of("account_key")
    assert (key.account, key.key_type, key.key) == (
        "wechat:wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA",
        "unionid",
        "ozynqsulJFCZ2z1aYeS8h-nuasdAAA",
    )
    # The same unionid as a contact of batch/get_by_user: identity will join them.
    batch = load(WORK / "externalcontact_batch_get_by_user.json")
    assert key.key == batch["external_contact_list"][0]["external_contact"]["unionid"]


def test_contact_ids_and_official_account() -> None:
    ids = run(parse, WORK / "externalcontact_list.json")
    assert ids.ids("account") == {
        f"wechat:{i}" for i in load(WORK / "externalcontact_list.json")["external_userid"]
    }
    for name in ("user_get.json", "user_tag_get.json"):
        followers = run(parse, MP / name)
        assert followers.rejects == []
        assert followers.ids("account") == {"wechat-mp:OPENID1", "wechat-mp:OPENID2"}
    info = run(parse, MP / "user_info.json")
    account = info.one("account", id="wechat-mp:o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
    assert (account.name, account.lang, account.location) == ("Band", "zh_CN", "广州, 广东, 中国")
    assert account.properties == {"subscribed": True, "subscribed_at": 1382694957000, "sex": 1}
    # The response has a stray leading blank in the unionid.
    assert [k.key for k in info.of("account_key")] == ["o6_bmasdasdsad6_2sgVt7hMZOPfL"]
    batch = run(parse, MP / "user_info_batchget.json")
    profiles = load(MP / "user_info_batchget.json")["user_info_list"]
    assert {(k.account, k.key) for k in batch.of("account_key")} == {
        (f"wechat-mp:{p['openid']}", p["unionid"]) for p in profiles
    }
    gone = batch.one("account", id="wechat-mp:otvxTs_JZ6SEiP0imdhpi50fuSZg")
    assert gone.properties == {"subscribed": False}


def test_newer_responses(tmp_path: Path) -> None:
    """Fields of the current API documentation the fixtures predate: follow_info.userid,
    admin_list, member names, an owner listed among the members."""
    batch = {
        "errcode": 0,
        "errmsg": "ok",
        "external_contact_list": [
            {
                "external_contact": {"external_userid": "wmC1", "name": MIXED_TEXT, "type": 1},
                "follow_info": {"userid": "rocky", "createtime": 1700000000, "tag_id": ["et1"]},
                "future_field": {"x": 1},
            }
        ],
        "next_cursor": "",
    }
    chat = {
        "errcode": 0,
        "errmsg": "ok",
        "group_chat": {
            "chat_id": "wrC1",
            "name": "VIP 群 ✨",
            "owner": "rocky",
            "create_time": 1700000000,
            "member_list": [
                {"userid": "rocky", "type": 1, "join_time": 1700000000, "join_scene": 1},
                {"userid": "amy", "type": 1, "join_time": 1700000100, "name": "Amy"},
                {
                    "userid": "wmC1",
                    "type": 2,
                    "unionid": "oU1",
                    "join_time": 1700000200,
                    "join_scene": 3,
                    "invitor": {"userid": "amy"},
                    "group_nickname": "小王",
                },
            ],
            "admin_list": [{"userid": "amy"}],
        },
    }
    lines = "\n".join(json.dumps(b, ensure_ascii=False) for b in (batch, chat))
    parsed = run(parse, Source.from_bytes(lines.encode(), name="responses.jsonl"))
    assert parsed.rejects == []
    assert {(f.source, f.target, f.at) for f in parsed.of("follow")} == {
        ("wechat:wmC1", "wechat-work:rocky", 1700000000000),
        ("wechat-work:rocky", "wechat:wmC1", 1700000000000),
    }
    assert parsed.one("account", id="wechat:wmC1").properties == {"contact_type": "wechat"}
    assert {(m.account, m.role, m.since) for m in parsed.of("member_of")} == {
        ("wechat-work:rocky", "owner", 1700000000000),
        ("wechat-work:amy", "admin", 1700000100000),
        ("wechat:wmC1", "member", 1700000200000),
    }
    assert parsed.one("account", id="wechat-work:amy").name == "Amy"
    # Each account once per file, though it appears in both responses.
    assert len([a for a in parsed.of("account") if a.id == "wechat:wmC1"]) == 1


def test_hostile_responses(tmp_path: Path) -> None:
    good = load(WORK / "externalcontact_batch_get_by_user.json")["external_contact_list"][0]
    contact = good["external_contact"]
    items = [
        good,
        good,  # a duplicate
        {"external_contact": {k: v for k, v in contact.items() if k != "external_userid"}},
        {"external_contact": {**contact, "external_userid": 12345}},
        {"external_contact": {**contact, "external_userid": "wm2", "type": 7}},
        {"external_contact": {**contact, "external_userid": "wm3", "name": MEGABYTE_TEXT}},
        {
            "external_contact": {**contact, "external_userid": "wm4", "name": MIXED_TEXT},
            "follow_info": {"createtime": "yesterday"},
        },
        {"external_contact": {**contact, "external_userid": "wm5", "unused": MEGABYTE_TEXT}},
        {"external_contact": {**contact, "external_userid": "wm6", "name": MIXED_TEXT}},
        "garbage",
    ]
    path = write_json(tmp_path / "batch.json", {"errcode": 0, "external_contact_list": items})
    parsed = run(parse, path)
    reasons = {r.location: r.reason for r in parsed.rejects}
    first = contact["external_userid"]
    assert reasons == {
        "$.external_contact_list[1]": (
            f"external_userid: duplicate contact {first} (first at $.external_contact_list[0])"
        ),
        "$.external_contact_list[2]": "external_contact.external_userid: Field required",
        "$.external_contact_list[3]": (
            "external_contact.external_userid: Input should be a valid string"
        ),
        "$.external_contact_list[4]": "external_contact.type: Input should be 1 or 2",
        "$.external_contact_list[5]": (
            "external_contact.name: String should have at most 10000 characters"
        ),
        "$.external_contact_list[6]": "follow_info.createtime: Input should be a valid integer, "
        "unable to parse string as an integer",
        "$.external_contact_list[9]": "expected a JSON object, not a string",
    }
    assert parsed.ids("account") == {f"wechat:{first}", "wechat:wm5", "wechat:wm6"}
    assert parsed.one("customer", id="wechat-work:customer:wm6").name == MIXED_TEXT

    chat = load(WORK / "externalcontact_groupchat_get.json")
    members = chat["group_chat"]["member_list"]
    members += [members[0], {"type": 2}, {"userid": "x", "type": "external"}]
    parsed = run(parse, write_json(tmp_path / "chat.json", chat))
    assert {r.location: r.reason for r in parsed.rejects} == {
        "$.group_chat.member_list[3]": (
            "userid: duplicate member abel (first at $.group_chat.member_list[0])"
        ),
        "$.group_chat.member_list[4]": "userid: Field required",
        "$.group_chat.member_list[5]": "type: Input should be 1 or 2",
    }
    assert len(parsed.of("member_of")) == 4

    text = (WORK / "externalcontact_batch_get_by_user.json").read_text(encoding="utf-8")
    cut = text[: text.index('"王五"')]  # inside the second contact
    parsed = run(parse, Source.from_bytes(cut.encode(), name="cut.json"))
    assert parsed.ids("account") == {"wechat:woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA"}
    assert len(parsed.rejects) == 1 and parsed.rejects[0].reason.startswith("not valid JSON")

    for content, reason in [
        (b"", "empty file"),
        (BINARY, "not UTF-8 text (a binary file?)"),
        (
            b'{"errcode": 40014, "errmsg": "invalid access_token"}',
            "an API error response: errcode 40014 invalid access_token",
        ),
        (b'{"group_chat": {"name": "no id"}}', "chat_id: Field required"),
        (b'{"external_userid": "not a list"}', "external_userid: expected a list"),
        (b'{"data": {"openid": [1]}}', "openid: expected a non-empty string"),
        (b"[]", "expected a JSON object (an API response)"),
    ]:
        parsed = run(parse, Source.from_bytes(content, name="body.json"))
        assert parsed.records == [], content
        assert [r.reason for r in parsed.rejects] == [reason], content
    parsed = run(parse, WORK / "department_list.json")
    assert parsed.records == []
    assert parsed.rejects[0].reason.startswith("not a WeChat Work or Official Account response")


RESPONSES = [
    WORK / "externalcontact_get.json",
    WORK / "externalcontact_batch_get_by_user.json",
    WORK / "externalcontact_groupchat_get.json",
    WORK / "externalcontact_list.json",
    MP / "user_get.json",
    MP / "user_info.json",
    MP / "user_info_batchget.json",
    MP / "user_tag_get.json",
]


async def test_scrm_load(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    loaded = await scrm.twice("wechat-work", *[str(p) for p in RESPONSES])
    # Contacts: 1 (get) + 2 (batch) + 2 (list) + 1 group-only; staff: rocky, tommy, abel,
    # sam, ZhuShengBen; Official Account followers: 2 (user/get and user/tag/get) + 1 + 2.
    assert loaded.nodes["Account"] == 6 + 5 + 5
    assert loaded.nodes["Community"] == 1
    assert (loaded.relationships["FOLLOWS"], loaded.relationships["MEMBER_OF"]) == (4, 4)
    links = {
        (r["customer"], r["account"], r["method"])
        for r in await falkordb_store.read(CUSTOMER_ACCOUNTS)
    }
    aaa = "wechat-work:customer:woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA"
    # The group member shares its unionid with a batch contact: one customer, both accounts.
    assert (aaa, "wechat:woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA", "source") in links
    assert (aaa, "wechat:wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA", "unionid") in links
    assert loaded.nodes["Customer"] == len({c for c, _, _ in links})


async def test_scrm_load_hostile(
    falkordb_store: GraphStore,
    engine: EmbeddedEngine,
    graph_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    scrm = ScrmLoad(falkordb_store, engine, graph_name, monkeypatch, tmp_path)
    folder = tmp_path / "responses"
    folder.mkdir()
    chat = load(WORK / "externalcontact_groupchat_get.json")
    chat["group_chat"]["member_list"].append({"type": 2, "unionid": "no userid"})
    write_json(folder / "chat.json", chat)
    (folder / "error.json").write_text('{"errcode": 40014, "errmsg": "invalid access_token"}')
    (folder / "empty.json").write_text("")
    (folder / "binary.json").write_bytes(BINARY)
    (folder / "department_list.json").write_bytes((WORK / "department_list.json").read_bytes())
    loaded = await scrm("wechat-work", str(folder))
    assert loaded.code == 2
    assert loaded.summary["rejected"] == len(loaded.rejects) == 5
    assert loaded.relationships["MEMBER_OF"] == 4
