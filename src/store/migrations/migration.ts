import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from "kysely";

export type DialectName = "sqlite" | "postgres";

/** A numbered migration. It receives an untyped handle: migrations never import live table types. */
export interface Migration {
  name: string;
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
  /**
   * SQLite: run with foreign keys off (a table rebuild: dropping a parent table would otherwise
   * cascade-delete its children). Set before the transaction, checked with foreign_key_check before
   * commit, and turned back on after.
   */
  foreignKeysOff?: boolean;
}

/** An integer key the database assigns: order without time. */
export function serialId<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
  dialect: DialectName,
  name = "id",
): CreateTableBuilder<T, C | typeof name> {
  return dialect === "sqlite"
    ? table.addColumn(name, "integer", (c) => c.primaryKey().autoIncrement())
    : table.addColumn(name, "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

/**
 * SQLite: a table stored in the order of its primary key, with no hidden rowid that keeps the order
 * in which rows were inserted (issue 9, finding 5). PostgreSQL has no rowid (its heap order is
 * docs/decisions/physical-order.md's subject).
 */
export function withoutRowid<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
  dialect: DialectName,
): CreateTableBuilder<T, C> {
  return dialect === "sqlite" ? table.modifyEnd(sql`WITHOUT ROWID`) : table;
}

/** A flag: 0 or 1 on both databases, so one code path reads it. */
export const flag = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

export const nowSql = sql`CURRENT_TIMESTAMP`;
