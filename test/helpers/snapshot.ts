// The whole database as data, for asserting that a refused request wrote nothing at all.
import { sql } from "kysely";
import type { AppContext } from "../../src/context.ts";

/** Every table Publius made (read from the database's catalog, so new tables are included). */
async function tableNames(ctx: AppContext): Promise<string[]> {
  const rows =
    ctx.store.dialect === "sqlite"
      ? await sql<{
          name: string;
        }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(ctx.store.db)
      : await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(ctx.store.db);
  return rows.rows.map((r) => r.name).sort();
}

/** Every row of every table, as sorted JSON lines per table. */
export async function snapshot(ctx: AppContext): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tableNames(ctx)) {
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(ctx.store.db);
    out[table] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
