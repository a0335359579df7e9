"""The one shared writer: canonical records in, batched idempotent ``UNWIND ... MERGE`` out.

:class:`GraphWriter` turns a batch of :mod:`graph.model` records into one
statement per record kind.  Every statement MERGEs its endpoints by ``id``, so
a relationship never drops because its endpoint arrives later, and SETs only
the properties a record provides, so a sparse record never blanks what a
richer one stored.  Loading the same records again changes nothing.

The statements of a batch run one after another, then the graph version is
bumped.  They are deliberately not one ``MULTI`` transaction: FalkorDB 4.16
can abort while replaying its append-only file when a long graph write sits
inside ``MULTI``/``EXEC``.  A batch cut short by a crash is finished by
loading the same input again, because every statement is idempotent.

ENGAGED aggregates (:mod:`loaders.engaged`) are current when :meth:`GraphWriter.write`
returns.  A long load defers them (``defer_engaged=True``): the writer
remembers which source accounts the batches touched and :meth:`GraphWriter.flush`
recomputes their ENGAGED relationships once, so an account active in many
batches is recomputed once per load rather than once per batch.
"""

from __future__ import annotations

import operator
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.cypher import Statement
from graph.model import (
    Account,
    AccountLink,
    Brand,
    BrandMention,
    Community,
    CommunityBrand,
    Customer,
    Engagement,
    Follow,
    Hashtag,
    IdentityLink,
    Membership,
    Mention,
    Order,
    OrderBrand,
    Placed,
    Post,
    PostLink,
    Record,
    Tagged,
)
from graph.store import GraphStore, Params
from graph.version import bump_version
from loaders.engaged import EngagementWeights, recompute_accounts
from loaders.sent_rows import SentRows

__all__ = [
    "GraphWriter",
    "JoinedBatches",
    "PreparedBatch",
    "WriteCounts",
    "prepare_records",
    "record_key",
    "relationship_of",
]

WriteCounts = Counter[str]
"""Records written per node label and relationship type (``{"Account": 3, "FOLLOWS": 2}``);
``ENGAGED`` counts the ENGAGED relationships recomputed."""

# --- statements --------------------------------------------------------------------
#
# Rows are positional lists, ``[id, v1, v2, ...]`` or ``[source, target, v1, ...]``:
# FalkorDB receives parameters as query text, and a list with nulls for what a
# record does not say is shorter to send and quicker to SET than a map (measured).
# Statement texts are assembled here from the model's fixed labels, types and
# fields, never from data.

# An endpoint created by a relationship (its own record may come later) still
# gets what can be known now: a Post its ingestion time, an Account or Post the
# platform its namespaced id starts with.
_PLATFORM_OF = "CASE WHEN {key} CONTAINS ':' THEN split({key}, ':')[0] END"
_ENGAGEMENT_TYPES = "REPLIED|SHARED|QUOTED|LIKED"


def _merge(var: str, label: str, key: str) -> str:
    text = f"MERGE ({var}:{label} {{id: {key}}})"
    platform = _PLATFORM_OF.format(key=key)
    if label == "Post":
        text += f" ON CREATE SET {var}.ingested_at = $now, {var}.platform = {platform}"
    elif label == "Account":
        text += f" ON CREATE SET {var}.platform = {platform}"
    return text


def _set(var: str, properties: Sequence[str], first: int, *, created: Sequence[str] = ()) -> str:
    """SET each property from its row column, keeping the stored value where the row has
    null (a record that does not say leaves what another record said).  What was just
    created has nothing to keep, so it takes the columns as they are (a null sets
    nothing), which spares the engine a read per property.  ``created``: more
    assignments for a new element."""
    if not properties:
        return f" ON CREATE SET {', '.join(created)}" if created else ""
    plain = [f"{var}.{name} = row[{first + i}]" for i, name in enumerate(properties)]
    kept = [
        f"{var}.{name} = coalesce(row[{first + i}], {var}.{name})"
        for i, name in enumerate(properties)
    ]
    return f" ON CREATE SET {', '.join([*created, *plain])} ON MATCH SET {', '.join(kept)}"


