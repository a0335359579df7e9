"""Benchmark: post sentiment, the fast default path against the plain one, same texts.

Usage (from the checkout)::

    .venv/bin/python bench/sentiment.py                 # table, then the result as JSON
    .venv/bin/python bench/sentiment.py --json          # the JSON only
    .venv/bin/python bench/sentiment.py --build-corpus /work/shared/data   # rewrite the corpus

The texts are the attributed corpus of real posts in
``tests/data/sentiment-corpus/texts.json`` (tweets, user bios and display
names, Reddit comments and titles, Slack and Facebook messages; Weibo posts)
plus the demo generator's post texts in English and Chinese.  ``old`` is
:class:`loaders.sentiment_reference.ReferenceSentiment` (every pattern on every
text, English through the ``vaderSentiment`` package), ``new`` is
:class:`loaders.sentiment.DefaultSentiment`.  Both score every text first and
must agree (within 1e-12) or the run fails; ``vader`` compares the English
compound score alone (the package against :class:`loaders.vader.Vader`).

Timing is CPU time of the process (``time.process_time``), so other jobs on a
shared machine count less: each group of texts is scored ``--rounds`` times by
each model, the two taking turns on chunks of 200 texts, and the fastest round
counts (per text, in µs).  The
first round of ``new`` is also given: it includes learning each new word.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.model import Post  # noqa: E402
from loaders.base import LoadOptions, Source  # noqa: E402
from loaders.demo.config import BRANDS, THEMES  # noqa: E402
from loaders.demo.text import render  # noqa: E402
from loaders.demo.words import TEMPLATES  # noqa: E402
from loaders.directory import plan_directory  # noqa: E402
from loaders.registry import get_connector  # noqa: E402
from loaders.sentiment import DefaultSentiment  # noqa: E402
from loaders.sentiment_reference import PackageVader, ReferenceSentiment  # noqa: E402
from loaders.vader import Vader  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "sentiment-corpus" / "texts.json"
TOLERANCE = 1e-12
_CHUNK = 200  # texts timed at a time
T = TypeVar("T")

# Which string fields of which sample folder are texts people wrote (not ids or labels).
_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "twitter-v1.1-tweepy-cassettes": ("en", ("text", "full_text", "description", "name")),
    "twitter-v2-twarc-csv-testdata": ("en", ("text", "description", "name")),
    "twitter-v2-tweepy-cassettes": ("en", ("text", "description", "name")),
    "reddit-praw-cassettes": ("en", ("body", "title", "selftext")),
    "slack-export-slack-export-viewer": ("en", ("text",)),
    "facebook-graph-restfb-fixtures": ("en", ("message",)),
    "weibo-ced-repost-cascades-sample": ("zh", ("text",)),
    "weibo-api-v2-spring-social-weibo": ("zh", ("text", "description")),
}
_WEIBO_SAMPLE = 3000  # every n-th CED repost text, to keep the corpus under 1 MB


def _strings(node: Any, fields: tuple[str, ...]) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str):
                if key in fields and value.strip():
                    yield value
            else:
                yield from _strings(value, fields)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, fields)


def build_corpus(data_dir: Path) -> dict[str, dict[str, list[str]]]:
    """``{lang: {folder: [distinct texts]}}`` from the sample data folders."""
    corpus: dict[str, dict[str, list[str]]] = {"en": {}, "zh": {}}
    seen: set[str] = set()
    for folder, (lang, fields) in _FIELDS.items():
        texts: list[str] = []
        for path in sorted((data_dir / folder).rglob("*.json*")):
            lines = path.read_text(encoding="utf-8").splitlines()
            for doc in lines if path.suffix == ".jsonl" else ["\n".join(lines)]:
                try:
                    parsed = json.loads(doc) if doc.strip() else None
                except json.JSONDecodeError:
                    continue
                for text in _strings(parsed, fields):
                    if text not in seen:
                        seen.add(text)
                        texts.append(text)
        if folder == "weibo-ced-repost-cascades-sample" and len(texts) > _WEIBO_SAMPLE:
            step = len(texts) / _WEIBO_SAMPLE
            texts = [texts[int(k * step)] for k in range(_WEIBO_SAMPLE)]
        corpus[lang][folder] = texts
    return corpus


def load_corpus(path: Path = CORPUS) -> dict[str, list[str]]:
    """The corpus's texts by language (``en``, ``zh``)."""
    raw: dict[str, dict[str, list[str]]] = json.loads(path.read_text(encoding="utf-8"))
    return {lang: [t for texts in folders.values() for t in texts] for lang, folders in raw.items()}


