// Bulk loading into SQLite through the store's own node:sqlite handle: multi-row prepared inserts in
// one transaction per table, with the journal, foreign-key checks, secondary indexes and the FTS
// triggers set aside during the load and put back (exactly as the migration made them) afterwards.
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { BulkLoader } from "./loader.ts";
import type { Progress } from "./progress.ts";
import type { RowFill, TableSpec } from "./rows.ts";

/** SQLite allows 32,766 bound values per statement; stay well inside it. */
const MAX_PARAMS = 8_000;
const MAX_ROWS_PER_STATEMENT = 500;
const ROWS_PER_TRANSACTION = 200_000;

interface SchemaObject {
  type: string;
  name: string;
  sql: string;
}

export class SqliteBulkLoader implements BulkLoader {
  readonly #db: DatabaseSync;
  #setAside: SchemaObject[] = [];

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  async begin(tables: readonly string[]): Promise<void> {
    const db = this.#db;
    db.exec("PRAGMA foreign_keys = OFF");
    db.exec("PRAGMA journal_mode = OFF");
    db.exec("PRAGMA synchronous = OFF");
    db.exec("PRAGMA cache_size = -524288");
    db.exec("PRAGMA temp_store = MEMORY");
    const placeholders = tables.map(() => "?").join(", ");
    // Only plain indexes and the search-index triggers: any other trigger keeps doing its work.
    this.#setAside = db
      .prepare(
        `SELECT type, name, sql FROM sqlite_master
         WHERE sql IS NOT NULL AND tbl_name IN (${placeholders})
           AND (type = 'index' OR (type = 'trigger' AND sql LIKE '%statuses_fts%'))`,
      )
      .all(...tables) as unknown as SchemaObject[];
    for (const o of this.#setAside) db.exec(`DROP ${o.type === "index" ? "INDEX" : "TRIGGER"} "${o.name}"`);
  }

  async insert(spec: TableSpec, count: number, fill: RowFill, progress: Progress): Promise<void> {
    const db = this.#db;
    const width = spec.columns.length;
    const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / width)));
    const full = this.#statement(spec, perStatement);
    const params: SQLInputValue[] = new Array(perStatement * width);
    progress.start(spec.name, count);
    let inTransaction = 0;
    db.exec("BEGIN");
    try {
      for (let i = 0; i < count; i += perStatement) {
        const n = Math.min(perStatement, count - i);
        const stmt = n === perStatement ? full : this.#statement(spec, n);
        if (n !== perStatement) params.length = n * width;
        for (let k = 0; k < n; k++) fill(i + k, params as unknown[], k * width);
        stmt.run(...params);
        inTransaction += n;
        if (inTransaction >= ROWS_PER_TRANSACTION) {
          db.exec("COMMIT");
          db.exec("BEGIN");
          inTransaction = 0;
        }
        progress.advance(n);
      }
      db.exec("COMMIT");
    } catch (e) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw e;
    }
    progress.finish();
  }

  async end(progress: Progress): Promise<void> {
    const db = this.#db;
    const indexes = this.#setAside.filter((o) => o.type === "index");
    progress.start("indexes", indexes.length);
    for (const o of indexes) {
      db.exec(o.sql);
      progress.advance(1);
    }
    progress.finish();
    const triggers = this.#setAside.filter((o) => o.type === "trigger");
    if (triggers.length > 0) {
      // The search index is rebuilt from the table in one pass, far faster than a trigger per row.
      const hasFts = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'statuses_fts'").get() !== undefined;
      progress.start("search index (fts5)", 1);
      if (hasFts) db.exec("INSERT INTO statuses_fts(statuses_fts) VALUES ('rebuild')");
      for (const o of triggers) db.exec(o.sql);
      progress.advance(1);
      progress.finish();
    }
    this.#setAside = [];
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA foreign_keys = ON");
  }

  #statement(spec: TableSpec, rows: number): StatementSync {
    const names = spec.columns.map((c) => `"${c.name}"`).join(", ");
    const tuple = `(${spec.columns.map(() => "?").join(", ")})`;
    const values = new Array(rows).fill(tuple).join(", ");
    return this.#db.prepare(`INSERT INTO "${spec.name}" (${names}) VALUES ${values}`);
  }
}

/** Rows that break a foreign key (there should be none); a full check of every table. */
export function foreignKeyViolations(db: DatabaseSync): number {
  return db.prepare("PRAGMA foreign_key_check").all().length;
}
