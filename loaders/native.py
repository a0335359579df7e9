"""Reading native channel files: damaged JSON salvaged record by record, validation
into rejects, native timestamps to epoch milliseconds."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from graph.model import Record
from loaders.base import (
    ParseItem,
    Reject,
    Source,
    describe_validation_error,
    iter_json_documents,
)

__all__ = [
    "EpochSeconds",
    "NativeId",
    "NativeModel",
    "build_records",
    "json_documents",
    "ms_from_datetime",
    "ms_from_seconds",
    "salvage_json",
    "validate",
    "validated",
]

M = TypeVar("M", bound=BaseModel)


# A native id: a non-empty string with no surrounding blanks.
NativeId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
# Unix seconds up to the year 3000 (the graph model's bound), so a value in the wrong
# unit is rejected while validating the native record, not later.
EpochSeconds = Annotated[int, Field(ge=0, le=32_503_680_000)]


class NativeModel(BaseModel):
    """Base of the pydantic models of native records: fields the platform adds later are
    ignored, and a value of the wrong JSON type is an error, not silently converted."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def ms_from_seconds(value: int | float | str | Decimal) -> int:
    """Epoch milliseconds from Unix seconds given as a number or a decimal string
    (Slack's ``"1454884927.000002"``), without float rounding."""
    try:
        return int(Decimal(str(value)) * 1000)
    except InvalidOperation as exc:
        raise ValueError(f"not a Unix time in seconds: {value!r}") from exc


def ms_from_datetime(value: datetime) -> int:
    """Epoch milliseconds of a datetime; a naive one is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def validate(model: type[M], raw: Any, source: Source, location: str) -> M | Reject:
    """The native record as ``model``, or a Reject naming each bad field."""
    if not isinstance(raw, dict):
        return Reject(source.name, location, f"expected a JSON object, not {_json_type(raw)}", raw)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        return Reject(source.name, location, describe_validation_error(exc), raw)


def validated(
    found: Iterable[tuple[str, Any] | Reject], model: type[M], source: Source
) -> Iterator[tuple[str, Any, M] | Reject]:
    """``(location, raw, record)`` for each ``(location, raw)`` that validates as
    ``model``; Rejects pass through, and a record that does not validate becomes one."""
    for item in found:
        if isinstance(item, Reject):
            yield item
            continue
        location, raw = item
        record = validate(model, raw, source, location)
        yield record if isinstance(record, Reject) else (location, raw, record)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else type(value).__name__


def build_records(
    source: Source, location: str, raw: Any, build: Callable[[], Iterable[Record]]
) -> list[ParseItem]:
    """Run a mapping to canonical records; a value the graph model refuses (an id too
    long, a time out of range) turns the whole native record into one Reject."""
    try:
        return list(build())
    except ValidationError as exc:
        return [Reject(source.name, location, describe_validation_error(exc), raw)]
    except ValueError as exc:
        return [Reject(source.name, location, str(exc), raw)]


def json_documents(source: Source) -> Iterator[tuple[str, Any] | Reject]:
    """``(location, document)`` for each JSON document of a file, or Rejects.

    A ``.jsonl`` file, or a ``.json`` file holding one document per line, is read line
    by line.  A damaged JSON file (cut short, or garbage inside) yields what
    :func:`salvage_json` can keep, then one Reject for the rest, so the complete
    records before the damage still load."""
    return iter_json_documents(source, salvage=salvage_json)


_WHITESPACE = " \t\n\r"


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


class _Damage(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def salvage_json(text: str) -> tuple[Any, int, str]:
    """The complete part of a damaged JSON document, the offset where the damage
    starts and what is wrong there.

    A top-level array keeps its complete items; a top-level object keeps its
    complete members, and a member whose value is an array keeps that array's complete
    items.  Anything cut in the middle is left out whole, so no record is ever read
    half.  Returns ``(None, offset, message)`` when nothing complete precedes the
    damage.

    Examples
    --------
    >>> salvage_json('{"a": 1, "items": [{"id": 1}, {"id": 2}, {"id"')
    ({'a': 1, 'items': [{'id': 1}, {'id': 2}]}, 41, 'an item is incomplete or invalid')
    """
    decoder = json.JSONDecoder()
    start = _skip(text, 0)
    if start >= len(text) or text[start] not in "[{":
        try:
            decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            return None, exc.pos, exc.msg
        return None, start, "not a JSON object or array"
    if text[start] == "[":
        items: list[Any] = []
        damage = _salvage_array(decoder, text, start, items)
        return (items or None), damage.offset, damage.message
    members: dict[str, Any] = {}
    damage = _salvage_object(decoder, text, start, members)
    return (members or None), damage.offset, damage.message


def _salvage_array(decoder: json.JSONDecoder, text: str, index: int, into: list[Any]) -> _Damage:
    index = _skip(text, index + 1)  # past "["
    while True:
        if index < len(text) and text[index] == "]":
            return _Damage(index + 1, "unexpected text after the array")
        try:
            item, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError:
            return _Damage(index, "an item is incomplete or invalid")
        into.append(item)
        index = _skip(text, end)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
        elif index < len(text) and text[index] == "]":
            return _Damage(index + 1, "unexpected text after the array")
        else:
            return _Damage(index, "Expecting ',' delimiter or ']'")


def _salvage_object(
    decoder: json.JSONDecoder, text: str, index: int, into: dict[str, Any]
) -> _Damage:
    index = _skip(text, index + 1)  # past "{"
    while True:
        try:
            key, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError:
            return _Damage(index, "Expecting a property name")
        index = _skip(text, end)
        if not isinstance(key, str) or index >= len(text) or text[index] != ":":
            return _Damage(index, "Expecting a property name and ':'")
        index = _skip(text, index + 1)
        try:
            value, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError:
            if index < len(text) and text[index] == "[":
                items: list[Any] = []
                into[key] = items
                return _salvage_array(decoder, text, index, items)
            return _Damage(index, "Expecting a value")
        into[key] = value
        index = _skip(text, end)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
        elif index < len(text) and text[index] == "}":
            return _Damage(index + 1, "unexpected text after the object")
        else:
            return _Damage(index, "Expecting ',' delimiter or '}'")
