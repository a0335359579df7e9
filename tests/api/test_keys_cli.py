"""`scrm keys` and `scrm serve` on a non-loopback address, as a user runs them."""

from __future__ import annotations

import json
import uuid

import httpx
from typer.testing import CliRunner, Result

from cli.main import app as cli_app
from graph import EmbeddedEngine
from tests.support.procs import free_port, run_scrm, scrm_env, start_server, stop


def env_for(engine: EmbeddedEngine) -> dict[str, str]:
    # The session's engine is running: the commands reuse it, on a graph of their own.
    return scrm_env(engine.data_dir, SCRM_GRAPH_NAME=f"keys_{uuid.uuid4().hex[:10]}")


def test_keys_create_list_revoke(engine: EmbeddedEngine) -> None:
    # In process (the commands' own code, without a Python start-up per call).
    env = env_for(engine)
    runner = CliRunner()

    def scrm(*args: str) -> Result:
        return runner.invoke(cli_app, list(args), env=env)

    made = scrm("keys", "create", "--role", "analyst", "--name", "notebook")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("scrm_") and "not shown again" in made.stderr
    listed = json.loads(scrm("keys", "list", "--json").stdout)
    assert [(k["role"], k["name"]) for k in listed] == [("analyst", "notebook")]
    assert token not in json.dumps(listed)
    key_id = listed[0]["id"]
    assert key_id in token
    bad = scrm("keys", "create", "--role", "root")
    assert bad.exit_code != 0 and "--role" in bad.stderr

    assert scrm("keys", "revoke", key_id).exit_code == 0
    assert json.loads(scrm("keys", "list", "--json").stdout) == []
    again = scrm("keys", "revoke", key_id)
    assert again.exit_code == 1 and key_id in again.stderr


def test_serve_beyond_loopback_needs_a_key(engine: EmbeddedEngine) -> None:
    env = env_for(engine)
    port = free_port()
    refused = run_scrm("serve", "--host", "0.0.0.0", "--port", str(port), env=env, timeout=30)
    assert refused.returncode == 1
    assert "HOST" in refused.stderr and "scrm keys create" in refused.stderr

    made = CliRunner().invoke(cli_app, ["keys", "create", "--role", "viewer"], env=env)
    token = made.stdout.strip()
    proc = start_server(env, port, extra_args=("--host", "0.0.0.0"))
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        query = {"query": "{ graphStats { totalNodes } }"}
        assert httpx.post(url, json=query, timeout=10).status_code == 401
        ok = httpx.post(url, json=query, headers={"authorization": f"Bearer {token}"}, timeout=10)
        assert ok.status_code == 200 and ok.json()["data"]["graphStats"]["totalNodes"] == 0
    finally:
        assert stop(proc) == 0
