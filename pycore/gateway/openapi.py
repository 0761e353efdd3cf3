"""The OpenAPI (Swagger 2.0) description served at ``/``, built from the schema cache and the objects' COMMENTs."""

from __future__ import annotations

from typing import Any

from pycore.gateway.schema_cache import SchemaCache


def json_type(pg: str) -> str:
    """The JSON Schema type of a PostgreSQL type name (``format_type``)."""
    if pg in ("integer", "bigint", "smallint"):
        return "integer"
    if pg in ("double precision", "numeric", "real"):
        return "number"
    if pg == "boolean":
        return "boolean"
    if pg.endswith("[]"):
        return "array"
    if pg in ("json", "jsonb"):
        return "object"
    return "string"


def describe(cache: SchemaCache, host: str) -> dict[str, Any]:
    """The Swagger 2.0 document of every view (GET with the grammar's parameters) and function (POST, and GET for a
    STABLE or IMMUTABLE one) of the api schema, for ``host``."""
    paths: dict[str, Any] = {
        "/": {"get": {"summary": "OpenAPI description", "responses": {"200": {"description": "OK"}}}}
    }
    defs: dict[str, Any] = {}
    for v in sorted(cache.views.values(), key=lambda v: v.name):
        defs[v.name] = {
            "type": "object",
            "description": v.comment or "",
            "properties": {c: {"type": json_type(t), "format": t} for c, t in v.columns.items()},
        }
        params = [
            {"name": p, "in": "query", "type": "string", "required": False}
            for p in ("select", "order", "limit", "offset", "or", "and")
        ]
        params += [
            {
                "name": c,
                "in": "query",
                "type": "string",
                "required": False,
                "description": "filter: eq, neq, gt, gte, lt, lte, like, ilike, match, imatch, in, is, isdistinct, cs, cd, ov, fts, plfts, phfts, wfts (not. negates); or=(...), and=(...)",
            }
            for c in v.columns
        ]
        paths[f"/{v.name}"] = {
            "get": {
                "summary": (v.comment or "").split(".")[0],
                "description": v.comment or "",
                "parameters": params,
                "tags": [v.name],
                "responses": {
                    "200": {
                        "description": "OK",
                        "schema": {"type": "array", "items": {"$ref": f"#/definitions/{v.name}"}},
                    }
                },
            }
        }
    for name, fns in sorted(cache.functions.items()):
        fn = fns[0]
        body = {
            "type": "object",
            "required": [a[0] for a in fn.args if not a[2]],
            "properties": {a[0]: {"type": json_type(a[1]), "format": a[1]} for a in fn.args},
        }
        op = {
            "summary": (fn.comment or "").split(".")[0],
            "description": fn.comment or "",
            "tags": ["rpc"],
            "parameters": [{"name": "args", "in": "body", "required": True, "schema": body}],
            "responses": {"200": {"description": "OK"}},
        }
        paths[f"/rpc/{name}"] = {"post": op} | (
            {
                "get": {
                    **op,
                    "parameters": [
                        {"name": a[0], "in": "query", "type": json_type(a[1]), "required": not a[2]} for a in fn.args
                    ],
                }
            }
            if fn.read_only
            else {}
        )
    return {
        "swagger": "2.0",
        "info": {
            "title": "Prometheus v2 API",
            "version": "1.0",
            "description": "PostgREST grammar over the api schema (gateway for development and CI).",
        },
        "host": host,
        "basePath": "/",
        "schemes": ["http"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": paths,
        "definitions": defs,
        "securityDefinitions": {"JWT": {"type": "apiKey", "in": "header", "name": "Authorization"}},
    }
