"""GraphiQL at GET /graphql: self-hosted (every asset from this server), and the GraphQL
over HTTP behaviours of /graphql unchanged around it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from resolvers.graphiql_page import graphiql_page
from server import EXPLORER_DIR
from tests.api.harness import Api

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
JS = ("text/javascript", "application/javascript")
# Where a URL in HTML, CSS or JS is loaded rather than merely quoted (React and CodeMirror
# carry XML namespace and documentation URLs as text; those are never fetched).
LOADED = (
    re.compile(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", re.I),
    re.compile(r"""url\(\s*["']?([^"')]+)""", re.I),
    re.compile(r"""@import\s+(?:url\()?\s*["']([^"']+)""", re.I),
    re.compile(r"""\bimport\s*\(\s*["'`]([^"'`]+)"""),
    re.compile(r"""\bfrom\s*["'`]([^"'`]+)"""),
    re.compile(r"""\bimport\s*["'`]([^"'`]+)"""),
    re.compile(r"""\b(?:fetch|importScripts|EventSource|WebSocket)\s*\(\s*["'`]([^"'`]+)"""),
)
CDNS = ("unpkg", "jsdelivr", "cdnjs", "esm.sh", "skypack", "googleapis", "gstatic")


def _loaded(text: str) -> set[str]:
    return {m.group(1) for pattern in LOADED for m in pattern.finditer(text)}


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return url.startswith(("data:", "blob:")) or (not parts.scheme and not parts.netloc)


@pytest.fixture(scope="module")
def built() -> Path:
    page = EXPLORER_DIR / "graphiql" / "index.html"
    if not page.is_file():
        pytest.fail(f"{page} is missing: `make explorer` builds it (`make test` does)")
    return page


async def test_a_browser_gets_the_self_hosted_page(api: Api, built: Path) -> None:
    response = await api.client.get(f"{api.url}/graphql", headers={"accept": BROWSER})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    assert "<title>scrm-graph GraphiQL</title>" in html
    assert not re.search(r"https?://", html), "the page names another host"

    loaded = _loaded(html)
    scripts = [u for u in loaded if u.endswith(".js")]
    styles = [u for u in loaded if u.endswith(".css")]
    assert scripts and styles, loaded
    assert all(_same_origin(u) for u in loaded), loaded

    # Every asset answers from this server, with its type; follow the JS chunk imports.
    seen: set[str] = set()
    queue = [urljoin(f"{api.url}/graphql", u) for u in loaded if not u.startswith("data:")]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        asset = await api.client.get(url)
        assert asset.status_code == 200, url
        kind = asset.headers["content-type"].split(";")[0]
        assert kind == "text/css" if url.endswith(".css") else kind in JS, (url, kind)
        text = asset.text
        refs = _loaded(text)
        assert all(_same_origin(u) for u in refs), (
            url,
            sorted(refs - {*filter(_same_origin, refs)}),
        )
        assert not [c for c in CDNS if c in text.lower()], url
        if url.endswith(".js"):
            queue += [urljoin(url, u) for u in refs if u.endswith(".js")]
    assert len([u for u in seen if u.endswith(".js")]) > len(scripts)  # chunks were followed


async def test_get_with_a_query_still_executes(api: Api) -> None:
    response = await api.client.get(
        f"{api.url}/graphql",
        params={"query": "{ graphStats { totalNodes } }"},
        headers={"accept": BROWSER},
    )
    assert response.status_code == 200
    assert isinstance(response.json()["data"]["graphStats"]["totalNodes"], int)


@pytest.mark.parametrize("accept", ["application/graphql-response+json", "*/*"])
async def test_a_get_that_is_not_a_browser_gets_no_page(api: Api, accept: str) -> None:
    response = await api.client.get(f"{api.url}/graphql", headers={"accept": accept})
    assert response.status_code == 400
    assert "query" in response.json()["errors"][0]["message"]


def test_without_the_web_build_the_page_says_how_to_build_it(tmp_path: Path) -> None:
    response = graphiql_page(tmp_path / "dist")
    assert response.status_code == 404
    body = bytes(response.body).decode()
    assert "GraphiQL is not built" in body and "make explorer" in body
