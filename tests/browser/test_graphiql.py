"""GraphiQL at /graphql in headless Chromium with every other host blocked: it loads from
the server alone, runs a query and a live subscription, and sends the key typed into its
headers editor over HTTP and WebSocket (the explorer's key fills it in).
Screenshots: tests/artifacts/screenshots/graphiql-*.png.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, ROOT, SCREENSHOTS, Site
from tests.support.procs import run_scrm

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).with_name("graphiql.mjs")
BRAND = "lumora"


def _scenario(site: Site, name: str, **params: Any) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(SCRIPT), name, json.dumps({"base": site.base, **params})],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SCRM_SCREENSHOTS": str(SCREENSHOTS), "CHROMIUM": CHROMIUM},
        cwd=ROOT,
    )
    report = site._report(f"graphiql-{name}", done.returncode, done.stdout, done.stderr)
    assert report["blocked"] == [], report["blocked"]  # nothing asked of another host
    assert report["problems"] == [], report["problems"]
    for shot in report["shots"]:
        assert Path(shot).stat().st_size > 5000, shot
    return report


def test_graphiql_runs_a_query_and_a_subscription_offline(site: Site) -> None:
    author = f"98{random.randrange(10**6, 10**7)}"
    ingest: dict[str, Any] = {
        "data": [
            {
                "id": f"{author}01",
                "text": "Lumora Tea ruined my morning, awful and overpriced",
                "author_id": author,
                "created_at": "2026-11-21T10:00:00.000Z",
            }
        ],
        "includes": {"users": [{"id": author, "username": "graphiql_listener", "name": "G"}]},
    }
    before = site.graphql("{ graphStats { totalNodes } }")["graphStats"]["totalNodes"]
    report = _scenario(site, "query", brand=BRAND, ingest=ingest)
    assert report["status"] == 200 and report["title"] == "scrm-graph GraphiQL"
    assert report["headersShown"]
    assert report["answer"] == {"data": {"graphStats": {"totalNodes": before}}}
    live = json.loads(report["live"])["data"]["brandMentions"]
    assert live["post"]["text"] == ingest["data"][0]["text"]
    assert live["post"]["author"]["handle"] == "graphiql_listener" and live["sentiment"] < 0
    assert report["socket"]["sent"][:2] == ["connection_init", "subscribe"]
    assert report["socket"]["received"][:2] == ["connection_ack", "next"]


def test_graphiql_sends_the_key_from_its_headers_editor(site: Site) -> None:
    created = run_scrm("keys", "create", "--role", "viewer", "--json", env=site.env)
    assert created.returncode == 0, created.stderr
    key = json.loads(created.stdout)
    time.sleep(2.5)  # keys made elsewhere take effect within the key refresh
    try:
        report = _scenario(site, "key", key=key["key"], brand=BRAND)
    finally:
        revoked = run_scrm("keys", "revoke", key["id"], env=site.env)
        assert revoked.returncode == 0, revoked.stderr
        time.sleep(2.5)
    assert "UNAUTHENTICATED" in report["refused"]
    assert isinstance(report["answer"]["data"]["graphStats"]["totalNodes"], int)
    assert report["socketKey"]
    assert report["filled"] == {"Authorization": f"Bearer {key['key']}"}