def demo_texts(lang: str, per_kind: int = 300, seed: int = 7) -> list[str]:
    """Distinct post texts of the demo generator's templates, rendered as it renders them."""
    rng = random.Random(seed)
    texts: dict[str, None] = {}
    for kind in TEMPLATES[lang]:
        for _ in range(per_kind):
            bits = rng.getrandbits(64)
            text = render(
                kind, lang=lang, bits=bits, theme=rng.choice(THEMES), brand=rng.choice(BRANDS)
            )
            texts[text] = None
    return list(texts)


def _mismatches(old: Callable[[T], Any], new: Callable[[T], Any], items: list[T]) -> int:
    bad = 0
    for item in items:
        a, b = old(item), new(item)
        if (a is None) != (b is None) or (a is not None and abs(a - b) > TOLERANCE):
            bad += 1
    return bad


def _each(score: Callable[[T], Any]) -> Callable[[list[T]], Any]:
    """A chunk scored one item at a time."""
    return lambda chunk: [score(item) for item in chunk]


def _time(score: Callable[[list[T]], Any], chunk: list[T]) -> float:
    started = time.process_time()
    score(chunk)
    return time.process_time() - started


def _race(
    old: Callable[[list[T]], Any],
    new: Callable[[list[T]], Any],
    items: list[T],
    rounds: int,
    chunk: int = _CHUNK,
) -> dict[str, Any]:
    # Old and new take turns on small chunks, so a burst of other work on the machine
    # falls on both alike; the fastest round of each counts.
    chunks = [items[k : k + chunk] for k in range(0, len(items), chunk)]
    first_new = sum(_time(new, c) for c in chunks)
    best_old, best_new = float("inf"), first_new
    for _ in range(rounds):
        spent_old = spent_new = 0.0
        for c in chunks:
            spent_old += _time(old, c)
            spent_new += _time(new, c)
        best_old, best_new = min(best_old, spent_old), min(best_new, spent_new)
    per = 1e6 / len(items)
    return {
        "texts": len(items),
        "old_us": round(best_old * per, 2),
        "new_us": round(best_new * per, 2),
        "new_first_round_us": round(first_new * per, 2),
        "ratio": round(best_old / best_new, 2),
    }


def _fresh_default() -> DefaultSentiment:
    model = DefaultSentiment()
    model.score("a", "en")  # builds its VADER (reading the lexicon) before any timing
    return model


def run(rounds: int, corpus_path: Path, demo_set: Path | None = None) -> dict[str, Any]:
    """Check and time every group; the result as a JSON-able dict."""
    corpus = load_corpus(corpus_path)
    groups = {
        "real_en": corpus["en"],
        "demo_en": demo_texts("en"),
        "real_zh": corpus["zh"],
        "demo_zh": demo_texts("zh"),
    }
    groups["all"] = [t for texts in groups.values() for t in texts]
    reference, package = ReferenceSentiment(), PackageVader()
    result: dict[str, Any] = {"rounds": rounds, "groups": {}}

    def old(text: str) -> float | None:
        return reference.score(text, None)

    mismatches = 0
    for name, texts in groups.items():
        mismatches += _mismatches(old, partial(_fresh_default().score, lang=None), texts)
        # A fresh model, so the first round learns the group's words from scratch.
        new = partial(_fresh_default().score, lang=None)
        result["groups"][name] = _race(_each(old), _each(new), texts, rounds)
    english = groups["real_en"] + groups["demo_en"]
    mismatches += _mismatches(package.compound, Vader().compound, english)
    result["vader_compound"] = _race(
        _each(package.compound), _each(Vader().compound), english, rounds
    )
    if demo_set is not None:
        mismatches += _demo_set(demo_set, reference, rounds, result)
    result["mismatches"] = mismatches
    return result


