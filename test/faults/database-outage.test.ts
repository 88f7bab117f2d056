// Issue 10, item 1 and 9: losing or stalling PostgreSQL must not kill the server. The real process
// runs behind a TCP proxy of our own that the test cuts (every connection reset, new ones refused)
// and stalls (bytes held); the machine's PostgreSQL is never touched.
import assert from "node:assert/strict";
import { test } from "node:test";
import { percentile, signUp, sleep, startChild, TEST_PG_URL } from "../helpers/child-server.ts";

const UNAVAILABLE = "The database is unavailable. Try again in a moment.";
const skip = TEST_PG_URL ? false : "PostgreSQL only (set PUBLIUS_TEST_DATABASE_URL): SQLite has no connection to lose";

interface Outcome {
  status: number | string;
  body: string;
  at: number;
  ms: number;
}

async function get(origin: string, path: string, token?: string): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${origin}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(15_000),
    });
    const body = await res.text();
    return { status: res.status, body, at: t0, ms: performance.now() - t0 };
  } catch (e) {
    return { status: `network: ${(e as Error).message}`, body: "", at: t0, ms: performance.now() - t0 };
  }
}

test("PostgreSQL cut while idle and under load, then stalled: no exit, 503 JSON during, 200 after", {
  skip,
  timeout: 60_000,
}, async () => {
  const server = await startChild({ proxy: true, env: { PUBLIUS_DATABASE_TIMEOUT: "2" } });
  const { origin, proxy } = server;
  assert.ok(proxy);
  try {
    const token = await signUp(origin, "alice");
    assert.equal((await get(origin, "/api/v1/timelines/home", token)).status, 200);

    // 1. Cut while idle: the pool's idle connections are reset under it.
    proxy.cut();
    await sleep(1500);
    assert.equal(server.child.exitCode, null, `the server is still running: ${server.output()}`);
    const during = await get(origin, "/api/v1/timelines/home", token);
    assert.equal(during.status, 503, during.body);
    assert.deepEqual(JSON.parse(during.body), { error: UNAVAILABLE });
    assert.equal((await get(origin, "/api/v1/streaming/health")).status, 503, "health says the database is gone");
    await sleep(3500);
    proxy.restore();
    const after = await get(origin, "/api/v1/timelines/home", token);
    assert.equal(after.status, 200, after.body);
    assert.equal((await get(origin, "/api/v1/streaming/health")).status, 200);

    // 2. Cut for 5 s under load (8 clients reading and posting without pause).
    const outcomes: Outcome[] = [];
    let running = true;
    const worker = async (i: number) => {
      while (running) {
        if (i % 2) outcomes.push(await get(origin, "/api/v1/timelines/public?local=true", token));
        else {
          const t0 = performance.now();
          try {
            const res = await fetch(`${origin}/api/v1/statuses`, {
              method: "POST",
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: JSON.stringify({ status: `load ${i} ${t0}` }),
              signal: AbortSignal.timeout(15_000),
            });
            outcomes.push({ status: res.status, body: await res.text(), at: t0, ms: performance.now() - t0 });
          } catch (e) {
            outcomes.push({ status: `network: ${(e as Error).message}`, body: "", at: t0, ms: 0 });
          }
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, i) => worker(i));
    await sleep(1000);
    const cutAt = performance.now();
    proxy.cut();
    await sleep(5000);
    const restoredAt = performance.now();
    proxy.restore();
    await sleep(2000);
    running = false;
    await Promise.all(workers);
    assert.equal(server.child.exitCode, null, `the server is still running: ${server.output()}`);
    const statuses = new Map<string, number>();
    for (const o of outcomes) statuses.set(String(o.status), (statuses.get(String(o.status)) ?? 0) + 1);
    const unexpected = outcomes.filter((o) => o.status !== 200 && o.status !== 503);
    assert.deepEqual(unexpected.slice(0, 3), [], `only 200 and 503: ${JSON.stringify([...statuses])}`);
    for (const o of outcomes.filter((x) => x.status === 503))
      assert.deepEqual(JSON.parse(o.body), { error: UNAVAILABLE });
    assert.ok(
      outcomes.some((o) => o.status === 503 && o.at > cutAt),
      "requests during the cut answer 503",
    );
    const firstOk = outcomes.filter((o) => o.status === 200 && o.at >= restoredAt).sort((a, b) => a.at - b.at)[0];
    assert.ok(firstOk, "a 200 after the restore");
    const lastSecond = outcomes.filter((o) => o.at > restoredAt + 1000);
    assert.ok(
      lastSecond.length > 0 && lastSecond.every((o) => o.status === 200),
      "every request a second after the restore is answered 200",
    );
    const during503 = outcomes.filter((o) => o.status === 503).map((o) => o.ms);
    console.log(
      `# cut under load: ${outcomes.length} requests, ${JSON.stringify(Object.fromEntries(statuses))}; 503 p99 ${percentile(during503, 99).toFixed(0)} ms; first 200 ${(firstOk.at + firstOk.ms - restoredAt).toFixed(0)} ms after the restore`,
    );

    // 3. Stalled: nothing comes back. A request waits at most the database timeout (2 s), then 503.
    proxy.stall();
    const stalled = await Promise.all([
      get(origin, "/api/v1/timelines/home", token),
      get(origin, "/api/v1/timelines/public", token),
    ]);
    for (const s of stalled) {
      assert.equal(s.status, 503, s.body);
      assert.ok(s.ms < 5000, `answered within the timeout (${s.ms.toFixed(0)} ms)`);
    }
    const health = await get(origin, "/api/v1/streaming/health");
    assert.equal(health.status, 503);
    assert.ok(health.ms < 3000, `health answers within 2 s (${health.ms.toFixed(0)} ms)`);
    await sleep(1000);
    proxy.restore();
    const back = await get(origin, "/api/v1/timelines/home", token);
    assert.equal(back.status, 200, back.body);
    console.log(
      `# stall: 503 after ${stalled.map((s) => s.ms.toFixed(0)).join(", ")} ms; health ${health.ms.toFixed(0)} ms`,
    );
    assert.equal(server.child.exitCode, null);
    const lost = (server.output().match(/lost a PostgreSQL connection/g) ?? []).length;
    assert.ok(lost >= 1, "the lost connections were logged");
    assert.doesNotMatch(server.output(), /"request failed"/, "no 500s logged");
  } finally {
    await server.destroy();
  }
});

test("PostgreSQL unreachable at start: one clear line, exit code 1", { skip, timeout: 30_000 }, async () => {
  const { spawn } = await import("node:child_process");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { freePort } = await import("../helpers/server.ts");
  // Nothing listens there: the database host is up, the database is not.
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "publius-nodb-"));
  try {
    const child = spawn(process.execPath, [new URL("../../src/cli/main.ts", import.meta.url).pathname, "serve"], {
      env: {
        ...process.env,
        PUBLIUS_DATA_DIR: dataDir,
        PUBLIUS_PORT: "0",
        PUBLIUS_DATABASE_URL: `postgres://publius:s3cret@127.0.0.1:${port}/publius`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    assert.equal(code, 1);
    const lines = stderr.trim().split("\n");
    assert.equal(lines.length, 1, stderr);
    assert.match(
      lines[0] as string,
      /^publius: cannot reach the PostgreSQL database \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); check PUBLIUS_DATABASE_URL/,
    );
    assert.doesNotMatch(stderr, /s3cret|\n\s+at /, "no password, no stack trace");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
