// The published JavaScript client of PostgREST (@supabase/postgrest-js, pinned in package.json) against a server
// holding the conformance fixture (tests/http/conformance/fixture.sql), as a web page uses it.
// Usage: node postgrest_js.mjs BASE_URL; exits 1 naming the first check that failed.
import assert from "node:assert/strict";
import { PostgrestClient } from "@supabase/postgrest-js";

const base = process.argv[2];
const db = new PostgrestClient(base, { schema: "api" });
const ids = (data) => data.map((row) => row.id);

async function ok(query) {
  const { data, error, count, status } = await query;
  assert.equal(error, null, JSON.stringify(error));
  return { data, count, status };
}

const checks = {
  "select and eq": async () => {
    const { data } = await ok(db.from("cf_items").select("id,name").eq("name", "apple"));
    assert.deepEqual(data, [{ id: 1, name: "apple" }]);
  },
  "filters": async () => {
    assert.deepEqual(ids((await ok(db.from("cf_items").select("id").gt("price", 3).order("id"))).data), [3, 4, 6]);
    assert.deepEqual(ids((await ok(db.from("cf_items").select("id").in("id", [1, 3, 5]).order("id"))).data), [1, 3, 5]);
    assert.deepEqual(ids((await ok(db.from("cf_items").select("id").is("active", null))).data), [3]);
    assert.deepEqual(ids((await ok(db.from("cf_items").select("id").contains("tags", ["red"]).order("id"))).data), [1, 3]);
    assert.deepEqual(ids((await ok(db.from("cf_items").select("id").not("note", "is", null).order("id"))).data), [2, 4, 6]);
  },
  "or, ilike, json paths": async () => {
    assert.deepEqual(ids((await ok(db.from("cf_items").select("id").or("id.eq.1,name.eq.cherry").order("id"))).data), [1, 3]);
    assert.deepEqual(ids((await ok(db.from("cf_items").select("id").ilike("name", "b%"))).data), [2]);
    const { data } = await ok(db.from("cf_items").select("id,color:data->>color").eq("data->>color", "red").order("id"));
    assert.deepEqual(data, [{ id: 1, color: "red" }, { id: 3, color: "red" }]);
    const fts = await ok(db.from("cf_items").select("id").textSearch("doc", "sweet", { config: "english" }).order("id"));
    assert.deepEqual(ids(fts.data), [1, 2]);
  },
  "order, range, count": async () => {
    const r = await ok(db.from("cf_items").select("id", { count: "exact" }).order("price", { ascending: false }).range(0, 2));
    assert.deepEqual(ids(r.data), [4, 3, 6]);
    assert.equal(r.count, 6);
    assert.equal(r.status, 206);
    const head = await ok(db.from("cf_items").select("*", { count: "exact", head: true }));
    assert.equal(head.count, 6);
    assert.equal(head.data, null);
  },
  "single, maybeSingle, csv": async () => {
    assert.deepEqual((await ok(db.from("cf_items").select("id,name").eq("id", 2).single())).data, { id: 2, name: "Banana" });
    const many = await db.from("cf_items").select("id").single();
    assert.equal(many.error.code, "PGRST116");
    assert.equal(many.status, 406);
    assert.equal((await ok(db.from("cf_items").select("id").eq("id", 99).maybeSingle())).data, null);
    const csv = await ok(db.from("cf_items").select("id,name").in("id", [1, 6]).order("id").csv());
    assert.equal(csv.data, 'id,name\n1,apple\n6,"fig, dried"');
  },
  "rpc": async () => {
    assert.equal((await ok(db.rpc("cf_add", { a: 1, b: 2 }))).data, 3);
    assert.equal((await ok(db.rpc("cf_add", { a: 1 }, { get: true }))).data, 11);
    const set = await ok(db.rpc("cf_items_above", { min_price: 3 }).select("id").order("id", { ascending: false }));
    assert.deepEqual(ids(set.data), [6, 4, 3]);
    assert.deepEqual((await ok(db.rpc("cf_names", { ids: [2, 3] }))).data, ["Banana", "cherry"]);
    const fail = await db.rpc("cf_fail", { code: "c1" });
    assert.equal(fail.status, 402);
    assert.deepEqual(fail.error, { code: "PT402", message: "payment required", details: "c1", hint: "pay" });
  },
  "another schema is refused": async () => {
    const r = await new PostgrestClient(base, { schema: "public" }).from("cf_items").select("id");
    assert.equal(r.status, 406);
    assert.equal(r.error.code, "PGRST106");
  },
};

let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  try {
    await check();
    console.log(`ok ${name}`);
  } catch (err) {
    failed += 1;
    console.log(`FAILED ${name}: ${err.message}`);
  }
}
process.exit(failed ? 1 : 0);