def _node_statement(label: str, properties: Sequence[str]) -> Statement:
    created = ["n.ingested_at = $now"] if label == "Post" else []
    text = f"UNWIND $rows AS row MERGE (n:{label} {{id: row[0]}})"
    return Statement(f"writer.node.{label}", text + _set("n", properties, 1, created=created))


def _edge_statement(
    name: str,
    source: str,
    rel_type: str,
    target: str,
    properties: Sequence[str],
    *,
    tail: str = "",
) -> Statement:
    text = (
        f"UNWIND $rows AS row {_merge('a', source, 'row[0]')} {_merge('b', target, 'row[1]')} "
        f"MERGE (a)-[r:{rel_type}]->(b)"
    )
    return Statement(f"writer.rel.{name}", text + _set("r", properties, 2) + tail)


# Account.properties have names only the data knows, so they travel as a map.
ACCOUNT_PROPERTIES = Statement(
    "writer.node.Account.properties",
    f"UNWIND $rows AS row {_merge('n', 'Account', 'row[0]')} SET n += row[1]",
)


# What the ENGAGED bookkeeping needs back from the statements writing POSTED or
# MENTIONS: the accounts whose ENGAGED an authorship or a mention affects, which only
# the graph knows when the other half was written earlier.  A post stored before the
# writer's last flush (ingested_at <= $since) may carry engagements whose sources were
# already flushed.
def _posted_tail(post: str) -> str:
    return (
        f" WITH DISTINCT {post} WHERE coalesce({post}.ingested_at, 0) <= $since"
        f" MATCH (u:Account)-[:{_ENGAGEMENT_TYPES}]->({post}) RETURN DISTINCT u.id AS id"
    )


_MENTIONS_TAIL = " WITH DISTINCT a MATCH (u:Account)-[:POSTED]->(a) RETURN DISTINCT u.id AS id"


# --- record kinds ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: used as dict keys
class _Node:
    label: str
    statement: Statement
    fields: tuple[str, ...]  # record fields stored as properties, in row order
    unless_given: frozenset[str]  # fields whose empty default is not written


@dataclass(frozen=True, slots=True, eq=False)
class _Edge:
    rel_type: str
    statement: Statement
    source: str  # the record field naming the source node's id
    target: str
    fields: tuple[str, ...]
    labels: tuple[str, str]  # the endpoints' labels


# Record fields stored under another name (``kind`` is the record discriminator).
_RENAMED = {"community_kind": "kind"}


def _node(cls: type[Any], label: str, *, skip: tuple[str, ...] = ()) -> _Node:
    fields = tuple(name for name in cls.model_fields if name not in {"kind", "id", *skip})
    unless_given = frozenset(
        name
        for name, info in cls.model_fields.items()
        if not info.is_required() and info.get_default(call_default_factory=True) in ("", [], {})
    )
    statement = _node_statement(label, [_RENAMED.get(f, f) for f in fields])
    return _Node(label, statement, fields, unless_given)


def _edge(
    name: str,
    source: tuple[str, str],
    rel_type: str,
    target: tuple[str, str],
    *fields: str,
    tail: str = "",
) -> _Edge:
    statement = _edge_statement(name, source[0], rel_type, target[0], fields, tail=tail)
    return _Edge(rel_type, statement, source[1], target[1], fields, (source[0], target[0]))


_NODES: dict[type[Any], _Node] = {
    Customer: _node(Customer, "Customer"),
    Account: _node(Account, "Account", skip=("properties",)),
    Post: _node(Post, "Post", skip=("author",)),
    Brand: _node(Brand, "Brand"),
    Community: _node(Community, "Community"),
    Hashtag: _node(Hashtag, "Hashtag"),
    Order: _node(Order, "Order"),
}

