"""`scrm keys` and `scrm serve` on a non-loopback address, as a user runs them."""

from __future__ import annotations

import json
import uuid

import httpx

from graph import EmbeddedEngine
from tests.support.procs import free_port, run_scrm, scrm_env, start_server, stop


def env_for(engine: EmbeddedEngine) -> dict[str, str]:
    # The session's engine is running: the commands reuse it, on a graph of their own.
    return scrm_env(engine.data_dir, SCRM_GRAPH_NAME=f"keys_{uuid.uuid4().hex[:10]}")


def test_keys_create_list_revoke(engine: EmbeddedEngine) -> None:
    env = env_for(engine)
    made = run_scrm("keys", "create", "--role", "analyst", "--name", "notebook", env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("scrm_") and "not shown again" in made.stderr
    listed = json.loads(run_scrm("keys", "list", "--json", env=env).stdout)
    assert [(k["role"], k["name"]) for k in listed] == [("analyst", "notebook")]
    assert token not in json.dumps(listed)
    key_id = listed[0]["id"]
    assert key_id in token

    assert run_scrm("keys", "revoke", key_id, env=env).returncode == 0
    assert json.loads(run_scrm("keys", "list", "--json", env=env).stdout) == []
    again = run_scrm("keys", "revoke", key_id, env=env)
    assert again.returncode == 1 and key_id in again.stderr


def test_serve_beyond_loopback_needs_a_key(engine: EmbeddedEngine) -> None:
    env = env_for(engine)
    port = free_port()
    refused = run_scrm("serve", "--host", "0.0.0.0", "--port", str(port), env=env, timeout=30)
    assert refused.returncode == 1
    assert "HOST" in refused.stderr and "scrm keys create" in refused.stderr

    token = run_scrm("keys", "create", "--role", "viewer", env=env).stdout.strip()
    proc = start_server(env, port, extra_args=("--host", "0.0.0.0"))
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        query = {"query": "{ graphStats { totalNodes } }"}
        assert httpx.post(url, json=query, timeout=10).status_code == 401
        ok = httpx.post(url, json=query, headers={"authorization": f"Bearer {token}"}, timeout=10)
        assert ok.status_code == 200 and ok.json()["data"]["graphStats"]["totalNodes"] == 0
    finally:
        assert stop(proc) == 0
