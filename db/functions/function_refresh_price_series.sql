-- Deploy prometheus:functions/function_refresh_price_series to pg
-- core.refresh_price_series: build or extend hist.price_series; core.refresh_features calls it.
begin;

create or replace function core.refresh_price_series(p_full boolean default false)
returns integer
language plpgsql
volatile
set search_path = ''
set work_mem = '512MB'
as $$
declare
  v_batch bigint := coalesce((select max(b.batch_id) from hist.load_batches b), 0);
  v_rows integer;
begin
  if p_full then
    truncate hist.price_series;
  end if;
  with packed as (
    -- per instrument, its price rows after its last packed one (all of them for an instrument not packed yet, or
    -- on a rebuild), read in date order by one index range scan and appended in that order: no sort of the table
    select i.instrument_id, x.*
      from hist.instruments i
      left join hist.price_series s on s.instrument_id = i.instrument_id
      cross join lateral (
        select count(*)::int as n_rows, min(f.trade_date) as first_date, max(f.trade_date) as last_date,
               string_agg(int4send((f.trade_date - date '2000-01-01')::int4), ''::bytea) as trade_dates,
               string_agg(float8send(f.open), ''::bytea) as open,
               string_agg(float8send(f.high), ''::bytea) as high,
               string_agg(float8send(f.low), ''::bytea) as low,
               string_agg(float8send(f.close), ''::bytea) as close,
               string_agg(float8send(f.adjusted_close), ''::bytea) as adjusted_close,
               string_agg(float8send(f.volume::float8), ''::bytea) as volume
          from (select p.* from hist.prices_daily p
                 where p.instrument_id = i.instrument_id
                   and p.trade_date > coalesce(s.last_date, '-infinity'::date)
                 order by p.trade_date) f
      ) x
     where x.n_rows > 0
  )
  insert into hist.price_series as s
    (instrument_id, n_rows, first_date, last_date, trade_dates, open, high, low, close, adjusted_close, volume, batch_id)
  select k.instrument_id, k.n_rows, k.first_date, k.last_date, k.trade_dates, k.open, k.high, k.low, k.close,
         k.adjusted_close, k.volume, v_batch
    from packed k
  on conflict (instrument_id) do update
    set n_rows = s.n_rows + excluded.n_rows,
        last_date = excluded.last_date,
        trade_dates = s.trade_dates || excluded.trade_dates,
        open = s.open || excluded.open,
        high = s.high || excluded.high,
        low = s.low || excluded.low,
        close = s.close || excluded.close,
        adjusted_close = s.adjusted_close || excluded.adjusted_close,
        volume = s.volume || excluded.volume,
        batch_id = excluded.batch_id;
  get diagnostics v_rows = row_count;
  return v_rows;
end
$$;

comment on function core.refresh_price_series(boolean) is
'Builds or extends hist.price_series from hist.prices_daily: by default, appends to each instrument''s packed columns the price rows dated after its last packed row (an instrument not packed yet gets all of its rows), so the work follows the new sessions; p_full => true repacks everything (needed when rows were added before an instrument''s last packed row). core.refresh_features calls it with its own p_full, so the packed rows and the feature rows always number the same price rows. Returns the number of instruments written. Run by the owner of hist (the loader).';

revoke execute on function core.refresh_price_series(boolean) from public;

commit;
