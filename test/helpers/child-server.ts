// The real process for fault tests: `node src/cli/main.ts serve` as a child, on SQLite in a temp
// folder or on PostgreSQL in a schema of its own (through a TCP proxy the test can cut and stall).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { TEST_ABUSE_DEFAULTS } from "./context.ts";

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;
export const TEST_PG_URL = process.env.PUBLIUS_TEST_DATABASE_URL || undefined;

/** A TCP proxy of our own between the server and PostgreSQL: cut (reset everything), stall (hold bytes), restore. */
export class TcpProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #mode: "open" | "cut" | "stall" = "open";
  port = 0;

  readonly targetHost: string;
  readonly targetPort: number;

  constructor(targetHost: string, targetPort: number) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.#server = createServer((client) => {
      if (this.#mode === "cut") {
        client.destroy();
        return;
      }
      const upstream = new Socket();
      upstream.connect(this.targetPort, this.targetHost);
      const pair: [Socket, Socket] = [client, upstream];
      this.#pairs.add(pair);
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.#pairs.delete(pair);
      };
      client.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
      // Bytes flow only while open; a stall holds them (and the clients wait) until restored.
      const forward = (from: Socket, to: Socket) => {
        from.on("data", (chunk: Buffer) => {
          if (this.#mode === "open") to.write(chunk);
          else {
            from.pause();
            this.#held.push(() => {
              to.write(chunk);
              from.resume();
            });
          }
        });
      };
      forward(client, upstream);
      forward(upstream, client);
    });
  }

  #held: (() => void)[] = [];

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.port = (this.#server.address() as { port: number }).port;
    return this.port;
  }

  /** Resets every open connection and refuses new ones (the database host is gone). */
  cut(): void {
    this.#mode = "cut";
    this.#held = [];
    for (const [a, b] of this.#pairs) {
      a.resetAndDestroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  /** Accepts and holds: nothing comes back (the database hangs, or the network drops packets). */
  stall(): void {
    this.#mode = "stall";
  }

  restore(): void {
    this.#mode = "open";
    const held = this.#held;
    this.#held = [];
    for (const f of held) f();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export interface ChildServer {
  origin: string;
  child: ChildProcess;
  dataDir: string;
  dialect: "sqlite" | "postgres";
  proxy: TcpProxy | undefined;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and how long after `since` it came. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Kills what is left and removes the folder and schema. */
  destroy(): Promise<void>;
}

export interface ChildOptions {
  env?: Record<string, string>;
  /** Put a TcpProxy between the server and PostgreSQL (PostgreSQL runs only). */
  proxy?: boolean;
  /** An existing data folder (SQLite restarts); otherwise a fresh one. */
  dataDir?: string;
  /** An existing schema (PostgreSQL restarts). */
  schema?: string;
  keep?: boolean;
}

export async function createSchema(): Promise<string> {
  const schema = `f_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return schema;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

export async function startChild(options: ChildOptions = {}): Promise<ChildServer & { schema: string | undefined }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "publius-fault-"));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...TEST_ABUSE_DEFAULTS,
    PUBLIUS_DATA_DIR: dataDir,
    PUBLIUS_PORT: "0",
    PUBLIUS_LOG_LEVEL: "info",
    // Fault tests load the server harder than a person would: the API limit is not under test.
    PUBLIUS_API_REQUESTS_PER_5_MINUTES: "1000000",
    ...options.env,
  };
  delete env.PUBLIUS_DATABASE_URL;
  delete env.PUBLIUS_TEST_DATABASE_URL;
  let schema = options.schema;
  let proxy: TcpProxy | undefined;
  if (TEST_PG_URL) {
    schema ??= await createSchema();
    const url = new URL(TEST_PG_URL);
    if (options.proxy) {
      proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
      url.host = `127.0.0.1:${await proxy.listen()}`;
    }
    url.searchParams.set("options", `-c search_path=${schema}`);
    env.PUBLIUS_DATABASE_URL = url.toString();
  }
  const child = spawn(process.execPath, [MAIN, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 30_000);
    const look = () => {
      const m = / on (http:\/\/127\.0\.0\.1:\d+) /.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before serving: ${out}`));
    });
  });
  return {
    origin,
    child,
    dataDir,
    schema,
    dialect: TEST_PG_URL ? "postgres" : "sqlite",
    proxy,
    output: () => out,
    exited,
    async destroy() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      await proxy?.close();
      if (!options.keep) {
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
        if (schema && !options.schema) await dropSchema(schema);
      }
    },
  };
}

/** Registers an app and signs a person up through the API; returns their access token. */
export async function signUp(origin: string, username: string): Promise<string> {
  const post = async (path: string, body: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, string>;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const app = await post("/api/v1/apps", {
    client_name: "fault test",
    redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
    scopes: "read write",
  });
  const appToken = await post("/oauth/token", {
    grant_type: "client_credentials",
    client_id: app.client_id,
    client_secret: app.client_secret,
    redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
    scope: "read write",
  });
  const user = await post(
    "/api/v1/accounts",
    { username, email: `${username}@example.org`, password: "correct horse battery staple 9", agreement: true },
    appToken.access_token,
  );
  return user.access_token as string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Percentile (0-100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
