// Every foreign-key column has an index that starts with it. Without one, each cascaded delete or
// "does anything still point here?" check scans the whole referencing table: deleting an account
// with 8,000 posts took 2.3 s on SQLite with every other request waiting (issue 10, finding 7).
import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import type { AppContext } from "../../src/context.ts";
import { createTestContext, dialectUnderTest } from "../helpers/context.ts";

interface ForeignKey {
  table: string;
  columns: string[];
}

/** Foreign keys in the live schema with no index (or primary key) whose leading columns are theirs. */
export async function unindexedForeignKeys(ctx: AppContext): Promise<ForeignKey[]> {
  const db = ctx.store.db;
  const missing: ForeignKey[] = [];
  if (ctx.store.dialect === "sqlite") {
    const { rows: tables } = await sql<{ name: string }>`
      SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db);
    for (const { name } of tables) {
      const { rows: fks } = await sql<{ id: number; seq: number; from: string }>`
        SELECT id, seq, "from" FROM pragma_foreign_key_list(${name}) ORDER BY id, seq`.execute(db);
      const byId = new Map<number, string[]>();
      for (const fk of fks) byId.set(fk.id, [...(byId.get(fk.id) ?? []), fk.from]);
      const { rows: indexes } = await sql<{ name: string }>`SELECT name FROM pragma_index_list(${name})`.execute(db);
      const leading: string[][] = [];
      for (const index of indexes) {
        const { rows: cols } = await sql<{ name: string }>`
          SELECT name FROM pragma_index_info(${index.name}) ORDER BY seqno`.execute(db);
        leading.push(cols.map((c) => c.name));
      }
      // An INTEGER PRIMARY KEY is the rowid: indexed without an entry in index_list.
      const { rows: pk } = await sql<{ name: string; type: string }>`
        SELECT name, type FROM pragma_table_info(${name}) WHERE pk > 0 ORDER BY pk`.execute(db);
      if (pk.length === 1 && pk[0]?.type.toUpperCase() === "INTEGER") leading.push([pk[0].name]);
      for (const columns of byId.values()) {
        if (!leading.some((l) => columns.every((c, i) => l[i] === c) || sameSet(l.slice(0, columns.length), columns))) {
          missing.push({ table: name, columns });
        }
      }
    }
    return missing;
  }
  const { rows } = await sql<{ table: string; columns: string[]; indexed: boolean }>`
    SELECT c.relname AS "table",
      ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o)::text[] AS "columns",
      EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = k.conrelid
        AND (i.indkey::int2[])[0:array_length(k.conkey, 1) - 1] @> k.conkey
        AND (i.indkey::int2[])[0:array_length(k.conkey, 1) - 1] <@ k.conkey) AS "indexed"
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace
    ORDER BY 1, 2`.execute(db);
  for (const r of rows) if (!r.indexed) missing.push({ table: r.table, columns: r.columns });
  return missing;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

test(`every foreign key has an index that starts with its columns (${dialectUnderTest})`, async () => {
  const ctx = await createTestContext();
  try {
    const { rows } = await sql<{ n: number }>`SELECT 1 AS n`.execute(ctx.store.db);
    assert.equal(Number(rows[0]?.n), 1);
    const missing = await unindexedForeignKeys(ctx);
    assert.deepEqual(
      missing.map((m) => `${m.table}(${m.columns.join(", ")})`),
      [],
      "foreign keys without an index: add them in a migration",
    );
  } finally {
    await ctx.destroy();
  }
});

test(`the check sees a foreign key without an index (${dialectUnderTest})`, async () => {
  const ctx = await createTestContext();
  try {
    await sql`CREATE TABLE fk_probe (id integer PRIMARY KEY, account_id text REFERENCES accounts (id))`.execute(
      ctx.store.db,
    );
    const missing = await unindexedForeignKeys(ctx);
    assert.ok(missing.some((m) => m.table === "fk_probe" && m.columns.join() === "account_id"));
    await sql`CREATE INDEX fk_probe_account ON fk_probe (account_id)`.execute(ctx.store.db);
    assert.ok(!(await unindexedForeignKeys(ctx)).some((m) => m.table === "fk_probe"));
  } finally {
    await ctx.destroy();
  }
});
