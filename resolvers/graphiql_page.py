"""The GraphiQL page a browser gets from ``GET /graphql``: the self-hosted build in
``web/dist/graphiql/`` (no CDN, so it works with no internet access), or, when the web
build is missing, a page that says how to make it."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse, Response

__all__ = ["graphiql_page"]

# The built page's bytes by (path, mtime): a rebuild while the server runs renames the
# hashed assets, so the page is read again when its file changes.
_read: dict[Path, tuple[int, bytes]] = {}

_MISSING = (
    "<!doctype html><title>scrm-graph GraphiQL</title><h1>GraphiQL is not built</h1>"
    "<p>GraphiQL is bundled with the web explorer. Build both with <code>make explorer</code> "
    "(or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), then reload. "
    "Until then the API answers GraphQL over HTTP here: <code>POST /graphql</code> with "
    '<code>{"query": "..."}</code>.</p>'
)

# Everything the page loads comes from this server; the API and its WebSocket are here too.
_POLICY = (
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


def graphiql_page(dist: Path) -> Response:
    """The GraphiQL page from the web build in ``dist`` (``dist/graphiql/index.html``);
    404 with build instructions when it is not built, as the explorer at ``/`` does."""
    page = dist / "graphiql" / "index.html"
    try:
        mtime = page.stat().st_mtime_ns
    except OSError:
        return HTMLResponse(_MISSING, status_code=404)
    kept = _read.get(page)
    if kept is None or kept[0] != mtime:
        kept = (mtime, page.read_bytes())
        _read[page] = kept
    return HTMLResponse(
        kept[1],
        headers={"Content-Security-Policy": _POLICY, "Cache-Control": "no-cache"},
    )
