"""Identity resolution on the real embedded FalkorDB: strong keys, explanations, unlink."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from graph.cypher import Statement
from graph.model import (
    Account,
    AccountLink,
    Community,
    Customer,
    IdentityLink,
    Membership,
    Order,
    Placed,
    Record,
)
from graph.store import GraphStore
from loaders.base import Reject
from loaders.identity import IdentityResolver, derived_customer_id
from loaders.identity_ops import accept_suggestion, link_account, show_customer, unlink_account
from loaders.identity_suggest import name_similarity, score_pair, suggest
from loaders.pii import IdentityHasher
from loaders.writer import GraphWriter

SNAPSHOT_NODES = Statement(
    "test.identity.snapshot_nodes",
    "MATCH (n) WHERE NOT n:GraphMeta RETURN labels(n)[0] AS label, n AS node",
)
SNAPSHOT_EDGES = Statement(
    "test.identity.snapshot_edges",
    "MATCH (a)-[r]->(b) RETURN a.id AS source, type(r) AS type, b.id AS target, r AS props",
)
CUSTOMER_VIEW = Statement(
    "test.identity.customer_view",
    "MATCH (c:Customer {id: $id})-[h:HAS_ACCOUNT]->(a:Account) "
    "RETURN a.id AS account, h.method AS method, h.evidence AS evidence, "
    "h.confidence AS confidence, h.key AS key ORDER BY account",
)
CUSTOMER_ORDERS = Statement(
    "test.identity.customer_orders",
    "MATCH (c:Customer {id: $id})-[:PLACED]->(o:Order) RETURN o.id AS id ORDER BY id",
)
ACCOUNT_CUSTOMER = Statement(
    "test.identity.account_customer",
    "MATCH (c:Customer)-[:HAS_ACCOUNT]->(a:Account {id: $id}) RETURN c.id AS id",
)

SECRET = b"test-identity-secret-0123456789"
CONTACT = "wechat:wmContact1"  # a WeChat Work external contact
MEMBER = "wechat:woMember9"  # the same person seen as a member of a customer group chat
SHOP = "shopify:customer:42"  # the shop's customer record, as an account on the shop
UNIONID = "oUNIONID-Abc123"
EMAIL = "Li.Lei+vip@GoogleMail.com"


def resolver(now: int = 1_700_000_000_000) -> IdentityResolver:
    return IdentityResolver(IdentityHasher(SECRET), clock=lambda: now)


def wechat_records() -> list[Record]:
    return [
        Account(id=CONTACT, platform="wechat", name="李雷"),
        AccountLink(account=CONTACT, key_type="unionid", key=UNIONID),
        Community(id="wechat:group:wrGroup1", platform="wechat", community_kind="wechat_group"),
        Account(id=MEMBER, platform="wechat", name="Lei"),
        AccountLink(account=MEMBER, key_type="unionid", key=UNIONID),
        Membership(account=MEMBER, community="wechat:group:wrGroup1", role="member"),
    ]


def shop_records(*, with_email: bool = True) -> list[Record]:
    records: list[Record] = [
        Customer(id=SHOP, name="Li Lei"),
        Account(id=SHOP, platform="shopify", name="Li Lei"),
        IdentityLink(
            customer=SHOP,
            account=SHOP,
            method="source",
            evidence="shopify customer record",
            at=1_600_000_000_000,
        ),
        Order(id="shopify:order:1001", total=129.0, currency="CNY"),
        Placed(customer=SHOP, order="shopify:order:1001"),
    ]
    if with_email:
        records.append(AccountLink(account=SHOP, key_type="email", key="lilei@gmail.com"))
    return records


async def load(store: GraphStore, records: Sequence[Record], now: int = 1_700_000_000_000) -> None:
    """Identity step then the shared writer, as the load pipeline runs them."""
    rest = await resolver(now).resolve(store, records)
    assert not [r for r in rest if isinstance(r, Reject)]
    await GraphWriter(store).write([r for r in rest if not isinstance(r, Reject)])


async def snapshot(store: GraphStore) -> tuple[list[Any], list[Any]]:
    nodes = sorted(
        (row["label"], sorted(row["node"].items())) for row in await store.read(SNAPSHOT_NODES)
    )
    edges = sorted(
        (row["source"], row["type"], row["target"], sorted(row["props"].items()))
        for row in await store.read(SNAPSHOT_EDGES)
    )
    return nodes, edges


async def customer_of(store: GraphStore, account: str) -> str | None:
    rows = await store.read(ACCOUNT_CUSTOMER, {"id": account})
    assert len(rows) <= 1, rows
    return rows[0]["id"] if rows else None


async def test_contact_group_member_and_order_become_one_explained_customer(
    store: GraphStore,
) -> None:
    # The contact's e-mail comes from a CRM note; Gmail ignores dots, "+tags" and case.
    crm = [AccountLink(account=CONTACT, key_type="email", key=EMAIL)]
    await load(store, [*wechat_records(), *shop_records(), *crm])

    view = await store.read(CUSTOMER_VIEW, {"id": SHOP})
    assert [row["account"] for row in view] == [SHOP, CONTACT, MEMBER]
    by_account = {row["account"]: row for row in view}
    assert by_account[SHOP]["method"] == "source"
    assert by_account[SHOP]["evidence"] == "shopify customer record"
    assert by_account[SHOP]["confidence"] == 1.0
    contact = by_account[CONTACT]
    assert contact["method"] == "email"
    assert contact["evidence"].startswith("email key ")
    assert contact["evidence"].endswith(f"shared with {SHOP}")
    assert contact["confidence"] == pytest.approx(0.95)
    member = by_account[MEMBER]
    assert member["method"] == "unionid"
    assert member["evidence"].endswith(f"shared with {CONTACT}")
    assert member["confidence"] == pytest.approx(0.95 * 0.99, abs=1e-4)
    assert member["key"].startswith("unionid:")
    assert await store.read(CUSTOMER_ORDERS, {"id": SHOP}) == [{"id": "shopify:order:1001"}]

    # Nothing raw is stored anywhere: not the e-mail, not the unionid.
    nodes, edges = await snapshot(store)
    text = repr((nodes, edges)).lower()
    assert "lilei@gmail.com" not in text and "li.lei" not in text
    assert UNIONID.lower() not in text


async def test_reloading_changes_nothing(store: GraphStore) -> None:
    records = [*wechat_records(), *shop_records()]
    await load(store, records)
    first = await snapshot(store)
    await load(store, records, now=1_800_000_000_000)
    assert await snapshot(store) == first


async def test_unlink_restores_the_separate_state_exactly(store: GraphStore) -> None:
    await load(store, wechat_records())
    await load(store, shop_records())
    separate = await snapshot(store)
    wechat_customer = await customer_of(store, CONTACT)
    assert wechat_customer is not None and wechat_customer != SHOP
    assert await customer_of(store, MEMBER) == wechat_customer
    assert await customer_of(store, SHOP) == SHOP

    # A later export reveals the contact's e-mail: the shop's customer.
    crm = [AccountLink(account=CONTACT, key_type="email", key=EMAIL)]
    await load(store, crm, now=1_700_000_500_000)
    assert await customer_of(store, CONTACT) == SHOP
    assert await customer_of(store, MEMBER) == SHOP
    merged = await snapshot(store)
    assert merged != separate

    result = await unlink_account(store, customer=SHOP, account=CONTACT)
    assert sorted(result.restored) == [CONTACT, MEMBER]
    after = await snapshot(store)
    # Account.identity_keys keeps the new key (evidence is never forgotten); everything
    # else - customers, links with every property, orders, memberships - is as before.
    assert _without_keys(after) == _without_keys(separate)
    assert after[1] == separate[1]

    # Reloading everything does not undo the unlink.
    await load(store, [*wechat_records(), *shop_records(), *crm], now=1_900_000_000_000)
    assert await snapshot(store) == after


async def test_unlink_of_a_first_link_leaves_no_customer_and_link_restores_it(
    store: GraphStore,
) -> None:
    await load(store, [*wechat_records(), *shop_records()])
    contact_customer = await customer_of(store, CONTACT)
    assert contact_customer is not None
    before = await snapshot(store)

    await unlink_account(store, customer=contact_customer, account=CONTACT)
    assert await customer_of(store, CONTACT) is None
    assert await customer_of(store, MEMBER) == contact_customer
    await load(store, wechat_records())  # reload: the unlinked account stays unlinked
    assert await customer_of(store, CONTACT) is None

    await link_account(store, customer=contact_customer, account=CONTACT, evidence="same person")
    view = {r["account"]: r for r in await store.read(CUSTOMER_VIEW, {"id": contact_customer})}
    assert view[CONTACT]["method"] == "manual"
    assert view[CONTACT]["evidence"] == "same person"
    nodes, _ = await snapshot(store)
    assert nodes == before[0]


async def test_two_customers_sharing_a_key_are_joined_without_deleting_either(
    store: GraphStore,
) -> None:
    await load(store, [*wechat_records()])
    await load(store, [*shop_records(with_email=False)])
    wechat_customer = await customer_of(store, CONTACT)
    await load(store, [AccountLink(account=SHOP, key_type="unionid", key=UNIONID)])
    assert await customer_of(store, CONTACT) == SHOP
    nodes, _ = await snapshot(store)
    customers = {dict(props)["id"]: dict(props) for label, props in nodes if label == "Customer"}
    assert set(customers) == {SHOP, wechat_customer}
    assert customers[wechat_customer]["merged_into"] == SHOP


async def test_new_customer_id_is_derived_from_the_smallest_key(store: GraphStore) -> None:
    hasher = IdentityHasher(SECRET)
    await load(store, wechat_records())
    token = hasher.token("unionid", UNIONID)
    assert await customer_of(store, CONTACT) == derived_customer_id(token)


async def test_bad_keys_are_set_aside_with_a_reason_and_no_raw_value(store: GraphStore) -> None:
    records: list[Record] = [
        AccountLink(account=CONTACT, key_type="email", key="not-an-address"),
        AccountLink(account=CONTACT, key_type="phone", key="12"),
        AccountLink(account=CONTACT, key_type="unionid", key=UNIONID),
    ]
    out = await resolver().resolve(store, records, source="crm.jsonl")
    rejects = [r for r in out if isinstance(r, Reject)]
    assert [r.location for r in rejects] == [f"account {CONTACT}"] * 2
    assert "not an e-mail address" in rejects[0].reason
    assert "digits" in rejects[1].reason
    assert all(r.source == "crm.jsonl" and r.raw["key"] == "<redacted>" for r in rejects)
    assert await customer_of(store, CONTACT) is not None


def _without_keys(snap: tuple[list[Any], list[Any]]) -> list[Any]:
    return [(label, [(k, v) for k, v in props if k != "identity_keys"]) for label, props in snap[0]]


# --- suggestions ---------------------------------------------------------------------


def test_name_similarity_is_cjk_aware() -> None:
    assert name_similarity("李雷", "李 雷") == 1.0
    assert name_similarity("李雷", "李雷雷") == pytest.approx(0.8)
    assert name_similarity("Lei Li", "li lei") == 1.0  # word order
    assert name_similarity("Anna Schmidt 🌸", "anna schmidt") == 1.0
    assert name_similarity("李雷", "韩梅梅") == 0.0
    assert name_similarity("Anna", "") == 0.0
    assert score_pair([("a", 0.6), ("b", 0.5)]) == pytest.approx(0.8)


async def test_suggest_lists_weak_matches_and_accept_links_them(store: GraphStore) -> None:
    records: list[Record] = [
        Account(id="twitter:1", platform="twitter", handle="AnnaSchmidt", name="Anna Schmidt"),
        Account(id="reddit:t2_a", platform="reddit", handle="anna_schmidt", name="anna"),
        Account(id="weibo:7", platform="weibo", handle="xiaoli88", name="李雷"),
        Account(id="wechat:wmX", platform="wechat", name="李雷"),
        AccountLink(account="wechat:wmX", key_type="unionid", key="oU-li"),
        # Namesakes on one platform with nothing else in common: not suggested.
        Account(id="twitter:2", platform="twitter", handle="bob1", name="Bob Marley"),
        Account(id="twitter:3", platform="twitter", handle="bob2", name="Bob Marley"),
    ]
    await load(store, records)
    found = await suggest(store, min_confidence=0.3)
    by_pair = {s.accounts: s for s in found}
    assert set(by_pair) == {("reddit:t2_a", "twitter:1"), ("wechat:wmX", "weibo:7")}
    anna = by_pair[("reddit:t2_a", "twitter:1")]
    assert anna.reasons == ["same handle 'annaschmidt'"]
    assert anna.confidence == pytest.approx(0.6)
    li = by_pair[("wechat:wmX", "weibo:7")]
    assert li.reasons == ["similar names (1.00)"] and li.confidence == pytest.approx(0.5)
    assert [s.id for s in found] == [anna.id, li.id]  # best first
    assert [s.id for s in await suggest(store, min_confidence=0.55)] == [anna.id]
    assert await customer_of(store, "weibo:7") is None  # nothing applied yet

    result = await accept_suggestion(store, li.id)
    wechat_customer = await customer_of(store, "wechat:wmX")
    assert result.customer == wechat_customer
    assert await customer_of(store, "weibo:7") == wechat_customer
    view = await show_customer(store, wechat_customer)
    weibo = next(a for a in view.accounts if a.account == "weibo:7")
    assert (weibo.method, weibo.confidence) == ("suggestion", 0.5)
    assert weibo.evidence == f"accepted suggestion {li.id}: similar names (1.00)"
    # Accepted pairs are one customer now and are no longer suggested.
    assert li.id not in {s.id for s in await suggest(store, min_confidence=0.3)}

    # Two accounts without customers get a new one.
    both = await accept_suggestion(store, anna.id)
    assert await customer_of(store, "twitter:1") == both.customer
    assert await customer_of(store, "reddit:t2_a") == both.customer


async def test_shared_group_membership_is_suggested(store: GraphStore) -> None:
    group = "wechat:group:g1"
    await load(
        store,
        [
            Community(id=group, platform="wechat", community_kind="wechat_group"),
            Account(id="wechat:a", platform="wechat", name="王小明"),
            Account(id="wechat:b", platform="wechat", name="王小明 🍀"),
            Account(id="wechat:c", platform="wechat", name="王小明"),  # not in the group
            Membership(account="wechat:a", community=group),
            Membership(account="wechat:b", community=group),
        ],
    )
    found = {s.accounts: s for s in await suggest(store, min_confidence=0.3)}
    assert set(found) == {("wechat:a", "wechat:b")}
    pair = found[("wechat:a", "wechat:b")]
    assert pair.reasons == ["similar names (1.00)", f"shared group {group}"]
    assert pair.confidence == pytest.approx(1 - 0.5 * 0.85)


async def test_two_shop_customers_sharing_a_key_show_every_order_under_one(
    store: GraphStore,
) -> None:
    other = "shopify:customer:43"
    second_shop: list[Record] = [
        Customer(id=other, name="Li Lei"),
        Account(id=other, platform="shopify"),
        IdentityLink(customer=other, account=other, method="source", evidence="record", at=1),
        Order(id="shopify:order:2002", total=5.0),
        Placed(customer=other, order="shopify:order:2002"),
    ]
    await load(store, shop_records())
    await load(store, second_shop)
    separate = await snapshot(store)

    await load(store, [AccountLink(account=other, key_type="email", key="LiLei@gmail.com")])
    assert await customer_of(store, other) == SHOP
    orders = await store.read(CUSTOMER_ORDERS, {"id": SHOP})
    assert orders == [{"id": "shopify:order:1001"}, {"id": "shopify:order:2002"}]
    view = await show_customer(store, SHOP)
    assert view.merged_from == [other]
    _, edges = await snapshot(store)
    assert ("shopify:customer:43", "PLACED", "shopify:order:2002", []) in edges  # kept
    assert (SHOP, "PLACED", "shopify:order:2002", [("via", other)]) in edges
    # New orders of the merged customer show under the one it was merged into, too.
    await load(store, [Order(id="shopify:order:3003", total=1.0), *second_shop[-1:]])
    await load(store, [Placed(customer=other, order="shopify:order:3003")])
    assert len(await store.read(CUSTOMER_ORDERS, {"id": SHOP})) == 3

    await unlink_account(store, customer=SHOP, account=other)
    assert await customer_of(store, other) == other
    after = await snapshot(store)
    assert [e for e in after[1] if e[2] != "shopify:order:3003"] == separate[1]
    assert await store.read(CUSTOMER_ORDERS, {"id": SHOP}) == [{"id": "shopify:order:1001"}]

    # A person said these are two people: neither loads nor suggestions bring them back.
    assert (SHOP, other) not in {s.accounts for s in await suggest(store, min_confidence=0.1)}
    await load(store, [AccountLink(account=other, key_type="email", key="LiLei@gmail.com")])
    assert await customer_of(store, other) == other


# --- end to end through the real connectors -------------------------------------------

WECOM_CONTACT = {
    "errcode": 0,
    "errmsg": "ok",
    "external_contact": {
        "external_userid": "wmLiLei",
        "name": "李雷",
        "type": 1,
        "unionid": "oUNION-LiLei",
    },
    "follow_user": [
        {"userid": "rocky", "createtime": 1700000000, "remark_mobiles": ["138-0013-8000"]}
    ],
}
WECOM_GROUP = {
    "errcode": 0,
    "errmsg": "ok",
    "group_chat": {
        "chat_id": "wrGroup1",
        "name": "VIP 客户群",
        "owner": "rocky",
        "create_time": 1700000000,
        "member_list": [
            {"userid": "rocky", "type": 1, "join_time": 1700000000},
            {"userid": "wmLiLei", "type": 2, "unionid": "oUNION-LiLei", "join_time": 1700000100},
        ],
    },
}
SHOPIFY_ORDER = {
    "order": {
        "id": 1001,
        "total_price": "129.00",
        "currency": "CNY",
        "created_at": "2024-03-01T10:00:00+08:00",
        "customer": {"id": 42, "email": "LiLei@Example.com", "phone": "+86 138 0013 8000"},
    }
}


async def test_real_connectors_contact_group_and_order_become_one_customer(
    store: GraphStore,
) -> None:
    import json

    from loaders import shopify, wechat_work
    from loaders.base import LoadOptions, Source

    def parsed(parse: Any, body: dict[str, Any]) -> list[Record]:
        source = Source.from_bytes(json.dumps(body).encode(), name="body.json")
        items = list(parse(source, options=LoadOptions()))
        assert not [i for i in items if isinstance(i, Reject)]
        return items

    await load(store, parsed(wechat_work.parse, WECOM_CONTACT))
    await load(store, parsed(wechat_work.parse, WECOM_GROUP))
    contact_customer = await customer_of(store, "wechat:wmLiLei")
    assert contact_customer == "wechat-work:customer:wmLiLei"
    before_order = await snapshot(store)

    await load(store, parsed(shopify.parse, SHOPIFY_ORDER))
    customer = await customer_of(store, "wechat:wmLiLei")
    assert customer == await customer_of(store, SHOP) == SHOP
    view = await show_customer(store, SHOP)
    links = {a.account: a for a in view.accounts}
    assert set(links) == {SHOP, "wechat:wmLiLei"}
    assert links[SHOP].method == "source"
    assert links["wechat:wmLiLei"].method == "phone"
    assert links["wechat:wmLiLei"].evidence.endswith(f"shared with {SHOP}")
    assert links["wechat:wmLiLei"].replaced == contact_customer
    assert [o["id"] for o in view.orders] == ["shopify:order:1001"]
    assert view.merged_from == [contact_customer]
    _, edges = await snapshot(store)
    assert ("wechat:wmLiLei", "MEMBER_OF", "wechat-group:wrGroup1") in {e[:3] for e in edges}

    # Reloading every file changes nothing; unlinking restores the state before the shop.
    settled = await snapshot(store)
    for body, parse in ((WECOM_CONTACT, wechat_work.parse), (SHOPIFY_ORDER, shopify.parse)):
        await load(store, parsed(parse, body), now=1_800_000_000_000)
    assert await snapshot(store) == settled
    await unlink_account(store, customer=SHOP, account="wechat:wmLiLei")
    _, edges = await snapshot(store)
    shop_part = {"shopify:customer:42", "shopify:order:1001"}
    assert [e for e in edges if not shop_part & {e[0], e[2]}] == before_order[1]


async def test_handles_that_differ_in_trailing_digits_are_suggested(store: GraphStore) -> None:
    await load(
        store,
        [
            Account(id="twitter:9", platform="twitter", handle="wong_maya50", name="Maya Wong"),
            Account(id="weibo:9", platform="weibo", handle="wong_maya508"),
            Account(id="weibo:10", platform="weibo", handle="maya1"),  # stem too short
            Account(id="reddit:t2_m", platform="reddit", handle="maya12"),
        ],
    )
    (found,) = await suggest(store, min_confidence=0.3)
    assert found.accounts == ("twitter:9", "weibo:9")
    assert found.reasons == ["similar handles (wongmaya50, wongmaya508)"]
    assert found.confidence == pytest.approx(0.45)


async def test_identity_changes_bump_the_graph_version_and_reloads_do_not(
    store: GraphStore,
) -> None:
    from graph.version import graph_version

    records = [*wechat_records(), *shop_records()]
    identity = resolver()
    await identity.resolve(store, records)
    first = await graph_version(store)
    assert first >= 1
    assert identity.written == {"HAS_ACCOUNT": 3}
    await identity.resolve(store, records)
    assert await graph_version(store) == first
    assert identity.written == {"HAS_ACCOUNT": 3}
