// The second factor under attack (issue 9, findings 1, 21 and 17): wrong codes are counted per
// account and per session, slowed down, and lock the factor well before a meaningful share of the
// million codes has been tried; the lock is on the audit log and the operator's unlock works; a
// code used in one process is refused in every other; the secrets are sealed at rest, so the
// database (or a backup of it) alone does not hold them.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { createContext } from "../../src/context.ts";
import { base32Decode, matchTotp, totp } from "../../src/domain/legal/totp.ts";
import { LOCK_AFTER, SESSION_FAILURES, SLOW_AFTER } from "../../src/services/legal/access.ts";
import { SECRETS_KEY_FILE, SecretBox } from "../../src/services/legal/secret-box.ts";
import { person } from "../fixtures/accounts.ts";
import { createTestContext, TEST_DATABASE_URL, type TestContext } from "../helpers/context.ts";
import { pageText } from "../helpers/pages.ts";
import { useSite } from "../helpers/web.ts";
import { cliEnv, consoleMember, enrol, nextCode } from "./helpers.ts";

/** Codes that are wrong right now for this secret, in order: what a guesser types. */
function* wrongCodes(ctx: TestContext, secret: string): Generator<string> {
  for (let n = 0; n < 1_000_000; n++) {
    const code = String(n).padStart(6, "0");
    if (matchTotp(secret, code, ctx.clock.now()) === undefined) yield code;
  }
}

async function auditActions(ctx: TestContext, subject: string): Promise<string[]> {
  const rows = await ctx.store.db
    .selectFrom("legal_audit_log")
    .select("action")
    .where("subject", "=", subject)
    .orderBy("seq")
    .execute();
  return rows.map((r) => r.action);
}

describe("guessing the console's code", () => {
  const site = useSite();

  test("wrong codes slow down, end the session, and lock the factor after a handful; the lock is audited", async () => {
    const cal = await consoleMember(site, "counsel");
    // The attacker holds the password (a stolen session would do) but not the device.
    let attacker = site.web.client();
    await attacker.signIn("counsel_cal");
    const guesses = wrongCodes(site.ctx, cal.secret);
    let checked = 0;
    let refusedUnchecked = 0;
    let sessionsEnded = 0;
    let locked = false;
    for (let attempt = 0; attempt < 200 && !locked; attempt++) {
      const res = await attacker.post("/staff/legal/second-factor", { code: guesses.next().value as string });
      if (res.statusCode === 422) checked += 1;
      else if (res.statusCode === 429) {
        refusedUnchecked += 1;
        assert.match(pageText(res, 429), /Too many wrong codes: wait \d+ seconds/);
        // The guesser waits as told, then goes on.
        site.ctx.clock.advance(Number(res.headers["retry-after"]) * 1000);
      } else if (res.statusCode === 303 && res.headers.location === "/signin") {
        checked += 1;
        sessionsEnded += 1;
        // Signed out: the old session no longer opens anything. Sign in again and go on.
        assert.equal((await attacker.get("/staff/legal")).statusCode, 303);
        attacker = site.web.client();
        await attacker.signIn("counsel_cal");
      } else if (res.statusCode === 423) {
        locked = true;
        assert.match(pageText(res, 423), /locked after too many wrong codes/);
      } else assert.fail(`unexpected answer ${res.statusCode}`);
    }
    assert.ok(locked, "the factor locks");
    assert.ok(refusedUnchecked > 0, "tries after several wrong codes must wait");
    assert.ok(sessionsEnded >= 1, `a session ends after ${SESSION_FAILURES} wrong codes`);
    // At most LOCK_AFTER codes were ever compared: with three valid codes at a time, a chance of
    // about 3 in 100,000 of guessing right before the lock.
    assert.ok(checked <= LOCK_AFTER, `${checked} codes were checked`);
    assert.ok(SLOW_AFTER < LOCK_AFTER && LOCK_AFTER <= 10);
    // Locked: even the right code is refused, in the console and at the command line.
    site.ctx.clock.advance(10 * 60_000);
    const right = await attacker.post("/staff/legal/second-factor", { code: nextCode(site.ctx, cal.secret) });
    assert.equal(right.statusCode, 423);
    await assert.rejects(
      site.ctx.services.legal.access.forCode("counsel_cal", nextCode(site.ctx, cal.secret)),
      /locked after too many wrong codes/,
    );
    const actions = await auditActions(site.ctx, cal.account.id);
    assert.ok(actions.includes("second_factor.session_ended"), actions.join(", "));
    assert.equal(actions.filter((a) => a === "second_factor.locked").length, 1);
    assert.ok((await site.ctx.services.legal.audit.verify()).ok);
  });

  test("wrong codes at the command line count too, and a right code clears the count", async () => {
    const p = await person(site.ctx, "counsel", { roles: ["legal"] });
    const secret = await enrol(site.ctx, p);
    const { access } = site.ctx.services.legal;
    const guesses = wrongCodes(site.ctx, secret);
    for (let i = 0; i < SLOW_AFTER - 1; i++) {
      await assert.rejects(access.forCode("counsel_cal", guesses.next().value as string), /not right/);
    }
    await access.forCode("counsel_cal", nextCode(site.ctx, secret));
    const row = await site.ctx.store.db
      .selectFrom("staff_second_factors")
      .select(["failed_codes", "locked"])
      .where("account_id", "=", p.account.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(row.failed_codes), 0);
    assert.equal(row.locked, 0);
    for (let i = 0; i < LOCK_AFTER; i++) {
      site.ctx.clock.advance(6 * 60_000);
      await assert.rejects(access.forCode("counsel_cal", guesses.next().value as string));
    }
    await assert.rejects(access.forCode("counsel_cal", nextCode(site.ctx, secret)), /locked/);
    assert.deepEqual(
      (await auditActions(site.ctx, p.account.id)).filter((a) => a.startsWith("second_factor.")),
      ["second_factor.locked"],
    );
  });
});

