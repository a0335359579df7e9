"""What every connector shares: sources, rejects, options, and the connector spec.

A connector module (``loaders/<channel>.py``) holds pydantic models of the
channel's native records, a generator ``parse(source, *, options)`` that
yields canonical records (:mod:`graph.model`) or :class:`Reject`, and a
module-level ``CONNECTOR = ConnectorSpec(...)``.  The shared pipeline
(:mod:`loaders.pipeline`) does identity resolution, enrichment and writing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.model import Record

__all__ = [
    "ConnectorSpec",
    "LoadOptions",
    "ParseItem",
    "Reject",
    "Source",
    "describe_validation_error",
    "iter_json_documents",
]


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not be loaded, with where it came from and why."""

    source: str
    location: str  # "line 12", "offset 3456", "$.data[3]", "row 7"
    reason: str
    raw: Any  # the raw record as found: parsed JSON where possible, else text

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "location": self.location,
            "reason": self.reason,
            "raw": self.raw,
        }


ParseItem = Record | Reject


@dataclass(frozen=True, slots=True)
class Source:
    """One input: a file on disk, or a payload pushed over the API (``data``)."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    @classmethod
    def from_path(cls, path: Path) -> Source:
        return cls(name=str(path), path=path)

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "payload") -> Source:
        return cls(name=name, data=data)

    def read_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        if self.path is None:
            raise ValueError("a Source needs a path or data")
        return self.path.read_bytes()

    def read_text(self) -> str:
        """The content as text (UTF-8, with a BOM allowed); undecodable bytes raise."""
        return self.read_bytes().decode("utf-8-sig")

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        return self.path.stat().st_size if self.path is not None else 0


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """Options the CLI (``scrm load``) and the ``ingest`` mutation pass to connectors."""

    brand: str | None = None  # tag what is loaded as about this brand (channel metadata)
    platform: str | None = None  # edges-csv / graph-file: the platform namespace of ids
    preset: str | None = None  # orders-csv: "shopify" | "uci"
    columns: Mapping[str, str] = field(default_factory=dict)  # orders-csv: our name -> column


@dataclass(frozen=True, slots=True)
class ConnectorSpec:
    """A connector as the pipeline and the CLI see it."""

    name: str  # the name users type: "twitter", "wechat-work", ...
    summary: str  # one line for `scrm load --help`
    parse: Callable[..., Iterator[ParseItem]]  # parse(source: Source, *, options: LoadOptions)
    # Which files of a directory argument this connector reads.
    patterns: tuple[str, ...] = ("*.json", "*.jsonl")
    # Whether a directory is itself one source (a Slack export) rather than a set of files.
    directory_source: bool = False


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad field and what is wrong with it."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "record"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    more = len(exc.errors()) - 5
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def iter_json_documents(source: Source) -> Iterator[tuple[str, Any] | Reject]:
    """Yield ``(location, document)`` for a JSON file or a JSONL file, or a Reject
    for each part that is not valid JSON.  A ``.json`` file that fails as one
    document is tried as JSON lines (twarc and API dumps use both)."""
    try:
        text = source.read_text()
    except UnicodeDecodeError as exc:
        yield Reject(source.name, f"offset {exc.start}", "not UTF-8 text", None)
        return
    except OSError as exc:
        yield Reject(source.name, "file", f"cannot read: {exc.strerror or exc}", None)
        return
    if not text.strip():
        yield Reject(source.name, "file", "empty file", "")
        return
    if not source.name.endswith(".jsonl"):
        try:
            yield "document", json.loads(text)
            return
        except json.JSONDecodeError:
            if "\n" not in text.strip():
                yield Reject(source.name, "document", "not valid JSON", text[:10_000])
                return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            yield Reject(source.name, f"line {number}", f"not valid JSON: {exc.msg}", line)
