// npm run chaos: kill -9 under posting load, on SQLite and (when PUBLIUS_TEST_DATABASE_URL is set)
// PostgreSQL. Each run starts the real server, posts from 8 clients with an Idempotency-Key each,
// kills the process without warning after a few seconds, starts it again on the same data, retries
// the posts that got no answer (same key), and counts:
//   acked       posts answered 200 before the kill
//   lost        acknowledged posts missing after the restart (must be 0)
//   duplicated  posts stored more than once (retries must be deduplicated; must be 0)
// Bounded: RUNS runs of RUN_MS each per database (PUBLIUS_CHAOS_RUNS, PUBLIUS_CHAOS_SECONDS).
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { dropSchema, signUp, sleep, startChild } from "../test/helpers/child-server.ts";

const RUNS = Number(process.env.PUBLIUS_CHAOS_RUNS ?? 3);
const RUN_MS = Number(process.env.PUBLIUS_CHAOS_SECONDS ?? 5) * 1000;
const CLIENTS = 8;

interface Attempt {
  key: string;
  text: string;
  id?: string;
}

async function postOnce(origin: string, token: string, a: Attempt): Promise<"ok" | "failed"> {
  try {
    const res = await fetch(`${origin}/api/v1/statuses`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": a.key },
      body: JSON.stringify({ status: a.text }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 200) return "failed";
    a.id = ((await res.json()) as { id: string }).id;
    return "ok";
  } catch {
    return "failed";
  }
}

async function run(label: string, n: number) {
  const first = await startChild({ keep: true });
  const token = await signUp(first.origin, `chaos${n}`);
  const acked: Attempt[] = [];
  const unanswered: Attempt[] = [];
  let killed = false;
  const client = async (c: number) => {
    for (let i = 0; !killed; i++) {
      const a: Attempt = {
        key: randomBytes(12).toString("hex"),
        text: `chaos ${n} client ${c} post ${i} ${randomBytes(4).toString("hex")}`,
      };
      if ((await postOnce(first.origin, token, a)) === "ok") acked.push(a);
      else unanswered.push(a);
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  await sleep(RUN_MS * (0.5 + Math.random() * 0.5));
  first.child.kill("SIGKILL");
  killed = true;
  await first.exited;
  await Promise.all(clients);
  await first.proxy?.close();

  // Same data folder and schema: the restart must hold every acknowledged post, once.
  const second = await startChild({
    dataDir: first.dataDir,
    ...(first.schema ? { schema: first.schema } : {}),
    keep: true,
  });
  try {
    for (const a of unanswered) await postOnce(second.origin, token, a);
    const me = (await (
      await fetch(`${second.origin}/api/v1/accounts/verify_credentials`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { id: string };
    const seen = new Map<string, number>();
    const ids = new Set<string>();
    let maxId = "";
    for (;;) {
      const res = await fetch(
        `${second.origin}/api/v1/accounts/${me.id}/statuses?limit=40${maxId ? `&max_id=${maxId}` : ""}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      const page = (await res.json()) as { id: string; content: string }[];
      if (!Array.isArray(page) || page.length === 0) break;
      for (const s of page) {
        ids.add(s.id);
        const text = s.content.replace(/<[^>]+>/g, "");
        seen.set(text, (seen.get(text) ?? 0) + 1);
      }
      maxId = page[page.length - 1]?.id ?? "";
    }
    const lost = acked.filter((a) => !a.id || !ids.has(a.id)).length;
    const duplicated = [...seen.values()].filter((v) => v > 1).length;
    return { label, acked: acked.length, unanswered: unanswered.length, stored: ids.size, lost, duplicated };
  } finally {
    await second.destroy();
    rmSync(first.dataDir, { recursive: true, force: true });
    if (first.schema) await dropSchema(first.schema);
  }
}

if (!process.env.PUBLIUS_CHAOS_DATABASE) {
  // One process per database: the helpers choose the database when they are loaded.
  const { spawnSync } = await import("node:child_process");
  const pg = process.env.PUBLIUS_TEST_DATABASE_URL;
  console.log("database    run  acked  unanswered  stored  lost  duplicated");
  let failed = 0;
  for (const [label, url] of [["SQLite", ""], ...(pg ? [["PostgreSQL", pg]] : [])] as [string, string][]) {
    const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname], {
      stdio: "inherit",
      env: { ...process.env, PUBLIUS_CHAOS_DATABASE: label, PUBLIUS_TEST_DATABASE_URL: url },
    });
    failed ||= r.status ?? 1;
  }
  if (!pg) console.log("PUBLIUS_TEST_DATABASE_URL is not set: PostgreSQL was skipped.");
  process.exit(failed);
}

const label = process.env.PUBLIUS_CHAOS_DATABASE;
let bad = 0;
for (let n = 1; n <= RUNS; n++) {
  const r = await run(label, n);
  bad += r.lost + r.duplicated;
  console.log(
    `${r.label.padEnd(11)} ${String(n).padStart(3)}  ${String(r.acked).padStart(5)}  ${String(r.unanswered).padStart(10)}  ${String(r.stored).padStart(6)}  ${String(r.lost).padStart(4)}  ${String(r.duplicated).padStart(10)}`,
  );
}
process.exit(bad ? 1 : 0);
