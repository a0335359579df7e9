"""The ``graph-file`` connector: plain networks in GML, GraphML, GEXF, Pajek or edge lists.

networkx reads the file (chosen by extension, or by content for a payload).
Nodes become Accounts ``<platform>:<node id>`` (``--platform``, else the
file's name: ``karate_club.gml`` -> ``karate_club``); a GML ``label`` or a
``name``/``label`` attribute becomes the account's name, every other scalar
node attribute an account property (names made into identifiers, nested GML
blocks flattened as ``parent_child``).  Edges become FOLLOWS, both ways when
the graph is undirected: an undirected tie is mutual.  An edge's ``weight``
becomes the relationship's weight, and a ``type`` attribute naming an
edges-csv type (like, reply, share, quote, mention) turns it into that
engagement, exactly as in ``edges-csv``.

Edge lists (``u v``, ``u v weight`` or ``u v {'weight': 2}`` per line, ``#``
comments) are read line by line, so a bad line is one reject; the other
formats are whole documents, and a document networkx cannot read is one
reject naming the problem.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx
from pydantic import ValidationError

from graph.model import Account, Record
from loaders.base import ConnectorSpec, LoadOptions, Reject, Source, describe_validation_error
from loaders.edges_csv import EDGE_TYPES, EdgeRecords, platform_for
from loaders.lines import binary_reject, empty_reject, iter_lines

__all__ = ["CONNECTOR", "parse"]

_DOCUMENT_READERS = {
    "gml": lambda text: nx.parse_gml(text, label="id"),
    "graphml": lambda text: nx.parse_graphml(text),
    "gexf": lambda text: nx.read_gexf(io.BytesIO(text.encode("utf-8"))),
    "pajek": lambda text: nx.parse_pajek(text),
}
_EXTENSIONS = {
    "gml": "gml",
    "graphml": "graphml",
    "xml": "graphml",
    "gexf": "gexf",
    "net": "pajek",
    "pajek": "pajek",
}
_NAME_ATTRIBUTES = ("label", "name")
_RESERVED = frozenset(Account.model_fields) | {"kind"}


def parse(source: Source, *, options: LoadOptions) -> Iterator[Record | Reject]:
    """Yield the accounts and edges of the graph in ``source``, or rejects saying why not."""
    edges = EdgeRecords(platform_for(source, options))
    kind = _format(source)
    if kind == "edgelist":
        yield from _parse_edge_list(source, edges)
        return
    try:
        data = source.read_bytes()
    except OSError as exc:
        yield Reject(source.name, "file", f"cannot read: {exc.strerror or exc}", None)
        return
    whole = empty_reject(source, data) or binary_reject(source, data, f"a {kind} document")
    if whole is not None:
        yield whole
        return
    try:
        text = data.decode("utf-8-sig")
        graph = _DOCUMENT_READERS[kind](text)
    except UnicodeDecodeError as exc:
        yield Reject(source.name, f"offset {exc.start}", "not UTF-8 text", None)
        return
    except Exception as exc:  # networkx raises many kinds; each means "not readable"
        reason = f"not a readable {kind} document: {type(exc).__name__}: {exc}"
        yield Reject(source.name, "document", reason, _preview(data))
        return
    yield from _graph_records(source, edges, graph)


def _format(source: Source) -> str:
    extension = source.name.rsplit(".", 1)[-1].lower() if "." in source.name else ""
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    head = _head(source).lstrip()
    if head.startswith(b"<"):
        return "gexf" if b"<gexf" in head else "graphml"
    if re.search(rb"(^|\s)graph\s*\[", head):
        return "gml"
    if head.lower().startswith(b"*vertices"):
        return "pajek"
    return "edgelist"


def _head(source: Source) -> bytes:
    if source.data is not None or source.path is None:
        return source.read_bytes()[:2048]
    try:
        with source.path.open("rb") as stream:
            return stream.read(2048)
    except OSError:
        return b""


def _graph_records(source: Source, edges: EdgeRecords, graph: Any) -> Iterator[Record | Reject]:
    for node, attributes in graph.nodes(data=True):
        try:
            yield from edges.node(str(node), **_node_fields(attributes))
        except ValidationError as exc:
            reason = describe_validation_error(exc)
            yield Reject(source.name, f"node {node}", reason, _plain(dict(attributes)))
    directed = graph.is_directed()
    for u, v, attributes in graph.edges(data=True):
        ends = [(u, v)] if directed else [(u, v), (v, u)]
        try:
            yield from _edge(edges, ends, attributes)
        except (ValueError, ValidationError) as exc:
            reason = (
                describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
            )
            raw = {"source": str(u), "target": str(v), **_plain(dict(attributes))}
            yield Reject(source.name, f"edge {u} -> {v}", reason, raw)


def _edge(
    edges: EdgeRecords, ends: list[tuple[Any, Any]], attributes: Mapping[str, Any]
) -> list[Record]:
    kind = str(attributes.get("type", "follow")).lower()
    if kind not in EDGE_TYPES:
        kind = "follow"  # a type networkx files use for other things (e.g. "road") is no engagement
    weight = attributes.get("weight")
    if weight is not None:
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            raise ValueError(f"weight: {weight!r} is not a number") from None
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"weight: {weight!r} is not a finite number >= 0")
    out: list[Record] = []
    for u, v in ends:
        out += edges.edge(str(u), str(v), kind, weight=weight)
    return out


def _node_fields(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """An Account's name and properties from a node's attributes."""
    fields: dict[str, Any] = {}
    properties: dict[str, str | int | float | bool] = {}
    for key, value in _flatten(attributes):
        if key in _NAME_ATTRIBUTES and "name" not in fields and value is not None:
            fields["name"] = str(value)
            continue
        name = _property_name(key)
        if isinstance(value, bool | int | str) or (
            isinstance(value, float) and math.isfinite(value)
        ):
            properties[name] = value
        elif isinstance(value, list | tuple):
            properties[name] = json.dumps(_plain(list(value)), ensure_ascii=False)
    if properties:
        fields["properties"] = properties
    return fields


def _flatten(attributes: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in attributes.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}_")
        else:
            yield f"{prefix}{key}", value


def _property_name(key: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", key)[:60] or "_"
    if name[0].isdigit():
        name = "_" + name
    # A name the model already uses (a GraphML "followers" attribute, say) stays an
    # attribute of the file rather than pretending to be the channel's figure.
    return f"attr_{name}" if name in _RESERVED else name


def _parse_edge_list(source: Source, edges: EdgeRecords) -> Iterator[Record | Reject]:
    for item in iter_lines(source, expected="an edge list"):
        if isinstance(item, Reject):
            yield item
            continue
        number, line = item
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            graph = _edge_line(text)
            for u, v, attributes in graph.edges(data=True):
                yield from _edge(edges, [(u, v), (v, u)], attributes)
        except (ValueError, ValidationError) as exc:
            reason = (
                describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
            )
            yield Reject(source.name, f"line {number}", reason, line)


def _edge_line(text: str) -> Any:
    """One edge-list line through networkx: ``u v``, ``u v {dict}`` or ``u v weight``."""
    parts = text.split()
    if len(parts) < 2:
        raise ValueError("an edge needs two node ids")
    try:
        return nx.parse_edgelist([text], nodetype=str, data=True)
    except (TypeError, IndexError, SyntaxError, ValueError):
        pass
    try:
        return nx.parse_edgelist([text], nodetype=str, data=(("weight", float),))
    except (TypeError, IndexError, SyntaxError, ValueError):
        raise ValueError(
            "not an edge: expected 'u v', 'u v weight' or 'u v {attributes}'"
        ) from None


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of networkx attribute values (for rejects and list properties)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)


def _preview(data: bytes) -> str:
    return data[:10_000].decode("utf-8", errors="replace")


CONNECTOR = ConnectorSpec(
    name="graph-file",
    summary="a plain network file: GML, GraphML, GEXF, Pajek or an edge list (via networkx)",
    parse=parse,
    patterns=("*.gml", "*.graphml", "*.gexf", "*.net", "*.edgelist", "*.edges"),
)
