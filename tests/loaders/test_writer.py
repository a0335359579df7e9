"""The shared writer on a real engine: every record kind, idempotence, ENGAGED aggregates."""

from __future__ import annotations

import pytest

from graph.cypher import Statement
from graph.model import (
    Account,
    AccountLink,
    Brand,
    BrandMention,
    Community,
    CommunityBrand,
    Customer,
    Engagement,
    Follow,
    Hashtag,
    IdentityLink,
    Membership,
    Mention,
    Order,
    OrderBrand,
    Placed,
    Post,
    PostLink,
    Record,
    Tagged,
)
from graph.store import GraphStore
from graph.version import graph_version
from loaders.engaged import EngagementWeights, recompute_all
from loaders.writer import GraphWriter, relationship_of
from tests.loaders.snapshot import engaged, snapshot

NODE = Statement("test.writer.node", "MATCH (n {id: $id}) RETURN n AS node")
RELATIONSHIP = Statement(
    "test.writer.relationship",
    "MATCH (a {id: $source})-[r]->(b {id: $target}) RETURN type(r) AS type, r AS props "
    "ORDER BY type",
)

T0 = 1_700_000_000_000


def every_kind() -> list[Record]:
    """One record of every kind the writer stores (AccountLink is identity's input)."""
    return [
        Customer(id="cust:1", name="Ada", tags=["vip"], first_seen=T0),
        Account(id="twitter:1", platform="twitter", handle="ada", followers=10, verified=True),
        Account(id="twitter:2", platform="twitter", handle="bob"),
        Post(id="twitter:p1", platform="twitter", text="hi #tea", author="twitter:2", likes=3),
        Post(id="twitter:p2", platform="twitter", text="@bob yes", author="twitter:1"),
        Brand(id="acme", name="Acme", aliases=["acme", "#acme"]),
        Community(id="reddit:t5_x", platform="reddit", name="tea", community_kind="subreddit"),
        Hashtag(id="tea"),
        Order(id="shopify:order:1", total=12.5, currency="USD", created_at=T0),
        IdentityLink(customer="cust:1", account="twitter:1", method="email", evidence="e"),
        Follow(source="twitter:1", target="twitter:2", at=T0),
        Engagement(type="LIKED", account="twitter:1", post="twitter:p1", at=T0 + 1),
        PostLink(type="REPLY_TO", source="twitter:p2", target="twitter:p1"),
        Engagement(type="REPLIED", account="twitter:1", post="twitter:p1", at=T0 + 2),
        Mention(post="twitter:p2", account="twitter:2"),
        Tagged(post="twitter:p1", hashtag="tea"),
        BrandMention(post="twitter:p1", brand="acme", sentiment=0.5),
        Membership(account="twitter:1", community="reddit:t5_x", role="member", since=T0),
        CommunityBrand(community="reddit:t5_x", brand="acme"),
        Placed(customer="cust:1", order="shopify:order:1"),
        OrderBrand(order="shopify:order:1", brand="acme"),
        AccountLink(account="twitter:1", key_type="email", key="ada@example.com"),
    ]


async def node(store: GraphStore, node_id: str) -> dict[str, object]:
    rows = await store.read(NODE, {"id": node_id})
    assert len(rows) == 1, rows
    return dict(rows[0]["node"])


