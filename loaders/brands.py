"""Brands and their aliases: storing them, and deciding which posts are ABOUT a brand.

An alias is one of three kinds, told apart by its first character:

- ``@acme``: a handle.  Matches ``@acme`` in a post's text, and a post that
  MENTIONS an account whose handle is ``acme``;
- ``#acme``: a hashtag.  Matches a post TAGGED ``acme`` and ``#acme`` in its text
  (Weibo's ``#艾克米#`` too);
- anything else (``acme``, ``Acme Corp``, ``艾克米``): a keyword in the text.

Matching is case-insensitive on NFKC-normalised text.  Latin-script aliases
match whole words only (``acme`` is not in ``acmeology``), where a word ends at
anything but a Latin letter or digit, so ``我买了acme的鞋`` still matches (an
e-mail domain, ``info@acme.com``, does not);
CJK aliases match as substrings, since those scripts put no spaces between
words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from graph.cypher import Statement
from graph.errors import ScrmError
from graph.model import Brand
from graph.store import GraphStore
from graph.version import BUMP_VERSION
from loaders.scripts import is_cjk
from loaders.sentiment import TextMemo

__all__ = [
    "BrandError",
    "BrandMatcher",
    "add_brand",
    "list_brands",
    "load_brands",
    "match_existing_posts",
    "normalise_alias",
    "remove_brand",
]

UPSERT_BRAND = Statement(
    "brands.upsert",
    "MERGE (b:Brand {id: $id}) SET b.name = $name, b.aliases = $aliases",
)
LIST_BRANDS = Statement(
    "brands.list",
    "MATCH (b:Brand) OPTIONAL MATCH (p:Post)-[:ABOUT]->(b) "
    "RETURN b.id AS id, b.name AS name, b.aliases AS aliases, count(p) AS posts ORDER BY id",
)
REMOVE_BRAND = Statement(
    "brands.remove",
    "MATCH (b:Brand {id: $id}) "
    "OPTIONAL MATCH (b)-[r]-() WITH b, count(r) AS links DETACH DELETE b RETURN links",
)
POSTS_PAGE = Statement(
    "brands.posts_page",
    "MATCH (p:Post) WHERE p.id > $after WITH p ORDER BY p.id LIMIT $limit "
    "OPTIONAL MATCH (p)-[:TAGGED]->(h:Hashtag) "
    "WITH p, collect(h.id) AS tags "
    "OPTIONAL MATCH (p)-[:MENTIONS]->(a:Account) "
    "RETURN p.id AS id, p.text AS text, p.sentiment AS sentiment, tags, "
    "collect(a.handle) AS handles ORDER BY id",
)
LINK_ABOUT = Statement(
    "brands.link_about",
    "MATCH (b:Brand {id: $brand}) UNWIND $rows AS row MATCH (p:Post {id: row.post}) "
    "MERGE (p)-[r:ABOUT]->(b) SET r.sentiment = coalesce(r.sentiment, row.sentiment)",
)
HANDLE_ACCOUNTS = Statement(
    "brands.handle_accounts",
    "MATCH (a:Account) WHERE toLower(a.handle) IN $handles RETURN a.id AS id, a.handle AS handle",
)

# A Latin word ends at anything but a letter or digit of a Latin-script alphabet.
_LATIN_WORD = "0-9a-z_\u00c0-\u024f\u1e00-\u1eff"


class BrandError(ScrmError):
    """A brand that does not exist, or a bad id/name/alias; ``code`` says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalise_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def normalise_alias(alias: str) -> str:
    """An alias as stored: trimmed and NFKC-normalised, its kind marker kept.
    Raises :class:`BrandError` (``BAD_ALIAS``) for an empty one."""
    value = unicodedata.normalize("NFKC", alias).strip()
    if not value.lstrip("@#").strip():
        raise BrandError("BAD_ALIAS", f"alias {alias!r} is empty")
    if len(value) > 200:
        raise BrandError("BAD_ALIAS", f"alias {value[:20]!r}… is longer than 200 characters")
    return value


@dataclass(frozen=True, slots=True)
class _Compiled:
    brand: str
    text: re.Pattern[str] | None  # Latin keywords, @handles and #hashtags in the text
    substrings: tuple[str, ...]  # CJK keywords / hashtags, matched as substrings
    hashtags: frozenset[str]  # normalised hashtag ids (Tagged records)
    handles: frozenset[str]  # handles without '@', case-folded (Mention records)


class BrandMatcher:
    """Which brands a post is about, from its text, hashtags and mentioned accounts.

    Texts repeat verbatim (retweets, copied posts), so what a text matches is
    remembered in :attr:`memo` (a :class:`loaders.sentiment.TextMemo`, one with the
    default bounds when None).
    """

    def __init__(
        self, brands: Iterable[Brand], *, memo: TextMemo[str, tuple[str, ...]] | None = None
    ) -> None:
        self.brands = {b.id: b for b in brands}
        self._compiled = [_compile(b) for b in self.brands.values()]
        self.handles = frozenset(h for c in self._compiled for h in c.handles)
        self.hashtags = frozenset(t for c in self._compiled for t in c.hashtags)
        self._by_handle = _brands_by(self._compiled, lambda c: c.handles)
        self._by_hashtag = _brands_by(self._compiled, lambda c: c.hashtags)
        self.memo = memo if memo is not None else TextMemo()

    def __bool__(self) -> bool:
        return bool(self._compiled)

    def match(
        self,
        text: str,
        *,
        hashtags: Iterable[str] = (),
        mentioned_handles: Iterable[str] = (),
    ) -> list[str]:
        """The ids of the brands the post is about, sorted."""
        found = self.text_brands(text) if text else ()
        more: set[str] = set()
        if self._by_hashtag:
            for tag in hashtags:
                more.update(self._by_hashtag.get(normalise_text(tag).lstrip("#"), ()))
        if self._by_handle:
            for handle in mentioned_handles:
                more.update(self._by_handle.get(normalise_text(handle).lstrip("@"), ()))
        return sorted(more.union(found)) if more else list(found)

    def text_brands(self, text: str) -> tuple[str, ...]:
        """The ids of the brands whose keyword, ``@handle`` or ``#hashtag`` aliases are in
        ``text``, sorted (remembered, see above)."""
        found = self.memo.values.get(text)
        if found is not None:
            return found
        folded = normalise_text(text)
        ids = []
        for c in self._compiled:
            if (c.text is not None and c.text.search(folded)) or any(
                s in folded for s in c.substrings
            ):
                ids.append(c.brand)
        found = tuple(sorted(ids))
        self.memo.keep(text, len(text), found)
        return found


