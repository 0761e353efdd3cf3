-- Verify prometheus:views/view_pit_instruments on pg
select instrument_id, market_id, ticker, name, asset_class, gics_sector, currency, exchange_calendar, first_date, last_date
  from pit.instruments where false;
