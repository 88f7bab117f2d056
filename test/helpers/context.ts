// Builds a fresh AppContext for one test: an in-memory SQLite database by default, or — when
// PUBLIUS_TEST_DATABASE_URL is set — a PostgreSQL schema of its own, dropped afterwards.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Config, loadConfig } from "../../src/config/config.ts";
import { type AppContext, createContext } from "../../src/context.ts";
import { ManualClock } from "../../src/domain/clock.ts";
import { TEST_COST } from "../../src/services/accounts/passwords.ts";
import { migrate, openStore } from "../../src/store/store.ts";

export const TEST_DATABASE_URL = process.env.PUBLIUS_TEST_DATABASE_URL || undefined;
export const dialectUnderTest = TEST_DATABASE_URL ? "postgres" : "sqlite";

/**
 * What tests run with unless their env says otherwise: no proof of work on the sign-up page and
 * posting limits out of the way (the tests of those features set them explicitly).
 */
export const TEST_ABUSE_DEFAULTS: Record<string, string> = {
  PUBLIUS_SIGNUP_POW_BITS: "0",
  PUBLIUS_POSTS_PER_HOUR: "0",
  PUBLIUS_NEW_ACCOUNT_POSTS_PER_HOUR: "0",
  PUBLIUS_NEW_ACCOUNT_LINK_POSTS: "0",
};

export interface TestContext extends AppContext {
  clock: ManualClock;
  dataDir: string;
  /** Closes the store and removes the schema / folder. */
  destroy(): Promise<void>;
  /**
   * A restart: closes the store and returns a new context on the same database (needs
   * `sqliteFile: true` on SQLite) with the same clock. Destroy the returned one, not this.
   */
  restart(): Promise<TestContext>;
}

export interface TestContextOptions {
  env?: Record<string, string>;
  /** Use a SQLite file in the data folder instead of memory (for tests that inspect files). */
  sqliteFile?: boolean;
  clockStart?: string;
}

export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), "publius-test-"));
  const config: Config = loadConfig({
    PUBLIUS_DATA_DIR: dataDir,
    PUBLIUS_PUBLIC_URL: "http://publius.test",
    PUBLIUS_LOG_LEVEL: "silent",
    ...TEST_ABUSE_DEFAULTS,
    ...options.env,
  });
  let schema: string | undefined;
  if (TEST_DATABASE_URL) {
    schema = `t_${randomBytes(6).toString("hex")}`;
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
  }
  const clock = new ManualClock(options.clockStart);
  return open(config, dataDir, schema, clock, options);
}

async function open(
  config: Config,
  dataDir: string,
  schema: string | undefined,
  clock: ManualClock,
  options: TestContextOptions,
): Promise<TestContext> {
  const store = await openStore({
    databaseUrl: TEST_DATABASE_URL,
    sqlitePath: TEST_DATABASE_URL ? undefined : options.sqliteFile ? join(dataDir, "publius.sqlite") : ":memory:",
    pgSchema: schema,
    pgPoolSize: 4,
  } as Parameters<typeof openStore>[0]);
  await migrate(store);
  const ctx = createContext({ config, store, clock, passwordCost: TEST_COST });
  return {
    ...ctx,
    clock,
    dataDir,
    async restart() {
      if (!TEST_DATABASE_URL && !options.sqliteFile) throw new Error("restart() needs sqliteFile: true on SQLite");
      await store.close();
      return open(config, dataDir, schema, clock, options);
    },
    async destroy() {
      await store.close();
      if (schema && TEST_DATABASE_URL) {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