def _brands_by(
    compiled: Sequence[_Compiled], keys: Callable[[_Compiled], frozenset[str]]
) -> dict[str, tuple[str, ...]]:
    """Key (a hashtag or handle) -> the brands that have it."""
    brands: dict[str, list[str]] = {}
    for c in compiled:
        for key in keys(c):
            brands.setdefault(key, []).append(c.brand)
    return {key: tuple(ids) for key, ids in brands.items()}


def _compile(brand: Brand) -> _Compiled:
    latin: list[str] = []
    substrings: list[str] = []
    hashtags: set[str] = set()
    handles: set[str] = set()
    for alias in brand.aliases:
        folded = normalise_text(alias.strip())
        if folded.startswith("@"):
            handles.add(folded[1:])
        elif folded.startswith("#"):
            hashtags.add(folded[1:].rstrip("#"))
        if is_cjk(folded):
            substrings.append(folded.rstrip("#"))
        elif folded.lstrip("@#"):
            latin.append(folded)
    pattern = None
    if latin:
        words = "|".join(re.escape(a) for a in sorted(set(latin), key=lambda a: (-len(a), a)))
        # Not inside a word, nor the domain of an e-mail address (x@acme.com).
        pattern = re.compile(
            f"(?<![{_LATIN_WORD}])(?<![{_LATIN_WORD}]@)(?:{words})(?![{_LATIN_WORD}])"
        )
    return _Compiled(
        brand.id, pattern, tuple(sorted(set(substrings))), frozenset(hashtags), frozenset(handles)
    )


async def add_brand(store: GraphStore, brand_id: str, name: str, aliases: Sequence[str]) -> Brand:
    """Create or replace a brand (its name and its aliases)."""
    brand_id = brand_id.strip()
    if not brand_id or any(ch.isspace() for ch in brand_id):
        raise BrandError("BAD_BRAND_ID", f"brand id {brand_id!r} must be non-empty, without spaces")
    if not name.strip():
        raise BrandError("BAD_BRAND_NAME", "brand name must not be empty")
    clean = list(dict.fromkeys(normalise_alias(a) for a in aliases))
    brand = Brand(id=brand_id, name=name.strip(), aliases=clean)
    params = {"id": brand.id, "name": brand.name, "aliases": clean}
    await store.write_batch([(UPSERT_BRAND, params), (BUMP_VERSION, {})])
    return brand


async def match_existing_posts(store: GraphStore, brand: Brand, *, page: int = 5000) -> int:
    """Link the posts already in the graph that match ``brand``'s aliases to it (ABOUT);
    return how many match.  Additive: ABOUT links from channel metadata stay."""
    matcher = BrandMatcher([brand])
    after, matched = "", 0
    while True:
        rows = await store.read(POSTS_PAGE, {"after": after, "limit": page})
        if not rows:
            break
        found = [
            {"post": r["id"], "sentiment": r["sentiment"]}
            for r in rows
            if matcher.match(
                r["text"] or "",
                hashtags=r["tags"] or (),
                mentioned_handles=[h for h in r["handles"] or () if h],
            )
        ]
        if found:
            await store.write_batch(
                [(LINK_ABOUT, {"brand": brand.id, "rows": found}), (BUMP_VERSION, {})]
            )
        matched += len(found)
        after = rows[-1]["id"]
    return matched


async def load_brands(store: GraphStore) -> list[Brand]:
    """Every brand in the graph."""
    return [
        Brand(id=r["id"], name=r["name"] or r["id"], aliases=list(r["aliases"] or ()))
        for r in await store.read(LIST_BRANDS)
    ]


async def list_brands(store: GraphStore) -> list[dict[str, object]]:
    """Every brand with its aliases and the number of posts ABOUT it."""
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "aliases": list(r["aliases"] or ()),
            "posts": int(r["posts"]),
        }
        for r in await store.read(LIST_BRANDS)
    ]


async def remove_brand(store: GraphStore, brand_id: str) -> int:
    """Delete a brand and its ABOUT/OF_BRAND relationships; return how many went with it.
    Raises :class:`BrandError` (``UNKNOWN_BRAND``)."""
    rows = await store.write(REMOVE_BRAND, {"id": brand_id})
    if not rows:
        raise BrandError("UNKNOWN_BRAND", f"no brand with id {brand_id!r}")
    await store.write(BUMP_VERSION)
    return int(rows[0]["links"])


async def handle_accounts(store: GraphStore, handles: Iterable[str]) -> dict[str, str]:
    """Account id -> handle for the accounts whose handle is one of ``handles``."""
    wanted = sorted({h.lower() for h in handles})
    if not wanted:
        return {}
    rows = await store.read(HANDLE_ACCOUNTS, {"handles": wanted})
    return {r["id"]: r["handle"] for r in rows}
