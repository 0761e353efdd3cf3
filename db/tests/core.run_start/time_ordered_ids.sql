-- core.run_start: a run's id is time-ordered (UUID version 7 layout), so the ids of runs sort by their creation.
begin;
select plan(3);

-- SETUP: three runs, one after another (clock_timestamp moves between them)
create temp table started (n int, run_id uuid);
insert into started select 1, r.run_id from core.run_start('T', '{}', '2023-01-01', '2023-06-30', '{US_EQ}', null, null) r;
select pg_sleep(0.002);
insert into started select 2, r.run_id from core.run_start('T', '{}', '2023-01-01', '2023-06-30', '{US_EQ}', null, null) r;
select pg_sleep(0.002);
insert into started select 3, r.run_id from core.run_start('T', '{}', '2023-01-01', '2023-06-30', '{US_EQ}', null, null) r;

-- TEST
select is((select array_agg(n order by run_id) from started), array[1, 2, 3],
          'the ids of runs started one after another sort in the order they were started');
select ok((select bool_and(substr(run_id::text, 15, 1) = '7' and substr(run_id::text, 20, 1) in ('8', '9', 'a', 'b')) from started),
          'each id has the version 7 and RFC 4122 variant bits');
select ok((select bool_and(abs(('x' || lpad(replace(left(run_id::text, 13), '-', ''), 16, '0'))::bit(64)::bigint
                               - (extract(epoch from clock_timestamp()) * 1000)::bigint) < 60000) from started),
          'the first 48 bits are the Unix time of its creation in milliseconds');

select * from finish();
rollback;
