"""A PostgREST-compatible HTTP server for development and CI, cut along PostgREST's own lines.

Errors and PostgREST's SQLSTATE -> HTTP status table (:mod:`~pycore.gateway.errors`), the query grammar of a URL
(:mod:`~pycore.gateway.grammar`), the schema cache every identifier is checked against
(:mod:`~pycore.gateway.schema_cache`), JWT authentication (:mod:`~pycore.gateway.auth`), the per-request
transaction protocol (:mod:`~pycore.gateway.protocol`), the OpenAPI description (:mod:`~pycore.gateway.openapi`)
and the aiohttp application with its handlers and CORS (:mod:`~pycore.gateway.app`). Production runs the real
PostgREST; nothing here decides what the API does: that is SQL in the ``api`` schema.
"""
