-- Deploy prometheus:views/view_hist_daily_returns to pg
begin;

create or replace view hist.daily_returns as
select p.instrument_id,
       p.trade_date,
       p.adjusted_close,
       case when a.exclude_return then null
            else p.adjusted_close / lag(p.adjusted_close) over w - 1
       end as ret,
       coalesce(a.exclude_return, false) as excluded
  from hist.prices_daily p
  left join hist.price_anomalies a
    on a.instrument_id = p.instrument_id and a.trade_date = p.trade_date
window w as (partition by p.instrument_id order by p.trade_date);

comment on view hist.daily_returns is 'Simple daily total returns from adjusted closes (adjusted_close / previous adjusted_close - 1). Days flagged bad or suspect in hist.price_anomalies have ret = null (excluded = true), so no statistic uses a known adjustment error. The first day of each instrument has ret = null.';
comment on column hist.daily_returns.instrument_id is 'Instrument.';
comment on column hist.daily_returns.trade_date is 'Session date.';
comment on column hist.daily_returns.adjusted_close is 'Adjusted close of the day.';
comment on column hist.daily_returns.ret is 'Simple return from the previous row''s adjusted close (fraction); null on the first day and on excluded days.';
comment on column hist.daily_returns.excluded is 'True when the day is a flagged adjustment error and its return is withheld.';

commit;
