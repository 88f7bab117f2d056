// Opens the one query layer on either database, and applies migrations.
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql, type Transaction } from "kysely";
import pg from "pg";
import { NodeSqliteDialect, openSqlite } from "./dialects/node-sqlite.ts";
import { fromDatabase, isDatabaseUnavailable } from "./faults.ts";
import { migrations } from "./migrations/index.ts";
import type { DialectName } from "./migrations/migration.ts";
import type { Database } from "./schema/database.ts";

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A handle that may or may not be inside a transaction: repos take this. */
export type Queryable = Kysely<Database>;

export interface Store {
  db: Db;
  dialect: DialectName;
  /** The raw SQLite handle (for online backups); undefined on PostgreSQL. */
  sqlite: DatabaseSync | undefined;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… ; undefined selects SQLite. */
  databaseUrl?: string | undefined;
  /** Where the SQLite file lives (ignored for PostgreSQL); ":memory:" for tests. */
  sqlitePath?: string;
  dataDir?: string;
  /** PostgreSQL only: a schema to work in (tests give each file its own). */
  pgSchema?: string;
  pgPoolSize?: number;
  /**
   * PostgreSQL only: how long a connection attempt, a wait for a pooled connection and a statement
   * may take before they fail (and the request answers 503). Default 10 s; 0 for no limit.
   */
  timeoutMs?: number;
  /** Told once per lost PostgreSQL connection (one line for the operator's log). */
  onConnectionError?: (message: string) => void;
  /** SQLite only: FULL (every commit reaches the disk) or NORMAL; see docs/decisions/sqlite-synchronous.md. */
  sqliteSynchronous?: "full" | "normal";
}

// int8 (counts, serial ids) as JS numbers: every value Publius keeps there is far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.pgPoolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
      // A stalled database fails requests after timeoutMs instead of holding them: connecting (and
      // waiting for a free pooled connection), the server-side statement, and the client-side wait
      // for an answer (the only one that works when the network, not the database, is stalled).
      // 0: statements without a limit (migrations, which may rightly take long on a big database).
      connectionTimeoutMillis: timeoutMs || 10_000,
      ...(timeoutMs > 0 ? { statement_timeout: timeoutMs, query_timeout: timeoutMs + 1000 } : {}),
      keepAlive: true,
    });
    // A connection lost while idle (or in use) is reported here; without a listener the process
    // would exit. The pool has already dropped the client; the next query opens a new connection.
    pool.on("error", (error) => {
      options.onConnectionError?.(`lost a PostgreSQL connection: ${(error as Error).message}`);
    });
    pool.on("connect", (client) => {
      // While a client is checked out the pool does not listen to it: a connection lost mid-request
      // would be an unhandled 'error' (the process exits). The query in flight fails on its own.
      client.on("error", () => {});
      // Publius writes nothing about clients into PostgreSQL's own settings either.
      client.query("SET application_name = 'publius'").catch(() => {});
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: discardingBroken(pool) }) });
    return { db, dialect: "postgres", sqlite: undefined, close: () => db.destroy() };
  }
  let path = options.sqlitePath;
  if (!path) {
    const dir = options.dataDir ?? "./data";
    secureDataDir(dir);
    path = join(dir, "publius.sqlite");
  }
  const sqlite = openSqlite(path, options.sqliteSynchronous);
  const db = new Kysely<Database>({ dialect: new NodeSqliteDialect({ database: sqlite }) });
  return { db, dialect: "sqlite", sqlite, close: () => db.destroy() };
}

/**
 * The pool as Kysely sees it, except that a connection whose query failed for want of the database
 * (lost, timed out) is destroyed on release instead of going back to the pool: a client whose
 * answer never came would otherwise be handed to the next request with the stale query pending.
 */
function discardingBroken(pool: pg.Pool): PostgresPool {
  // One wrapper per pooled client, so Kysely keeps one connection object per client as it would.
  const wrappers = new WeakMap<pg.PoolClient, { client: PostgresPoolClient; broken: boolean }>();
  return {
    Client: pg.Client as unknown as NonNullable<PostgresPool["Client"]>,
    options: pool.options,
    async connect(): Promise<PostgresPoolClient> {
      const raw = await pool.connect().catch((e: unknown) => {
        throw fromDatabase(e);
      });
      let entry = wrappers.get(raw);
      if (!entry) {
        const state = { broken: false } as { client: PostgresPoolClient; broken: boolean };
        state.client = {
          // Kysely reads it to cancel a query on a timeout of its own.
          get processID(): number {
            return (raw as unknown as { processID: number }).processID;
          },
          query: ((...args: unknown[]) => {
            const result = (raw.query as (...a: unknown[]) => unknown)(...args);
            if (result instanceof Promise) {
              return result.catch((e: unknown) => {
                fromDatabase(e);
                if (isDatabaseUnavailable(e)) state.broken = true;
                throw e;
              });
            }
            return result;
          }) as PostgresPoolClient["query"],
          release: () => {
            const broken = state.broken;
            if (broken) wrappers.delete(raw);
            raw.release(broken || undefined);
          },
        };
        entry = state;
        wrappers.set(raw, entry);
      }
      return entry.client;
    },
    end: () => pool.end(),
  };
}

/** Applies every migration not yet applied, each in its own transaction. Returns the names applied. */
export async function migrate(store: Store): Promise<string[]> {
  const db = store.db as unknown as Kysely<any>;
  await db.schema
    .createTable("publius_migrations")
    .ifNotExists()
    .addColumn("name", "text", (c) => c.primaryKey())
    .execute();
  const done = new Set(
    (await db.selectFrom("publius_migrations").select("name").execute()).map((r: { name: string }) => r.name),
  );
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.name)) continue;
    const keysOff = store.dialect === "sqlite" && m.foreignKeysOff === true;
    // PRAGMA foreign_keys is a no-op inside a transaction: it is set around it.
    if (keysOff) await sql`PRAGMA foreign_keys = OFF`.execute(db);
    try {
      await db.transaction().execute(async (tx) => {
        await m.up(tx, store.dialect);
        if (keysOff) {
          const broken = await sql`PRAGMA foreign_key_check`.execute(tx);
          if (broken.rows.length)
            throw new Error(`${m.name} left broken foreign keys: ${JSON.stringify(broken.rows[0])}`);
        }
        await tx.insertInto("publius_migrations").values({ name: m.name }).execute();
      });
    } finally {
      if (keysOff) await sql`PRAGMA foreign_keys = ON`.execute(db);
    }
    applied.push(m.name);
  }
  if (store.dialect === "sqlite" && applied.includes(FORGETTING_MIGRATION)) {
    // Once, when secure deletion begins: VACUUM rewrites the file, so what earlier deletions left in
    // free pages is gone too, and the WAL that held the old pages is cut to nothing.
    // Best effort: another connection (a backup running) makes VACUUM busy; the hourly checkpoint
    // and search-index merge still run, and deletions from now on are secure either way.
    try {
      await sql`VACUUM`.execute(db);
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    } catch {}
  }
  return applied;
}

const FORGETTING_MIGRATION = "010-forget";

/**
 * Creates the data folder private to the server's user, or makes an existing one so (older
 * versions left it 0755 under a common umask). Returns the mode it had when it was tightened.
 */
export function secureDataDir(dir: string): { tightenedFrom?: number } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return {};
  chmodSync(dir, mode & 0o700);
  return { tightenedFrom: mode };
}

/** True when the error is a unique-constraint violation on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errcode?: string; message?: string };
  if (e?.code === "23505") return true;
  return typeof e?.message === "string" && /UNIQUE constraint failed/.test(e.message);
}

export { sql };
