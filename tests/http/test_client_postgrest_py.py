"""The published Python client of PostgREST (PyPI ``postgrest``, what Supabase ships) against the gateway, as an
analyst's notebook uses it: select, filters, or, ilike, JSON paths, order, range, count, single, csv, rpc."""

from __future__ import annotations

import pytest
from postgrest import APIError, CountMethod, SyncPostgrestClient

from tests.http.conftest import Api


@pytest.fixture
def client(conformance_api: Api) -> SyncPostgrestClient:
    return SyncPostgrestClient(conformance_api.base, schema="api")


def test_select_and_filters(client: SyncPostgrestClient) -> None:
    r = client.from_("cf_items").select("id,name").eq("name", "apple").execute()
    assert r.data == [{"id": 1, "name": "apple"}]
    r = client.from_("cf_items").select("id").gt("price", 3).order("id").execute()
    assert [row["id"] for row in r.data] == [3, 4, 6]
    r = client.from_("cf_items").select("id").in_("id", [1, 3, 5]).order("id").execute()
    assert [row["id"] for row in r.data] == [1, 3, 5]
    r = client.from_("cf_items").select("id").is_("active", "null").execute()
    assert r.data == [{"id": 3}]
    r = client.from_("cf_items").select("id").contains("tags", ["red"]).order("id").execute()
    assert [row["id"] for row in r.data] == [1, 3]
    r = client.from_("cf_items").select("id").not_.is_("note", "null").order("id").execute()
    assert [row["id"] for row in r.data] == [2, 4, 6]


def test_or_ilike_and_json_paths(client: SyncPostgrestClient) -> None:
    r = client.from_("cf_items").select("id").or_("id.eq.1,name.eq.cherry").order("id").execute()
    assert [row["id"] for row in r.data] == [1, 3]
    r = client.from_("cf_items").select("id").ilike("name", "b%").execute()
    assert r.data == [{"id": 2}]
    r = client.from_("cf_items").select("id,color:data->>color").eq("data->>color", "red").order("id").execute()
    assert r.data == [{"id": 1, "color": "red"}, {"id": 3, "color": "red"}]
    r = client.from_("cf_items").select("id").text_search("doc", "sweet", options={"config": "english"}).order("id").execute()
    assert [row["id"] for row in r.data] == [1, 2]


def test_order_range_and_count(client: SyncPostgrestClient) -> None:
    r = client.from_("cf_items").select("id", count=CountMethod.exact).order("price", desc=True).range(0, 2).execute()
    assert [row["id"] for row in r.data] == [4, 3, 6]
    assert r.count == 6
    r = client.from_("cf_items").select("id", count=CountMethod.exact).order("id").limit(2).offset(4).execute()
    assert [row["id"] for row in r.data] == [5, 6] and r.count == 6


def test_single_maybe_single_and_csv(client: SyncPostgrestClient) -> None:
    r = client.from_("cf_items").select("id,name").eq("id", 2).single().execute()
    assert r.data == {"id": 2, "name": "Banana"}
    with pytest.raises(APIError) as err:
        client.from_("cf_items").select("id").single().execute()
    assert err.value.code == "PGRST116"
    assert client.from_("cf_items").select("id").eq("id", 99).maybe_single().execute() is None
    r = client.from_("cf_items").select("id,name").in_("id", [1, 6]).order("id").csv().execute()
    assert r.data == 'id,name\n1,apple\n6,"fig, dried"'


def test_rpc(client: SyncPostgrestClient) -> None:
    assert client.rpc("cf_add", {"a": 1, "b": 2}).execute().data == 3
    assert client.rpc("cf_add", {"a": 1}, get=True).execute().data == 11
    r = client.rpc("cf_items_above", {"min_price": 3}).select("id").order("id", desc=True).execute()
    assert [row["id"] for row in r.data] == [6, 4, 3]
    r = client.rpc("cf_names", {"ids": [2, 3]}).execute()
    assert r.data == ["Banana", "cherry"]
    with pytest.raises(APIError) as err:
        client.rpc("cf_fail", {"code": "c1"}).execute()
    assert (err.value.code, err.value.message, err.value.details) == ("PT402", "payment required", "c1")


def test_the_default_schema_public_is_refused(conformance_api: Api) -> None:
    """postgrest-py asks for schema ``public`` unless told otherwise: 406 PGRST106, as PostgREST answers."""
    with pytest.raises(APIError) as err:
        SyncPostgrestClient(conformance_api.base).from_("cf_items").select("id").execute()
    assert err.value.code == "PGRST106"
    assert err.value.message == "The schema must be one of the following: api"
