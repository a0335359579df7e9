"""The ``edges-csv`` connector: a plain network as ``source,target[,type][,weight][,at]`` rows.

The header is optional (a first row starting ``source,target`` names the
columns, in any order).  Account ids are ``<platform>:<source>``, the platform
being ``--platform`` or, without it, the file's name (``follows.csv`` ->
``follows``).  ``type`` is one of follow, like, reply, share, quote, mention
(default follow); ``weight`` a non-negative number; ``at`` epoch milliseconds
or an ISO 8601 time (UTC unless it says otherwise).

An engagement needs a Post to hang on: every account that receives a like,
reply, share or quote gets one synthetic post, ``<platform>:<target>#content``,
that it POSTED and that stands for "its content"; a mention hangs on the
source's synthetic post.  So ``a,b,like`` becomes a LIKED b's content, and
ENGAGED a -> b follows.  A repeated (source, target, type) row updates the same
relationship; ``weight`` says how much it counts.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Literal

from pydantic import ValidationError

from graph.model import Account, Engagement, Follow, Mention, Post, Record
from loaders.base import ConnectorSpec, LoadOptions, Reject, Source, describe_validation_error
from loaders.lines import iter_lines

__all__ = ["CONNECTOR", "EDGE_TYPES", "EdgeRecords", "parse", "platform_for"]

COLUMNS = ("source", "target", "type", "weight", "at")
EDGE_TYPES = {
    "follow": "FOLLOWS",
    "like": "LIKED",
    "reply": "REPLIED",
    "share": "SHARED",
    "quote": "QUOTED",
    "mention": "MENTIONS",
}
CONTENT_SUFFIX = "#content"


def platform_for(source: Source, options: LoadOptions) -> str:
    """``--platform`` if given, else the source file's name made into a platform name."""
    if options.platform:
        return options.platform.strip().lower()
    stem = source.name.rsplit("/", 1)[-1].split(".", 1)[0].lower()
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-")
    return slug[:64] or "graph"


EngagementType = Literal["REPLIED", "SHARED", "QUOTED", "LIKED"]
_ENGAGEMENTS: dict[str, EngagementType] = {
    "like": "LIKED",
    "reply": "REPLIED",
    "share": "SHARED",
    "quote": "QUOTED",
}


class EdgeRecords:
    """Turns edges into canonical records, each account and synthetic post once per source."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self._seen: set[str] = set()  # accounts and synthetic posts already handed out

    def account_id(self, native: str) -> str:
        return f"{self.platform}:{native}"

    def node(self, native: str, **fields: object) -> list[Record]:
        """The Account for ``native`` with ``fields`` (graph-file node attributes)."""
        record = Account.model_validate(
            {"id": self.account_id(native), "platform": self.platform, **fields}
        )
        self._seen.add(record.id)
        return [record]

    def edge(
        self,
        source: str,
        target: str,
        kind: str,
        *,
        weight: float | None = None,
        at: int | None = None,
    ) -> list[Record]:
        """The records of one edge ``source -> target`` of ``kind`` (a key of EDGE_TYPES);
        raises ValidationError for a bad id, and then hands out nothing."""
        src, dst = self.account_id(source), self.account_id(target)
        out: list[Record] = [
            Account(id=src, platform=self.platform),
            Account(id=dst, platform=self.platform),
        ]
        if kind == "follow":
            out.append(Follow(source=src, target=dst, at=at, weight=weight))
        elif kind == "mention":
            out.append(Post(id=src + CONTENT_SUFFIX, platform=self.platform, author=src))
            out.append(Mention(post=src + CONTENT_SUFFIX, account=dst, weight=weight))
        else:
            out.append(Post(id=dst + CONTENT_SUFFIX, platform=self.platform, author=dst))
            out.append(
                Engagement(
                    type=_ENGAGEMENTS[kind],
                    account=src,
                    post=dst + CONTENT_SUFFIX,
                    at=at,
                    weight=weight,
                )
            )
        fresh: list[Record] = []
        for record in out:
            if isinstance(record, Account | Post):
                if record.id in self._seen:
                    continue
                self._seen.add(record.id)
            fresh.append(record)
        return fresh


def parse(source: Source, *, options: LoadOptions) -> Iterator[Record | Reject]:
    """Yield the records of every good row of ``source`` and a Reject for every bad one."""
    edges = EdgeRecords(platform_for(source, options))
    columns: tuple[str, ...] | None = None
    for item in iter_lines(source, expected="CSV text"):
        if isinstance(item, Reject):
            yield item
            continue
        number, line = item
        location = f"line {number}"
        try:
            cells = [c.strip() for c in next(csv.reader([line], delimiter=_delimiter(line)))]
        except (csv.Error, StopIteration) as exc:
            yield Reject(source.name, location, f"not a CSV row: {exc}", line)
            continue
        if columns is None:
            columns, is_header, problem = _header(cells)
            if problem is not None:
                yield Reject(source.name, location, problem, line)
            if is_header:
                continue
        try:
            yield from _row(edges, columns, cells)
        except (ValueError, ValidationError) as exc:
            reason = (
                describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
            )
            yield Reject(source.name, location, reason, line)


def _delimiter(line: str) -> str:
    return "\t" if "\t" in line and "," not in line else ","


def _header(cells: list[str]) -> tuple[tuple[str, ...], bool, str | None]:
    """The columns a first row declares (the default order if it is data rather than a
    header), whether it is a header, and a complaint about unknown names in it."""
    names = tuple(c.lower() for c in cells)
    if names[:2] != ("source", "target"):
        return COLUMNS, False, None
    unknown = [n for n in names if n not in COLUMNS]
    if not unknown:
        return names, True, None
    problem = (
        f"unknown column {', '.join(map(repr, unknown))} ignored (columns are {', '.join(COLUMNS)})"
    )
    return names, True, problem


def _row(edges: EdgeRecords, columns: tuple[str, ...], cells: list[str]) -> list[Record]:
    if len(cells) > len(columns):
        raise ValueError(f"{len(cells)} columns, expected at most {len(columns)}")
    row = {name: cell for name, cell in zip(columns, cells, strict=False) if name in COLUMNS}
    source, target = row.get("source", ""), row.get("target", "")
    if not source:
        raise ValueError("source: missing")
    if not target:
        raise ValueError("target: missing")
    kind = (row.get("type") or "follow").lower()
    if kind not in EDGE_TYPES:
        raise ValueError(f"type: {kind!r} is not one of {', '.join(EDGE_TYPES)}")
    return edges.edge(
        source, target, kind, weight=_weight(row.get("weight", "")), at=_at(row.get("at", ""))
    )


def _weight(text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"weight: {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"weight: {text!r} is not a finite number >= 0")
    return value


def _at(text: str) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"at: {text!r} is neither epoch milliseconds nor an ISO 8601 time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


CONNECTOR = ConnectorSpec(
    name="edges-csv",
    summary="a plain network: source,target[,type][,weight][,at] rows (--platform names it)",
    parse=parse,
    patterns=("*.csv", "*.tsv"),
)
