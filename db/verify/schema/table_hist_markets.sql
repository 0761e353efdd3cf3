-- Verify prometheus:schema/table_hist_markets on pg
select market_id, name, region, timezone, calendar, currency, created_at from hist.markets where false;
