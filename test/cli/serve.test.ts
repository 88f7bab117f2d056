// The real process: `publius serve` listens, answers, and on SIGTERM finishes and exits 0.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import pg from "pg";
import { freePort } from "../helpers/server.ts";

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;

function waitFor(child: ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output: ${seen}`)), ms);
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

test("serve answers requests and exits 0 on SIGTERM after finishing", { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "publius-serve-"));
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PUBLIUS_DATA_DIR: dataDir,
    PUBLIUS_PORT: String(port),
    PUBLIUS_LOG_LEVEL: "info",
  };
  delete env.PUBLIUS_DATABASE_URL;
  const pgUrl = process.env.PUBLIUS_TEST_DATABASE_URL;
  const schema = `serve_${process.pid}_${Date.now()}`;
  if (pgUrl) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const url = new URL(pgUrl);
    url.searchParams.set("options", `-c search_path=${schema}`);
    env.PUBLIUS_DATABASE_URL = url.toString();
  }
  const child = spawn(process.execPath, [MAIN, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  try {
    await waitFor(child, /Publius is serving/, 30_000);
    const res = await fetch(`http://127.0.0.1:${port}/local`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Local timeline/);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0, `stderr: ${stderr}`);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/local`));
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    if (pgUrl) {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      const tables = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1", [schema]);
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
      assert.ok(tables.rows[0].n > 10, "the server migrated into its own schema");
    }
  }
});

test("a bad configuration stops with one clear message and a non-zero exit", async () => {
  const child = spawn(process.execPath, [MAIN, "serve"], {
    env: { ...process.env, PUBLIUS_REGISTRATION: "sometimes" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  assert.equal(code, 2);
  assert.equal(stderr.trim(), 'publius: PUBLIUS_REGISTRATION must be open, approval or invite (got "sometimes")');
});