async def test_every_kind_lands_with_exact_counts(store: GraphStore) -> None:
    written = await GraphWriter(store).write(every_kind())
    assert dict(written) == {
        "Customer": 1,
        "Account": 2,
        "Post": 2,
        "Brand": 1,
        "Community": 1,
        "Hashtag": 1,
        "Order": 1,
        "POSTED": 2,
        "HAS_ACCOUNT": 1,
        "FOLLOWS": 1,
        "LIKED": 1,
        "REPLY_TO": 1,
        "REPLIED": 1,
        "MENTIONS": 1,
        "TAGGED": 1,
        "ABOUT": 1,
        "MEMBER_OF": 1,
        "OF_BRAND": 2,
        "PLACED": 1,
        "ENGAGED": 1,  # twitter:1 liked, replied to and mentioned twitter:2
    }
    stats = await store.stats()
    assert stats.nodes == {
        "Account": 2,
        "Brand": 1,
        "Community": 1,
        "Customer": 1,
        "Hashtag": 1,
        "Order": 1,
        "Post": 2,
    }
    assert stats.relationships == {
        "ABOUT": 1,
        "ENGAGED": 1,
        "FOLLOWS": 1,
        "HAS_ACCOUNT": 1,
        "LIKED": 1,
        "MEMBER_OF": 1,
        "MENTIONS": 1,
        "OF_BRAND": 2,
        "PLACED": 1,
        "POSTED": 2,
        "REPLIED": 1,
        "REPLY_TO": 1,
        "TAGGED": 1,
    }
    community = await node(store, "reddit:t5_x")
    assert community["kind"] == "subreddit"  # the record's community_kind, by the model's name
    link = await store.read(RELATIONSHIP, {"source": "cust:1", "target": "twitter:1"})
    assert link == [
        {
            "type": "HAS_ACCOUNT",
            "props": {"method": "email", "evidence": "e", "confidence": 1.0},
        }
    ]


async def test_loading_twice_changes_nothing(store: GraphStore) -> None:
    await GraphWriter(store).write(every_kind())
    first = await snapshot(store)
    await GraphWriter(store).write(every_kind())
    assert await snapshot(store) == first


async def test_relationship_before_its_endpoints(store: GraphStore) -> None:
    writer = GraphWriter(store)
    await writer.write([Follow(source="weibo:1", target="weibo:2", at=5)])
    stub = await node(store, "weibo:2")
    assert stub == {"id": "weibo:2", "platform": "weibo"}  # the platform its id names
    await writer.write([Account(id="weibo:2", platform="weibo", name="二号 🎉", followers=7)])
    assert await node(store, "weibo:2") == {
        "id": "weibo:2",
        "platform": "weibo",
        "name": "二号 🎉",
        "followers": 7,
    }
    assert await store.read(RELATIONSHIP, {"source": "weibo:1", "target": "weibo:2"}) == [
        {"type": "FOLLOWS", "props": {"at": 5}}
    ]


async def test_a_sparse_record_never_blanks_what_is_known(store: GraphStore) -> None:
    writer = GraphWriter(store)
    await writer.write(
        [
            Account(id="twitter:9", platform="twitter", handle="nine", followers=9),
            Customer(id="cust:9", name="Nine", tags=["vip"]),
            Post(id="twitter:p9", platform="twitter", text="full text", likes=4),
        ]
    )
    await writer.write(
        [
            Account(id="twitter:9", platform="twitter", following=3),
            Customer(id="cust:9"),  # tags left at their default: not "no tags"
            Post(id="twitter:p9", platform="twitter"),  # a stub: text left at its default
        ]
    )
    assert await node(store, "twitter:9") == {
        "id": "twitter:9",
        "platform": "twitter",
        "handle": "nine",
        "followers": 9,
        "following": 3,
    }
    assert (await node(store, "cust:9"))["tags"] == ["vip"]
    post = await node(store, "twitter:p9")
    assert (post["text"], post["likes"]) == ("full text", 4)
    # Saying "no tags" explicitly is a value like any other.
    await writer.write([Customer(id="cust:9", tags=[])])
    assert (await node(store, "cust:9"))["tags"] == []


async def test_ingested_at_is_set_on_create_only(store: GraphStore) -> None:
    writer = GraphWriter(store)
    await writer.write([Engagement(type="LIKED", account="x:1", post="x:p1")])
    first = (await node(store, "x:p1"))["ingested_at"]
    assert isinstance(first, int) and first > T0
    await writer.write([Post(id="x:p1", platform="x", text="later", author="x:2")])
    assert (await node(store, "x:p1"))["ingested_at"] == first


async def test_duplicates_in_a_batch_merge_into_one_row(store: GraphStore) -> None:
    written = await GraphWriter(store).write(
        [
            Account(id="x:1", platform="x", handle="one"),
            Account(id="x:1", platform="x", followers=5),
            Follow(source="x:1", target="x:2"),
            Follow(source="x:1", target="x:2", at=9),
        ]
    )
    assert (written["Account"], written["FOLLOWS"]) == (2, 2)  # records, each counted
    assert await node(store, "x:1") == {
        "id": "x:1",
        "platform": "x",
        "handle": "one",
        "followers": 5,
    }
    assert await store.read(RELATIONSHIP, {"source": "x:1", "target": "x:2"}) == [
        {"type": "FOLLOWS", "props": {"at": 9}}
    ]


