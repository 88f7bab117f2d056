// The audit log is a hash chain: any changed, deleted, inserted or reordered entry is found, on
// SQLite and on PostgreSQL (this file runs on both). Entries cut from the end are found against a
// head published earlier.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sql } from "kysely";
import { runCli } from "../../src/cli/main.ts";
import type { AppContext } from "../../src/context.ts";
import { entryHash } from "../../src/services/legal/audit.ts";
import { person } from "../fixtures/accounts.ts";
import { createTestContext, TEST_DATABASE_URL } from "../helpers/context.ts";
import { useSite } from "../helpers/web.ts";
import { addDemand, legalStaff } from "./helpers.ts";

/** A demand with a few steps: a chain of about ten entries. */
async function chain(ctx: AppContext & { clock: { advance(ms: number): void } }) {
  await person(ctx, "rogueNoaa");
  const cal = await legalStaff(ctx as never, "counsel");
  const demand = await addDemand(ctx, cal.actor, "warrantRogueNoaa");
  const { demands } = ctx.services.legal;
  await demands.concern(cal.actor, demand.id, "Check the warrant's particularity.");
  await demands.transition(cal.actor, demand.id, { to: "in_review", reason: "Reviewing." });
  await demands.review(cal.actor, demand.id);
  await demands.note(cal.actor, demand.id, "Called the agent.");
  const check = await ctx.services.legal.audit.verify();
  assert.ok(check.ok, check.problems.join("; "));
  assert.ok(check.count >= 6, `${check.count} entries`);
  return check;
}

async function row(ctx: AppContext, seq: number) {
  return {
    ...(await ctx.store.db.selectFrom("legal_audit_log").selectAll().where("seq", "=", seq).executeTakeFirstOrThrow()),
  };
}

