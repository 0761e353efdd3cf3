"""The daily loop: plan orders from target weights, execute them, record the day.

``BacktestRunner.run(until)`` simulates days ``next_day .. until-1`` and returns,
so the Python layer can drain the row buffers with COPY and report progress
between chunks. The strategy is any object with ``target_positions_fn(date)``
returning ``{instrument_id: weight}``; it is called on rebalance days only,
while the TimeMachine shows it nothing dated on or after that date. Optional
hooks, called after it on the same day: ``decision_context(date)`` (the
decision's inputs) and ``optimization_params(date)`` (the portfolio-construction
parameters behind the target), both JSON-able dicts.

The runner trades only through the ``BrokerInterface`` contract: ``begin_day``
every day (a BACKTEST broker closes delisted positions there), then on
rebalance days ``submit_order`` per planned order and ``process_fills``. Any
broker, a Python subclass included, runs unchanged.
"""

import json

import numpy as np

from libc.math cimport fabs, floor, isfinite, isinf, isnan
from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdio cimport snprintf
from libc.stdlib cimport free, realloc
from libc.string cimport memcmp, memcpy, strlen
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE

from pycore_ext.broker cimport (DEC_AS_OF_DATE, DEC_DECISION_ID, DEC_INPUT_REFS, DEC_METADATA, DEC_OUTPUT_REFS,
                                EQ_AS_OF_DATE, EQ_CASH, EQ_DAILY_RETURN, EQ_DRAWDOWN, EQ_EQUITY, EQ_EXPOSURE_JSON,
                                EQ_GROSS, EQ_LONG_VALUE, EQ_N_POSITIONS, EQ_NET, POS_AS_OF_DATE, POS_AVG_COST,
                                POS_INSTRUMENT, POS_LAST_PRICE, POS_MARKET_VALUE, POS_QUANTITY, POS_SNAPSHOT_ID,
                                POS_TARGET_WEIGHT, POS_TS, POS_UNREALIZED_PNL, POS_WEIGHT, T_DECISIONS, T_POSITIONS,
                                T_TARGETS, TGT_AS_OF_DATE, TGT_DECISION_ID, TGT_METADATA, TGT_OPTIMIZATION_PARAMS,
                                TGT_TARGET_ID, TGT_TARGET_POSITIONS, BacktestBroker, BrokerInterface, RunBuffers)
from pycore_ext.rowbuf cimport RowTable
from pycore_ext.simulator cimport BUY, SELL, Mark, MarketSimulator, Side
from pycore_ext.simulator import SIDES
from pycore_ext.timemachine cimport TimeMachine


cdef extern from "Python.h":
    char* PyOS_double_to_string(double val, char format_code, int precision, int flags, int* ptype) except NULL
    void PyMem_Free(void* p)
    object PyUnicode_DecodeASCII(const char* s, Py_ssize_t size, const char* errors)
    int Py_DTSF_ADD_DOT_0


# json.dumps(obj, default=str), without building its encoder on every call
_DUMPS = json.JSONEncoder(default=str).encode


class StrategyError(ValueError):
    """The strategy returned targets the runner cannot trade."""


# ------------------------------------------------------------- text in C: the rows' JSON, as Python writes it
cdef int _put(Text* x, const char* data, Py_ssize_t k) except -1:
    cdef Py_ssize_t cap
    cdef void* p
    if x.n + k > x.cap:
        cap = max(256, 2 * x.cap, x.n + k)
        p = realloc(x.buf, cap)
        if p == NULL:
            raise MemoryError()
        x.buf = <char*>p
        x.cap = cap
    memcpy(x.buf + x.n, data, k)
    x.n += k
    return 0


cdef inline int _put_s(Text* x, const char* s) except -1:
    return _put(x, s, <Py_ssize_t>strlen(s))


# ---- repr of a double without the bignum arithmetic of Python's dtoa, for 2^-13 <= |v| < 2^53 (the range of the
# prices, cash, equity and weights of a run; anything else goes to Python's own PyOS_double_to_string). repr is the
# shortest decimal that reads back as v and, of those, the nearest to v: with v = m * 2^-s exactly, the decimals
# that read back as v are those inside v's rounding interval (its ends included when m is even, as strtod rounds
# half to even), so the shortest has the fewest digits after the point, k = 0, 1, 2, ...; every quantity below is
# an integer below 2^123 (m < 2^53 times 4, times 10^k with k <= 20). In this range repr writes no exponent.
cdef extern from *:
    ctypedef unsigned long long u128 "unsigned __int128"