async def test_a_post_and_its_author_land_together_and_a_second_author_too(
    store: GraphStore,
) -> None:
    """A post's node and its POSTED are written by one statement; a second record of the
    post naming another author, and a post known only by id and author, still make
    their POSTED."""
    written = await GraphWriter(store).write(
        [
            Post(id="x:p", platform="x", text="hi", author="x:1"),
            Post(id="x:p", platform="x", author="x:2"),
            Post(id="x:q", platform="x", author="x:1"),
            Post(id="x:r", platform="x", text="nobody's"),
        ]
    )
    assert (written["Post"], written["POSTED"]) == (4, 3)
    for author, post in (("x:1", "x:p"), ("x:2", "x:p"), ("x:1", "x:q")):
        assert await store.read(RELATIONSHIP, {"source": author, "target": post}) == [
            {"type": "POSTED", "props": {}}
        ]
    assert (await store.stats()).relationships == {"POSTED": 3}
    stored = await node(store, "x:p")
    assert isinstance(stored.pop("ingested_at"), int)
    assert stored == {"id": "x:p", "platform": "x", "text": "hi"}
    assert (await node(store, "x:r"))["text"] == "nobody's"


async def test_account_properties_are_stored_and_fields_win(store: GraphStore) -> None:
    await GraphWriter(store).write(
        [
            Account(
                id="karate:0",
                platform="karate",
                name="Mr. Hi's first",
                properties={"club": "Mr. Hi", "value": 7, "ratio": 0.5, "flag": True, "name": "x"},
            )
        ]
    )
    assert await node(store, "karate:0") == {
        "id": "karate:0",
        "platform": "karate",
        "name": "Mr. Hi's first",
        "club": "Mr. Hi",
        "value": 7,
        "ratio": 0.5,
        "flag": True,
    }


async def test_a_repeated_row_is_sent_once_and_the_last_row_wins(store: GraphStore) -> None:
    writer = GraphWriter(store)
    first = Account(id="x:1", platform="x", name="first", followers=3)
    sent: list[int] = []
    original = store.write

    async def counting(statement: Statement, params: dict[str, object] | None = None) -> object:
        if statement.name == "writer.node.Account" and params is not None:
            sent.append(len(params["rows"]))  # type: ignore[arg-type]
        return await original(statement, params)

    store.write = counting  # type: ignore[method-assign,assignment]
    await writer.write([first])
    await writer.write([first])  # what the node already holds: not sent again
    assert sent == [1]
    await writer.write([Account(id="x:1", platform="x", name="second")])
    await writer.write([first])  # the last row differs: sent, and it wins
    assert sent == [1, 1, 1]
    assert (await node(store, "x:1"))["name"] == "first"
    # Extra properties naming a field: the fields are written again and win.
    await writer.write([first.model_copy(update={"properties": {"name": "extra"}})])
    assert (await node(store, "x:1"))["name"] == "first"
    assert sent == [1, 1, 1, 1]


async def test_a_post_repeated_in_a_later_batch_is_not_sent_again(store: GraphStore) -> None:
    """A tweet included again on a later page brings its author, hashtags and brand
    mentions again: none of it is sent twice, and what changed in between is."""
    writer = GraphWriter(store)
    await writer.write([Brand(id="acme", name="Acme")])
    post = Post(id="x:p", platform="x", text="hi #tea acme", author="x:1", likes=1)
    along: list[Record] = [
        Tagged(post="x:p", hashtag="tea"),
        BrandMention(post="x:p", brand="acme", sentiment=0.5),
    ]
    sent: list[tuple[str, int]] = []
    original = store.write

    async def counting(statement: Statement, params: dict[str, object] | None = None) -> object:
        if statement.name.startswith("writer.") and params is not None:
            sent.append((statement.name, len(params["rows"])))  # type: ignore[arg-type]
        return await original(statement, params)

    store.write = counting  # type: ignore[method-assign,assignment]
    await writer.write([post, *along])
    first = await snapshot(store)
    sent.clear()
    await writer.write([post, *along])
    assert sent == []
    # The post without its author (another page's stub of it) with other likes, then
    # the first record again: both are sent, and the first one's values are stored.
    await writer.write([Post(id="x:p", platform="x", likes=2)])
    await writer.write([post])
    assert sent == [("writer.node.Post", 1), ("writer.node.Post.authored", 1)]
    assert (await node(store, "x:p"))["likes"] == 1
    assert await snapshot(store) == first


