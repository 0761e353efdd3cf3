-- The conformance suite's fixture: a private table and the api objects over it, created by the tests in a scratch
-- database (never by sqitch). Dropped by fixture_drop.sql. Names start with cf_ so they never meet the project's own.
create schema cf_private;
comment on schema cf_private is 'conformance fixture: private tables behind api.cf_* (tests only)';

create table cf_private.items (
  id int primary key,
  name text not null,
  price numeric(10, 2),
  tags text[],
  data jsonb,
  created date,
  active boolean,
  note text,
  doc tsvector
);
insert into cf_private.items values
  (1, 'apple',      1.50, '{fruit,red}',        '{"color": "red", "n": 1, "size": {"w": 3}}',  '2024-01-01', true,  null,          to_tsvector('english', 'the red apple is sweet')),
  (2, 'Banana',     0.25, '{fruit,yellow}',     '{"color": "yellow", "n": 2}',                  '2024-01-02', false, 'ripe',        to_tsvector('english', 'bananas are yellow and sweet')),
  (3, 'cherry',     4.00, '{fruit,red,small}',  '{"color": "red", "n": 3}',                     '2024-02-01', null,  null,          to_tsvector('english', 'cherries are small red fruits')),
  (4, 'durian',    12.00, '{fruit}',            '{"color": "green", "n": 4, "size": {"w": 10}}', '2024-03-01', true,  'smelly',      to_tsvector('english', 'the durian smells strong')),
  (5, 'eggplant',   2.10, '{vegetable,purple}', null,                                           '2024-03-15', false, null,          to_tsvector('english', 'eggplant is a purple vegetable')),
  (6, 'fig, dried', 3.30, '{}',                 '{"color": "brown", "n": 6}',                   null,         true,  'has a comma', to_tsvector('english', 'dried figs'));

create view api.cf_items as select id, name, price, tags, data, created, active, note, doc from cf_private.items;
comment on view api.cf_items is 'conformance fixture: six items of every column type the grammar touches';
grant select on api.cf_items to web_anon;

create function api.cf_add(a int, b int default 10) returns int
  language sql immutable set search_path = '' as $$ select a + b $$;
comment on function api.cf_add(int, int) is 'conformance fixture: a scalar function with a default argument';

create function api.cf_items_above(min_price numeric) returns setof api.cf_items
  language sql stable set search_path = '' as $$ select * from api.cf_items where price > min_price order by id $$;
comment on function api.cf_items_above(numeric) is 'conformance fixture: a set of rows';

create function api.cf_first_item() returns api.cf_items
  language sql stable set search_path = '' as $$ select * from api.cf_items order by id limit 1 $$;
comment on function api.cf_first_item() is 'conformance fixture: one row';

create function api.cf_names(ids int[]) returns setof text
  language sql stable set search_path = '' as $$ select name from api.cf_items where id = any(ids) order by id $$;
comment on function api.cf_names(int[]) is 'conformance fixture: a set of scalars from an array argument';

create function api.cf_echo(json) returns json
  language sql immutable set search_path = '' as $$ select $1 $$;
comment on function api.cf_echo(json) is 'conformance fixture: one unnamed json parameter receives the body';

create function api.cf_teapot() returns text
  language plpgsql stable set search_path = '' as $$
begin
  perform set_config('response.status', '418', true);
  perform set_config('response.headers', '[{"X-Fixture": "brewed"}]', true);
  return 'short and stout';
end $$;
comment on function api.cf_teapot() is 'conformance fixture: sets response.status and response.headers';

create function api.cf_fail(code text) returns void
  language plpgsql stable set search_path = '' as $$
begin
  raise sqlstate 'PT402' using message = 'payment required', detail = code, hint = 'pay';
end $$;
comment on function api.cf_fail(text) is 'conformance fixture: raises PT402';

create function api.cf_whoami() returns json
  language sql stable set search_path = '' as $$
  select json_build_object('role', current_user, 'method', current_setting('request.method', true),
                           'path', current_setting('request.path', true),
                           'read_only', current_setting('transaction_read_only'))
$$;
comment on function api.cf_whoami() is 'conformance fixture: what the transaction protocol told SQL';

grant execute on function api.cf_add(int, int), api.cf_items_above(numeric), api.cf_first_item(), api.cf_names(int[]),
  api.cf_echo(json), api.cf_teapot(), api.cf_fail(text), api.cf_whoami() to web_anon;
notify pgrst, 'reload schema';