cdef u128 _POW10[21]
cdef uint64_t _POW10_64[21]


cdef void _init_pow10() noexcept:
    cdef int k
    _POW10[0] = 1
    _POW10_64[0] = 1
    for k in range(1, 21):
        _POW10[k] = _POW10[k - 1] * 10
        _POW10_64[k] = _POW10_64[k - 1] * 10


_init_pow10()


cdef int _digits(char* out, uint64_t v) noexcept:
    """The decimal digits of ``v`` into ``out``; returns how many."""
    cdef char tmp[24]
    cdef int n = 0, j
    while True:
        tmp[n] = <char>(48 + v % 10)
        n += 1
        v //= 10
        if v == 0:
            break
    for j in range(n):
        out[j] = tmp[n - 1 - j]
    return n


cdef int _short_repr(double v, char* out) noexcept:
    """repr(v) into ``out`` (40 bytes); returns its length, or -1 when v is outside 2^-13 <= |v| < 2^53."""
    cdef uint64_t bits, frac, m, d, ip, fp
    cdef int be, shift, k, n = 0, j
    cdef u128 X, L, H, lo, hi, xv, q, rem, half, dlo, dhi, dn
    cdef bint even
    memcpy(&bits, &v, 8)
    be = <int>((bits >> 52) & 0x7FF)
    if be < 1023 - 13 or be >= 1023 + 53:
        return -1
    frac = bits & ((<uint64_t>1 << 52) - 1)
    m = frac | (<uint64_t>1 << 52)
    shift = 1075 - be + 2              # v = 4m / 2^shift
    X = (<u128>m) << 2
    H = X + 2
    L = X - 1 if frac == 0 else X - 2  # at a power of two the next double down is half as far
    even = (m & 1) == 0
    for k in range(21):
        lo = L * _POW10[k]
        hi = H * _POW10[k]
        q = lo >> shift
        if (q << shift) == lo:
            dlo = q if even else q + 1
        else:
            dlo = q + 1
        q = hi >> shift
        if (q << shift) == hi:
            if not even and q == 0:
                continue
            dhi = q if even else q - 1
        else:
            dhi = q
        if dlo > dhi:
            continue
        # the nearest to v of the candidates dlo .. dhi (halfway: the even one)
        xv = X * _POW10[k]
        dn = xv >> shift
        rem = xv - (dn << shift)
        half = (<u128>1) << (shift - 1)
        if rem > half or (rem == half and (dn & 1)):
            dn += 1
        if dn < dlo:
            dn = dlo
        elif dn > dhi:
            dn = dhi
        d = <uint64_t>dn
        if bits >> 63:
            out[n] = 45  # '-'
            n += 1
        ip = d // _POW10_64[k]
        fp = d - ip * _POW10_64[k]
        n += _digits(out + n, ip)
        out[n] = 46  # '.'
        n += 1
        if k == 0:
            out[n] = 48  # repr's ".0"
            return n + 1
        for j in range(k - 1, -1, -1):  # fp with k digits, leading zeros kept
            out[n + j] = <char>(48 + fp % 10)
            fp //= 10
        return n + k
    return -1


def short_repr(double v):
    """The fast repr of ``v`` (None outside its range): tests hold it to Python's repr."""
    cdef char buf[40]
    cdef int k = _short_repr(v, buf)
    return None if k < 0 else PyUnicode_DecodeASCII(buf, k, NULL)


