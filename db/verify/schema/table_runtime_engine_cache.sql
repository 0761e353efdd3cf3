-- Verify prometheus:schema/table_runtime_engine_cache on pg
select engine, cache_key, as_of_date, market_id, params, data_version, output, hits, created_at
  from runtime.engine_cache where false;
