"""Analyst tear sheet of a run: one self-contained HTML page, read from the ``api`` views; and the metrics table.

``python -m pycore.backtest report RUN_ID [--out FILE]`` writes it: metrics, the
equity curve and drawdown (inline SVG), a monthly returns table, sector
exposures, risk figures and scenario P&L of the latest risk report. It opens in
any browser with no network and no JavaScript.

I/O apart from compute: :func:`fetch_tear_sheet` reads a run into a :class:`TearSheet`,
:func:`render_tear_sheet` turns one into HTML without a database.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class ReportError(ValueError):
    """The run cannot be reported (unknown, or without an equity curve)."""


def format_metrics(metrics: dict[str, Any]) -> str:
    """The metrics of a run as the commands print them: one aligned line per figure."""
    pct = {"cumulative_return", "annualized_return", "annualized_volatility", "max_drawdown", "hit_rate"}
    lines = []
    for key in (
        "cumulative_return",
        "annualized_return",
        "annualized_volatility",
        "sharpe_ratio",
        "sortino_ratio",
        "max_drawdown",
        "calmar_ratio",
        "annual_turnover",
        "trade_count",
        "hit_rate",
        "final_equity",
        "days",
        "rebalances",
    ):
        v = metrics.get(key)
        if v is None:
            s = "-"
        elif key in pct:
            s = f"{v * 100:,.2f}%"
        elif isinstance(v, int):
            s = f"{v:,}"
        elif key == "final_equity":
            s = f"{v:,.2f}"
        else:
            s = f"{v:,.3f}"
        lines.append(f"  {key:<20} {s:>16}")
    return "\n".join(lines)


_MISSING = "\N{EN DASH}"  # how a tear sheet shows a metric that has no value


def _pct(x: float | None, digits: int = 2) -> str:
    return _MISSING if x is None else f"{x * 100:,.{digits}f}%"


def _num(x: float | None, digits: int = 2) -> str:
    return _MISSING if x is None else f"{x:,.{digits}f}"


def _color(x: float | None) -> str:
    if x is None:
        return "#999"
    return "#1a7f37" if x >= 0 else "#c62828"


def line_chart(
    dates: list[dt.date],
    values: list[float],
    *,
    title: str,
    width: int = 900,
    height: int = 260,
    fill: bool = False,
    fmt: Any = _num,
    color: str = "#1f4e9c",
) -> str:
    """An SVG line (or area) chart with y-axis ticks and year labels on the x-axis."""
    left, right, top, bottom = 70, 10, 24, 28
    w, h = width - left - right, height - top - bottom
    lo, hi = min(values), max(values)
    if fill:
        hi = max(hi, 0.0)
    if hi == lo:
        hi, lo = hi + 1, lo - 1
    n = len(values)

    def x(i: int) -> float:
        return left + (w * i / (n - 1) if n > 1 else 0)

    def y(v: float) -> float:
        return top + h * (hi - v) / (hi - lo)

    pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="15" font-size="13" font-weight="bold">{html.escape(title)}</text>',
    ]
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e5e5"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end">{html.escape(fmt(v))}</text>'
        )
    last_year = None
    for i, d in enumerate(dates):
        if d.year != last_year and (i == 0 or dates[i - 1].year != d.year):
            if last_year is not None or i == 0:
                parts.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top}" y2="{top + h}" stroke="#f0f0f0"/>')
                parts.append(f'<text x="{x(i) + 2:.1f}" y="{top + h + 16}" font-size="11">{d.year}</text>')
            last_year = d.year
    if fill:
        parts.append(
            f'<polygon points="{x(0):.1f},{y(0):.1f} {pts} {x(n - 1):.1f},{y(0):.1f}" fill="{color}" fill-opacity="0.35" stroke="none"/>'
        )
    parts.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="1.5"/>')
    parts.append(f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#999"/>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(items: list[tuple[str, float]], *, title: str, width: int = 440) -> str:
    row, left = 20, 170
    height = 30 + row * len(items)
    top = max([abs(v) for _, v in items] + [1e-9])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="4" y="15" font-size="13" font-weight="bold">{html.escape(title)}</text>',
    ]
    for k, (label, v) in enumerate(items):
        yy = 26 + k * row
        bw = (width - left - 60) * abs(v) / top
        parts.append(f'<text x="{left - 6}" y="{yy + 12}" font-size="11" text-anchor="end">{html.escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{yy + 2}" width="{bw:.1f}" height="{row - 6}" fill="{_color(v)}"/>')
        parts.append(f'<text x="{left + bw + 4:.1f}" y="{yy + 12}" font-size="11">{_pct(v, 1)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def monthly_returns(dates: list[dt.date], equity: list[float], initial: float) -> dict[int, dict[int, float]]:
    """{year: {month: return}} from month-end equity (the first month against the initial capital)."""
    out: dict[int, dict[int, float]] = {}
    prev = initial
    for i, d in enumerate(dates):
        if i + 1 == len(dates) or dates[i + 1].month != d.month:
            out.setdefault(d.year, {})[d.month] = equity[i] / prev - 1
            prev = equity[i]
    return out


@dataclass(frozen=True)
class RiskSnapshot:
    """The latest risk report of a run (``api.risk_reports``)."""

    as_of_date: dt.date
    volatility: float | None
    var_95: float | None
    var_99: float | None
    es_95: float | None
    es_99: float | None
    max_drawdown: float | None
    beta: float | None
    scenario_pnl: dict[str, dict[str, Any]]
    exposures_by_sector: dict[str, dict[str, float]]


@dataclass(frozen=True)
class TearSheet:
    """Everything the tear sheet shows, as read from the ``api`` views."""

    run_id: uuid.UUID
    strategy_id: str
    portfolio_id: str | None
    start_date: dt.date
    end_date: dt.date
    status: str
    metrics: dict[str, Any]
    """``api.backtest_runs``' metric columns: annualized_return, sharpe_ratio, sortino_ratio, max_drawdown,
    annualized_volatility, calmar_ratio, cumulative_return, hit_rate, trade_count, annual_turnover, final_equity"""
    initial_capital: float | None
    dates: list[dt.date]
    equity: list[float]
    drawdown: list[float]
    risk: RiskSnapshot | None


_METRICS = (
    "annualized_return",
    "sharpe_ratio",
    "sortino_ratio",
    "max_drawdown",
    "annualized_volatility",
    "calmar_ratio",
    "cumulative_return",
    "hit_rate",
    "trade_count",
    "annual_turnover",
    "final_equity",
)


def fetch_tear_sheet(conn: psycopg.Connection[Any], run_id: uuid.UUID) -> TearSheet:
    """Read a run, its equity curve and its latest risk report; ReportError for an unknown run or one without a curve."""
    run = conn.execute(
        "select strategy_id, portfolio_id, start_date, end_date, status, " + ", ".join(_METRICS) + ", "
        "(config_json ->> 'initial_capital')::float8 from api.backtest_runs where run_id = %s",
        (run_id,),
    ).fetchone()
    if run is None:
        raise ReportError(f"no run {run_id}")
    strategy, portfolio, start, end, status = run[:5]
    metrics = dict(zip(_METRICS, run[5 : 5 + len(_METRICS)], strict=True))
    curve = conn.execute(
        "select as_of_date, equity, drawdown from api.equity_curve where run_id = %s order by as_of_date", (run_id,)
    ).fetchall()
    if not curve:
        raise ReportError(f"run {run_id} has no equity curve (status {status})")
    risk = conn.execute(
        "select as_of_date, volatility, var_95, var_99, es_95, es_99, max_drawdown, beta, scenario_pnl, "
        "exposures_by_sector from api.risk_reports where run_id = %s order by as_of_date desc limit 1",
        (run_id,),
    ).fetchone()
    snapshot = None
    if risk is not None:
        day, rvol, v95, v99, e95, e99, rmdd, beta, scenarios, sectors = risk
        snapshot = RiskSnapshot(
            as_of_date=day,
            volatility=rvol,
            var_95=v95,
            var_99=v99,
            es_95=e95,
            es_99=e99,
            max_drawdown=rmdd,
            beta=beta,
            scenario_pnl=scenarios or {},
            exposures_by_sector=sectors or {},
        )
    return TearSheet(
        run_id=run_id,
        strategy_id=strategy,
        portfolio_id=portfolio,
        start_date=start,
        end_date=end,
        status=status,
        metrics=metrics,
        initial_capital=run[-1],
        dates=[r[0] for r in curve],
        equity=[r[1] for r in curve],
        drawdown=[r[2] for r in curve],
        risk=snapshot,
    )


def render_tear_sheet(sheet: TearSheet) -> str:
    """The tear sheet as one self-contained HTML page (no database, no network, no JavaScript)."""
    run_id, strategy, portfolio, status = sheet.run_id, sheet.strategy_id, sheet.portfolio_id, sheet.status
    start, end, initial = sheet.start_date, sheet.end_date, sheet.initial_capital
    dates, equity, drawdown = sheet.dates, sheet.equity, sheet.drawdown
    cagr, sharpe, sortino, mdd, vol, calmar, cum, hit, trades, turnover, final = (
        sheet.metrics.get(k) for k in _METRICS
    )
    months = monthly_returns(dates, equity, initial or equity[0])

    metrics = [
        ("Cumulative return", _pct(cum), cum),
        ("CAGR", _pct(cagr), cagr),
        ("Annual volatility", _pct(vol), None),
        ("Sharpe", _num(sharpe), sharpe),
        ("Sortino", _num(sortino), sortino),
        ("Max drawdown", _pct(mdd), mdd),
        ("Calmar", _num(calmar), calmar),
        ("Hit rate", _pct(hit, 1), None),
        ("Trades", f"{trades:,}" if trades else "0", None),
        ("Annual turnover", _num(turnover), None),
        ("Final equity", _num(final), None),
    ]
    rows = "".join(
        f'<tr><th>{k}</th><td style="color:{_color(c) if c is not None else "#222"}">{v}</td></tr>'
        for k, v, c in metrics
    )
    mtable = [
        "<table class='months'><tr><th>Year</th>" + "".join(f"<th>{m}</th>" for m in MONTHS) + "<th>Year</th></tr>"
    ]
    for year in sorted(months):
        total = 1.0
        cells = []
        for m in range(1, 13):
            r = months[year].get(m)
            if r is not None:
                total *= 1 + r
            cells.append(f'<td style="color:{_color(r)}">{_pct(r, 1) if r is not None else ""}</td>')
        mtable.append(
            f"<tr><th>{year}</th>{''.join(cells)}<td style='color:{_color(total - 1)}'><b>{_pct(total - 1, 1)}</b></td></tr>"
        )
    mtable.append("</table>")
    risk_html = "<p>No risk report (the run holds no positions at a rebalance).</p>"
    sector_svg = ""
    risk = sheet.risk
    if risk is not None:
        day, rvol, v95, v99, e95, e99, rmdd, beta = (
            risk.as_of_date,
            risk.volatility,
            risk.var_95,
            risk.var_99,
            risk.es_95,
            risk.es_99,
            risk.max_drawdown,
            risk.beta,
        )
        scen, sectors = risk.scenario_pnl, risk.exposures_by_sector
        risk_rows = [
            ("Volatility (annualized)", _pct(rvol)),
            ("VaR 95% (1 day)", _pct(v95)),
            ("VaR 99% (1 day)", _pct(v99)),
            ("Expected shortfall 95%", _pct(e95)),
            ("Expected shortfall 99%", _pct(e99)),
            ("Max drawdown to date", _pct(rmdd)),
            ("Beta to S&P 500", _num(beta)),
        ]
        scen_rows = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v.get('window', 'shock')))}</td>"
            f'<td style="color:{_color(v.get("pnl"))}">{_num(v.get("pnl"), 0)}</td>'
            f'<td style="color:{_color(v.get("return"))}">{_pct(v.get("return"), 1)}</td></tr>'
            for k, v in sorted((scen or {}).items())
        )
        risk_html = (
            f"<p>Latest risk report: {day} (historical simulation of the holdings over 252 sessions).</p><table>"
            + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in risk_rows)
            + "</table>"
            + "<h3>Scenario P&amp;L on these holdings</h3><table><tr><th>Scenario</th><th>Window</th><th>P&amp;L</th><th>Return</th></tr>"
            + scen_rows
            + "</table>"
        )
        sector_svg = bar_chart(
            sorted(((k, v["net"]) for k, v in (sectors or {}).items()), key=lambda kv: -kv[1]),
            title=f"Sector exposure (net, {day})",
        )
    equity_svg = line_chart(dates, equity, title="Equity", fmt=lambda v: f"{v:,.0f}")
    dd_svg = line_chart(
        dates, drawdown, title="Drawdown", fill=True, fmt=lambda v: f"{v * 100:.0f}%", color="#c62828", height=180
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tear sheet {html.escape(strategy)} {run_id}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }}
th, td {{ padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }}
th {{ text-align: left; font-weight: 600; }}
.grid {{ display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }}
.months td {{ min-width: 48px; }}
</style></head><body>
<h1>{html.escape(strategy)} — {start} to {end}</h1>
<p>Run <code>{run_id}</code>, portfolio {html.escape(portfolio or "")}, status {status}. Metrics: simple daily returns, 252 days a year, ddof=1, risk-free 0 (empyrical's conventions).</p>
<div class="grid"><div><h2>Metrics</h2><table>{rows}</table></div><div>{sector_svg}</div></div>
{equity_svg}<br>{dd_svg}
<h2>Monthly returns</h2>{"".join(mtable)}
<h2>Risk</h2>{risk_html}
</body></html>
"""


def build_report(conn: psycopg.Connection[Any], run_id: uuid.UUID) -> str:
    """The tear sheet of a stored run, as HTML."""
    return render_tear_sheet(fetch_tear_sheet(conn, run_id))


def write_report(conn: psycopg.Connection[Any], run_id: uuid.UUID, out: Path) -> Path:
    out.write_text(build_report(conn, run_id), encoding="utf-8")
    return out