describe(`tampering with the audit log (${TEST_DATABASE_URL ? "PostgreSQL" : "SQLite"})`, () => {
  const site = useSite();
  const db = () => site.ctx.store.db;
  const verify = (head?: string) => site.ctx.services.legal.audit.verify({ expectHead: head });

  test("a changed entry is found", async () => {
    await chain(site.ctx);
    await db()
      .updateTable("legal_audit_log")
      .set({ detail: '{"reason":"Nothing to see."}' })
      .where("seq", "=", 3)
      .execute();
    const check = await verify();
    assert.equal(check.ok, false);
    assert.deepEqual(check.problems, ["entry 3 does not match its hash (it was changed)"]);
  });

  test("a changed entry whose hash was recomputed breaks the link to the next one", async () => {
    await chain(site.ctx);
    const r = await row(site.ctx, 3);
    const forged = { ...r, actor_account_id: null, detail: '{"reason":"forged"}' };
    const hash = entryHash({
      seq: Number(forged.seq),
      at: forged.at,
      actorId: forged.actor_account_id,
      action: forged.action,
      demandId: forged.demand_id,
      subject: forged.subject,
      detail: forged.detail,
      prevHash: forged.prev_hash,
    });
    await db()
      .updateTable("legal_audit_log")
      .set({ detail: forged.detail, actor_account_id: null, hash })
      .where("seq", "=", 3)
      .execute();
    const check = await verify();
    assert.deepEqual(check.problems, [
      "entry 4 does not follow the entry before it (an entry was inserted, deleted or reordered)",
    ]);
  });

  test("a deleted entry is found", async () => {
    await chain(site.ctx);
    await db().deleteFrom("legal_audit_log").where("seq", "=", 4).execute();
    const check = await verify();
    assert.deepEqual(check.problems, [
      "entry 4 is missing (deleted)",
      "entry 5 does not follow the entry before it (an entry was inserted, deleted or reordered)",
    ]);
  });

  test("an inserted entry is found, and a fork at the same place is refused by the database", async () => {
    await chain(site.ctx);
    const third = await row(site.ctx, 3);
    const second = await row(site.ctx, 2);
    // A second entry claiming the same predecessor cannot even be written.
    await assert.rejects(
      db()
        .insertInto("legal_audit_log")
        .values({ ...third, seq: 1000, hash: "f".repeat(64), prev_hash: second.hash })
        .execute(),
    );
    // Make room at position 3 and slip a well-formed entry in.
    await db().updateTable("legal_audit_log").set({ seq: sql`seq + 100000` }).where("seq", ">=", 3).execute();
    await db().updateTable("legal_audit_log").set({ seq: sql`seq - 99999` }).where("seq", ">=", 100000).execute();
    const base = {
      seq: 3,
      at: third.at,
      actorId: null,
      action: "demand.note",
      demandId: third.demand_id,
      subject: "",
      detail: '{"reason":"All in order."}',
      prevHash: "e".repeat(64),
    };
    await db()
      .insertInto("legal_audit_log")
      .values({
        seq: 3,
        at: base.at,
        actor_account_id: null,
        action: base.action,
        demand_id: base.demandId,
        subject: "",
        detail: base.detail,
        prev_hash: base.prevHash,
        hash: entryHash(base),
      })
      .execute();
    const check = await verify();
    assert.equal(check.ok, false);
    assert.ok(
      check.problems.includes(
        "entry 3 does not follow the entry before it (an entry was inserted, deleted or reordered)",
      ),
    );
    assert.ok(check.problems.includes("entry 4 does not match its hash (it was changed)"), check.problems.join("; "));
  });

  test("reordered entries are found", async () => {
    await chain(site.ctx);
    await db().updateTable("legal_audit_log").set({ seq: 999_999 }).where("seq", "=", 2).execute();
    await db().updateTable("legal_audit_log").set({ seq: 2 }).where("seq", "=", 3).execute();
    await db().updateTable("legal_audit_log").set({ seq: 3 }).where("seq", "=", 999_999).execute();
    const check = await verify();
    assert.equal(check.ok, false);
    assert.deepEqual(check.problems, [
      "entry 2 does not follow the entry before it (an entry was inserted, deleted or reordered)",
      "entry 2 does not match its hash (it was changed)",
      "entry 3 does not follow the entry before it (an entry was inserted, deleted or reordered)",
      "entry 3 does not match its hash (it was changed)",
      "entry 4 does not follow the entry before it (an entry was inserted, deleted or reordered)",
    ]);
  });

  test("entries cut from the end are found against the head published earlier", async () => {
    const published = await chain(site.ctx);
    await db().deleteFrom("legal_audit_log").where("seq", "=", published.head.seq).execute();
    // A shorter chain is consistent in itself, but the demand event written with the cut entry
    // no longer has its audit entry (issue 9, finding 12).
    const alone = await verify();
    assert.equal(alone.ok, false);
    assert.match(alone.problems.join(" "), /event \d+ \(note\) has no audit entry/);
    const check = await verify(published.head.hash);
    assert.equal(check.ok, false);
    assert.match(check.problems.join(" "), /published earlier is not in the log/);
    // The public page shows the head to note down.
    const res = await site.web.client().get("/audit-head.json");
    assert.equal(res.json().seq, published.head.seq - 1);
  });
});

describe("publius audit verify", () => {
  test("prints OK for an intact chain and fails with the problems after tampering", async () => {
    const ctx = await createTestContext({ sqliteFile: true });
    try {
      await chain(ctx);
      const env: Record<string, string> = { PUBLIUS_DATA_DIR: ctx.dataDir, PUBLIUS_LOG_LEVEL: "silent" };
      if (TEST_DATABASE_URL) {
        const { rows } = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(ctx.store.db);
        const url = new URL(TEST_DATABASE_URL);
        url.searchParams.set("options", `-c search_path=${rows[0]?.s}`);
        env.PUBLIUS_DATABASE_URL = url.toString();
      }
      let out = "";
      const head = (await ctx.services.legal.audit.head()).hash;
      assert.equal(await runCli(["audit", "verify", "--head", head], env, (s) => (out += s)), 0, out);
      assert.match(out, new RegExp(`^OK: \\d+ entries, each committing to the one before\\.\\nHead: ${head}`));
      await ctx.store.db.updateTable("legal_audit_log").set({ action: "demand.note" }).where("seq", "=", 2).execute();
      out = "";
      assert.equal(await runCli(["audit", "verify"], env, (s) => (out += s)), 1);
      assert.match(out, /FAILED: the audit log does not verify:\n {2}- entry 2 does not match its hash/);
    } finally {
      await ctx.destroy();
    }
  });
});
