-- Deploy prometheus:schema/table_hist_load_batches to pg
begin;

create table hist.load_batches (
  batch_id    bigint generated always as identity primary key,
  file_name   text not null check (file_name <> ''),
  sha256      text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  target      text not null check (target ~ '^hist\.[a-z_]+$'),
  row_count   bigint not null check (row_count >= 0),
  loaded_at   timestamptz not null default now(),
  unique (file_name, sha256)
);
comment on table hist.load_batches is 'One row per data file loaded by python -m pycore.load; a file whose name and SHA-256 are here is never loaded twice.';
comment on column hist.load_batches.batch_id is 'Load batch id.';
comment on column hist.load_batches.file_name is 'Path of the file relative to data/.';
comment on column hist.load_batches.sha256 is 'SHA-256 of the file as loaded (hex).';
comment on column hist.load_batches.target is 'Table the file was loaded into.';
comment on column hist.load_batches.row_count is 'Rows loaded from the file.';
comment on column hist.load_batches.loaded_at is 'When the load committed.';

commit;
