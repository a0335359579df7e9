"""The stored analyses' entry points: influence and communities, computed or reused."""

from __future__ import annotations

from algorithms.community_run import run_communities
from algorithms.influence_run import run_influence
from algorithms.models import CommunityParams, CommunityRun, InfluenceParams, InfluenceRun

__all__ = [
    "CommunityParams",
    "CommunityRun",
    "InfluenceParams",
    "InfluenceRun",
    "run_communities",
    "run_influence",
]
