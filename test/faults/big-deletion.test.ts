// Issue 10, item 7: deleting a prolific account must not stall everyone else (8,000 posts held
// every SQLite request for ~2.3 s in one transaction), and must stay all-or-nothing in effect: the
// account vanishes at once, its posts go in batches, and a stop midway is finished at the next start.
import assert from "node:assert/strict";
import { test } from "node:test";
import { randomSerial } from "../../src/domain/ids.ts";
import { DELETING, purgeStatuses } from "../../src/services/accounts/accounts.ts";
import { PASSWORD } from "../fixtures/accounts.ts";
import { openApiSite } from "../helpers/api.ts";
import { percentile } from "../helpers/child-server.ts";

const POSTS = 8000;

async function seed(site: Awaited<ReturnType<typeof openApiSite>>, authorId: string, otherId: string, n: number) {
  const db = site.ctx.store.db;
  const day = "2026-01-01T00:00:00.000Z";
  const ids: string[] = [];
  for (let start = 0; start < n; start += 500) {
    const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
      const i = start + k;
      const id = `9${String(i).padStart(17, "0")}`;
      ids.push(id);
      return {
        id,
        account_id: authorId,
        in_reply_to_id: null,
        in_reply_to_account_id: null,
        reblog_of_id: null,
        text: `post number ${i} about the weather`,
        content: `<p>post number ${i} about the weather</p>`,
        spoiler_text: "",
        sensitive: 0,
        visibility: "public",
        language: "en",
        created_at: day,
        edited_at: null,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: i % 4 === 0 ? 1 : 0,
      };
    });
    await db.insertInto("statuses").values(rows).execute();
  }
  // Someone else liked a quarter of them (cascaded rows to go too).
  for (let start = 0; start < n; start += 2000) {
    const liked = ids.slice(start, start + 2000).filter((_, k) => (start + k) % 4 === 0);
    await db
      .insertInto("favourites")
      .values(liked.map((status_id) => ({ id: randomSerial(), account_id: otherId, status_id })))
      .execute();
  }
  await db.updateTable("accounts").set({ statuses_count: n }).where("id", "=", authorId).execute();
  return ids;
}

test(`deleting an account with ${POSTS} posts lets other requests through (bounded latency)`, {
  timeout: 120_000,
}, async () => {
  const site = await openApiSite({ env: { PUBLIUS_API_REQUESTS_PER_5_MINUTES: "1000000" } });
  try {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await seed(site, alice.account.id, bob.account.id, POSTS);
    // A reply of Bob's to one of them, so counters and cascades are real.
    const own = await bob.api.post("/api/v1/statuses", { status: "bob's own" });
    assert.equal(own.statusCode, 200);

    // The same client's latency before the deletion: the machine's own noise (tests share the CPU).
    const baseline: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      assert.equal((await bob.api.get("/api/v1/timelines/home")).statusCode, 200);
      baseline.push(performance.now() - t0);
    }
    const latencies: number[] = [];
    let done = false;
    const reader = (async () => {
      while (!done) {
        const t0 = performance.now();
        const res = await bob.api.get("/api/v1/timelines/home");
        latencies.push(performance.now() - t0);
        assert.equal(res.statusCode, 200);
        // inject() resolves without I/O: a real client's next request comes from the event loop too.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const t0 = performance.now();
    await site.ctx.services.accounts.deleteAccount(alice.viewer, PASSWORD);
    const took = performance.now() - t0;
    done = true;
    await reader;

    const left = await site.ctx.store.db
      .selectFrom("statuses")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", alice.account.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(left.n), 0);
    assert.equal(
      await site.ctx.store.db.selectFrom("accounts").select("id").where("id", "=", alice.account.id).executeTakeFirst(),
      undefined,
    );
    const p99 = percentile(latencies, 99);
    const max = Math.max(...latencies);
    console.log(
      `# deleting ${POSTS} posts (${site.ctx.store.dialect}): ${took.toFixed(0)} ms in all; ${latencies.length} requests of another client meanwhile, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${max.toFixed(0)} ms (before: p99 ${percentile(baseline, 99).toFixed(0)} ms)`,
    );
    assert.ok(latencies.length >= 10, "the other client was answered throughout");
    // 8,000 posts in one transaction held every SQLite request for 2.3 s; now no request waits for
    // more than a few batches (a busy machine's own p99 allowed on top).
    const allowance = percentile(baseline, 99);
    assert.ok(p99 < 300 + allowance, `p99 ${p99.toFixed(0)} ms < 300 ms + the p99 before (${allowance.toFixed(0)} ms)`);
  } finally {
    await site.close();
  }
});

test("an account deletion stopped midway is invisible meanwhile and finished at the next start", {
  timeout: 60_000,
}, async () => {
  const site = await openApiSite({ sqliteFile: true });
  let ctx = site.ctx;
  try {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const ids = await seed(site, alice.account.id, bob.account.id, 600);
    const reposted = await bob.api.post(`/api/v1/statuses/${ids[0]}/reblog`);
    assert.equal(reposted.statusCode, 200);
    // What the first transaction of a deletion does, then one batch, then the process stops.
    await ctx.store.db
      .updateTable("accounts")
      .set({ state: DELETING, suspended: 1 })
      .where("id", "=", alice.account.id)
      .execute();
    await ctx.store.db.transaction().execute((tx) =>
      purgeStatuses(
        tx,
        alice.account.id,
        ids.slice(200, 400).map((id) => ({ id })),
      ),
    );

    // Half-purged, yet nothing of it shows: not the account, not a post, not in a timeline.
    assert.equal((await bob.api.get(`/api/v1/accounts/${alice.account.id}`)).statusCode, 404);
    assert.equal((await bob.api.get(`/api/v1/statuses/${ids[10]}`)).statusCode, 404);
    const timeline = (await bob.api.get("/api/v1/timelines/public")).json() as {
      id: string;
      account: { id: string };
    }[];
    assert.ok(timeline.every((s) => s.account.id !== alice.account.id));
    assert.equal((await bob.api.get("/api/v1/accounts/lookup?acct=alice")).statusCode, 404);

    await site.app.close();
    ctx = await ctx.restart();
    assert.equal(await ctx.services.accounts.resumeDeletions(), 1);
    assert.equal(
      await ctx.store.db.selectFrom("accounts").select("id").where("id", "=", alice.account.id).executeTakeFirst(),
      undefined,
    );
    const left = await ctx.store.db
      .selectFrom("statuses")
      .select("id")
      .where("account_id", "=", alice.account.id)
      .execute();
    assert.equal(left.length, 0);
    const bobNow = await ctx.store.db
      .selectFrom("accounts")
      .select("statuses_count")
      .where("id", "=", bob.account.id)
      .executeTakeFirstOrThrow();
    assert.equal(bobNow.statuses_count, 0, "Bob's repost went with the post, and his count with it");
    assert.equal(await ctx.services.accounts.resumeDeletions(), 0);
  } finally {
    await ctx.destroy();
  }
});
