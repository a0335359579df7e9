"""``scrm identity`` and ``scrm brand`` against the session's embedded FalkorDB."""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli.main import app
from graph import EmbeddedEngine, GraphStore
from tests.loaders.test_identity import (
    CONTACT,
    MEMBER,
    SECRET,
    SHOP,
    customer_of,
    load,
    shop_records,
)
from tests.loaders.test_identity import wechat_records as wechat

runner = CliRunner()


@pytest.fixture
def cli_env(
    engine: EmbeddedEngine, graph_name: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    env = {
        "SCRM_GRAPH_URI": f"unix://{engine.socket_path}",
        "SCRM_GRAPH_NAME": graph_name,
        "SCRM_IDENTITY_KEY": SECRET.decode(),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


async def scrm(*args: str) -> Result:
    # The commands run their own event loop: give them a thread of their own.
    return await asyncio.to_thread(runner.invoke, app, list(args))


@pytest.mark.parametrize(
    "command",
    [
        ["identity"],
        ["identity", "show"],
        ["identity", "link"],
        ["identity", "unlink"],
        ["identity", "suggest"],
        ["identity", "accept"],
        ["brand"],
        ["brand", "add"],
        ["brand", "list"],
        ["brand", "remove"],
    ],
)
def test_help_everywhere(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


async def test_identity_show_unlink_link(
    falkordb_store: GraphStore, cli_env: dict[str, str]
) -> None:
    crm = [*wechat(), *shop_records()]
    await load(falkordb_store, crm)

    shown = await scrm("identity", "show", SHOP, "--json")
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.output)
    assert [a["account"] for a in view["accounts"]] == [SHOP]
    assert view["accounts"][0]["evidence"] == "shopify customer record"
    table = (await scrm("identity", "show", SHOP)).output
    assert SHOP in table and "source" in table and "order shopify:order:1001" in table

    wechat_customer = await customer_of(falkordb_store, CONTACT)
    linked = await scrm(
        "identity", "link", "--customer", SHOP, "--account", CONTACT, "--evidence", "same phone"
    )
    assert linked.exit_code == 0, linked.output
    assert f"linked {CONTACT} to {SHOP} (manual: same phone)" in linked.output
    assert f"linked {MEMBER} to {SHOP} (unionid:" in linked.output  # strong-key companion

    unlinked = await scrm("identity", "unlink", "--customer", SHOP, "--account", CONTACT, "--json")
    assert unlinked.exit_code == 0, unlinked.output
    assert json.loads(unlinked.output) == {
        "customer": SHOP,
        "accounts": [CONTACT, MEMBER],
        "restored_to": wechat_customer,
    }

    missing = await scrm("identity", "unlink", "--customer", SHOP, "--account", CONTACT)
    assert missing.exit_code == 1
    assert f"scrm: account '{CONTACT}' is not linked to '{SHOP}'" in missing.output
    unknown = await scrm("identity", "show", "customer:nope")
    assert unknown.exit_code == 1 and "no customer with id 'customer:nope'" in unknown.output


async def test_identity_suggest_and_accept(
    falkordb_store: GraphStore, cli_env: dict[str, str]
) -> None:
    from graph.model import Account

    await load(
        falkordb_store,
        [
            Account(id="twitter:1", platform="twitter", handle="anna_s", name="Anna S"),
            Account(id="reddit:t2_a", platform="reddit", handle="Anna.S"),
        ],
    )
    listed = await scrm("identity", "suggest", "--json", "--min-confidence", "0.5")
    assert listed.exit_code == 0, listed.output
    (found,) = json.loads(listed.output)
    assert found["accounts"] == ["reddit:t2_a", "twitter:1"]
    assert found["reasons"] == ["same handle 'annas'"]
    table = await scrm("identity", "suggest")
    assert found["id"] in table.output
    accepted = await scrm("identity", "accept", found["id"], "--json")
    assert accepted.exit_code == 0, accepted.output
    result = json.loads(accepted.output)
    assert {row["account"] for row in result["linked"]} == {"reddit:t2_a", "twitter:1"}
    assert {row["method"] for row in result["linked"]} == {"suggestion"}
    bad = await scrm("identity", "accept", "sg-nope")
    assert bad.exit_code == 1 and "no suggestion 'sg-nope'" in bad.output


async def test_brand_add_list_remove(falkordb_store: GraphStore, cli_env: dict[str, str]) -> None:
    from graph.model import Post

    await load(falkordb_store, [Post(id="weibo:1", platform="weibo", text="艾克米新品 #acme")])
    added = await scrm(
        "brand", "add", "acme", "--name", "Acme", "--alias", "艾克米", "--alias", "@acme", "--json"
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.output) == {
        "id": "acme",
        "name": "Acme",
        "aliases": ["艾克米", "@acme"],
        "matched": 1,
    }
    listed = await scrm("brand", "list", "--json")
    assert json.loads(listed.output) == [
        {"id": "acme", "name": "Acme", "aliases": ["艾克米", "@acme"], "posts": 1}
    ]
    bad = await scrm("brand", "add", "acme", "--name", "Acme", "--alias", "@")
    assert bad.exit_code == 1 and "alias '@' is empty" in bad.output
    removed = await scrm("brand", "remove", "acme")
    assert removed.exit_code == 0 and "1 relationship" in removed.output
    assert json.loads((await scrm("brand", "list", "--json")).output) == []