_POSTED = _edge("POSTED", ("Account", "author"), "POSTED", ("Post", "id"), tail=_posted_tail("b"))
# A Post's node row and its POSTED row seek the same Post, so when a batch has both the
# author rides in the node row, one column past the Post's fields, and one statement
# writes the two (a sixth less engine work than two statements, measured).  A second
# author of one post in a batch still goes through _POSTED.
_AUTHOR_COLUMN = len(_NODES[Post].fields) + 1
_POST_AUTHORED = Statement(
    "writer.node.Post.authored",
    _NODES[Post].statement.text
    + f" WITH n, row WHERE row[{_AUTHOR_COLUMN}] IS NOT NULL "
    + _merge("a", "Account", f"row[{_AUTHOR_COLUMN}]")
    + " MERGE (a)-[:POSTED]->(n)"
    + _posted_tail("n"),
)
_POST_NODE = _NODES[Post].statement.name
_ACCOUNT_NODE = _NODES[Account].statement.name
_MENTIONS = _edge(
    "MENTIONS", ("Post", "post"), "MENTIONS", ("Account", "account"), "weight", tail=_MENTIONS_TAIL
)

# Keyed by record class, or (class, type) for records whose type picks the relationship.
_EDGES: dict[Any, _Edge] = {
    IdentityLink: _edge(
        "HAS_ACCOUNT",
        ("Customer", "customer"),
        "HAS_ACCOUNT",
        ("Account", "account"),
        "method",
        "evidence",
        "confidence",
        "at",
    ),
    Follow: _edge(
        "FOLLOWS", ("Account", "source"), "FOLLOWS", ("Account", "target"), "at", "weight"
    ),
    **{
        (Engagement, t): _edge(t, ("Account", "account"), t, ("Post", "post"), "at", "weight")
        for t in ("REPLIED", "SHARED", "QUOTED", "LIKED")
    },
    **{
        (PostLink, t): _edge(t, ("Post", "source"), t, ("Post", "target"))
        for t in ("REPLY_TO", "SHARE_OF", "QUOTE_OF")
    },
    Mention: _MENTIONS,
    Tagged: _edge("TAGGED", ("Post", "post"), "TAGGED", ("Hashtag", "hashtag")),
    BrandMention: _edge("ABOUT", ("Post", "post"), "ABOUT", ("Brand", "brand"), "sentiment"),
    Membership: _edge(
        "MEMBER_OF",
        ("Account", "account"),
        "MEMBER_OF",
        ("Community", "community"),
        "role",
        "since",
    ),
    CommunityBrand: _edge(
        "OF_BRAND.Community", ("Community", "community"), "OF_BRAND", ("Brand", "brand")
    ),
    Placed: _edge("PLACED", ("Customer", "customer"), "PLACED", ("Order", "order")),
    OrderBrand: _edge("OF_BRAND.Order", ("Order", "order"), "OF_BRAND", ("Brand", "brand")),
}
# Statements that return accounts whose ENGAGED needs recomputing.
_REPORTING = frozenset({_POSTED.statement.name, _POST_AUTHORED.name, _MENTIONS.statement.name})


def _edge_for(record: Record) -> _Edge | None:
    if isinstance(record, Engagement | PostLink):
        return _EDGES[(type(record), record.type)]
    return _EDGES.get(type(record))


def relationship_of(record: Record) -> tuple[str, str, str, str, str] | None:
    """The relationship a record stands for, as (source label, source id, type, target
    label, target id): a Post with an author stands for its POSTED; None for the rest."""
    if isinstance(record, Post):
        return (
            None
            if record.author is None
            else ("Account", record.author, "POSTED", "Post", record.id)
        )
    edge = _edge_for(record)
    if edge is None:
        return None
    values = record.__dict__
    return (edge.labels[0], values[edge.source], edge.rel_type, edge.labels[1], values[edge.target])


def record_key(record: Record) -> Hashable | None:
    """What ``record`` writes to: its node, or its relationship's type and endpoints.  Two
    records with one key write the same thing (the later one's values winning); None for
    a record the writer does not store (identity resolution's input)."""
    cls = type(record)
    if cls in _NODES:
        return (cls, record.__dict__["id"])
    edge = _edge_for(record)
    if edge is None:
        return None
    values = record.__dict__
    return (edge, values[edge.source], values[edge.target])


# --- batches -----------------------------------------------------------------------


@dataclass(slots=True)
class PreparedBatch:
    """A batch turned into statements, ready to commit (see :meth:`GraphWriter.prepare`)."""

    statements: list[tuple[Statement, Params]]
    counts: WriteCounts
    # Source accounts whose ENGAGED this batch affects, as far as the records tell.
    engaged_sources: set[str] = field(default_factory=set)
    identity_keys: int = 0  # AccountLink records: identity resolution's input, not stored


