drop function if exists api.cf_add(int, int), api.cf_items_above(numeric), api.cf_first_item(), api.cf_names(int[]),
  api.cf_echo(json), api.cf_teapot(), api.cf_fail(text), api.cf_whoami();
drop schema if exists cf_private cascade;
notify pgrst, 'reload schema';
