// Direct looks at the database, for asserting what was (and was not) written.
import { sql } from "kysely";
import type { AppContext } from "../../src/context.ts";
import type { Database } from "../../src/store/schema/database.ts";

/** Rows in a table, optionally only those whose column equals a value. */
export async function rowCount(
  ctx: AppContext,
  table: keyof Database,
  where?: Record<string, string | number | null>,
): Promise<number> {
  let q = ctx.store.db.selectFrom(table as "accounts").select((eb) => eb.fn.countAll<number>().as("n"));
  for (const [column, value] of Object.entries(where ?? {})) {
    q = value === null ? q.where(column as "id", "is", null) : q.where(column as "id", "=", value as string);
  }
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every column, in any table, with a foreign key to `table` (read from the live schema). */
export async function columnsReferencing(
  ctx: AppContext,
  table: keyof Database,
): Promise<{ table: string; column: string }[]> {
  const db = ctx.store.db;
  if (ctx.store.dialect === "sqlite") {
    const { rows } = await sql<{ table: string; column: string }>`
      SELECT m.name AS "table", p."from" AS "column" FROM sqlite_master m, pragma_foreign_key_list(m.name) p
      WHERE m.type = 'table' AND p."table" = ${table}`.execute(db);
    return rows;
  }
  const { rows } = await sql<{ table: string; column: string }>`
    SELECT c.relname AS "table", a.attname AS "column" FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
    WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace AND p.relname = ${table}`.execute(db);
  return rows;
}
