"""Errors an analysis raises for bad parameters, each with a stable ``code``.

    ScrmError
     └── AnalysisError          an analysis cannot run with these parameters
          ├── UnknownBrand      the brand id is not in the graph     (UNKNOWN_BRAND)
          ├── UnknownTarget     a source/target node is not there     (UNKNOWN_TARGET)
          └── BadParameter      a parameter is out of range or malformed (BAD_PARAMETER)

The CLI prints the message on one line; the API reports ``code`` in ``extensions.code``.
"""

from __future__ import annotations

from graph.errors import ScrmError

__all__ = ["AnalysisError", "BadParameter", "UnknownBrand", "UnknownTarget"]


class AnalysisError(ScrmError):
    """An analysis cannot run with the parameters it was given."""

    code = "ANALYSIS_ERROR"


class UnknownBrand(AnalysisError):
    """No Brand node has the given id; ``brand`` holds it."""

    code = "UNKNOWN_BRAND"

    def __init__(self, brand: str, known: list[str] | None = None) -> None:
        hint = f" (known brands: {', '.join(known)})" if known else " (the graph holds no Brand)"
        super().__init__(f"unknown brand {brand!r}{hint}")
        self.brand = brand


class UnknownTarget(AnalysisError):
    """A customer or account named as source or target is not in the graph."""

    code = "UNKNOWN_TARGET"

    def __init__(self, node: str, role: str = "target") -> None:
        super().__init__(f"unknown {role} {node!r}: no Customer or Account has this id")
        self.node = node
        self.role = role


class BadParameter(AnalysisError):
    """A parameter is out of range or malformed; ``parameter`` names it."""

    code = "BAD_PARAMETER"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
