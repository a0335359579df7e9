"""Batches of rows reach the engine exactly as the slow, general encoder sends them."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import pytest

from graph.cypher import Statement
from graph.falkordb_store import _encode, _encode_list
from graph.store import GraphStore

ECHO = Statement("test.loaders.echo_rows", "UNWIND $rows AS row RETURN row AS row")

TEXTS = [
    "plain",
    "line\nbreak\r\n",
    "tab\tand\bback\fform",
    'a "quote" and a \\ backslash, \\n not a newline',
    "éèà 中文 🙂 \u2028\u2029 עברית",
    "",
    '{"not": "a map"}',
]


@dataclasses.dataclass
class _Point:
    x: int


@pytest.mark.parametrize(
    "rows",
    [
        [["twitter:1", "text", 3, 2.5, None, True, False, ["a", "b"]]],
        [[t, i] for i, t in enumerate(TEXTS)],
        [[1e-7, 1e16, -0.0, 2**63 - 1, -(2**63), 0.1, 5e-324, 1.5e300]],
        [["ctl\x01", "nul\x00"]],  # the slow way: sent as they are, NUL dropped
    ],
)
async def test_rows_come_back_as_sent(falkordb_store: GraphStore, rows: list[Any]) -> None:
    found = [row["row"] for row in await falkordb_store.write(ECHO, {"rows": rows})]
    assert found == [[v.replace("\x00", "") if isinstance(v, str) else v for v in r] for r in rows]


def test_not_a_number_is_null_either_way() -> None:
    rows = [[float("nan"), float("inf"), -float("inf")]]
    assert _encode_list(rows) == _encode(rows).replace(" ", "") == "[[null,null,null]]"


@pytest.mark.parametrize(
    "rows",
    [
        [["nul\x00inside", "ctl\x01\x1f"]],  # orjson would escape these as \\u: slow way
        [[{"name": "value"}]],  # a map: keys unquoted, slow way
        [[2**70]],  # past 64 bits
        [[datetime.datetime(2020, 1, 1)]],
        [[_Point(1)]],
        [[{1, 2}]],
    ],
)
def test_what_orjson_would_write_otherwise_goes_the_slow_way(rows: list[Any]) -> None:
    try:
        expected: Any = _encode(rows)
    except Exception as exc:  # the general encoder refuses it: so must the fast one
        with pytest.raises(type(exc)):
            _encode_list(rows)
        return
    assert _encode_list(rows) == expected
