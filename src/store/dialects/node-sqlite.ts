// A Kysely driver over Node's built-in `node:sqlite`, so the embedded default needs no native addon.
// node:sqlite is synchronous and has one connection; a mutex keeps a transaction's queries from
// interleaving with other requests' queries while the transaction awaits.
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  type CompiledQuery,
  CompiledQuery as CQ,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";

export interface NodeSqliteOptions {
  /** An open handle; the caller owns opening (pragmas) and the dialect closes it on destroy. */
  database: DatabaseSync;
}

/** Opens a SQLite file (or ":memory:") with the pragmas Publius relies on. */
export function openSqlite(path: string, synchronous: "full" | "normal" = "full"): DatabaseSync {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true });
  if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  // FULL: a post acknowledged is on the disk even after a power loss (docs/decisions/sqlite-synchronous.md).
  db.exec(`PRAGMA synchronous = ${synchronous === "normal" ? "NORMAL" : "FULL"}`);
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA foreign_keys = ON");
  // What a deletion frees is overwritten with zeros, not left in free pages for a seizure to read.
  db.exec("PRAGMA secure_delete = ON");
  return db;
}

export class NodeSqliteDialect implements Dialect {
  readonly #options: NodeSqliteOptions;
  constructor(options: NodeSqliteOptions) {
    this.#options = options;
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new NodeSqliteDriver(this.#options);
  }
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
}

class NodeSqliteDriver implements Driver {
  readonly #options: NodeSqliteOptions;
  #db: DatabaseSync | undefined;
  #connection: NodeSqliteConnection | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: NodeSqliteOptions) {
    this.#options = options;
  }

  async init(): Promise<void> {
    const db = this.#options.database;
    this.#db = db;
    this.#connection = new NodeSqliteConnection(db);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#queue;
    this.#queue = previous.then(() => next);
    await previous;
    const connection = this.#connection;
    if (!connection) throw new Error("database not initialised");
    connection.release = release;
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CQ.raw("begin immediate"));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CQ.raw("commit"));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, …):
    // a second rollback would throw "no transaction is active" and hide the error that matters.
    if (!this.#db?.isTransaction) return;
    await connection.executeQuery(CQ.raw("rollback"));
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as NodeSqliteConnection;
    const release = c.release;
    c.release = undefined;
    release?.();
  }
  async destroy(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
  }
}

const MAX_CACHED_STATEMENTS = 500;

class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, { stmt: StatementSync; reader: boolean }>();
  release: (() => void) | undefined;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  #prepare(sqlText: string) {
    let entry = this.#statements.get(sqlText);
    if (!entry) {
      const stmt = this.#db.prepare(sqlText);
      entry = { stmt, reader: stmt.columns().length > 0 };
      if (this.#statements.size >= MAX_CACHED_STATEMENTS) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
      this.#statements.set(sqlText, entry);
    }
    return entry;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { stmt, reader } = this.#prepare(compiledQuery.sql);
    const params = compiledQuery.parameters.map(toSqliteValue);
    if (reader) {
      return { rows: stmt.all(...params) as R[] };
    }
    const { changes, lastInsertRowid } = stmt.run(...params);
    return { insertId: BigInt(lastInsertRowid), numAffectedRows: BigInt(changes), rows: [] };
  }

  // biome-ignore lint/correctness/useYield: streaming is not used; Kysely requires the method.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not supported by the node:sqlite driver");
  }
}

type SqliteValue = null | number | bigint | string | Uint8Array;

function toSqliteValue(value: unknown): SqliteValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "string") return value;
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`cannot bind a ${typeof value} to SQLite`);
}
