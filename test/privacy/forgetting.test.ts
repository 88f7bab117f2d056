// Deleted data leaves the database files (issue 9, finding 4). A post with a unique word, an account
// with a unique name and handle, and an upload with a unique alt text are deleted; then the raw
// bytes of publius.sqlite, its -wal and -shm, and a backup made afterwards, are searched as
// `grep -a` would (any ASCII case, UTF-8). Before the deletion the same search finds them, so it
// is shown to reach what the files hold. The edit history is kept on purpose (docs/threat-model.md).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { PASSWORD, person } from "../fixtures/accounts.ts";
import { createTestContext, dialectUnderTest, TEST_ABUSE_DEFAULTS, type TestContext } from "../helpers/context.ts";
import { markedPng } from "../helpers/images.ts";

const tag = () => randomBytes(5).toString("hex");
const WORD = `forgetme${tag()}`;
const ALT = `alttext${tag()}`;
const HANDLE = `gone_${tag()}`;
const NAME = `Vanishing${tag()}`;
const GONE_WORD = `goneword${tag()}`;
const KEPT = `keptword${tag()}`;
const NEEDLES = [WORD, ALT, HANDLE, NAME, GONE_WORD];

/** The needles found in `data`, ignoring ASCII case. */
function found(data: Buffer, needles: readonly string[]): string[] {
  const hay = data.toString("latin1").toLowerCase();
  return needles.filter((n) => hay.includes(n.toLowerCase()));
}

const databaseFiles = (dir: string) =>
  ["publius.sqlite", "publius.sqlite-wal", "publius.sqlite-shm"].map((f) => join(dir, f)).filter(existsSync);

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext({ sqliteFile: true });
});
afterEach(async () => {
  await ctx.services.media.settled();
  await ctx.services.forgetting.settled();
  await ctx.destroy();
});

async function deleteAll(): Promise<void> {
  const alice = await person(ctx, "alice");
  // Enough posts that the search index has several segments and pages.
  for (let i = 0; i < 120; i++) {
    await ctx.services.posting.create(alice.viewer, { text: `Filler number ${i} about ${tag()} and ${KEPT}` });
  }
  const post = await ctx.services.posting.create(alice.viewer, { text: `Meeting the source ${WORD} tomorrow` });
  const upload = await ctx.services.media.upload(alice.viewer, await markedPng(), { description: `A map, ${ALT}` });
  await ctx.services.accounts.register({ handle: HANDLE, password: PASSWORD }, { mode: "open" });
  const goneAccount = await ctx.services.accounts.byHandle(HANDLE);
  assert.ok(goneAccount);
  const gone = { accountId: goneAccount.id, roles: [] };
  await ctx.services.accounts.updateProfile(gone, { displayName: NAME, note: `I am ${NAME}`, locked: false });
  await ctx.services.posting.create(gone, { text: `Something only ${GONE_WORD} says` });

  assert.equal((await ctx.services.search.statuses(null, WORD)).length, 1, "the index holds the word");
  if (dialectUnderTest === "sqlite") {
    const before = Buffer.concat(databaseFiles(ctx.dataDir).map((f) => readFileSync(f)));
    assert.deepEqual(found(before, NEEDLES).sort(), [...NEEDLES].sort(), "the search reaches the files");
  }

  await ctx.services.posting.delete(alice.viewer, post.id);
  await ctx.services.media.delete(alice.viewer, upload.id);
  await ctx.services.accounts.deleteAccount(gone, PASSWORD);
  await ctx.services.media.settled();
  await ctx.services.forgetting.settled();
  assert.equal((await ctx.services.search.statuses(null, WORD)).length, 0);
}

test("after deletions, the database, its WAL and shm, and a backup made afterwards hold nothing deleted", {
  skip: dialectUnderTest === "postgres" ? "the SQLite files are searched; PostgreSQL is the next test" : false,
}, async () => {
  await deleteAll();
  const files = databaseFiles(ctx.dataDir);
  assert.ok(files.some((f) => f.endsWith("publius.sqlite")));
  for (const f of files) assert.deepEqual(found(readFileSync(f), NEEDLES), [], `${f} forgot`);
  const live = Buffer.concat(files.map((f) => readFileSync(f)));
  assert.deepEqual(found(live, [KEPT]), [KEPT], "what was not deleted is still there");

  // A backup made now, while the server's connection is open.
  const target = join(ctx.dataDir, "after-deletion.sqlite");
  const env = {
    PUBLIUS_DATA_DIR: ctx.dataDir,
    PUBLIUS_PUBLIC_URL: "http://publius.test",
    PUBLIUS_LOG_LEVEL: "silent",
    ...TEST_ABUSE_DEFAULTS,
  };
  assert.equal(await runCli(["backup", target], env, () => {}), 0);
  const copy = readFileSync(target);
  assert.deepEqual(found(copy, NEEDLES), [], "the backup forgot");
  assert.deepEqual(found(copy, [KEPT]), [KEPT], "the backup holds what was kept");
  assert.equal(statSync(target).mode & 0o777, 0o600, "the backup is the server user's alone");
  for (const suffix of ["-wal", "-shm", "-journal"]) assert.ok(!existsSync(target + suffix), `no ${suffix} left`);
  const db = new DatabaseSync(target, { readOnly: true });
  try {
    assert.deepEqual({ ...(db.prepare("PRAGMA integrity_check").get() as object) }, { integrity_check: "ok" });
    const n = db.prepare("SELECT count(*) AS n FROM statuses_fts WHERE statuses_fts MATCH ?").get(KEPT) as {
      n: number;
    };
    assert.equal(n.n, 120, "the backup's search index works");
  } finally {
    db.close();
  }
});

test("PostgreSQL: an account deletion VACUUMs the tables it leaves dead rows in", {
  skip: dialectUnderTest === "sqlite" ? "PostgreSQL only" : false,
}, async () => {
  await deleteAll();
  const { sql } = await import("kysely");
  const r = await sql<{ relname: string; vacuumed: boolean }>`
    SELECT relname, last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_user_tables
    WHERE schemaname = current_schema() AND relname IN ('statuses', 'accounts', 'media_attachments')
    ORDER BY relname`.execute(ctx.store.db);
  assert.deepEqual(
    r.rows.map((x) => ({ ...x })),
    ["accounts", "media_attachments", "statuses"].map((relname) => ({ relname, vacuumed: true })),
  );
});
