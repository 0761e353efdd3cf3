-- Deploy prometheus:views/view_api_regime_history to pg
begin;

create or replace view api.regime_history as
select r.as_of_date, r.region, r.regime_label, r.confidence, r.model_id,
       (r.metadata ->> 'vix')::float8 as vix, (r.metadata ->> 'spx_close')::float8 as spx_close,
       (r.metadata ->> 'ma200')::float8 as spx_ma200, (r.metadata ->> 'realized_vol_21d')::float8 as realized_vol_21d,
       (r.metadata ->> 'drawdown_252d')::float8 as drawdown_252d, r.metadata ->> 'trend' as trend
  from runtime.regimes r
 where r.run_id is null;

comment on view api.regime_history is 'Market regime per session (CALM_BULL, VOLATILE_BULL, CALM_BEAR, VOLATILE_BEAR, CRISIS) with the inputs that decided it: VIX, S&P 500 against its 200-day average, 21-day realized volatility, drawdown from the 252-day high. Filter as_of_date=gte.<date>.';

notify pgrst, 'reload schema';

commit;