class JoinedBatches:
    """Prepared batches joined into one as they come: each statement runs once, with one
    row per key in which each column holds the last value a batch gave it (as within a
    batch).  A statement call costs the engine about as much as a few hundred rows, so
    fewer, fuller statements write faster."""

    def __init__(self) -> None:
        self._statements: dict[str, tuple[Statement, Params, dict[Any, list[Any]]]] = {}
        self._counts: WriteCounts = Counter()
        self._sources: set[str] = set()
        self._identity_keys = 0
        self.largest = 0  # the most rows any one statement carries

    def __bool__(self) -> bool:
        return bool(self._statements or self._counts or self._identity_keys)

    def add(self, batch: PreparedBatch) -> None:
        for statement, params in batch.statements:
            entry = self._statements.get(statement.name)
            if entry is None:
                entry = self._statements[statement.name] = (statement, params, {})
            rows = entry[2]
            if statement is ACCOUNT_PROPERTIES:
                for row in params["rows"]:
                    known = rows.get(row[0])
                    rows[row[0]] = row if known is None else [row[0], {**known[1], **row[1]}]
            else:
                width = 1 if statement.name.startswith("writer.node.") else 2
                batch_rows = params["rows"]
                incoming = dict(zip(map(_KEY_OF[width], batch_rows), batch_rows, strict=True))
                if len(incoming) < len(batch_rows):  # a key twice in one batch: row by row
                    for row in batch_rows:
                        _join_row(rows, _KEY_OF[width](row), row, width)
                else:  # keys new to the join go in at once; only repeated ones are merged
                    for key in incoming.keys() & rows.keys():
                        _join_row(rows, key, incoming.pop(key), width)
                    rows.update(incoming)
            self.largest = max(self.largest, len(rows))
        self._counts += batch.counts
        self._sources |= batch.engaged_sources
        self._identity_keys += batch.identity_keys

    def batch(self) -> PreparedBatch:
        """Everything added, as one batch."""
        statements: list[tuple[Statement, Params]] = [
            (statement, {**params, "rows": list(rows.values())})
            for statement, params, rows in self._statements.values()
        ]
        statements.sort(key=lambda item: _order(item[0]))
        return PreparedBatch(statements, self._counts, self._sources, self._identity_keys)


# A row's key: a node's id, a relationship's endpoints.
_KEY_OF = {1: operator.itemgetter(0), 2: operator.itemgetter(0, 1)}


def _join_row(rows: dict[Any, list[Any]], key: Any, row: list[Any], width: int) -> None:
    known = rows.get(key)
    if known is None:
        rows[key] = row
        return
    known = rows[key] = known + [None] * (len(row) - len(known))  # a copy: batches stay as sent
    for i in range(width, len(row)):
        if row[i] is not None:
            known[i] = row[i]


def prepare_records(records: Iterable[Record]) -> PreparedBatch:
    """Turn ``records`` into statements and per label / type record counts.  Pure (no I/O,
    no writer state), so it may run in a worker thread or process.  Raises
    :class:`TypeError` for a non-record."""
    rows = _Rows()
    for record in records:
        rows.add(record)
    return rows.prepared(_now_ms())


