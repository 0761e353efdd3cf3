-- Verify prometheus:schema/table_hist_load_batches on pg
select batch_id, file_name, sha256, target, row_count, loaded_at from hist.load_batches where false;