async def test_a_batch_whose_write_failed_is_sent_whole_again(store: GraphStore) -> None:
    """The writer remembers rows before the engine has them: a failed write must not
    leave any of them remembered, or writing the batch again would skip them."""
    writer = GraphWriter(store)
    records: list[Record] = [
        Account(id="x:1", platform="x", handle="one"),
        Post(id="x:p", platform="x", text="hi #tea", author="x:1"),
        Tagged(post="x:p", hashtag="tea"),
    ]
    sent: list[str] = []
    failed: list[str] = []
    original = store.write

    async def failing_on_tagged(
        statement: Statement, params: dict[str, object] | None = None
    ) -> object:
        if statement.name.startswith("writer."):
            sent.append(statement.name)
            if statement.name == "writer.rel.TAGGED" and not failed:
                failed.append(statement.name)
                raise ConnectionError("the engine went away")
        return await original(statement, params)

    store.write = failing_on_tagged  # type: ignore[method-assign,assignment]
    with pytest.raises(ConnectionError):
        await writer.write(records)
    sent.clear()
    await writer.write(records)
    assert sorted(sent) == ["writer.node.Account", "writer.node.Post.authored", "writer.rel.TAGGED"]
    _, relationships = await snapshot(store)
    assert [(s, t, o) for s, t, o, _ in relationships if t == "TAGGED"] == [
        ("x:p", "TAGGED", "tea")
    ]


async def test_each_write_bumps_the_version_once(store: GraphStore) -> None:
    writer = GraphWriter(store)
    before = await graph_version(store)
    await writer.write([Account(id="x:1", platform="x")])
    assert await graph_version(store) == before + 1
    await writer.write([])  # nothing to write: nothing changes
    assert await graph_version(store) == before + 1
    deferred = GraphWriter(store, defer_engaged=True)
    await deferred.write([Engagement(type="LIKED", account="x:2", post="x:p")])
    assert await graph_version(store) == before + 2
    await deferred.write([Post(id="x:p", platform="x", author="x:1")])
    assert await graph_version(store) == before + 3
    assert await deferred.flush() == 1
    assert await graph_version(store) == before + 4


async def test_the_writer_refuses_what_is_not_a_record(store: GraphStore) -> None:
    with pytest.raises(TypeError, match="cannot store a dict"):
        await GraphWriter(store).write([{"kind": "account"}])  # type: ignore[list-item]


# --- ENGAGED -------------------------------------------------------------------------


def conversation() -> list[Record]:
    """u replies to and likes v's post, shares another, quotes a third; u's own post
    mentions v twice over (one mention relationship); u likes its own post; w likes v."""
    return [
        Post(id="t:v1", platform="t", author="t:v", created_at=T0),
        Post(id="t:v2", platform="t", author="t:v", created_at=T0 + 10),
        Post(id="t:v3", platform="t", author="t:v", created_at=T0 + 20),
        Engagement(type="REPLIED", account="t:u", post="t:v1", at=T0 + 100),
        Engagement(type="LIKED", account="t:u", post="t:v1", at=T0 + 50),
        Engagement(type="SHARED", account="t:u", post="t:v2", at=T0 + 300),
        Engagement(type="QUOTED", account="t:u", post="t:v3"),
        Post(id="t:u1", platform="t", author="t:u", created_at=T0 + 400),
        Mention(post="t:u1", account="t:v"),
        Engagement(type="LIKED", account="t:u", post="t:u1", at=T0 + 999),
        Engagement(type="LIKED", account="t:w", post="t:v2", at=T0 + 5, weight=2.5),
    ]


