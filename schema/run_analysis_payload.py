"""RunAnalysisPayload: what ``runAnalysis`` answers."""

from __future__ import annotations

import strawberry

from schema.analysis_run import AnalysisRun

__all__ = ["RunAnalysisPayload"]


@strawberry.type(description="The stored run, and whether it was reused.")
class RunAnalysisPayload:
    run: AnalysisRun | None = strawberry.field(
        description="Null when the scope holds nothing to analyse (see note)."
    )
    reused: bool = strawberry.field(
        description="The run was already stored for these parameters and this graph version."
    )
    note: str | None