def demo_set_posts(directory: Path) -> list[tuple[str, str | None]]:
    """``(text, lang)`` of every post of a demo set that the load would score."""
    posts: list[tuple[str, str | None]] = []
    for name, folder in plan_directory(directory).jobs:
        spec = get_connector(name)
        paths = (
            [folder]
            if spec.directory_source
            else sorted(p for pattern in spec.patterns for p in folder.rglob(pattern))
        )
        for path in paths:
            for item in spec.parse(Source.from_path(path), options=LoadOptions()):
                if isinstance(item, Post) and item.text and item.sentiment is None:
                    posts.append((item.text, item.lang))
    return posts


def _demo_set(
    directory: Path, reference: ReferenceSentiment, rounds: int, result: dict[str, Any]
) -> int:
    """Time the posts of a demo set as the load scores them: with their languages, in
    chunks of 1,000 (a batch of records holds about that many posts), one by one and
    through ``score_many``; return how many scores differ."""
    posts = demo_set_posts(directory)
    model = _fresh_default()

    def old(post: tuple[str, str | None]) -> float | None:
        return reference.score(*post)

    def new(post: tuple[str, str | None]) -> float | None:
        return model.score(*post)

    def many(chunk: list[tuple[str, str | None]]) -> list[float | None]:
        return model.score_many([t for t, _ in chunk], [lang for _, lang in chunk])

    bad = _mismatches(old, new, posts)
    result["demo_set"] = {
        "directory": str(directory),
        "distinct_posts": len(set(posts)),
        "score": _race(_each(old), _each(new), posts, rounds, chunk=1000),
        "score_many": _race(_each(old), many, posts, rounds, chunk=1000),
    }
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per model")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--demo", type=Path, metavar="DIR", help="also the posts of a `scrm demo generate` set"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON result only")
    parser.add_argument(
        "--build-corpus", type=Path, metavar="DATA_DIR", help="rewrite --corpus from DATA_DIR"
    )
    args = parser.parse_args()
    if args.build_corpus:
        corpus = build_corpus(args.build_corpus)
        args.corpus.write_text(json.dumps(corpus, ensure_ascii=False, indent=0) + "\n")
        counts = {lang: {k: len(v) for k, v in f.items()} for lang, f in corpus.items()}
        print(json.dumps(counts, indent=2))
        return
    result = run(args.rounds, args.corpus, args.demo)
    if not args.json:
        print(f"{'group':<16}{'texts':>7}{'old µs':>9}{'new µs':>9}{'first':>9}{'ratio':>7}")
        rows = {**result["groups"], "vader_compound": result["vader_compound"]}
        for name, row in rows.items():
            print(
                f"{name:<16}{row['texts']:>7}{row['old_us']:>9}{row['new_us']:>9}"
                f"{row['new_first_round_us']:>9}{row['ratio']:>7}"
            )
        if "demo_set" in result:
            for how in ("score", "score_many"):
                row = result["demo_set"][how]
                print(
                    f"demo set posts, {how}: {row['texts']} posts, old {row['old_us']} µs,"
                    f" new {row['new_us']} µs, ratio {row['ratio']}"
                )
        print(f"mismatches (|old - new| > {TOLERANCE}): {result['mismatches']}")
    print(json.dumps(result))
    if result["mismatches"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
