"""Portfolio construction: top-K by score, equal or inverse-volatility weights, caps.

``build_weights`` picks the ``top_k`` highest scores, weights them equally or by
inverse volatility, then enforces a maximum weight per name and per sector by
water-filling: excess weight above a cap is taken away and handed to the names
and sectors still below their caps, in proportion to their raw weights, until
nothing exceeds a cap. What no one can absorb stays in cash.
"""

import numpy as np

from libc.math cimport isfinite


def build_weights(double[::1] scores, double[::1] vols, int[::1] sectors, int top_k, str scheme="EQUAL",
                  double max_weight=1.0, double sector_cap=1.0):
    """Target weights (same order as ``scores``; 0 for names not chosen)."""
    cdef Py_ssize_t n = scores.shape[0], i, j, k
    cdef double total, excess, room, absorb, s
    cdef int it, nsec
    if vols.shape[0] != n or sectors.shape[0] != n:
        raise ValueError("scores, vols and sectors must have the same length")
    if top_k < 1:
        raise ValueError("top_k must be >= 1")
    if scheme not in ("EQUAL", "INVERSE_VOL"):
        raise ValueError(f"scheme must be EQUAL or INVERSE_VOL, got {scheme!r}")
    if not (0 < max_weight <= 1 and 0 < sector_cap <= 1):
        raise ValueError("max_weight and sector_cap must be in (0, 1]")
    w = np.zeros(n)
    cand = [i for i in range(n) if isfinite(scores[i]) and (scheme == "EQUAL" or (isfinite(vols[i]) and vols[i] > 0))]
    if not cand:
        return w
    cand.sort(key=lambda i: (-scores[i], i))
    chosen = cand[:top_k]
    raw = np.zeros(n)
    for i in chosen:
        raw[i] = 1.0 if scheme == "EQUAL" else 1.0 / vols[i]
    raw /= raw.sum()
    w[:] = raw
    nsec = int(max(sectors[i] for i in chosen)) + 1
    for it in range(200):
        excess = 0.0
        # name caps
        for i in chosen:
            if w[i] > max_weight + 1e-15:
                excess += w[i] - max_weight
                w[i] = max_weight
        # sector caps
        sec_tot = np.zeros(nsec)
        for i in chosen:
            sec_tot[sectors[i]] += w[i]
        for k in range(nsec):
            if sec_tot[k] > sector_cap + 1e-15:
                s = sector_cap / sec_tot[k]
                for i in chosen:
                    if sectors[i] == k:
                        excess += w[i] * (1 - s)
                        w[i] *= s
                sec_tot[k] = sector_cap
        if excess <= 1e-12:
            break
        # hand the excess to names below their cap in sectors below theirs
        open_ = [i for i in chosen if w[i] < max_weight - 1e-15 and sec_tot[sectors[i]] < sector_cap - 1e-15]
        if not open_:
            break
        room = sum(raw[i] for i in open_)
        for i in open_:
            w[i] += excess * raw[i] / room
    return w
