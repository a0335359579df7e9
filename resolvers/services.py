"""The analysis services the API serves (``algorithms/``), imported in this one place."""

from __future__ import annotations

from algorithms.capital import social_capital
from algorithms.models import CommunityParams, InfluenceParams
from algorithms.paths import PathParams, find_advocacy_paths
from algorithms.runs import run_communities, run_influence

__all__ = [
    "CommunityParams",
    "InfluenceParams",
    "PathParams",
    "find_advocacy_paths",
    "run_communities",
    "run_influence",
    "social_capital",
]
