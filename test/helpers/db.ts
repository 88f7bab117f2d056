// Direct looks at the database, for asserting what was (and was not) written.
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
