"""Conversions between the graph's epoch milliseconds and GraphQL ``DateTime`` values."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["datetime_from_ms", "int32", "ms_from_datetime"]


def datetime_from_ms(value: object) -> datetime | None:
    """An epoch-milliseconds property as an aware UTC datetime (None when absent)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def ms_from_datetime(value: datetime | None) -> int | None:
    """A DateTime argument as epoch milliseconds; a naive datetime is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def int32(value: object) -> int | None:
    """A count as a GraphQL ``Int`` (32-bit): out-of-range or non-integer values become None
    rather than failing the whole page."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if -(2**31) <= value < 2**31 else None
