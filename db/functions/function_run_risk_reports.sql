-- Deploy prometheus:functions/function_run_risk_reports to pg
-- Portfolio risk reports for every rebalance date of a run.
begin;

create or replace function core.run_risk_reports(p_run_id uuid, p_window int default 252, p_from date default null,
                                                 p_through date default null)
returns integer
language sql
volatile
set search_path = ''
set enable_nestloop = off
-- the holdings x window rows (millions on a long run) are summed per date and session by hashing, not by sorting them
set enable_sort = off
set work_mem = '256MB'
as $$
  with run as (
    select b.run_id, b.run_seq, b.portfolio_id, b.mode from runtime.backtest_runs b where b.run_id = p_run_id
  ),
  curve as (
    -- the run's equity curve with its drawdown to date, one pass
    select e.as_of_date, e.equity, e.cash, e.gross_exposure, e.net_exposure,
           min(e.drawdown) over (order by e.as_of_date) as max_drawdown_to_date
      from runtime.backtest_daily_equity e where e.run_id = p_run_id
  ),
  sessions as (
    select d.trade_date, row_number() over (order by d.trade_date) as k
      from hist.trading_days d
     where d.calendar = 'XNYS' and d.trade_date <= (select max(c.as_of_date) from curve c)
  ),
  all_dates as (
    -- rebalance dates, with their equity and the session index of the date (the window is the p_window sessions
    -- up to it; returns are taken after the first of them)
    select t.as_of_date, c.equity, c.cash, c.gross_exposure, c.net_exposure, c.max_drawdown_to_date, s.k,
           greatest(s.k - p_window + 1, 1) as k_start
      from runtime.target_portfolios t
      join curve c on c.as_of_date = t.as_of_date
      join sessions s on s.trade_date = t.as_of_date
     where t.run_id = p_run_id
  ),
  dates as (
    -- those of [p_from, p_through], numbered among all the run's dates with holdings: a report's id is the same
    -- whether its date range is computed alone or with the others
    select a.*, n.n
      from all_dates a
      join (select a2.as_of_date, row_number() over (order by a2.as_of_date) as n
              from all_dates a2
             where exists (select from runtime.positions_snapshots p
                            where p.run_id = p_run_id and p.as_of_date = a2.as_of_date)) n on n.as_of_date = a.as_of_date
     where a.as_of_date between coalesce(p_from, '-infinity'::date) and coalesce(p_through, 'infinity'::date)
  ),
  holdings as (
    -- today's positions with their weights and the first session of the trailing window
    select d.as_of_date, p.instrument_id, p.market_value, p.market_value / d.equity as w, i.gics_sector, ws.trade_date as ws_date
      from dates d
      join sessions ws on ws.k = d.k_start
      join runtime.positions_snapshots p on p.run_id = p_run_id and p.as_of_date = d.as_of_date
      join hist.instruments i on i.instrument_id = p.instrument_id
  ),
  held as (
    select array_agg(distinct h.instrument_id) as names from holdings h
  ),
  port as (
    -- the trailing returns of today's holdings (historical simulation on current weights): each holding reads its
    -- name's rows of the window from the feature store by index (its ret is hist.daily_returns' return: adjusted
    -- close over the previous bar, withheld on days hist.price_anomalies excludes), summed per rebalance date and
    -- session
    select h.as_of_date, f.trade_date, sum(h.w * coalesce(f.ret, 0)) as rp
      from holdings h
      cross join lateral (select x.trade_date, x.ret from hist.features_daily x
                           where x.instrument_id = h.instrument_id
                             and x.trade_date > h.ws_date and x.trade_date <= h.as_of_date
                          offset 0) f  -- one index range scan per holding, never a join with the whole store
     group by 1, 2
  ),
  spx as (
    select l.trade_date, l.close / lag(l.close) over (order by l.trade_date) - 1 as mret
      from hist.index_levels l where l.index_id = 'SPX'
  ),
  ranked as (
    select p.*, row_number() over (partition by p.as_of_date order by p.rp) as k, count(*) over (partition by p.as_of_date) as n
      from port p
  ),
  stats as (
    select r.as_of_date, count(*) as n,
           stddev_samp(r.rp) * sqrt(252) as volatility,
           percentile_cont(0.05) within group (order by r.rp) as var_95,
           percentile_cont(0.01) within group (order by r.rp) as var_99,
           avg(r.rp) filter (where r.k <= floor((r.n - 1) * 0.05) + 1) as es_95,
           avg(r.rp) filter (where r.k <= floor((r.n - 1) * 0.01) + 1) as es_99,
           regr_slope(r.rp, s.mret) as beta,
           regr_slope(r.rp - f.rf, f.mkt_rf) as beta_mkt_rf,
           regr_slope(r.rp - f.rf, f.smb) as beta_smb,
           regr_slope(r.rp - f.rf, f.hml) as beta_hml,
           regr_slope(r.rp - f.rf, f.rmw) as beta_rmw,
           regr_slope(r.rp - f.rf, f.cma) as beta_cma,
           count(f.trade_date) as factor_days
      from ranked r
      left join spx s on s.trade_date = r.trade_date
      left join hist.factor_returns_daily f on f.model = 'FF5' and f.trade_date = r.trade_date
     group by r.as_of_date
  ),
  sectors as (
    select h.as_of_date, jsonb_object_agg(h.gics_sector, jsonb_build_object('gross', h.gross, 'net', h.net)) as by_sector
      from (select as_of_date, gics_sector, sum(abs(w)) as gross, sum(w) as net from holdings group by 1, 2) h
     group by 1
  ),
  scen as (
    select * from (values
      ('GFC_2008', date '2008-09-01', date '2008-10-31'),
      ('US_DOWNGRADE_2011', date '2011-07-29', date '2011-08-31'),
      ('CHINA_DEVALUATION_2015', date '2015-08-10', date '2015-08-31'),
      ('Q4_2018', date '2018-09-28', date '2018-12-24'),
      ('COVID_2020', date '2020-02-19', date '2020-03-23')
    ) v(name, start_date, end_date)
  ),
  scen_ret as materialized (
    -- each held name's return over each window (close before the window to its end), once per name, not per date;
    -- names without data then take the S&P 500's return, and are counted as proxied
    select n.instrument_id, s.name,
           (select p2.adjusted_close from hist.prices_daily p2 where p2.instrument_id = n.instrument_id and p2.trade_date <= s.end_date order by p2.trade_date desc limit 1)
             / nullif((select p1.adjusted_close from hist.prices_daily p1 where p1.instrument_id = n.instrument_id and p1.trade_date < s.start_date
                        and p1.trade_date >= s.start_date - 10 order by p1.trade_date desc limit 1), 0) - 1 as ret,
           (select l2.close from hist.index_levels l2 where l2.index_id = 'SPX' and l2.trade_date <= s.end_date order by l2.trade_date desc limit 1)
             / (select l1.close from hist.index_levels l1 where l1.index_id = 'SPX' and l1.trade_date < s.start_date order by l1.trade_date desc limit 1) - 1 as mret
      from (select unnest(held.names) as instrument_id from held) n cross join scen s
  ),
  scen_px as (
    select h.as_of_date, sr.name, h.instrument_id, h.market_value, sr.ret, sr.mret
      from holdings h join scen_ret sr on sr.instrument_id = h.instrument_id
  ),
  scen_pnl as (
    select x.as_of_date,
           jsonb_object_agg(x.name, jsonb_build_object('pnl', x.pnl, 'return', x.pnl / d.equity, 'proxied_names', x.proxied,
                                                       'window', x.win)) as hist_scen
      from (select sp.as_of_date, sp.name, sum(sp.market_value * coalesce(sp.ret, sp.mret)) as pnl,
                   count(*) filter (where sp.ret is null) as proxied,
                   (select s.start_date::text || '..' || s.end_date::text from scen s where s.name = sp.name) as win
              from scen_px sp group by 1, 2) x
      join dates d on d.as_of_date = x.as_of_date
     group by x.as_of_date
  ),
  n_holdings as (
    select h.as_of_date, count(*) as n from holdings h group by 1
  ),
  ins as (
    insert into runtime.portfolio_risk_reports
      (report_id, run_id, mode, portfolio_id, as_of_date, portfolio_value, cash, net_exposure, gross_exposure, leverage,
       risk_metrics, scenario_pnl, exposures_by_sector, exposures_by_factor, metadata)
    select (select run_seq from run) * 4294967296 + d.n,
           p_run_id, (select mode from run), (select portfolio_id from run), d.as_of_date, d.equity, d.cash,
           d.net_exposure, d.gross_exposure, d.gross_exposure,
           jsonb_build_object('volatility', s.volatility, 'var_95', s.var_95, 'var_99', s.var_99, 'es_95', s.es_95,
                              'es_99', s.es_99, 'max_drawdown', d.max_drawdown_to_date, 'beta', s.beta,
                              'observations', s.n, 'horizon_days', 1,
                              'conventions', 'historical simulation of current weights over the trailing window; simple returns; volatility = stddev(ddof=1) * sqrt(252); VaR = linear-interpolated percentile (negative = loss); ES = mean of the k+1 worst, k = floor((n-1) * alpha)'),
           coalesce(sc.hist_scen, '{}'::jsonb)
             || jsonb_build_object('MARKET_DOWN_10', jsonb_build_object('pnl', d.equity * s.beta * -0.10, 'return', s.beta * -0.10),
                                   'MARKET_DOWN_20', jsonb_build_object('pnl', d.equity * s.beta * -0.20, 'return', s.beta * -0.20),
                                   'SIZE_DOWN_5', jsonb_build_object('pnl', d.equity * coalesce(s.beta_smb, 0) * -0.05, 'return', coalesce(s.beta_smb, 0) * -0.05),
                                   'VALUE_DOWN_5', jsonb_build_object('pnl', d.equity * coalesce(s.beta_hml, 0) * -0.05, 'return', coalesce(s.beta_hml, 0) * -0.05)),
           coalesce(se.by_sector, '{}'::jsonb),
           jsonb_build_object('model', 'FF5', 'method', 'univariate betas of excess returns over the trailing window',
                              'observations', s.factor_days, 'mkt_rf', s.beta_mkt_rf, 'smb', s.beta_smb, 'hml', s.beta_hml,
                              'rmw', s.beta_rmw, 'cma', s.beta_cma),
           jsonb_build_object('window_sessions', p_window, 'holdings', coalesce(nh.n, 0))
      from dates d
      join stats s on s.as_of_date = d.as_of_date
      left join sectors se on se.as_of_date = d.as_of_date
      left join scen_pnl sc on sc.as_of_date = d.as_of_date
      left join n_holdings nh on nh.as_of_date = d.as_of_date
    returning 1
  )
  select count(*)::int from ins;
$$;

comment on function core.run_risk_reports(uuid, int, date, date) is
'Portfolio risk reports of a run, one per rebalance date (those from p_from through p_through when given: a run''s dates can be computed in parts at once, each report with the id a single call gives it), from the positions at that close and hist returns over the trailing p_window sessions (historical simulation of current weights): annualized volatility, historical VaR and expected shortfall at 95% and 99% (1-day; empyrical conventions), max drawdown to date, beta to the S&P 500, GICS sector exposures (gross and net), univariate Fama-French betas, and scenario P&L (five historical stress windows replayed on today''s holdings, and factor shocks). Returns the row count.';

grant execute on function core.run_risk_reports(uuid, int, date, date) to pycore_writer;

commit;
