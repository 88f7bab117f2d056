// Bulk loading into PostgreSQL without COPY: each batch is one INSERT … SELECT FROM unnest() of
// column arrays. Batches go round-robin to a few connections, so the database writes on every core
// while the next batch is built. Secondary indexes (including the GIN search index) are set aside and
// rebuilt from their own definitions afterwards. Foreign-key triggers are skipped during the load when
// the role may (session_replication_role needs a superuser); the seeder's "full" check verifies them.
import pg from "pg";
import type { BulkLoader } from "./loader.ts";
import type { Progress } from "./progress.ts";
import type { RowFill, TableSpec } from "./rows.ts";

/** Values per batch (rows × columns): large enough to amortise a round trip, small enough to stream. */
const VALUES_PER_BATCH = 120_000;
const CONNECTIONS = 2;

interface IndexDef {
  name: string;
  definition: string;
}

export class PostgresBulkLoader implements BulkLoader {
  readonly #clients: pg.Client[];
  #setAside: IndexDef[] = [];
  #tables: readonly string[] = [];
  /** Whether foreign-key checks were skipped during the load. */
  foreignKeysDeferred = false;

  constructor(connectionString: string, schema?: string) {
    this.#clients = Array.from(
      { length: CONNECTIONS },
      () => new pg.Client({ connectionString, ...(schema ? { options: `-c search_path=${schema}` } : {}) }),
    );
  }

  async begin(tables: readonly string[]): Promise<void> {
    this.#tables = tables;
    for (const c of this.#clients) {
      await c.connect();
      await c.query("SET synchronous_commit = off");
      await c.query("SET maintenance_work_mem = '512MB'");
    }
    try {
      for (const c of this.#clients) await c.query("SET session_replication_role = replica");
      this.foreignKeysDeferred = true;
    } catch {
      for (const c of this.#clients) await c.query("SET session_replication_role = DEFAULT").catch(() => {});
    }
    const c = this.#first();
    const result = await c.query<{ indexname: string; indexdef: string }>(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
                         WHERE k.conname = i.indexname AND n.nspname = current_schema())`,
      [tables],
    );
    this.#setAside = result.rows.map((r) => ({ name: r.indexname, definition: r.indexdef }));
    for (const ix of this.#setAside) await c.query(`DROP INDEX "${ix.name}"`);
  }

  async insert(spec: TableSpec, count: number, fill: RowFill, progress: Progress): Promise<void> {
    const width = spec.columns.length;
    const perBatch = Math.max(1, Math.floor(VALUES_PER_BATCH / width));
    const names = spec.columns.map((col) => `"${col.name}"`).join(", ");
    const arrays = spec.columns.map((col, k) => `$${k + 1}::${col.pg}[]`).join(", ");
    const text = `INSERT INTO "${spec.name}" (${names}) SELECT * FROM unnest(${arrays})`;
    const row: unknown[] = new Array(width);
    const pending: (Promise<void> | undefined)[] = this.#clients.map(() => undefined);
    progress.start(spec.name, count);
    let turn = 0;
    for (let i = 0; i < count; i += perBatch) {
      const n = Math.min(perBatch, count - i);
      const columns: unknown[][] = spec.columns.map(() => new Array(n));
      for (let k = 0; k < n; k++) {
        fill(i + k, row, 0);
        for (let col = 0; col < width; col++) (columns[col] as unknown[])[k] = row[col];
      }
      const slot = turn % this.#clients.length;
      turn++;
      await pending[slot];
      pending[slot] = (this.#clients[slot] as pg.Client).query(text, columns).then(() => progress.advance(n));
    }
    await Promise.all(pending);
    progress.finish();
  }

  async end(progress: Progress): Promise<void> {
    try {
      for (const c of this.#clients) await c.query("SET session_replication_role = DEFAULT");
      // Two connections build two indexes at a time.
      const queue = [...this.#setAside];
      progress.start("indexes", queue.length);
      await Promise.all(
        this.#clients.map(async (c) => {
          for (let ix = queue.shift(); ix; ix = queue.shift()) {
            await c.query(ix.definition);
            progress.advance(1);
          }
        }),
      );
      progress.finish();
      progress.start("analyze", this.#tables.length);
      for (const t of this.#tables) {
        await this.#first().query(`ANALYZE "${t}"`);
        progress.advance(1);
      }
      progress.finish();
    } finally {
      this.#setAside = [];
      await Promise.all(this.#clients.map((c) => c.end()));
    }
  }

  #first(): pg.Client {
    return this.#clients[0] as pg.Client;
  }
}
