"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import ConfigError, GraphSettings


def test_defaults_are_the_embedded_engine_in_data() -> None:
    settings = GraphSettings.from_env({})
    assert settings.engine == "embedded"
    assert settings.graph == "scrm"
    assert settings.data_dir == Path("data")


@pytest.mark.parametrize(
    ("uri", "engine"),
    [
        ("falkordb://db.example:6379", "falkordb"),
        ("redis://localhost:6380", "falkordb"),
        ("unix:///tmp/falkordb.sock", "falkordb"),
        ("neo4j://localhost:7687", "neo4j"),
        ("neo4j+s://abc.databases.neo4j.io", "neo4j"),
        ("bolt://localhost:7687", "neo4j"),
        ("embedded", "embedded"),
    ],
)
def test_scheme_picks_the_engine(uri: str, engine: str) -> None:
    assert GraphSettings.from_env({"SCRM_GRAPH_URI": uri}).engine == engine


def test_neo4j_ecosystem_variables_are_honoured() -> None:
    settings = GraphSettings.from_env(
        {"NEO4J_URI": "neo4j://n:7687", "NEO4J_USERNAME": "u", "NEO4J_PASSWORD": "p"}
    )
    assert (settings.engine, settings.user, settings.password) == ("neo4j", "u", "p")
    assert settings.uri_setting == "NEO4J_URI"


def test_scrm_variables_win_over_neo4j_ones() -> None:
    settings = GraphSettings.from_env(
        {
            "SCRM_GRAPH_URI": "bolt://a:7687",
            "SCRM_GRAPH_USER": "scrm",
            "NEO4J_URI": "neo4j://b:7687",
            "NEO4J_USERNAME": "other",
        }
    )
    assert (settings.uri, settings.user, settings.uri_setting) == (
        "bolt://a:7687",
        "scrm",
        "SCRM_GRAPH_URI",
    )


@pytest.mark.parametrize(
    ("env", "setting", "fragment"),
    [
        ({"SCRM_GRAPH_URI": "mongodb://x"}, "SCRM_GRAPH_URI", "unknown URI scheme 'mongodb'"),
        ({"SCRM_GRAPH_URI": "localhost:7687"}, "SCRM_GRAPH_URI", "unknown URI scheme"),
        ({"NEO4J_URI": "http://x"}, "NEO4J_URI", "unknown URI scheme 'http'"),
        ({"SCRM_GRAPH_URI": "bolt://"}, "SCRM_GRAPH_URI", "names no host"),
        ({"SCRM_GRAPH_NAME": "a b"}, "SCRM_GRAPH_NAME", "not a valid graph name"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], setting: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        GraphSettings.from_env(env)
    assert caught.value.setting == setting
    assert str(caught.value).startswith(f"{setting}: ")
    assert fragment in str(caught.value)


def test_display_uri_hides_credentials() -> None:
    settings = GraphSettings.from_env({"SCRM_GRAPH_URI": "falkordb://user:secret@db:6379"})
    assert settings.display_uri == "falkordb://db:6379"
    assert "secret" not in settings.display_uri