class _Rows:
    """The rows of one batch, grouped by statement.  A repeated key keeps one row in which
    each column holds the last value a record gave it."""

    def __init__(self) -> None:
        self.nodes: dict[_Node, dict[str, list[Any]]] = {}
        self.edges: dict[_Edge, dict[tuple[str, str], list[Any]]] = {}
        self.account_properties: dict[str, dict[str, Any]] = {}
        self.sources: set[str] = set()
        self.identity_keys = 0
        # Records per label / type, duplicates included, so the numbers do not depend on
        # how the input was cut into batches.
        self.counts: WriteCounts = Counter()

    def add(self, record: Record) -> None:
        node = _NODES.get(type(record))
        if node is not None:
            self._add_node(node, record)
            if isinstance(record, Post) and record.author is not None:
                self._add_edge(_POSTED, record)
                self.sources.add(record.author)  # for the mentions in its posts
            elif isinstance(record, Account) and record.properties:
                self.account_properties.setdefault(record.id, {}).update(record.properties)
            return
        if isinstance(record, AccountLink):
            self.identity_keys += 1
            return
        edge = _edge_for(record)
        if edge is None:
            raise TypeError(f"the writer cannot store a {type(record).__name__}")
        self._add_edge(edge, record)
        if isinstance(record, Engagement):
            self.sources.add(record.account)

    def _add_node(self, node: _Node, record: Record) -> None:
        self.counts[node.label] += 1
        values = record.__dict__
        given = record.model_fields_set
        row = [
            None if name in node.unless_given and name not in given else values[name]
            for name in node.fields
        ]
        _merge_row(self.nodes.setdefault(node, {}), values["id"], row)

    def _add_edge(self, edge: _Edge, record: Record) -> None:
        self.counts[edge.rel_type] += 1
        values = record.__dict__
        key = (values[edge.source], values[edge.target])
        _merge_row(self.edges.setdefault(edge, {}), key, [values[name] for name in edge.fields])

    def prepared(self, now: int) -> PreparedBatch:
        statements: list[tuple[Statement, Params]] = []
        if self.account_properties:
            rows: list[Any] = [[key, props] for key, props in self.account_properties.items()]
            statements.append((ACCOUNT_PROPERTIES, {"rows": rows}))
        for node, node_rows in self.nodes.items():
            rows = [_trimmed([key, *values]) for key, values in node_rows.items()]
            statements.append((node.statement, {"rows": rows, "now": now}))
        for edge, edge_rows in self.edges.items():
            rows = [_trimmed([s, t, *values]) for (s, t), values in edge_rows.items()]
            statements.append((edge.statement, {"rows": rows, "now": now}))
        statements.sort(key=lambda item: _order(item[0]))
        return PreparedBatch(statements, self.counts, self.sources, self.identity_keys)


def _order(statement: Statement) -> int:
    """Where a statement runs in a batch: Account properties, then nodes (their fields win
    over the properties), then POSTED (MENTIONS asks the graph for authors), then the
    rest."""
    if statement is ACCOUNT_PROPERTIES:
        return 0
    if statement.name.startswith("writer.node."):
        return 1
    return 2 if statement is _POSTED.statement else 3


def _authored(statements: list[tuple[Statement, Params]]) -> list[tuple[Statement, Params]]:
    """``statements`` with the POSTED rows of posts whose node rows they carry folded into
    those rows (:data:`_POST_AUTHORED`); what is left of POSTED (a post's second author,
    a post without its node row) stays in the POSTED statement."""
    at = {statement.name: i for i, (statement, _) in enumerate(statements)}
    node_at, posted_at = at.get(_NODES[Post].statement.name), at.get(_POSTED.statement.name)
    if node_at is None or posted_at is None:
        return statements
    node_params, posted_params = statements[node_at][1], statements[posted_at][1]
    rows = list(node_params["rows"])
    where = dict(zip(map(_KEY_OF[1], rows), range(len(rows)), strict=True))
    pad = [None] * _AUTHOR_COLUMN
    left: list[Any] = []
    for author, post in posted_params["rows"]:  # POSTED has no properties: [author, post]
        i = where.pop(post, None)
        if i is None:
            left.append([author, post])
        else:  # a new row: batches stay as sent
            row = rows[i]
            rows[i] = [*row, *pad[len(row) :], author]
    folded = list(statements)
    folded[node_at] = (_POST_AUTHORED, {**node_params, "rows": rows})
    if left:
        folded[posted_at] = (_POSTED.statement, {**posted_params, "rows": left})
    else:
        del folded[posted_at]
    return folded


def _trimmed(row: list[Any]) -> list[Any]:
    """``row`` without its trailing nulls: a column past a row's end reads as null, and
    every value left out is one the engine need not parse."""
    end = len(row)
    while row[end - 1] is None:
        end -= 1
    return row[:end] if end < len(row) else row


def _merge_row(rows: dict[Any, list[Any]], key: Any, row: list[Any]) -> None:
    known = rows.get(key)
    if known is None:
        rows[key] = row
        return
    for i, value in enumerate(row):
        if value is not None:
            known[i] = value


