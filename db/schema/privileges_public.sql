-- Deploy prometheus:schema/privileges_public to pg
-- Functions are private unless granted: no EXECUTE for PUBLIC on anything the
-- deploying role creates from here on, and nobody creates objects in public.
begin;

alter default privileges revoke execute on functions from public;
revoke create on schema public from public;

commit;
