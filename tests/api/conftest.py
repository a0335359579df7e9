"""Fixtures for the API tests: the app on a known graph, served over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from graph import EmbeddedEngine
from tests.api import data
from tests.api.harness import Api, api_on


@pytest.fixture(scope="module")
async def api(engine: EmbeddedEngine) -> AsyncIterator[Api]:
    """The API, open (no keys, loopback), on the known graph of tests.api.data; one per module."""
    async with api_on(engine, data.load) as served:
        yield served
