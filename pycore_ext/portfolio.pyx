"""Portfolio construction: top-K by score, equal or inverse-volatility weights, caps.

``build_weights`` picks the ``top_k`` highest scores, weights them equally or by
inverse volatility, then enforces a maximum weight per name and per sector by
water-filling: excess weight above a cap is taken away and handed to the names
and sectors still below their caps, in proportion to their raw weights, until
nothing exceeds a cap. What no one can absorb stays in cash.

Inputs are checked once in ``build_weights``; the water-filling is a C loop
(``c_cap_weights``) over typed arrays.
"""

import numpy as np

from libc.math cimport isfinite

from pycore_ext.rowbuf import enum_names

# label of each WeightScheme code (portfolio.pxd is the one source)
WEIGHTINGS = enum_names(WeightScheme, "WS_")

# rounds of water-filling before giving up (each round caps, then hands the excess on)
cdef int _MAX_ROUNDS = 200


cdef int c_cap_weights(double[::1] w, const double[::1] raw, const int[::1] sectors, const Py_ssize_t[::1] chosen,
                       int nsec, double max_weight, double sector_cap, double[::1] sec_tot,
                       Py_ssize_t[::1] open_) noexcept:
    cdef Py_ssize_t m = chosen.shape[0], j, i, n_open
    cdef int it, k
    cdef double excess, s, room
    for it in range(_MAX_ROUNDS):
        excess = 0.0
        # name caps
        for j in range(m):
            i = chosen[j]
            if w[i] > max_weight + 1e-15:
                excess += w[i] - max_weight
                w[i] = max_weight
        # sector caps
        for k in range(nsec):
            sec_tot[k] = 0.0
        for j in range(m):
            i = chosen[j]
            sec_tot[sectors[i]] += w[i]
        for k in range(nsec):
            if sec_tot[k] > sector_cap + 1e-15:
                s = sector_cap / sec_tot[k]
                for j in range(m):
                    i = chosen[j]
                    if sectors[i] == k:
                        excess += w[i] * (1 - s)
                        w[i] *= s
                sec_tot[k] = sector_cap
        if excess <= 1e-12:
            return it + 1
        # hand the excess to names below their cap in sectors below theirs
        n_open = 0
        for j in range(m):
            i = chosen[j]
            if w[i] < max_weight - 1e-15 and sec_tot[sectors[i]] < sector_cap - 1e-15:
                open_[n_open] = i
                n_open += 1
        if n_open == 0:
            return it + 1
        room = 0.0
        for j in range(n_open):
            room += raw[open_[j]]
        for j in range(n_open):
            i = open_[j]
            w[i] += excess * raw[i] / room
    return _MAX_ROUNDS


cpdef object build_weights(double[::1] scores, double[::1] vols, int[::1] sectors, int top_k, str scheme="EQUAL",
                           double max_weight=1.0, double sector_cap=1.0):
    """Target weights (same order as ``scores``; 0 for names not chosen)."""
    cdef Py_ssize_t n = scores.shape[0], i, j, m
    cdef WeightScheme ws
    cdef int nsec = 0
    if vols.shape[0] != n or sectors.shape[0] != n:
        raise ValueError("scores, vols and sectors must have the same length")
    if top_k < 1:
        raise ValueError("top_k must be >= 1")
    if scheme not in WEIGHTINGS:
        raise ValueError(f"scheme must be {' or '.join(WEIGHTINGS)}, got {scheme!r}")
    ws = <WeightScheme><int>WEIGHTINGS.index(scheme)
    if not (0 < max_weight <= 1 and 0 < sector_cap <= 1):
        raise ValueError("max_weight and sector_cap must be in (0, 1]")
    w = np.zeros(n)
    # candidates: a finite score (and, for INVERSE_VOL, a finite positive volatility), in position order
    cand = np.empty(n, dtype=np.intp)
    cdef Py_ssize_t[::1] cv = cand
    m = 0
    for i in range(n):
        if isfinite(scores[i]) and (ws == WS_EQUAL or (isfinite(vols[i]) and vols[i] > 0)):
            cv[m] = i
            m += 1
    if m == 0:
        return w
    neg = np.empty(m)
    cdef double[::1] nv = neg
    for j in range(m):
        nv[j] = -scores[cv[j]]
    # best score first, ties by position (a stable sort of positions already in order)
    chosen = cand[:m][np.argsort(neg, kind="stable")[:top_k]]
    cdef Py_ssize_t[::1] ch = chosen
    m = ch.shape[0]
    raw = np.zeros(n)
    cdef double[::1] rv = raw
    for j in range(m):
        i = ch[j]
        if sectors[i] < 0:
            raise ValueError(f"sector codes must be >= 0, got {sectors[i]} at {i}")
        rv[i] = 1.0 if ws == WS_EQUAL else 1.0 / vols[i]
        nsec = max(nsec, sectors[i] + 1)
    raw /= raw.sum()
    w[:] = raw
    c_cap_weights(w, raw, sectors, ch, nsec, max_weight, sector_cap, np.zeros(nsec), np.empty(m, dtype=np.intp))
    return w
