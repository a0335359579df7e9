"""Agreement between two partitions: normalised mutual information (NMI)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

__all__ = ["normalized_mutual_information"]


def normalized_mutual_information(
    labels_true: Sequence[Hashable], labels_found: Sequence[Hashable]
) -> float:
    """NMI of two labelings of the same items, normalised by the mean of the entropies.

    Parameters
    ----------
    labels_true, labels_found : sequences of hashable
        The label of each item in each partition (same length, same item order).

    Returns
    -------
    float
        In [0, 1]: 1 when the partitions are the same up to renaming, near 0
        when they are independent.  Two one-cluster partitions score 1.

    Raises
    ------
    ValueError
        If the sequences differ in length.

    Notes
    -----
    ``NMI = 2 I(T; F) / (H(T) + H(F))`` with natural logarithms, the
    arithmetic normalisation of Danon et al. (and scikit-learn's default).

    References
    ----------
    .. [1] L. Danon, A. Díaz-Guilera, J. Duch and A. Arenas, "Comparing community
       structure identification", J. Stat. Mech. P09008 (2005).

    Examples
    --------
    >>> normalized_mutual_information(["a", "a", "b", "b"], [1, 1, 0, 0])
    1.0
    """
    if len(labels_true) != len(labels_found):
        raise ValueError("the two labelings must cover the same items")
    n = len(labels_true)
    if n == 0:
        return 1.0
    _, t = np.unique(np.asarray(labels_true, dtype=object).astype(str), return_inverse=True)
    _, f = np.unique(np.asarray(labels_found, dtype=object).astype(str), return_inverse=True)
    joint = np.zeros((t.max() + 1, f.max() + 1))
    np.add.at(joint, (t, f), 1.0)
    joint /= n
    pt, pf = joint.sum(axis=1), joint.sum(axis=0)
    nz = joint > 0
    mutual = float((joint[nz] * np.log(joint[nz] / np.outer(pt, pf)[nz])).sum())
    ht = -float((pt * np.log(pt)).sum())
    hf = -float((pf * np.log(pf)).sum())
    if ht + hf == 0:
        return 1.0
    return max(0.0, min(1.0, 2 * mutual / (ht + hf)))