cdef int _put_repr(Text* x, double v) except -1:
    """``repr(v)`` of a Python float (what an f-string's ``!r`` and json.dumps write for a finite float)."""
    cdef char buf[40]
    cdef int k = _short_repr(v, buf)
    cdef char* num
    if k >= 0:
        return _put(x, buf, k)
    num = PyOS_double_to_string(v, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
    try:
        _put(x, num, <Py_ssize_t>strlen(num))
    finally:
        PyMem_Free(num)
    return 0


cdef inline bint _memo_hit(Memo* m, double v) noexcept:
    return m.n > 0 and memcmp(&m.key, &v, sizeof(double)) == 0


cdef int _put_repr_memo(Text* x, double v, Memo* m) except -1:
    """``_put_repr`` through the memo of its field."""
    cdef char* num
    cdef Py_ssize_t k
    if not _memo_hit(m, v):
        k = _short_repr(v, m.s)
        if k < 0:
            num = PyOS_double_to_string(v, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
            try:
                k = <Py_ssize_t>strlen(num)
                if k >= <Py_ssize_t>sizeof(m.s):  # never for a double; then nothing is kept
                    m.n = 0
                    return _put(x, num, k)
                memcpy(m.s, num, k)
            finally:
                PyMem_Free(num)
        m.key = v
        m.n = <int>k
    return _put(x, m.s, m.n)


cdef int _put_json_float(Text* x, double v) except -1:
    """A float as json.dumps writes it (allow_nan: NaN, Infinity, -Infinity)."""
    if isnan(v):
        return _put_s(x, b"NaN")
    if isinf(v):
        return _put_s(x, b"Infinity" if v > 0 else b"-Infinity")
    return _put_repr(x, v)


cdef int _put_int(Text* x, int64_t v) except -1:
    cdef char tmp[32]
    cdef int k = snprintf(tmp, sizeof(tmp), b"%lld", <long long>v)
    return _put(x, tmp, k)


cdef inline str _take(Text* x):
    """The text so far as a str (ASCII), and the buffer emptied."""
    cdef str s = PyUnicode_DecodeASCII(x.buf, x.n, NULL)
    x.n = 0
    return s


cdef int _put_report(Text* x, PlanReport* rep) except -1:
    """``"equity_estimate": .., "orders": .., "fills": .., "sells": .., "buys": ..}`` of a report dict's JSON."""
    _put_s(x, b'"equity_estimate": ')
    _put_json_float(x, rep.equity_estimate)
    _put_s(x, b', "orders": ')
    _put_int(x, rep.orders)
    _put_s(x, b', "fills": ')
    _put_int(x, rep.fills)
    _put_s(x, b', "sells": ')
    _put_int(x, rep.sells)
    _put_s(x, b', "buys": ')
    _put_int(x, rep.buys)
    return _put_s(x, b"}")


cdef dict _report_dict(PlanReport* rep):
    return {"equity_estimate": rep.equity_estimate, "orders": rep.orders, "fills": rep.fills, "sells": rep.sells,
            "buys": rep.buys}


# ------------------------------------------------------------- planning
cdef Py_ssize_t _plan(const double* current, const double* ref_price, const double* target_weight, Py_ssize_t n,
                      double equity, double min_trade_value, int32_t* vi, int32_t* vs, double* vq) noexcept:
    """The orders of plan_orders into ``vi``, ``vs``, ``vq`` (n slots each); returns how many."""
    cdef Py_ssize_t i, k = 0
    cdef double ref, w, tgt, delta
    cdef int pass_
    for pass_ in range(2):  # 0: sells, 1: buys
        for i in range(n):
            ref = ref_price[i]
            if isnan(ref) or ref <= 0:
                continue
            w = target_weight[i]
            tgt = 0.0 if isnan(w) else floor(w * equity / ref)
            delta = tgt - current[i]
            if delta == 0:
                continue
            if (delta < 0) != (pass_ == 0):
                continue
            if fabs(delta) * ref < min_trade_value and tgt != 0:
                continue
            vi[k] = <int32_t>i
            vs[k] = SELL if delta < 0 else BUY
            vq[k] = fabs(delta)
            k += 1
    return k


def plan_orders(double[::1] current, double[::1] ref_price, double[::1] target_weight, double equity,
                double min_trade_value=0.0):
    """Orders that move ``current`` shares to the target weights.

    ``target_weight[i]`` is NaN for instruments outside the target (their target
    is 0 shares). Target shares are ``floor(w * equity / ref)``; a delta worth less
    than ``min_trade_value`` is dropped unless it closes the position; instruments
    without a reference price are left alone. Returns ``(instrument, side, quantity)``
    arrays with every SELL before every BUY, each group in instrument order.
    """
    cdef Py_ssize_t n = current.shape[0], k = 0
    if ref_price.shape[0] != n or target_weight.shape[0] != n:
        raise ValueError("current, ref_price and target_weight must have the same length")
    idx = np.empty(n, dtype=np.int32)
    side = np.empty(n, dtype=np.int32)
    qty = np.empty(n, dtype=np.float64)
    cdef int32_t[::1] vi = idx
    cdef int32_t[::1] vs = side
    cdef double[::1] vq = qty
    if n > 0:
        k = _plan(&current[0], &ref_price[0], &target_weight[0], n, equity, min_trade_value, &vi[0], &vs[0], &vq[0])
    return idx[:k], side[:k], qty[:k]


def apply_execution_plan(BacktestRunner runner, dict targets, int64_t decision_id) -> dict:
    """Current positions, plan, submit through the broker, fill and report."""
    cdef PlanReport rep
    weights = np.full(runner.tm.N, np.nan)
    for name, w in targets.items():
        weights[runner.index[name]] = w
    runner.c_execute_plan(runner.tm.t, weights, decision_id, &rep)
    return _report_dict(&rep)


cdef class BacktestRunner:
    """Runs a strategy over the TimeMachine's days through a broker, recording every day."""

    def __cinit__(self):
        self.text.buf = NULL
        self.text.n = 0
        self.text.cap = 0
        self.memo_gross.n = 0
        self.memo_long.n = 0
        self.memo_cash.n = 0

    def __dealloc__(self):
        free(self.text.buf)

    def __init__(self, TimeMachine tm, MarketSimulator sim, BrokerInterface broker, RunBuffers buf, object strategy,
                 rebalance, str config_json="{}"):
        if not callable(getattr(strategy, "target_positions_fn", None)):
            raise TypeError("strategy must have a callable target_positions_fn(date)")
        mask = np.ascontiguousarray(rebalance, dtype=np.uint8)
        if mask.shape[0] != tm.T:
            raise ValueError(f"rebalance mask has {mask.shape[0]} days, the TimeMachine {tm.T}")
        json.loads(config_json)
        self.tm = tm
        self.sim = sim
        self.broker = broker
        self.buf = buf
        self.strategy = strategy
        self.rebalance = mask
        names = tm.instruments
        self.index = {name: k for k, name in enumerate(names)}
        self.next_day = tm.t0
        self.rebalances = 0
        self.target_w = np.full(tm.N, np.nan)
        self._config_json = config_json
        self.plan_i = np.zeros(max(1, tm.N), dtype=np.int32)
        self.plan_side = np.zeros(max(1, tm.N), dtype=np.int32)
        self.plan_qty = np.zeros(max(1, tm.N), dtype=np.float64)
        self.by_name = np.array(sorted(range(tm.N), key=names.__getitem__), dtype=np.int32).reshape(-1)
        self.name_json = [json.dumps(name).encode("ascii") for name in names]

    cdef int c_execute_plan(self, int t, double[::1] weights, int64_t decision_id, PlanReport* rep) except -1:
        """apply_execution_plan on day ``t`` with target ``weights`` (NaN: not in the target)."""
        cdef TimeMachine tm = self.tm
        cdef MarketSimulator sim = self.sim
        cdef BacktestBroker bb
        cdef Py_ssize_t k, j
        cdef double equity = sim.c_equity_estimate(t)
        cdef tuple names
        k = 0
        if tm.N > 0:
            k = _plan(&sim.qty[0], &tm.close[t - 1, 0], &weights[0], tm.N, equity, sim.p.min_trade_value,
                      &self.plan_i[0], &self.plan_side[0], &self.plan_qty[0])
        rep.equity_estimate = equity
        rep.orders = <int>k
        rep.sells = 0
        for j in range(k):
            rep.sells += self.plan_side[j] == SELL
        rep.buys = <int>k - rep.sells
        if type(self.broker) is BacktestBroker:
            # the broker's own submit_order and process_fills, minus the checks a plan always passes
            bb = <BacktestBroker>self.broker
            for j in range(k):
                bb.c_submit(self.plan_i[j], <Side>self.plan_side[j], self.plan_qty[j], decision_id)
            rep.fills = bb.c_process_fills(bb.sim.tm.t)
        else:
            names = tm.instruments
            for j in range(k):
                self.broker.submit_order(names[self.plan_i[j]], SIDES[self.plan_side[j]], self.plan_qty[j], decision_id)
            rep.fills = self.broker.process_fills(tm.current_date)
        return 0

    cdef int c_record_mark(self, int t) except -1:
        cdef MarketSimulator sim = self.sim
        cdef Mark m = sim.c_mark(t)
        cdef RowTable e = self.buf.equity
        cdef RowTable p = self.buf.positions
        cdef Py_ssize_t r
        cdef int i, k, nh = sim.c_held()
        cdef double q, px, avg
        cdef int32_t day = self.tm.dates[t]
        cdef int64_t ts = self.tm.close_us[t]
        cdef int64_t id0
        cdef Text* x = &self.text
        cdef int64_t* sid
        cdef int64_t* pts
        cdef int32_t* pin
        cdef int32_t* pday
        cdef double* pq
        cdef double* pavg
        cdef double* pmv
        cdef double* ppnl
        cdef double* ppx
        cdef double* pw
        cdef double* ptw
        cdef const int32_t* held
        cdef const double* qty
        cdef const double* last_px
        cdef const double* avg_cost
        cdef const double* tw
        r = e.c_new_row()
        e.c_i32(EQ_AS_OF_DATE)[r] = day
        e.c_i32(EQ_N_POSITIONS)[r] = m.n_positions
        e.c_f64(EQ_EQUITY)[r] = m.equity
        e.c_f64(EQ_CASH)[r] = m.cash
        e.c_f64(EQ_DRAWDOWN)[r] = m.drawdown
        e.c_f64(EQ_GROSS)[r] = m.gross
        e.c_f64(EQ_NET)[r] = m.net
        e.c_f64(EQ_DAILY_RETURN)[r] = m.daily_return
        e.c_f64(EQ_LONG_VALUE)[r] = m.long_value
        # f'{{"gross": {m.gross!r}, "net": {m.net!r}, "long_value": {m.long_value!r}, "cash": {m.cash!r},
        #    "n_positions": {m.n_positions}}}'
        x.n = 0
        _put_s(x, b'{"gross": ')
        _put_repr_memo(x, m.gross, &self.memo_gross)
        _put_s(x, b', "net": ')
        if _memo_hit(&self.memo_gross, m.net):
            _put(x, self.memo_gross.s, self.memo_gross.n)
        else:
            _put_repr(x, m.net)
        _put_s(x, b', "long_value": ')
        _put_repr_memo(x, m.long_value, &self.memo_long)
        _put_s(x, b', "cash": ')
        _put_repr_memo(x, m.cash, &self.memo_cash)
        _put_s(x, b', "n_positions": ')
        _put_int(x, m.n_positions)
        _put_s(x, b"}")
        e.c_set_obj(EQ_EXPOSURE_JSON, r, _take(x))
        # one snapshot row per held name (every held name has qty != 0), in instrument order
        if nh == 0:
            return 0
        held = &sim.held[0]
        qty = &sim.qty[0]
        last_px = &sim.last_px[0]
        avg_cost = &sim.avg_cost[0]
        tw = &self.target_w[0]
        p.c_reserve(nh)
        r = p.c_new_rows(nh)
        id0 = self.buf.c_next_ids(T_POSITIONS, nh)
        sid = p.c_i64(POS_SNAPSHOT_ID) + r
        pts = p.c_i64(POS_TS) + r
        pin = p.c_i32(POS_INSTRUMENT) + r
        pday = p.c_i32(POS_AS_OF_DATE) + r
        pq = p.c_f64(POS_QUANTITY) + r
        pavg = p.c_f64(POS_AVG_COST) + r
        pmv = p.c_f64(POS_MARKET_VALUE) + r
        ppnl = p.c_f64(POS_UNREALIZED_PNL) + r
        ppx = p.c_f64(POS_LAST_PRICE) + r
        pw = p.c_f64(POS_WEIGHT) + r
        ptw = p.c_f64(POS_TARGET_WEIGHT) + r
        for k in range(nh):
            i = held[k]
            q = qty[i]
            px = last_px[i]
            avg = avg_cost[i]
            sid[k] = id0 + k
            pts[k] = ts
            pin[k] = i
            pday[k] = day
            pq[k] = q
            pavg[k] = avg
            pmv[k] = q * px
            ppnl[k] = q * (px - avg)
            ppx[k] = px
            pw[k] = q * px / m.equity
            ptw[k] = tw[i]
        return 0

    cdef int c_rebalance(self, int t) except -1:
        cdef RunBuffers buf = self.buf
        cdef RowTable tg, dc
        cdef Py_ssize_t r, ti, k, n
        cdef int i
        cdef int64_t decision_id, target_id
        cdef double total = 0.0, wv
        cdef PlanReport rep
        cdef Text* x = &self.text
        cdef bytes key
        cdef bint first
        day = self.tm.current_date
        targets = self.strategy.target_positions_fn(day)
        if not isinstance(targets, dict):
            targets = dict(targets)
        # checked whole before anything changes; each name's index and weight wait in the plan's scratch arrays
        n = 0
        for name, w in targets.items():
            ti = self.index.get(name, -1)
            if ti < 0:
                raise StrategyError(f"{day}: target names unknown instrument {name!r}")
            wv = w
            if not (isfinite(wv) and wv >= 0):
                raise StrategyError(f"{day}: weight of {name} is {w}; weights must be finite and >= 0")
            total += wv
            self.plan_i[n] = <int32_t>ti
            self.plan_qty[n] = wv
            n += 1
        if total > 1.0 + 1e-9:
            raise StrategyError(f"{day}: target weights sum to {total:.6f} > 1 (long-only, no leverage)")
        self.target_w[:] = np.nan
        for k in range(n):
            self.target_w[self.plan_i[k]] = self.plan_qty[k]
        decision_id = buf.c_next_id(T_DECISIONS)
        self.c_execute_plan(t, self.target_w, decision_id, &rep)
        self.rebalances += 1
        context = getattr(self.strategy, "decision_context", None)
        inputs = context(day) if callable(context) else {}
        construction = getattr(self.strategy, "optimization_params", None)
        params = construction(day) if callable(construction) else None
        target_id = buf.c_next_id(T_TARGETS)
        tg = buf.targets
        r = tg.c_new_row()
        tg.c_i64(TGT_TARGET_ID)[r] = target_id
        tg.c_i64(TGT_DECISION_ID)[r] = decision_id
        tg.c_i32(TGT_AS_OF_DATE)[r] = self.tm.dates[t]
        # json.dumps({k: float(v) for k, v in sorted(targets.items())}): every target name has a weight (finite),
        # every other name NaN, so the target in name order is the finite weights in by_name order
        x.n = 0
        _put_s(x, b"{")
        first = True
        for k in range(self.tm.N):
            i = self.by_name[k]
            wv = self.target_w[i]
            if isnan(wv):
                continue
            if not first:
                _put_s(x, b", ")
            first = False
            key = self.name_json[i]
            _put(x, PyBytes_AS_STRING(key), PyBytes_GET_SIZE(key))
            _put_s(x, b": ")
            _put_repr(x, wv)
        _put_s(x, b"}")
        tg.c_set_obj(TGT_TARGET_POSITIONS, r, _take(x))
        # json.dumps({"decision_id": decision_id, **report})
        _put_s(x, b'{"decision_id": ')
        _put_int(x, decision_id)
        _put_s(x, b", ")
        _put_report(x, &rep)
        tg.c_set_obj(TGT_METADATA, r, _take(x))
        tg.c_set_obj(TGT_OPTIMIZATION_PARAMS, r, None if params is None else _DUMPS(params))
        dc = buf.decisions
        r = dc.c_new_row()
        dc.c_i64(DEC_DECISION_ID)[r] = decision_id
        dc.c_i32(DEC_AS_OF_DATE)[r] = self.tm.dates[t]
        dc.c_set_obj(DEC_INPUT_REFS, r, _DUMPS(inputs))
        # json.dumps({"target_id": target_id, "n_targets": len(targets), **report})
        _put_s(x, b'{"target_id": ')
        _put_int(x, target_id)
        _put_s(x, b', "n_targets": ')
        _put_int(x, len(targets))
        _put_s(x, b", ")
        _put_report(x, &rep)
        dc.c_set_obj(DEC_OUTPUT_REFS, r, _take(x))
        dc.c_set_obj(DEC_METADATA, r, self._config_json)
        return 0

    def _rebalance(self, int t) -> None:
        self.c_rebalance(t)

    cdef int c_day(self, int t) except -1:
        self.tm.c_set_day(t)
        self.sim.c_corporate_actions(t)
        self.broker.begin_day(t)
        if self.rebalance[t]:
            self.c_rebalance(t)
        self.c_record_mark(t)
        return 0

    def run(self, int until=-1) -> int:
        """Simulate days up to ``until`` (exclusive; -1: to the end); returns the next day index."""
        cdef int t
        if until < 0 or until > self.tm.T:
            until = self.tm.T
        for t in range(self.next_day, until):
            self.c_day(t)
        if until > self.next_day:
            self.next_day = until
        return self.next_day

    @property
    def done(self) -> bool:
        return self.next_day >= self.tm.T
