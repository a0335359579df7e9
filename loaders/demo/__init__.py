"""Demo data: channel-native files with planted communities, voices and identities.

``generate(out, size="small", seed=42)`` writes one sub-folder per connector
(``twitter/``, ``weibo/``, ``reddit/``, ``slack/``, ``wechat-work/``, ``shopify/``),
``brands.json`` and ``truth.json`` (what was planted; see :mod:`loaders.demo.truth`).
"""

from __future__ import annotations

from loaders.demo.config import SIZES, scale_for
from loaders.demo.generate import CONNECTOR_DIRS, DemoError, generate
from loaders.demo.truth import Truth

__all__ = ["CONNECTOR_DIRS", "SIZES", "DemoError", "Truth", "generate", "scale_for"]
