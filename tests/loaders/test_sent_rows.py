"""SentRows: which rows a writer need not send again, within bounds."""

from __future__ import annotations

from operator import itemgetter

from loaders.sent_rows import SentRows

NODE = "writer.node.X"
ID = itemgetter(0)  # a node's key
ENDS = itemgetter(0, 1)  # a relationship's
EDGE = "writer.rel.Y"


def test_a_row_equal_to_the_last_one_sent_for_its_key_is_dropped() -> None:
    sent = SentRows()
    assert sent.unsent(NODE, ID, [["a", 1], ["b", 1]]) == [["a", 1], ["b", 1]]
    assert sent.unsent(NODE, ID, [["a", 1], ["b", 2]]) == [["b", 2]]
    # b went 1 -> 2: sending 1 again changes the node, so it goes.
    assert sent.unsent(NODE, ID, [["b", 1], ["a", 1]]) == [["b", 1]]
    # The same key in another statement is another thing.
    assert sent.unsent("writer.node.Z", ID, [["a", 1]]) == [["a", 1]]


def test_a_relationship_is_keyed_by_both_endpoints() -> None:
    sent = SentRows()
    assert sent.unsent(EDGE, ENDS, [["a", "b", 0.5], ["a", "c", 0.5]]) == [
        ["a", "b", 0.5],
        ["a", "c", 0.5],
    ]
    assert sent.unsent(EDGE, ENDS, [["a", "b", 0.5], ["b", "a", 0.5], ["a", "c", 0.7]]) == [
        ["b", "a", 0.5],
        ["a", "c", 0.7],
    ]


def test_rows_holding_lists_are_always_sent() -> None:
    sent = SentRows()
    row = ["a", ["x", "y"]]
    assert sent.unsent(NODE, ID, [row]) == [row]
    assert sent.unsent(NODE, ID, [row]) == [row]
    assert sent.unsent(NODE, ID, [["a", 1], ["b", 1]]) == [["a", 1], ["b", 1]]
    assert sent.unsent(NODE, ID, [row, ["b", 1]]) == [row]


def test_a_forgotten_row_is_sent_again() -> None:
    sent = SentRows()
    sent.unsent(NODE, ID, [["a", 1]])
    sent.forget(NODE, "a")
    assert sent.unsent(NODE, ID, [["a", 1]]) == [["a", 1]]


def test_a_key_pushed_out_of_its_slot_is_sent_again() -> None:
    sent = SentRows(slots=1)  # one slot: every key takes it from the one before
    assert sent.unsent(NODE, ID, [["a", 1]]) == [["a", 1]]
    assert sent.unsent(NODE, ID, [["a", 1]]) == []
    assert sent.unsent(NODE, ID, [["b", 1]]) == [["b", 1]]
    assert sent.unsent(NODE, ID, [["a", 1]]) == [["a", 1]]
    roomy = SentRows(slots=1 << 10)
    roomy.unsent(NODE, ID, [[f"k{i}", 1] for i in range(100)])
    assert len(roomy.unsent(NODE, ID, [[f"k{i}", 1] for i in range(100)])) < 20


def test_the_table_grows_with_the_rows_sent() -> None:
    sent = SentRows()
    batches = [[[f"k{i}", 1] for i in range(at, at + 5000)] for at in range(0, 100_000, 5000)]
    for batch in batches:  # many more keys than the first table has slots
        sent.unsent(NODE, ID, batch)
    # In a table the size it started at, a seventh of the last batch and a third of the
    # one before would have been pushed out.
    assert len(sent.unsent(NODE, ID, batches[-1])) < 250
    assert len(sent.unsent(NODE, ID, batches[-2])) < 500
