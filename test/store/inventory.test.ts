// The data inventory and the live schema say the same thing, on SQLite and on PostgreSQL.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { CATEGORIES, DATA_INVENTORY, INTERNAL_TABLES } from "../../src/domain/data-inventory.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.destroy());

async function liveSchema(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (ctx.store.dialect === "postgres") {
    // Only this test file's schema: Kysely's introspector reads every schema, and other test files
    // create and drop theirs concurrently.
    const r = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema()`.execute(ctx.store.db);
    for (const row of r.rows) {
      const columns = out.get(row.table_name) ?? new Set<string>();
      columns.add(row.column_name);
      out.set(row.table_name, columns);
    }
    return out;
  }
  for (const t of await ctx.store.db.introspection.getTables()) out.set(t.name, new Set(t.columns.map((c) => c.name)));
  return out;
}

test("every column in the live schema is in the data inventory", async () => {
  const live = await liveSchema();
  const missing: string[] = [];
  for (const [table, columns] of live) {
    if (INTERNAL_TABLES.some((i) => i.pattern.test(table))) continue;
    const entry = DATA_INVENTORY.find((e) => e.table === table);
    if (!entry) {
      missing.push(`${table} (whole table)`);
      continue;
    }
    for (const column of columns) if (!(column in entry.columns)) missing.push(`${table}.${column}`);
  }
  assert.deepEqual(missing, [], "add these to src/domain/data-inventory.ts and docs/data-inventory.md");
});

test("every column the inventory names exists in the live schema", async () => {
  const live = await liveSchema();
  const stale: string[] = [];
  for (const entry of DATA_INVENTORY) {
    const columns = live.get(entry.table);
    if (!columns) {
      stale.push(`${entry.table} (whole table)`);
      continue;
    }
    for (const column of Object.keys(entry.columns)) {
      // The tsvector column exists only on PostgreSQL (SQLite indexes posts in an FTS5 table).
      if (entry.table === "statuses" && column === "search_vector" && ctx.store.dialect === "sqlite") continue;
      if (!columns.has(column)) stale.push(`${entry.table}.${column}`);
    }
    for (const owner of entry.ownedBy) assert.ok(columns.has(owner), `${entry.table}.${owner} (ownedBy) exists`);
  }
  assert.deepEqual(stale, []);
});

test("nothing in the schema has a place for contact or network data", async () => {
  const live = await liveSchema();
  const forbidden =
    /(e_?mail|phone|address|(^|_)ip(_|$)|user_?agent|last_(seen|sign_?in|login|used)|remote_addr|device)/i;
  for (const [table, columns] of live) {
    for (const column of columns) assert.doesNotMatch(`${table}.${column}`, forbidden);
  }
  for (const id of ["contact", "network"] as const) {
    assert.equal(CATEGORIES.find((c) => c.id === id)?.notCollected, true);
    assert.ok(DATA_INVENTORY.every((t) => Object.values(t.columns).every((c) => c.category !== id)));
  }
});

test("docs/data-inventory.md is the one generated from the inventory (npm run docs)", async () => {
  const { readFileSync } = await import("node:fs");
  const { dataInventoryMarkdown } = await import("../../src/present/docs/data-inventory.ts");
  const onDisk = readFileSync(new URL("../../docs/data-inventory.md", import.meta.url), "utf8");
  assert.equal(onDisk, dataInventoryMarkdown(), "run `npm run docs` and commit the result");
});
