"""Development infrastructure, and the only code that starts servers.

The embedded and ephemeral PostgreSQL clusters (:mod:`~pycore.dev.cluster`), the sqitch deploy with its drift
check (:mod:`~pycore.dev.deploy`), the database test stage and the test command (:mod:`~pycore.dev.dbtest`), the
main job that brings the whole local stack up and down (:mod:`~pycore.dev.stack`) and nginx with the seed's URLs in
front of the API (:mod:`~pycore.dev.proxy`). Library code elsewhere never starts anything: it is handed URLs.
"""