class GraphWriter:
    """Writes batches of canonical records to ``store`` and keeps ENGAGED current.

    Each :meth:`write` is one batch and bumps the graph version once.  With
    ``defer_engaged`` ENGAGED waits for :meth:`flush` (call it at the end of a
    load; the pipeline does), otherwise every :meth:`write` brings it current.
    """

    def __init__(
        self,
        store: GraphStore,
        *,
        weights: EngagementWeights | None = None,
        defer_engaged: bool = False,
    ) -> None:
        self.store = store
        self.weights = weights or EngagementWeights()
        self.defer_engaged = defer_engaged
        # Posts stored before this were there before the last flush (see _posted_tail).
        self._since = _now_ms()
        self._engaged_sources: set[str] = set()
        self._sent = SentRows()

    def prepare(self, records: Iterable[Record]) -> PreparedBatch:
        """Turn ``records`` into statements (:func:`prepare_records`)."""
        return prepare_records(records)

    async def commit(self, batch: PreparedBatch) -> WriteCounts:
        """Run a prepared batch's statements (and, unless deferred, recompute the ENGAGED
        it affects), then bump the graph version once.  ``ENGAGED`` in the counts is
        the number of ENGAGED relationships recomputed."""
        if not batch.statements:
            return batch.counts
        self._engaged_sources |= batch.engaged_sources
        try:
            for statement, params in self._unsent(_authored(batch.statements)):
                if statement.name in _REPORTING:
                    rows = await self.store.write(statement, {**params, "since": self._since})
                    self._engaged_sources.update(str(row["id"]) for row in rows)
                else:
                    await self.store.write(statement, params)
        except BaseException:
            # Rows are remembered before they are written: after a failed write none of
            # them may keep a later batch from sending the same rows again.
            self._sent = SentRows()
            raise
        counts = Counter(batch.counts)
        if not self.defer_engaged:
            engaged = await self._recompute()
            if engaged:
                counts["ENGAGED"] += engaged
        await bump_version(self.store)
        return counts

    def _unsent(
        self, statements: Sequence[tuple[Statement, Params]]
    ) -> list[tuple[Statement, Params]]:
        """``statements`` without the rows this writer sent last for the same node or
        relationship (:class:`~loaders.sent_rows.SentRows`).  An account whose extra
        properties come in the batch is written again (its fields must win over them)."""
        kept: list[tuple[Statement, Params]] = []
        for statement, params in statements:
            if statement is ACCOUNT_PROPERTIES:
                for row in params["rows"]:
                    self._sent.forget(_ACCOUNT_NODE, row[0])
            else:
                # A Post's row with or without its author writes the same node.
                name = _POST_NODE if statement is _POST_AUTHORED else statement.name
                key_of = _KEY_OF[1 if name.startswith("writer.node.") else 2]
                rows = self._sent.unsent(name, key_of, params["rows"])
                if not rows:
                    continue
                params = {**params, "rows": rows}
            kept.append((statement, params))
        return kept

    async def write(self, records: Iterable[Record]) -> WriteCounts:
        """Upsert ``records`` as one batch; return the rows written per label / type.

        ``AccountLink`` records are the identity resolver's input and are not stored
        (:mod:`loaders.identity` consumes them before the writer).
        """
        return await self.commit(self.prepare(records))

    @property
    def pending_engaged(self) -> int:
        """How many source accounts wait for :meth:`flush`."""
        return len(self._engaged_sources)

    async def flush(self) -> int:
        """Recompute ENGAGED for every source account the batches since the last flush
        touched; return the ENGAGED relationships written (then bump the version).  What
        was sent before a flush is no longer remembered (the load's writing is over)."""
        self._sent = SentRows()
        written = await self._recompute()
        if written:
            await bump_version(self.store)
        return written

    async def _recompute(self) -> int:
        if not self._engaged_sources:
            return 0
        sources, self._engaged_sources = self._engaged_sources, set()
        self._since = _now_ms()
        try:
            return await recompute_accounts(self.store, sources, weights=self.weights)
        except BaseException:
            self._engaged_sources |= sources  # still owed; a later flush retries
            raise


def _now_ms() -> int:
    return int(time.time() * 1000)
