"""The explorer end to end in headless Chromium, on the small demo data set.

The tests share one server and run in file order: the key and outage tests
change how the API answers (and restore it); the unlink, the live mention and
the large network for the map (on its own channel) change the graph, so they
come last.
Screenshots of every view land in tests/artifacts/screenshots/.
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.browser.conftest import Site
from tests.support.procs import run_scrm

pytestmark = pytest.mark.browser

BRAND = "lumora"
PERSON = "__typename graphId ... on Account { handle name } ... on Customer { name }"


def _clean(report: dict[str, Any]) -> None:
    assert report["problems"] == [], report["problems"]
    for shot in report.get("shots", []):
        assert Path(shot).stat().st_size > 5000, shot


def test_influencers_filter_breakdown_and_click_through(site: Site) -> None:
    expected = site.graphql(
        "query($b: ID) { all: influencers(first: 1) { totalCount } "
        "brand: influencers(brand: $b, first: 1) { totalCount } }",
        {"b": BRAND},
    )
    report = site.scenario("influencers", brand=BRAND)
    _clean(report)
    assert report["first"]["rows"] == 25
    assert report["first"]["pager"] == f"25 of {expected['all']['totalCount']:,} ranked"
    assert report["advocates"] > 0 and report["detractors"] > 0
    assert "Score" in report["breakdown"] and "Followers" in report["breakdown"]
    assert report["afterMore"] == 50
    assert report["byBrand"]["pager"] == f"25 of {expected['brand']['totalCount']:,} ranked"
    assert report["brandAdvocates"] > 0
    by_customer = site.graphql(
        "query($b: ID) { influencers(brand: $b, level: CUSTOMER, first: 25) "
        "{ nodes { node { __typename graphId } } } }",
        {"b": BRAND},
    )["influencers"]["nodes"]
    assert report["customerLinks"] == [
        f"#/{s['node']['__typename'].lower()}/{quote(s['node']['graphId'], safe='')}"
        for s in by_customer
    ]
    assert report["opened"]["url"].endswith(report["customerLinks"][0])
    assert report["opened"]["heading"]


def test_influencers_csv_download(site: Site) -> None:
    total = site.graphql("query($b: ID) { influencers(brand: $b) { totalCount } }", {"b": BRAND})
    report = site.scenario("csv", brand=BRAND)
    _clean(report)
    assert report["filename"].startswith(f"influencers-{BRAND}-all-") and report[
        "filename"
    ].endswith(".csv")
    lines = report["content"].lstrip("\ufeff").splitlines()
    assert lines[0].startswith("rank,kind,id,name,channels,score,pagerank")
    assert len(lines) == 1 + total["influencers"]["totalCount"]
    first = lines[1].split(",")
    assert first[0] == "1" and first[1] == "account"
    assert report["status"] == f"Exported {len(lines) - 1} rows."


def test_communities_map_cluster_panel_search_and_click(site: Site) -> None:
    answer = site.graphql(
        "{ all: communityMap(maxEdges: 0) { nodeIds labels influence } "
        'weibo: communityMap(maxEdges: 0, platform: "weibo") { nodeIds } '
        "clusters { clusterCount } }"
    )
    nodes = answer["all"]
    labels = nodes["labels"]
    ranked = sorted(range(len(labels)), key=lambda i: -nodes["influence"][i])
    pick = next(i for i in ranked if labels.count(labels[i]) == 1 and len(labels[i]) > 3)
    report = site.scenario(
        "communities", search=labels[pick], searchId=nodes["nodeIds"][pick], channel="weibo"
    )
    _clean(report)
    assert report["clusters"] == answer["clusters"]["clusterCount"]
    assert report["note"].startswith(f"{len(labels):,} nodes")
    assert report["cluster"]["title"].endswith("Cluster c1")
    assert report["cluster"]["leaders"] > 0 and report["cluster"]["channels"] > 0
    assert re.search(r"Size\s*[\d,]+", report["cluster"]["facts"])
    assert report["selected"]  # the searched node's cluster is selected
    assert (
        report["opened"]["url"].endswith(quote(nodes["nodeIds"][pick], safe=""))
        or "#/customer/" in report["opened"]["url"]
    )
    assert report["channelNote"].startswith(f"{len(answer['weibo']['nodeIds']):,} nodes")


def _path_target(site: Site) -> dict[str, Any]:
    customers = site.graphql(
        "query($b: ID) { customers(first: 60, filter: {brand: $b}) { nodes { graphId name } } }",
        {"b": BRAND},
    )["customers"]["nodes"]
    for customer in customers:
        name = customer["name"] or ""
        hits = site.graphql(
            "query($t: String!) { search(text: $t, kinds: [CUSTOMER, ACCOUNT], first: 8) "
            "{ nodes { node { graphId } } } }",
            {"t": name},
        )["search"]["nodes"]
        if len(name) < 4 or [h["node"]["graphId"] for h in hits][:1] != [customer["graphId"]]:
            continue
        paths = site.graphql(
            "query($t: ID!) { advocacyPaths(target: $t, k: 3) { paths { hops { fromId } } } }",
            {"t": customer["graphId"]},
        )["advocacyPaths"]["paths"]
        if paths:
            return {**customer, "paths": paths}
    raise AssertionError("no demo customer with advocacy paths and a name found first")


def test_advocacy_paths_search_as_you_type(site: Site) -> None:
    target = _path_target(site)
    report = site.scenario("paths", name=target["name"])
    _clean(report)
    assert report["options"] >= 1
    assert f"target={target['graphId']}".replace(":", "%3A") in report["url"] or (
        f"target={target['graphId']}" in report["url"]
    )
    assert len(report["paths"]) == len(target["paths"])
    for shown, path in zip(report["paths"], target["paths"], strict=True):
        assert shown["arrows"] == len(path["hops"]) and shown["chips"] == len(path["hops"]) + 1
        assert "strength" in shown["head"]
    assert report["evidenceRows"] == len(target["paths"][0]["hops"])
    assert target["name"] in report["heading"]


def _linked_customer(site: Site) -> dict[str, Any]:
    customers = site.graphql(
        '{ customers(first: 100, filter: {platform: "shopify"}) '
        "{ nodes { graphId name accounts { graphId } orders { graphId } } } }"
    )["customers"]["nodes"]
    return next(c for c in customers if len(c["accounts"]) >= 2 and c["orders"])


def test_api_key_prompt_refusal_and_recovery(site: Site) -> None:
    customer = _linked_customer(site)["graphId"]
    created = run_scrm("keys", "create", "--role", "viewer", "--json", env=site.env)
    assert created.returncode == 0, created.stderr
    key = json.loads(created.stdout)
    time.sleep(2.5)  # keys made elsewhere take effect within the key refresh
    try:
        report = site.scenario("keys", key=key["key"], customerId=customer, allowFailures=True)
    finally:
        revoked = run_scrm("keys", "revoke", key["id"], env=site.env)
        assert revoked.returncode == 0, revoked.stderr
        time.sleep(2.5)
    _clean(report)
    for view, message in report["messages"].items():
        assert "API key" in message, (view, message)
    assert "needs an API key" in report["promptText"]
    assert "refused" in report["refused"]
    assert report["loaded"]["influencers"] > 0 and report["loaded"]["communities"] > 0
    assert report["loaded"]["unlinkButtons"] == 0  # a viewer key: no unlink
    assert report["stored"] == key["key"] and report["promptAfterReload"] == 0


def test_api_down_each_view_says_so_and_recovers(site: Site) -> None:
    scenario = site.interactive(
        "outage", customerId=_linked_customer(site)["graphId"], allowFailures=True
    )
    try:
        assert scenario.wait_step() == "stop the server"
        site.stop()
        scenario.go_on()
        assert scenario.wait_step() == "start the server"
        site.start()
        scenario.go_on()
        report = scenario.finish()
    finally:
        if site.proc is None:  # the scenario failed while the server was down
            site.start()
    _clean(report)
    for view, message in report["messages"].items():
        assert "Cannot reach the scrm-graph API" in message, (view, message)
    assert "reconnecting" in report["liveWhileDown"].lower()
    assert report["recovered"]["influencers"] > 0 and report["recovered"]["communities"] > 0
    assert report["errorsLeft"] == 0
    print(f"\nrecovered {report['recoveredAfterMs'] / 1000:.1f} s after the server came back")


def test_customer_360_timeline_and_unlink(site: Site) -> None:
    customer = _linked_customer(site)
    report = site.scenario("customer", id=customer["graphId"])
    _clean(report)
    assert report["name"] == (customer["name"] or customer["graphId"])
    assert report["before"] == len(customer["accounts"])
    assert report["stage"]
    assert report["events"] >= 1
    assert report["orderEvents"] == len(customer["orders"])
    assert report["after"] < report["before"] and report["status"].startswith("Unlinked ")
    now = site.graphql(
        "query($id: ID!) { customer(id: $id) { accounts { graphId } } }",
        {"id": customer["graphId"]},
    )["customer"]
    assert len(now["accounts"]) == report["after"]


def test_listening_chart_negatives_and_live_mentions(site: Site) -> None:
    timeline = site.graphql(
        "query($b: ID!) { sentimentTimeline(brand: $b, interval: WEEK) { mentions } "
        "mentions(brand: $b, sentiment: NEGATIVE) { totalCount } }",
        {"b": BRAND},
    )
    scenario = site.interactive("listening", brand=BRAND)
    assert scenario.wait_step() == "ingest"
    author = f"99{random.randrange(10**6, 10**7)}"
    payload = {
        "data": [
            {
                "id": f"{author}01",
                "text": "Lumora Tea ruined my morning, awful and overpriced",
                "author_id": author,
                "created_at": "2026-11-20T10:00:00.000Z",
            }
        ],
        "includes": {"users": [{"id": author, "username": "live_listener", "name": "Live"}]},
    }
    response = httpx.post(f"{site.base}/ingest/twitter", json=payload, timeout=60)
    assert response.status_code == 200, response.text
    scenario.go_on()
    report = scenario.finish()
    _clean(report)
    assert report["bars"] == len(timeline["sentimentTimeline"])
    assert report["negatives"] == min(15, timeline["mentions"]["totalCount"])
    assert "ruined my morning" in report["live"] and "live_listener" in report["live"]


def _network(nodes: int, per_node: int, seed: int = 5) -> str:
    """A follow network of ``nodes`` accounts in 20 groups (most follows within a group)."""
    rng = random.Random(seed)
    rows = ["source,target,type"]
    for u in range(nodes):
        group = u % 20
        for _ in range(per_node):
            v = rng.randrange(nodes)
            if rng.random() < 0.85:
                v = v - v % 20 + group
            if v != u and v < nodes:
                rows.append(f"m{u},m{v},follow")
    return "\n".join(rows) + "\n"


def test_a_map_of_6000_nodes_stays_interactive(site: Site) -> None:
    response = httpx.post(
        f"{site.base}/ingest/edges-csv?platform=mapbench",
        content=_network(6000, 4).encode(),
        headers={"content-type": "text/csv"},
        timeout=300,
    )
    assert response.status_code == 200, response.text
    report = site.scenario("mapFrames", channel="mapbench", timeout=240)
    _clean(report)
    count = int(report["note"].split(" nodes")[0].replace(",", ""))
    assert count >= 5000
    print(
        f"\nmap of {count} nodes, panning and zooming {report['seconds']:.1f} s: "
        f"{report['frames']} frames, mean {report['meanMs']:.1f} ms "
        f"(p50 {report['p50Ms']:.1f}, p95 {report['p95Ms']:.1f}, max {report['maxMs']:.1f}), "
        f"{report['fps']:.0f} fps"
    )
    # A generous bound: the map must keep drawing while it is dragged, not freeze.
    assert report["frames"] >= 10 and report["p50Ms"] < 250
