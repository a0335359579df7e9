"""What every connector shares: sources, rejects, options, and the connector spec.

A connector module (``loaders/<channel>.py``) holds pydantic models of the
channel's native records, a generator ``parse(source, *, options)`` that
yields canonical records (:mod:`graph.model`) or :class:`Reject`, and a
module-level ``CONNECTOR = ConnectorSpec(...)``.  The shared pipeline
(:mod:`loaders.pipeline`) does identity resolution, enrichment and writing.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
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
    "loads",
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
        """Bytes of input: the data, the file, or the files of a folder (a Slack export)."""
        if self.data is not None:
            return len(self.data)
        if self.path is None:
            return 0
        if self.path.is_dir():
            return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())
        return self.path.stat().st_size


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


# orjson reads an integer past 64 bits as a float, the standard library as an int: such
# an integer has at least 20 digits, or 19 after a minus sign.
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_LONG_POSITIVE = b"0" * 20
_LONG_NEGATIVE = b"-" + b"0" * 19


def _orjson_reads_alike(data: bytes) -> bool:
    """Whether orjson reads every number of ``data`` as the standard library does."""
    digits = data.translate(_DIGITS_AS_ZERO)
    return _LONG_POSITIVE not in digits and _LONG_NEGATIVE not in digits


def loads(data: str | bytes, *, fast: bool | None = None) -> Any:
    """One JSON document: orjson (several times faster than the standard library), and
    the standard library for what orjson refuses - ``NaN``, lone surrogates, damage - or
    reads otherwise (an integer past 64 bits), so values and error messages
    (:class:`json.JSONDecodeError`) are the standard library's.  ``fast`` says whether
    orjson may be tried (checked here when None)."""
    if fast is None:
        fast = _orjson_reads_alike(data.encode() if isinstance(data, str) else data)
    if fast:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


# Salvages a damaged document: (complete part or None, offset of the damage, what is wrong).
Salvage = Callable[[str], tuple[Any, int, str]]
SALVAGED_RAW_LIMIT = 100_000  # characters of a damaged tail kept in its Reject


def iter_json_documents(
    source: Source, *, salvage: Salvage | None = None
) -> Iterator[tuple[str, Any] | Reject]:
    """Yield ``(location, document)`` for a JSON file or a JSONL file, or a Reject
    for each part that is not valid JSON.  A ``.json`` file that fails as one
    document is tried as JSON lines (twarc and API dumps use both).

    With ``salvage``, a ``.json`` file that is neither one document nor one per line
    (cut short, or garbage inside) yields what ``salvage`` keeps of it, then one Reject
    for the rest, so the complete records before the damage still load."""
    lines_only = source.name.endswith(".jsonl")
    salvaging = salvage is not None and not lines_only
    try:
        data = source.read_bytes()
    except OSError as exc:
        yield Reject(source.name, "file", f"cannot read: {exc.strerror or exc}", None)
        return
    fast = _orjson_reads_alike(data)
    if fast and not lines_only:
        # The common case first: one valid document, read straight from the bytes.
        try:
            document = orjson.loads(data.removeprefix(codecs.BOM_UTF8))
        except orjson.JSONDecodeError:
            pass
        else:
            yield "document", document
            return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = "not UTF-8 text (a binary file?)" if salvaging else "not UTF-8 text"
        yield Reject(source.name, f"offset {exc.start}", reason, None)
        return
    if not text.strip():
        yield Reject(source.name, "file", "empty file", "")
        return
    if not lines_only:
        try:
            yield "document", json.loads(text)  # orjson refused it already, if it could
            return
        except json.JSONDecodeError as exc:
            one_line = "\n" not in text.strip()
            if salvage is not None and (one_line or exc.msg != "Extra data"):
                yield from _salvaged(source, text, salvage)
                return
            if one_line:
                yield Reject(source.name, "document", "not valid JSON", text[:10_000])
                return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", loads(line, fast=fast)
        except json.JSONDecodeError as exc:
            yield Reject(source.name, f"line {number}", f"not valid JSON: {exc.msg}", line)


def _salvaged(source: Source, text: str, salvage: Salvage) -> Iterator[tuple[str, Any] | Reject]:
    document, offset, message = salvage(text)
    if document is not None:
        yield "document", document
    yield Reject(
        source.name,
        f"offset {offset}",
        f"not valid JSON from here: {message} (file cut short?)",
        text[offset : offset + SALVAGED_RAW_LIMIT],
    )
