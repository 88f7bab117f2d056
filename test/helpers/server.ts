// The real server (serve() from src/main.ts, exactly as `publius serve` runs it) on a free port, on
// SQLite in a temp folder or — when PUBLIUS_TEST_DATABASE_URL is set — on PostgreSQL in a schema of
// its own. Used by the browser tests and by the masto.js client-library suite. It can capture the
// server's log and look through everything the server stored (every row of every table, and every
// file in its data folder) for a string that must never have been kept.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import pg from "pg";
import { loadConfig } from "../../src/config/config.ts";
import { type RunningServer, serve } from "../../src/main.ts";
import { TEST_ABUSE_DEFAULTS } from "./context.ts";

const TEST_DATABASE_URL = process.env.PUBLIUS_TEST_DATABASE_URL || undefined;
export const dialectUnderTest = TEST_DATABASE_URL ? "postgres" : "sqlite";

export interface TestServer {
  /** http://127.0.0.1:<port>, also the server's PUBLIUS_PUBLIC_URL. */
  origin: string;
  /** The server's data folder (media files; the SQLite database on SQLite). */
  dataDir: string;
  /** Every line the server logged, when started with `captureLog` (else empty). */
  log: string[];
  /** The tables with a row holding `needle` anywhere (text, or bytes read as UTF-8 or Latin-1). */
  tablesContaining(needle: string): Promise<string[]>;
  /** The files under the data folder whose bytes hold `needle` (UTF-8 or UTF-16LE). */
  filesContaining(needle: string): string[];
  /** The server's configuration as an environment, for running `publius` commands against it. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Log at level info into `log` instead of staying silent. */
  captureLog?: boolean;
  /** More PUBLIUS_* settings. */
  env?: Record<string, string>;
}

/** Starts the real server, exactly as `publius serve` does, on a fresh database. */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "publius-server-"));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let schema: string | undefined;
  let databaseUrl: string | undefined;
  if (TEST_DATABASE_URL) {
    schema = `b_${randomBytes(6).toString("hex")}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    databaseUrl = inSchema(schema);
  }
  const log: string[] = [];
  const env: Record<string, string> = {
    PUBLIUS_DATA_DIR: dataDir,
    PUBLIUS_PORT: String(port),
    PUBLIUS_HOST: "127.0.0.1",
    PUBLIUS_PUBLIC_URL: origin,
    PUBLIUS_LOG_LEVEL: options.captureLog ? "info" : "silent",
    ...(databaseUrl ? { PUBLIUS_DATABASE_URL: databaseUrl } : {}),
    ...TEST_ABUSE_DEFAULTS,
    ...options.env,
  };
  let server: RunningServer;
  try {
    server = await serve(loadConfig(env), options.captureLog ? { writeLog: (line) => log.push(line) } : {});
  } catch (e) {
    await cleanUp(dataDir, schema);
    throw e;
  }
  if (server.url !== origin) throw new Error(`the server listens on ${server.url}, expected ${origin}`);
  if (schema) {
    // The server migrated into the fresh schema, not into whatever the database's search_path says.
    const migrated = await adminQuery(`SELECT count(*)::int AS n FROM ${schema}.publius_migrations`);
    if (!(Number(migrated[0]?.n) > 0)) throw new Error(`the server did not migrate into schema ${schema}`);
  }
  return {
    origin,
    dataDir,
    log,
    env,
    tablesContaining: (needle) =>
      schema ? pgTablesContaining(schema, needle) : sqliteTablesContaining(dataDir, needle),
    filesContaining: (needle) => filesContaining(dataDir, needle),
    async close() {
      await server.close();
      await cleanUp(dataDir, schema);
    },
  };
}

/** The test database URL with every connection working in `schema`. */
function inSchema(schema: string): string {
  // pg passes `options` to the server at connection start, so every pooled connection works in the schema.
  const url = new URL(TEST_DATABASE_URL as string);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

function holds(value: unknown, needle: string): boolean {
  if (value === null || value === undefined) return false;
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return bytes.includes(Buffer.from(needle, "utf8")) || bytes.includes(Buffer.from(needle, "utf16le"));
  }
  if (typeof value === "object") return JSON.stringify(value).includes(needle);
  return String(value).includes(needle);
}

async function pgTablesContaining(schema: string, needle: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
      [schema],
    );
    if (tables.rows.length === 0) throw new Error(`no tables in schema ${schema}`);
    const found: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query(`SELECT * FROM ${schema}."${name}"`);
      if (rows.rows.some((row) => Object.values(row).some((v) => holds(v, needle)))) found.push(name);
    }
    return found;
  } finally {
    await client.end();
  }
}

async function sqliteTablesContaining(dataDir: string, needle: string): Promise<string[]> {
  // A second connection: WAL lets it read what the server committed while the server keeps running.
  const db = new DatabaseSync(join(dataDir, "publius.sqlite"), { readOnly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    if (tables.length === 0) throw new Error("no tables in the SQLite database");
    const found: string[] = [];
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).all();
      if (rows.some((row) => Object.values(row).some((v) => holds(v, needle)))) found.push(name);
    }
    return found;
  } finally {
    db.close();
  }
}

function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const patterns = [Buffer.from(needle, "utf8"), Buffer.from(needle, "utf16le")];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (s.isFile()) {
        const data = readFileSync(p);
        if (patterns.some((b) => data.includes(b))) found.push(p.slice(dir.length + 1));
      }
    }
  };
  walk(dir);
  return found;
}

async function cleanUp(dataDir: string, schema: string | undefined): Promise<void> {
  if (schema) await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
  rmSync(dataDir, { recursive: true, force: true });
}

async function adminQuery(query: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(query)).rows;
  } finally {
    await client.end();
  }
}

/** A port nobody listens on right now: the public URL has to be known before the server starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