describe("unlocking a locked factor (publius second-factor unlock)", () => {
  test("the operator unlocks it from the command line; the unlock is audited and a right code works again", async () => {
    const ctx = await createTestContext({ sqliteFile: true });
    try {
      const p = await person(ctx, "counsel", { roles: ["legal"] });
      const secret = await enrol(ctx, p);
      const guesses = wrongCodes(ctx, secret);
      for (let i = 0; i < LOCK_AFTER; i++) {
        ctx.clock.advance(6 * 60_000);
        await assert.rejects(ctx.services.legal.access.forCode("counsel_cal", guesses.next().value as string));
      }
      await assert.rejects(ctx.services.legal.access.forCode("counsel_cal", nextCode(ctx, secret)), /locked/);
      let out = "";
      const env = await cliEnv(ctx);
      assert.equal(await runCli(["second-factor", "unlock", "counsel_cal"], env, (s) => (out += s)), 0, out);
      assert.match(out, /@counsel_cal: unlocked/);
      const actor = await ctx.services.legal.access.forCode("counsel_cal", nextCode(ctx, secret));
      assert.equal(actor.handle, "counsel_cal");
      assert.deepEqual(
        (await auditActions(ctx, p.account.id)).filter((a) => a.startsWith("second_factor.")),
        ["second_factor.locked", "second_factor.unlocked"],
      );
    } finally {
      await ctx.destroy();
    }
  });
});

describe("used codes are shared by every process", () => {
  const site = useSite();

  test("a code used through one context is refused by another on the same database", async () => {
    const p = await person(site.ctx, "counsel", { roles: ["legal"] });
    const secret = await enrol(site.ctx, p);
    // A second process: the command line, or another server behind the same database.
    const other = createContext({ config: site.ctx.config, store: site.ctx.store, clock: site.ctx.clock });
    const code = nextCode(site.ctx, secret);
    await other.services.legal.access.forCode("counsel_cal", code);
    await assert.rejects(site.ctx.services.legal.access.forCode("counsel_cal", code), /used already/);
    // And the other way round, through the console's session check.
    const code2 = nextCode(site.ctx, secret);
    await site.ctx.services.legal.access.verifySession(
      { account: p.account, viewer: p.viewer, sessionId: "s-one" },
      code2,
    );
    await assert.rejects(other.services.legal.access.forCode("counsel_cal", code2), /used already/);
    // An older code is refused once a newer one was used.
    site.ctx.clock.advance(30_000);
    const older = totp(secret, new Date(site.ctx.clock.now().getTime() - 60_000));
    await assert.rejects(other.services.legal.access.forCode("counsel_cal", older), /used already|not right/);
  });

  test("only steps are kept, and only for about a minute and a half", async () => {
    const p = await person(site.ctx, "counsel", { roles: ["legal"] });
    const secret = await enrol(site.ctx, p);
    await site.ctx.services.legal.access.forCode("counsel_cal", nextCode(site.ctx, secret));
    const rows = await site.ctx.store.db.selectFrom("staff_used_codes").selectAll().execute();
    assert.ok(rows.length >= 1);
    for (const r of rows) assert.deepEqual(Object.keys(r).sort(), ["account_id", "step"]);
    site.ctx.clock.advance(5 * 60_000);
    await site.ctx.services.legal.access.forCode("counsel_cal", nextCode(site.ctx, secret));
    const after = await site.ctx.store.db.selectFrom("staff_used_codes").select("step").execute();
    assert.equal(after.length, 1, "older steps were purged");
  });
});

