"""A PostgREST-compatible HTTP server for development and CI (:mod:`~pycore.gateway.app`)."""
