"""ClusterMembership: a customer's place in the clusters of a community analysis."""

from __future__ import annotations

import strawberry

from schema.account import Account
from schema.analysis_run import AnalysisRun
from schema.cluster import Cluster

__all__ = ["ClusterMembership"]


@strawberry.type(
    description="A cluster a customer falls in, directly or through one of its accounts."
)
class ClusterMembership:
    cluster: Cluster
    run: AnalysisRun
    via: Account | None = strawberry.field(
        description="The account that is the member (null: the customer itself, customer level)."
    )
