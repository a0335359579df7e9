"""A small, known social graph for the API tests, written through the real loader writer.

Two brands (acme, globex); three customers with five linked accounts across
twitter, reddit and weibo; seven posts over March 2024 with sentiment,
hashtags, mentions and engagement; two brand communities; three orders.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph.model import (
    Account,
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
    Tagged,
)
from graph.store import GraphStore
from loaders.writer import GraphWriter


def ms(day: int, hour: int = 12) -> int:
    """Epoch ms of 2024-03-<day> <hour>:00 UTC."""
    return int(datetime(2024, 3, day, hour, tzinfo=UTC).timestamp() * 1000)


def iso(day: int, hour: int = 12) -> str:
    return datetime(2024, 3, day, hour, tzinfo=UTC).isoformat()


# (id, author, text, day, sentiment, brands, tags)
POSTS: list[tuple[str, str, str, int, float | None, list[str], list[str]]] = [
    ("twitter:t1", "twitter:3", "I love Acme rockets #acme", 1, 0.8, ["acme"], ["acme"]),
    (
        "twitter:t2",
        "twitter:1",
        "Acme support was slow #acme #support",
        2,
        -0.6,
        ["acme"],
        ["acme", "support"],
    ),
    ("twitter:t3", "twitter:2", "Globex is ok", 2, 0.0, ["globex"], []),
    ("twitter:t4", "twitter:4", "@li_tw great thread on Acme", 3, 0.5, ["acme"], []),
    ("reddit:t3_x", "reddit:t2_ada", "Acme launch megathread", 5, 0.3, ["acme"], []),
    ("weibo:w1", "weibo:9", "喜欢 Acme 🎉", 5, 0.9, ["acme"], []),
    ("twitter:t7", "twitter:5", "random unrelated words", 6, None, [], []),
]

ACCOUNTS = [
    Account(id="twitter:1", platform="twitter", handle="ada_tw", name="Ada L", followers=500),
    Account(id="twitter:2", platform="twitter", handle="bob_tw", name="Bob", followers=50),
    Account(
        id="twitter:3",
        platform="twitter",
        handle="li_tw",
        name="Li Lei",
        followers=5000,
        verified=True,
    ),
    Account(id="twitter:4", platform="twitter", handle="dan", name="Dan", followers=10),
    Account(id="twitter:5", platform="twitter", handle="eve", name="Eve", followers=1),
    Account(id="reddit:t2_ada", platform="reddit", handle="ada_r", followers=0),
    Account(id="reddit:t2_bob", platform="reddit", handle="bob_r", followers=3),
    Account(id="weibo:9", platform="weibo", handle="李雷", followers=800),
]

CUSTOMERS = [
    Customer(id="cust:ada", name="Ada Lovelace", tags=["vip"], first_seen=ms(1), last_seen=ms(5)),
    Customer(id="cust:bob", name="Bob Stone", tags=[], first_seen=ms(2), last_seen=ms(2)),
    Customer(id="cust:li", name="李雷", tags=["beta"], first_seen=ms(1), last_seen=ms(5)),
]
LINKS = {
    "cust:ada": ["twitter:1", "reddit:t2_ada"],
    "cust:bob": ["twitter:2"],
    "cust:li": ["twitter:3", "weibo:9"],
}


def records() -> list[Any]:
    out: list[Any] = [
        Brand(id="acme", name="Acme", aliases=["acme", "@acme"]),
        Brand(id="globex", name="Globex", aliases=["globex"]),
        Community(id="reddit:r/acme", platform="reddit", name="r/acme", community_kind="subreddit"),
        Community(id="slack:C1", platform="slack", name="Globex fans", community_kind="channel"),
        CommunityBrand(community="reddit:r/acme", brand="acme"),
        CommunityBrand(community="slack:C1", brand="globex"),
        *ACCOUNTS,
        *CUSTOMERS,
        Hashtag(id="acme"),
        Hashtag(id="support"),
    ]
    for customer, accounts in LINKS.items():
        out += [
            IdentityLink(customer=customer, account=a, method="unionid", evidence="test", at=ms(1))
            for a in accounts
        ]
    for pid, author, text, day, sentiment, brands, tags in POSTS:
        out.append(
            Post(
                id=pid,
                platform=pid.split(":")[0],
                text=text,
                created_at=ms(day),
                sentiment=sentiment,
                author=author,
                likes=day,
            )
        )
        out += [BrandMention(post=pid, brand=b, sentiment=sentiment) for b in brands]
        out += [Tagged(post=pid, hashtag=t) for t in tags]
    out += [
        Mention(post="twitter:t4", account="twitter:3"),
        Engagement(type="REPLIED", account="twitter:1", post="twitter:t1", at=ms(1, 13)),
        Engagement(type="LIKED", account="twitter:2", post="twitter:t1", at=ms(1, 14)),
        Engagement(type="SHARED", account="twitter:4", post="twitter:t1", at=ms(2)),
        Engagement(type="LIKED", account="twitter:5", post="twitter:t1", at=ms(2)),
        Engagement(type="REPLIED", account="twitter:2", post="twitter:t2", at=ms(3)),
        Engagement(type="LIKED", account="twitter:3", post="twitter:t4", at=ms(4)),
        *(Follow(source=f"twitter:{i}", target="twitter:3") for i in (1, 2, 4, 5)),
        Follow(source="twitter:3", target="twitter:1"),
        Membership(account="reddit:t2_ada", community="reddit:r/acme", role="member"),
        Membership(account="reddit:t2_bob", community="reddit:r/acme", role="moderator"),
        Order(id="shopify:order:1", total=120.5, currency="USD", created_at=ms(4)),
        Order(id="shopify:order:2", total=30.0, currency="USD", created_at=ms(10)),
        Order(id="shopify:order:3", total=99.0, currency="CNY", created_at=ms(8)),
        Placed(customer="cust:ada", order="shopify:order:1"),
        Placed(customer="cust:ada", order="shopify:order:2"),
        Placed(customer="cust:li", order="shopify:order:3"),
        OrderBrand(order="shopify:order:1", brand="acme"),
        OrderBrand(order="shopify:order:2", brand="acme"),
        OrderBrand(order="shopify:order:3", brand="globex"),
    ]
    return out


async def load(store: GraphStore) -> None:
    writer = GraphWriter(store)
    await writer.write(records())
    await writer.flush()  # ENGAGED