EXPECTED_UV = {
    "replies": 1,
    "shares": 1,
    "quotes": 1,
    "likes": 1,
    "mentions": 1,
    "count": 5,
    "weight": 3.0 + 2.0 + 3.0 + 1.0 + 2.0,
    "last_at": T0 + 400,  # the mentioning post's time beats every engagement's
}


async def test_engaged_sums_the_interactions_underneath(store: GraphStore) -> None:
    await GraphWriter(store).write(conversation())
    assert await engaged(store) == {
        ("t:u", "t:v"): EXPECTED_UV,
        ("t:w", "t:v"): {
            "replies": 0,
            "shares": 0,
            "quotes": 0,
            "likes": 1,
            "mentions": 0,
            "count": 1,
            "weight": 2.5,  # like weight 1 times the interaction's own weight
            "last_at": T0 + 5,
        },
    }  # and no self-loop for u liking its own post


async def test_engaged_weights_are_configurable(store: GraphStore) -> None:
    weights = EngagementWeights(reply=10, quote=0, share=1, mention=0.5, like=0)
    await GraphWriter(store, weights=weights).write(conversation())
    found = await engaged(store)
    assert found[("t:u", "t:v")]["weight"] == 10 + 1 + 0 + 0 + 0.5
    assert found[("t:w", "t:v")]["weight"] == 0.0
    # Changing the weights later: recompute everything.
    assert await recompute_all(store, weights=EngagementWeights()) == 2
    assert (await engaged(store))[("t:u", "t:v")] == EXPECTED_UV


@pytest.mark.parametrize("split", [1, 3, 5, 8, 10])
async def test_engaged_is_the_same_whatever_arrives_first(store: GraphStore, split: int) -> None:
    """Authors after engagements, mentions before their post: separate writes (loads)
    end where one write does."""
    records = conversation()
    records = records[split:] + records[:split]
    writer = GraphWriter(store)
    await writer.write(records[: len(records) // 2])
    await GraphWriter(store).write(records[len(records) // 2 :])
    assert (await engaged(store))[("t:u", "t:v")] == EXPECTED_UV


async def test_deferred_engaged_waits_for_flush(store: GraphStore) -> None:
    writer = GraphWriter(store, defer_engaged=True)
    records = conversation()
    await writer.write(records[3:])  # engagements and mentions, authors unknown yet
    await writer.write(records[:3])
    assert await engaged(store) == {}
    assert writer.pending_engaged > 0
    assert await writer.flush() == 2
    assert (await engaged(store))[("t:u", "t:v")] == EXPECTED_UV
    assert await writer.flush() == 0


async def test_engaged_for_an_author_known_from_an_earlier_flush(store: GraphStore) -> None:
    """A post's author arrives after its engagements were flushed: the flushed engagers
    are found again through the post."""
    writer = GraphWriter(store, defer_engaged=True)
    await writer.write([Engagement(type="REPLIED", account="t:u", post="t:v1", at=T0)])
    assert await writer.flush() == 0  # no author yet: nobody to have engaged with
    await writer.write([Post(id="t:v1", platform="t", author="t:v")])
    assert await writer.flush() == 1
    assert (await engaged(store))[("t:u", "t:v")]["replies"] == 1


async def test_reloading_leaves_engaged_unchanged(store: GraphStore) -> None:
    await GraphWriter(store).write(conversation())
    first = await snapshot(store)
    await GraphWriter(store).write(conversation())
    await GraphWriter(store).write(list(reversed(conversation())))
    assert await snapshot(store) == first


def test_relationship_of_names_what_a_record_stands_for() -> None:
    assert relationship_of(Engagement(type="LIKED", account="t:u", post="t:p")) == (
        "Account",
        "t:u",
        "LIKED",
        "Post",
        "t:p",
    )
    assert relationship_of(Post(id="t:p", platform="t", author="t:v")) == (
        "Account",
        "t:v",
        "POSTED",
        "Post",
        "t:p",
    )
    assert relationship_of(OrderBrand(order="o", brand="b")) == (
        "Order",
        "o",
        "OF_BRAND",
        "Brand",
        "b",
    )
    assert relationship_of(Post(id="t:p", platform="t")) is None
    assert relationship_of(Account(id="t:u", platform="t")) is None
    assert relationship_of(AccountLink(account="t:u", key_type="email", key="x")) is None
