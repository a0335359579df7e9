"""Benchmark: the enrichment stage (sentiment and brand matching) with and without its memos.

Usage (from the checkout)::

    .venv/bin/python bench/enrich.py twitter DIR/twitter --brands DIR/brands.json
    .venv/bin/python bench/enrich.py weibo /work/shared/data/weibo-ced-repost-cascades-sample
    .venv/bin/python bench/enrich.py twitter PATH... --rounds 5 --json

The files are parsed once into batches the way parse workers cut them
(:func:`loaders.parse_workers.chunks`: ``--batch-size`` records, repeats skipped),
then every round enriches all the batches twice, taking turns: with a fresh
:class:`loaders.enrich.Enricher` (its memos start empty and last across the
batches, as in a worker) and with one whose memos keep nothing.  Both must give
the same records, fields sets included, or the run fails.  Timing is CPU time of
the process (``time.process_time``) with a parse worker's garbage collector
settings; the fastest round counts.  ``--brands`` is a JSON list of brands
(``id``, ``name``, ``aliases``) such as the demo generator's ``brands.json``.

Also printed: how many post texts were scored, how often the sentiment memo
answered, and how many distinct texts brand matching remembered.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.model import Brand, Post, Record  # noqa: E402
from loaders.base import LoadOptions  # noqa: E402
from loaders.brands import BrandMatcher  # noqa: E402
from loaders.collection import tune_worker  # noqa: E402
from loaders.enrich import Enricher  # noqa: E402
from loaders.parse_workers import chunks  # noqa: E402
from loaders.pipeline import expand_sources  # noqa: E402
from loaders.registry import get_connector  # noqa: E402
from loaders.sentiment import DefaultSentiment, MemoSentiment, TextMemo  # noqa: E402


def read_batches(connector: str, paths: list[Path], batch_size: int) -> list[list[Record]]:
    """The records of ``paths``, per source segment of each chunk a worker would enrich."""
    spec = get_connector(connector)
    sources = expand_sources(spec, paths)
    return [
        segment
        for chunk in chunks(spec, sources, LoadOptions(), batch_size)
        for _, segment in chunk.segments
        if segment
    ]


def make_enricher(brands: list[Brand], *, memo: bool) -> Enricher:
    """An Enricher over ``brands``, with the default memo bounds or memos that keep nothing."""

    def fresh() -> Any:
        return TextMemo() if memo else TextMemo(max_entries=0)

    enricher = Enricher(MemoSentiment(DefaultSentiment(), memo=fresh()))
    enricher.matcher = BrandMatcher(brands, memo=fresh())
    return enricher


def _state(records: list[Record]) -> list[tuple[Any, ...]]:
    return [(type(r), r.__dict__, r.model_fields_set) for r in records]


def run(batches: list[list[Record]], brands: list[Brand], rounds: int) -> dict[str, Any]:
    """Time both variants ``rounds`` times; raise when their outputs differ."""
    best = {"memo": float("inf"), "no_memo": float("inf")}
    stats: dict[str, Any] = {}
    for _ in range(rounds):
        outputs: dict[str, list[list[Record]]] = {}
        for name in best:
            enricher = make_enricher(brands, memo=name == "memo")
            started = time.process_time()
            outputs[name] = [enricher.enrich(b, options=LoadOptions()) for b in batches]
            best[name] = min(best[name], time.process_time() - started)
            if name == "memo":
                assert isinstance(enricher.scores, MemoSentiment)
                stats = {
                    "scored": enricher.scores.hits + enricher.scores.misses,
                    "sentiment_memo_hits": enricher.scores.hits,
                    "brand_memo_texts": len(enricher.matcher.memo),
                }
        for before, after in zip(outputs["no_memo"], outputs["memo"], strict=True):
            if _state(before) != _state(after):
                raise SystemExit("enrich: the memo changed the output")
    posts = sum(isinstance(r, Post) for b in batches for r in b)
    return {
        "batches": len(batches),
        "records": sum(map(len, batches)),
        "posts": posts,
        **stats,
        "hit_rate": round(stats["sentiment_memo_hits"] / max(stats["scored"], 1), 3),
        "cpu_s_memo": round(best["memo"], 3),
        "cpu_s_no_memo": round(best["no_memo"], 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("connector")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--brands", type=Path, help="JSON list of brands (id, name, aliases)")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the JSON only")
    args = parser.parse_args(argv)
    brands = (
        [Brand(**b) for b in json.loads(args.brands.read_text(encoding="utf-8"))]
        if args.brands
        else []
    )
    batches = read_batches(args.connector, args.paths, args.batch_size)
    tune_worker()
    result = {"connector": args.connector, **run(batches, brands, args.rounds)}
    if not args.json:
        width = max(map(len, result))
        for key, value in result.items():
            print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
