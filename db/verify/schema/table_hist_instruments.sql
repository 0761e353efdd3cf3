-- Verify prometheus:schema/table_hist_instruments on pg
select instrument_id, market_id, ticker, name, asset_class, gics_sector, gics_sector_2026, gics_sub_industry_2026, cik, currency, exchange_calendar, first_date, last_date, adjusted_only_from, created_at from hist.instruments where false;
