"""Weighted PageRank over a projection: igraph's PRPACK by default, networkx as the reference."""

from __future__ import annotations

from typing import Literal

import numpy as np

from algorithms.errors import BadParameter
from algorithms.projection import FloatArray, Projection

__all__ = ["pagerank"]

Implementation = Literal["igraph", "networkx"]


def pagerank(
    projection: Projection,
    *,
    alpha: float = 0.85,
    implementation: Implementation = "igraph",
    tol: float = 1e-10,
) -> FloatArray:
    """PageRank of every node of ``projection``, with edge weights.

    Rank flows along u→v ("u engaged with / follows v") in proportion to the
    edge weight, so a node ranks high when people who rank high engage with it.
    Dangling nodes (no outgoing edge) spread their rank uniformly, as in
    networkx's default.

    Parameters
    ----------
    projection : Projection
        The directed weighted graph (``src``, ``dst``, ``weight``).
    alpha : float, optional
        Damping factor, in (0, 1).  Default 0.85.
    implementation : {"igraph", "networkx"}, optional
        ``"igraph"`` runs PRPACK in igraph's C core (the fast path);
        ``"networkx"`` runs :func:`networkx.pagerank` (the reference).
    tol : float, optional
        Convergence tolerance of the networkx power iteration (PRPACK solves
        to machine precision).

    Returns
    -------
    numpy.ndarray
        float64 array aligned with ``projection.ids``, summing to 1 (empty for
        an empty projection).

    Raises
    ------
    BadParameter
        If ``alpha`` is not in (0, 1) or ``implementation`` is unknown.

    Notes
    -----
    PRPACK solves the PageRank linear system directly (Gleich et al.), which
    is why it is both faster and more precise than power iteration.  The two
    implementations agree to within 1e-6 in L1 norm on the test graphs.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani and T. Winograd, "The PageRank citation
       ranking: Bringing order to the Web", Stanford InfoLab, 1999.
    .. [2] A. N. Langville and C. D. Meyer, "Deeper inside PageRank", Internet
       Mathematics 1(3), 2004.
    .. [3] D. F. Gleich, A. P. Gray, C. Greif and T. Lau, "An inner-outer
       iteration for computing PageRank", SIAM J. Sci. Comput. 32(1), 2010.

    Examples
    --------
    A star where three leaves engage with the hub ranks the hub first:
    ``pagerank(p)[p.index["hub"]]`` is about 0.48 for ``alpha=0.85``.
    """
    if not 0.0 < alpha < 1.0:
        raise BadParameter("alpha", f"the damping factor must be in (0, 1), not {alpha!r}")
    if projection.node_count == 0:
        return np.zeros(0, dtype=np.float64)
    if implementation == "igraph":
        return _pagerank_igraph(projection, alpha)
    if implementation == "networkx":
        return _pagerank_networkx(projection, alpha, tol)
    raise BadParameter("implementation", f"must be 'igraph' or 'networkx', not {implementation!r}")


def _pagerank_igraph(projection: Projection, alpha: float) -> FloatArray:
    graph = projection.to_igraph(directed=True, names=False)
    weights = "weight" if projection.edge_count else None
    ranks = graph.pagerank(directed=True, damping=alpha, weights=weights, implementation="prpack")
    return np.asarray(ranks, dtype=np.float64)


def _pagerank_networkx(projection: Projection, alpha: float, tol: float) -> FloatArray:
    import networkx as nx

    ranks = nx.pagerank(
        projection.to_networkx(directed=True),
        alpha=alpha,
        weight="weight",
        tol=tol,
        max_iter=10_000,
    )
    return np.fromiter((ranks[node] for node in projection.ids), dtype=np.float64)
