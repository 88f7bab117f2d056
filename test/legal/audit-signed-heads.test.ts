// Signed audit heads (issue 9, finding 12). Reproduction: change entry 3, add a forged "withdrawn"
// event, recompute every hash — the chain is consistent again, and before this fix `publius audit
// verify` printed OK. A head signed with the instance key and published earlier is no longer
// extended by the rewritten log, so verification against it fails; a demand record changed
// without an audit entry is found too.
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { canonicalJson } from "../../src/domain/legal/canonical.ts";
import { checkSignedHead, entryHash, type SignedAuditHead } from "../../src/services/legal/audit.ts";
import { person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { addDemand, cliEnv, legalStaff } from "./helpers.ts";

async function world(ctx: TestContext) {
  await person(ctx, "rogueNoaa");
  const cal = await legalStaff(ctx, "counsel");
  const demand = await addDemand(ctx, cal.actor, "warrantRogueNoaa");
  const { demands } = ctx.services.legal;
  await demands.concern(cal.actor, demand.id, "Check the warrant's particularity.");
  await demands.transition(cal.actor, demand.id, { to: "in_review", reason: "Reviewing." });
  await demands.note(cal.actor, demand.id, "Called the agent.");
  return { cal, demand };
}

/** What someone who can write the database does: rewrite entry 3, forge an event, recompute every hash. */
async function rewrite(ctx: TestContext, demandId: string) {
  const db = ctx.store.db;
  await db
    .updateTable("legal_audit_log")
    .set({ detail: '{"reason":"Nothing to see."}' })
    .where("seq", "=", 3)
    .execute();
  const rows = await db.selectFrom("legal_audit_log").selectAll().orderBy("seq").execute();
  let prev = rows[1]?.hash as string;
  const last = rows[rows.length - 1];
  const at = new Date(Date.parse(String(last?.at)) + 1000).toISOString();
  await db
    .insertInto("legal_events")
    .values({
      demand_id: demandId,
      kind: "withdrawn",
      actor_account_id: null,
      reason: "Withdrawn.",
      data: "{}",
      created_at: at,
    })
    .execute();
  const all = [
    ...rows.slice(2),
    {
      seq: Number(last?.seq) + 1,
      at,
      actor_account_id: null,
      action: "demand.withdrawn",
      demand_id: demandId,
      subject: "",
      detail: canonicalJson({ reason: "Withdrawn." }),
      prev_hash: "",
      hash: "",
    },
  ];
  // Hashes are unique: park the old ones out of the way first.
  await db.deleteFrom("legal_audit_log").where("seq", ">=", 3).execute();
  for (const r of all) {
    const base = {
      seq: Number(r.seq),
      at: r.at,
      actorId: r.actor_account_id,
      action: r.action,
      demandId: r.demand_id,
      subject: r.subject,
      detail: r.detail,
      prevHash: prev,
    };
    const hash = entryHash(base);
    await db
      .insertInto("legal_audit_log")
      .values({ ...r, seq: base.seq, prev_hash: prev, hash })
      .execute();
    prev = hash;
  }
}

describe("signed audit heads", () => {
  test("a log rewritten whole fails against a head published earlier, at the command line too", async () => {
    const ctx = await createTestContext({ sqliteFile: true });
    try {
      const { demand } = await world(ctx);
      const { buildWeb } = await import("../helpers/web.ts");
      const web = await buildWeb(ctx);
      const published = (await web.client().get("/audit-head.json")).json() as { signed: SignedAuditHead };
      await web.app.close();
      assert.ok(checkSignedHead(published.signed, ctx.services.legal.key.info().publicKeyPem).ok);
      const file = join(ctx.dataDir, "head.json");
      writeFileSync(file, JSON.stringify(published));
      const env = await cliEnv(ctx);
      let out = "";
      assert.equal(await runCli(["audit", "verify", "--head", file], env, (s) => (out += s)), 0, out);
      assert.match(out, /extends the signed head given/);

      await rewrite(ctx, demand.id);
      // The whole chain holds together again...
      const { audit } = ctx.services.legal;
      const kept = await ctx.store.db.selectFrom("legal_audit_heads").selectAll().execute();
      assert.ok(kept.length >= 1, "the head served at /audit-head was kept");
      // ...and the one who rewrote it also removes the kept heads from the database.
      await ctx.store.db.deleteFrom("legal_audit_heads").execute();
      const alone = await audit.verify();
      assert.ok(
        alone.problems.every((p) => !/does not match its hash|does not follow/.test(p)),
        alone.problems.join("; "),
      );
      // Against the head published earlier, it fails.
      const check = await audit.verify({ signedHeads: [published] });
      assert.equal(check.ok, false);
      assert.match(check.problems.join(" "), /does not extend the signed head given/);
      out = "";
      assert.equal(await runCli(["audit", "verify", "--head", file], env, (s) => (out += s)), 1);
      assert.match(out, /FAILED[\s\S]*does not extend the signed head given/);
    } finally {
      await ctx.destroy();
    }
  });

  test("a kept head is checked without being given; a head signed with another key is refused", async () => {
    const ctx = await createTestContext();
    try {
      const { demand } = await world(ctx);
      const { audit } = ctx.services.legal;
      const head = await audit.publishHead("canary");
      assert.ok((await audit.verify()).ok);
      // A forger without the key file signs their own head.
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const forged = {
        ...head,
        signature: sign(null, Buffer.from(canonicalJson(head.head)), privateKey).toString("base64"),
        public_key_pem: publicKey.export({ format: "pem", type: "spki" }).toString(),
      };
      const refused = await audit.verify({ signedHeads: [forged] });
      assert.equal(refused.ok, false);
      assert.match(refused.problems.join(" "), /signature on the head at entry \d+ does not verify/);
      await rewrite(ctx, demand.id);
      const check = await audit.verify();
      assert.equal(check.ok, false);
      assert.match(check.problems.join(" "), /does not extend the signed head published with canary/);
    } finally {
      await ctx.destroy();
    }
  });

  test("a signed canary carries its head signed on its own, and the log extends it", async () => {
    const ctx = await createTestContext();
    try {
      const { cal } = await world(ctx);
      const canary = await ctx.services.legal.canary.sign(cal.actor, {});
      assert.equal(canary.audit_head_signed?.head.hash, canary.canary.audit_head);
      const current = await ctx.services.legal.canary.current();
      assert.deepEqual(current?.published.audit_head_signed?.head, canary.audit_head_signed?.head);
      assert.ok((await ctx.services.legal.audit.verify({ signedHeads: [canary] })).ok);
    } finally {
      await ctx.destroy();
    }
  });
});

describe("demand records against the audit log", () => {
  test("an event changed, added or removed without its audit entry is found", async () => {
    const ctx = await createTestContext();
    try {
      const { demand } = await world(ctx);
      const db = ctx.store.db;
      const { audit } = ctx.services.legal;
      assert.ok((await audit.verify()).ok);
      const note = await db
        .selectFrom("legal_events")
        .select("id")
        .where("kind", "=", "note")
        .executeTakeFirstOrThrow();
      await db.updateTable("legal_events").set({ reason: "Nothing happened." }).where("id", "=", note.id).execute();
      const changed = await audit.verify();
      assert.equal(changed.ok, false);
      assert.match(changed.problems.join(" "), /event \d+ \(note\) does not match audit entry \d+/);
      await db.updateTable("legal_events").set({ reason: "Called the agent." }).where("id", "=", note.id).execute();
      assert.ok((await audit.verify()).ok);
      await db
        .insertInto("legal_events")
        .values({
          demand_id: demand.id,
          kind: "withdrawn",
          actor_account_id: null,
          reason: "Withdrawn.",
          data: "{}",
          created_at: ctx.clock.now().toISOString(),
        })
        .execute();
      const added = await audit.verify();
      assert.match(added.problems.join(" "), /event \d+ \(withdrawn\) has no audit entry/);
    } finally {
      await ctx.destroy();
    }
  });

  test("a production marked released without two approvals on the log is found", async () => {
    const ctx = await createTestContext();
    try {
      const noaa = await person(ctx, "rogueNoaa");
      const cal = await legalStaff(ctx, "counsel");
      const d = await addDemand(ctx, cal.actor, "warrantRogueNoaa");
      const { demands, productions, audit } = ctx.services.legal;
      await demands.transition(cal.actor, d.id, { to: "in_review", reason: "Reviewing." });
      await demands.transition(cal.actor, d.id, {
        to: "approved",
        reason: "Warrant.",
        targets: [noaa.account.id],
        categories: ["nonpublic_content"],
      });
      const p = await productions.prepare(cal.actor, d.id);
      await productions.approve(cal.actor, d.id, p.id, p.manifestSha256);
      assert.ok((await audit.verify()).ok);
      await ctx.store.db
        .updateTable("legal_productions")
        .set({ released_at: ctx.clock.now().toISOString() })
        .where("id", "=", p.id)
        .execute();
      const check = await audit.verify();
      assert.equal(check.ok, false);
      assert.match(check.problems.join(" "), /marked released, but the audit log shows 1 approval/);
    } finally {
      await ctx.destroy();
    }
  });
});
