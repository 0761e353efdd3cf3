-- Deploy prometheus:functions/function_refresh_features to pg
-- core.refresh_features: builds or extends the feature store hist.features_daily; the
-- loader (pycore.data.load) calls it after every load.
begin;

create or replace function core.refresh_features(p_full boolean default false)
returns integer
language plpgsql
volatile
set search_path = ''
set work_mem = '512MB'
set maintenance_work_mem = '256MB'
as $$
declare
  v_batch bigint := coalesce((select max(b.batch_id) from hist.load_batches b), 0);
  v_rows integer;
  v_rebuild boolean := false;
begin
  if p_full or not exists (select from hist.features_daily) then
    -- a build from scratch: one index build after the rows is far cheaper than one insertion per row
    truncate hist.features_daily;
    alter table hist.features_daily drop constraint features_daily_pkey,
      drop constraint features_daily_instrument_id_session_no_key;
    drop index hist.features_daily_trade_date_idx;
    v_rebuild := true;
  end if;
  with ctx as materialized (
    -- each instrument's last 200 stored rows: the new rows continue the running sums of the last one, and their
    -- 63- and 200-row windows reach back into them
    select f.*, f.session_no = max(f.session_no) over (partition by f.instrument_id) as is_last
      from hist.instruments i
      cross join lateral (select * from hist.features_daily f
                           where f.instrument_id = i.instrument_id
                           order by f.session_no desc limit 200) f
  ),
  fresh as (
    -- the price rows after the last stored one (all of them for an instrument without features)
    select p.instrument_id, p.trade_date, p.open, p.close, p.adjusted_close, p.volume,
           -- a hashed lookup: the anomalies are few, the price rows many
           coalesce((p.instrument_id, p.trade_date) in (select a.instrument_id, a.trade_date from hist.price_anomalies a
                                                         where a.exclude_return), false) as excluded
      from hist.instruments i
      left join ctx s on s.instrument_id = i.instrument_id and s.is_last
      cross join lateral (select * from hist.prices_daily p
                           where p.instrument_id = i.instrument_id
                             and p.trade_date > coalesce(s.trade_date, '-infinity'::date)
                          offset 0) p  -- one index range scan per instrument, never the whole table for a few rows
  ),
  series as (
    -- iid and mo order every window below: one sort (bytewise names, the month a prefix of the date order)
    select s.instrument_id collate "C" as iid, date_trunc('month', s.trade_date::timestamp) as mo, s.instrument_id, s.trade_date, true as is_seed, s.is_last, null::float8 as open, s.close, s.adjusted_close,
           s.excluded, s.ret, s.gap, s.dollar_volume, s.session_no, s.s_ret, s.s_ret2, s.n_ret, s.s_dollar_volume,
           s.s_adjusted_close, s.running_high, s.month_high, s.month_max_gap
      from ctx s
    union all
    select f.instrument_id collate "C", date_trunc('month', f.trade_date::timestamp), f.instrument_id, f.trade_date, false, false, f.open, f.close, f.adjusted_close, f.excluded,
           null, null, f.close * f.volume, null, null, null, null, null, null, null, null, null
      from fresh f
  ),
  step1 as (
    -- returns and gaps need the previous row (the last stored row for the first new one)
    select x.*,
           case when x.is_seed then x.ret
                when x.excluded then null
                else x.adjusted_close / lag(x.adjusted_close) over w - 1 end as r,
           case when x.is_seed then x.gap
                else x.open * (x.adjusted_close / x.close) / lag(x.adjusted_close) over w - 1 end as g
      from series x
    window w as (partition by x.iid order by x.mo, x.trade_date)
  ),
  step2 as (
    -- running sums: the last stored row contributes its stored sum (the rows before it 0), each new row its
    -- value, so the additions happen in the same order as in a build from the first row
    select y.*,
           sum(case when not y.is_seed then 1 when y.is_last then y.session_no else 0 end) over w as n,
           sum(case when not y.is_seed then coalesce(y.r, 0) when y.is_last then y.s_ret else 0 end) over w as s1,
           sum(case when not y.is_seed then coalesce(y.r, 0) ^ 2 when y.is_last then y.s_ret2 else 0 end) over w as s2,
           sum(case when not y.is_seed then (y.r is not null)::int when y.is_last then y.n_ret else 0 end) over w as c,
           sum(case when not y.is_seed then y.dollar_volume when y.is_last then y.s_dollar_volume else 0 end) over w as sdv,
           sum(case when not y.is_seed then y.adjusted_close when y.is_last then y.s_adjusted_close else 0 end) over w as spx,
           max(case when y.is_seed then y.running_high else y.adjusted_close end) over w as high,
           max(case when y.is_seed then y.month_high else y.adjusted_close end) over m as mhigh,
           max(case when y.is_seed then y.month_max_gap else abs(y.g) end) over m as mgap
      from step1 y
    window w as (partition by y.iid order by y.mo, y.trade_date rows between unbounded preceding and current row),
           m as (partition by y.iid, y.mo order by y.trade_date rows between unbounded preceding and current row)
  ),
  step3 as (
    -- 63- and 200-row windows: differences of the running sums (stored ones for the stored rows)
    select z.*,
           z.s1 - coalesce(lag(case when z.is_seed then z.s_ret else z.s1 end, 63) over w, 0) as w1,
           z.s2 - coalesce(lag(case when z.is_seed then z.s_ret2 else z.s2 end, 63) over w, 0) as w2,
           z.c - coalesce(lag(case when z.is_seed then z.n_ret else z.c end, 63) over w, 0) as wc,
           case when z.n >= 200 then
             (z.spx - coalesce(lag(case when z.is_seed then z.s_adjusted_close else z.spx end, 200) over w, 0)) / 200
           end as ma
      from step2 z
    window w as (partition by z.iid order by z.mo, z.trade_date)
  )
  insert into hist.features_daily
    (instrument_id, trade_date, session_no, adjusted_close, close, ret, excluded, s_ret, s_ret2, n_ret, dollar_volume,
     s_dollar_volume, s_adjusted_close, gap, running_high, month_high, month_max_gap, ret_sum_63, ret_sq_sum_63,
     ret_n_63, ma_200, batch_id)
  select z.instrument_id, z.trade_date, z.n, z.adjusted_close, z.close, z.r, z.excluded, z.s1, z.s2, z.c, z.dollar_volume,
         z.sdv, z.spx, z.g, z.high, z.mhigh, z.mgap, z.w1, z.w2, z.wc, z.ma, v_batch
    from step3 z
   where not z.is_seed;
  get diagnostics v_rows = row_count;
  if v_rebuild then
    alter table hist.features_daily add constraint features_daily_pkey primary key (instrument_id, trade_date),
      add constraint features_daily_instrument_id_session_no_key unique (instrument_id, session_no);
    create index features_daily_trade_date_idx on hist.features_daily (trade_date);
  end if;
  -- the packed price columns number the same price rows as the feature rows (a run reads them by session_no)
  perform core.refresh_price_series(v_rebuild);
  if v_rows > 0 or p_full then
    -- engine output computed from the previous data is stale
    delete from runtime.engine_cache;
  end if;
  return v_rows;
end
$$;

comment on function core.refresh_features(boolean) is
'Builds or extends the feature store hist.features_daily from hist.prices_daily and hist.price_anomalies, set-based. By default it extends: for each instrument, only the price rows after its last stored feature row are computed, continuing that row''s running sums, with the last 200 stored rows as the look-back of the 63- and 200-row window columns (work in proportion to the new sessions; an instrument without features is built from its first row). A build sorts the rows once (names bytewise, then month and date) for every window, writes them without indexes and builds the indexes after. p_full => true rebuilds everything (needed when rows were added before an instrument''s last stored row, or when anomalies changed). Then brings hist.price_series in step (core.refresh_price_series, repacked when the store is rebuilt). Empties runtime.engine_cache when any row was written. Returns the number of rows written. Run by the owner of hist (the loader).';

revoke execute on function core.refresh_features(boolean) from public;

commit;