describe(`TOTP secrets at rest (${TEST_DATABASE_URL ? "PostgreSQL" : "SQLite"})`, () => {
  const site = useSite();

  test("the stored column holds neither the base32 secret nor its bytes, and codes still verify", async () => {
    const cal = await consoleMember(site, "counsel");
    const row = await site.ctx.store.db
      .selectFrom("staff_second_factors")
      .select("totp_secret")
      .where("account_id", "=", cal.account.id)
      .executeTakeFirstOrThrow();
    const raw = base32Decode(cal.secret);
    assert.ok(!row.totp_secret.includes(cal.secret));
    assert.ok(!row.totp_secret.toLowerCase().includes(cal.secret.toLowerCase()));
    assert.ok(!row.totp_secret.includes(raw.toString("base64")));
    assert.ok(!row.totp_secret.includes(raw.toString("hex")));
    assert.ok(!Buffer.from(row.totp_secret, "latin1").includes(raw));
    assert.match(row.totp_secret, /^aes256gcm:v1:/);
    const actor = await site.ctx.services.legal.access.forCode("counsel_cal", nextCode(site.ctx, cal.secret));
    assert.equal(actor.accountId, cal.account.id);
    // The key is a file in the data folder, readable by the server's user only.
    assert.equal(statSync(join(site.ctx.dataDir, SECRETS_KEY_FILE)).mode & 0o777, 0o600);
    // Without that file (a database copy somewhere else) the sealed value does not open.
    const elsewhere = mkdtempSync(join(tmpdir(), "publius-elsewhere-"));
    try {
      assert.throws(() =>
        new SecretBox(elsewhere).open(row.totp_secret, `staff_second_factors.totp_secret:${cal.account.id}`),
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    // Nor on another account's row.
    assert.throws(() =>
      new SecretBox(site.ctx.dataDir).open(row.totp_secret, "staff_second_factors.totp_secret:someone-else"),
    );
  });

  test("secrets stored in clear before sealing are sealed at start and keep working", async () => {
    const p = await person(site.ctx, "counsel", { roles: ["legal"] });
    const secret = await enrol(site.ctx, p);
    await site.ctx.store.db
      .updateTable("staff_second_factors")
      .set({ totp_secret: secret })
      .where("account_id", "=", p.account.id)
      .execute();
    assert.equal(await site.ctx.services.legal.access.sealStoredSecrets(), 1);
    assert.equal(await site.ctx.services.legal.access.sealStoredSecrets(), 0);
    const row = await site.ctx.store.db
      .selectFrom("staff_second_factors")
      .select("totp_secret")
      .where("account_id", "=", p.account.id)
      .executeTakeFirstOrThrow();
    assert.ok(!row.totp_secret.includes(secret));
    await site.ctx.services.legal.access.forCode("counsel_cal", nextCode(site.ctx, secret));
  });
});

describe("a backup of the database alone", () => {
  test("holds no TOTP secret, and a server given only the backup cannot check codes", async () => {
    if (TEST_DATABASE_URL) return; // the file copy is SQLite's; PostgreSQL dumps hold the same sealed column
    const ctx = await createTestContext({ sqliteFile: true });
    const elsewhere = mkdtempSync(join(tmpdir(), "publius-backup-"));
    try {
      const p = await person(ctx, "counsel", { roles: ["legal"] });
      const secret = await enrol(ctx, p);
      let out = "";
      const backupFile = join(elsewhere, "publius.sqlite");
      assert.equal(await runCli(["backup", backupFile], await cliEnv(ctx), (s) => (out += s)), 0, out);
      const bytes = (await import("node:fs")).readFileSync(backupFile);
      assert.ok(!bytes.includes(Buffer.from(secret)), "the base32 secret is not in the backup");
      assert.ok(!bytes.includes(base32Decode(secret)), "nor are its bytes");
      // A server on the backup, in a data folder without the key file: the code does not open.
      copyFileSync(backupFile, join(elsewhere, "copy.sqlite"));
      const { openStore } = await import("../../src/store/store.ts");
      const store = await openStore({ sqlitePath: join(elsewhere, "copy.sqlite") } as never);
      try {
        const thief = createContext({ config: { ...ctx.config, dataDir: elsewhere }, store, clock: ctx.clock });
        await assert.rejects(thief.services.legal.access.forCode("counsel_cal", nextCode(ctx, secret)));
      } finally {
        await store.close();
      }
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
      await ctx.destroy();
    }
  });
});
