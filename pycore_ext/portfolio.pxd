# Contract of portfolio construction: top-K by score, equal or inverse-volatility weights, name and sector caps.

cpdef enum WeightScheme:        # WEIGHTINGS; config portfolio.weighting
    WS_EQUAL = 0
    WS_INVERSE_VOL = 1

cpdef object build_weights(double[::1] scores, double[::1] vols, int[::1] sectors, int top_k, str scheme=*,
                           double max_weight=*, double sector_cap=*)

# Water-fill ``w`` (the chosen names' raw weights on entry) under the caps, in place; returns the rounds taken.
# ``chosen[0..m-1]`` index ``w``, ``raw`` and ``sectors``; ``sec_tot`` (nsec slots) and ``open_`` (m slots) are scratch.
cdef int c_cap_weights(double[::1] w, const double[::1] raw, const int[::1] sectors, const Py_ssize_t[::1] chosen,
                       int nsec, double max_weight, double sector_cap, double[::1] sec_tot,
                       Py_ssize_t[::1] open_) noexcept
