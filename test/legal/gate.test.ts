// The unmasking gate cannot be opened by one legal staffer alone (issue 9, finding 20): the notice
// prong needs the notice actually sent (or a recorded court order excusing it), a court order
// needs its details and a second reviewer's confirmation, the prongs need a second reviewer who
// recorded none of them, and the gate is checked again when a production is released.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PRONGS } from "../../src/domain/legal/gate.ts";
import { person } from "../fixtures/accounts.ts";
import { pdf } from "../fixtures/demands.ts";
import type { TestContext } from "../helpers/context.ts";
import { useSite } from "../helpers/web.ts";
import { addDemand, type LegalStaff, legalStaff } from "./helpers.ts";

const IDENTIFYING = ["account_login", "nonpublic_content"];

async function office(ctx: TestContext) {
  const noaa = await person(ctx, "rogueNoaa");
  const cal = await legalStaff(ctx, "counsel");
  const erin = await legalStaff(ctx, "erin");
  return { noaa, cal, erin, demands: ctx.services.legal.demands };
}

async function allProngs(ctx: TestContext, who: LegalStaff, demandId: string) {
  for (const p of PRONGS) await ctx.services.legal.demands.prong(who.actor, demandId, p.id, true, `Met: ${p.title}.`);
}

describe("the unmasking gate needs two people", () => {
  const site = useSite();

  test("the notice prong counts only once the notice went out, or a court order excuses it", async () => {
    const { noaa, cal, erin, demands } = await office(site.ctx);
    // Under a non-disclosure order: the notice to RogueNOAA is held.
    const d = await addDemand(site.ctx, cal.actor, "subpoenaWithOrder", {
      requested: { verbatim: "subscriber records", categories: ["account_login"] },
    });
    await demands.transition(cal.actor, d.id, { to: "in_review", reason: "Reviewing." });
    await allProngs(site.ctx, cal, d.id);
    const review = await demands.review(cal.actor, d.id);
    assert.equal(review.gate.noticeNotSent, true);
    assert.deepEqual(
      review.gate.missing.map((p) => p.id),
      ["notice"],
    );
    await assert.rejects(demands.confirmGate(erin.actor, d.id, "Looks right."), /notice has not gone out/);
    const approve = () =>
      demands.transition(cal.actor, d.id, {
        to: "approved",
        reason: "Gate open.",
        targets: [noaa.account.id],
        categories: ["account_login"],
      });
    await assert.rejects(approve(), /The unmasking gate is closed/);
    // A court order excusing notice, recorded with its docket, satisfies the prong.
    await demands.excuseNotice(
      cal.actor,
      d.id,
      { court: "E.D. Va.", docket: "26-gj-3" },
      "Notice excused for 90 days.",
    );
    await demands.confirmGate(erin.actor, d.id, "Read every prong and the order excusing notice.");
    assert.equal((await approve()).state, "approved");
  });

  test("every prong recorded by one reviewer opens nothing until a second, different reviewer confirms", async () => {
    const { noaa, cal, erin, demands } = await office(site.ctx);
    const d = await addDemand(site.ctx, cal.actor, "warrantRogueNoaa", {
      requested: { verbatim: "subscriber records and posts", categories: IDENTIFYING },
    });
    await demands.transition(cal.actor, d.id, { to: "in_review", reason: "Reviewing." });
    await allProngs(site.ctx, cal, d.id);
    const gate = (await demands.review(cal.actor, d.id)).gate;
    assert.equal(gate.missing.length, 0, "the notice went out at intake: every prong is met");
    assert.equal(gate.open, false);
    assert.equal(gate.awaitingConfirmation, true);
    const approve = () =>
      demands.transition(cal.actor, d.id, {
        to: "approved",
        reason: "Gate open.",
        targets: [noaa.account.id],
        categories: IDENTIFYING,
      });
    await assert.rejects(approve(), /second legal reviewer/);
    await assert.rejects(demands.confirmGate(cal.actor, d.id, "I agree with myself."), /recorded a prong/);
    await demands.confirmGate(erin.actor, d.id, "Checked every prong.");
    assert.equal((await demands.review(cal.actor, d.id)).gate.open, true);
    // A later prong record needs a new confirmation.
    await demands.prong(cal.actor, d.id, "balance", true, "Met, restated.");
    assert.equal((await demands.review(cal.actor, d.id)).gate.open, false);
    await demands.confirmGate(erin.actor, d.id, "Checked again.");
    assert.equal((await approve()).state, "approved");
  });

  test("a file that starts with %PDF- is not a court order by itself", async () => {
    const { noaa, cal, erin, demands } = await office(site.ctx);
    const d = await addDemand(site.ctx, cal.actor, "warrantRogueNoaa", {
      requested: { verbatim: "subscriber records", categories: ["account_login"] },
    });
    await demands.transition(cal.actor, d.id, { to: "in_review", reason: "Reviewing." });
    const fake = Buffer.from("%PDF-1.7 not really an order");
    await assert.rejects(
      demands.courtOrder(cal.actor, d.id, { court: "D. Md.", docket: "26-mj-1" }, fake),
      /judge who signed/,
    );
    const order = {
      court: "D. Md.",
      docket: "26-mj-1",
      judge: "Hon. B. Judge",
      signedDay: "2026-02-02",
      compels: "subscriber records of RogueNOAA",
    };
    await demands.courtOrder(cal.actor, d.id, order, fake);
    const g = (await demands.review(cal.actor, d.id)).gate;
    assert.equal(g.open, false, "recorded, not yet confirmed");
    assert.equal(g.courtOrder?.judge, "Hon. B. Judge");
    await assert.rejects(
      demands.confirmCourtOrder(cal.actor, d.id, g.courtOrder?.documentSha256 as string, "Mine."),
      /second, different legal reviewer/,
    );
    await assert.rejects(demands.confirmCourtOrder(erin.actor, d.id, "0".repeat(64), "Wrong one."), /changed/);
    await demands.confirmCourtOrder(erin.actor, d.id, g.courtOrder?.documentSha256 as string, "Checked the docket.");
    const approved = await demands.transition(cal.actor, d.id, {
      to: "approved",
      reason: "Order.",
      targets: [noaa.account.id],
      categories: ["account_login"],
    });
    assert.equal(approved.state, "approved");
    // A new order recorded later needs its own confirmation.
    await demands.courtOrder(cal.actor, d.id, { ...order, docket: "26-mj-2" }, pdf("another"));
    assert.equal((await demands.review(cal.actor, d.id)).gate.open, false);
  });

  test("the gate is checked again at release: a package made while it was open is not released once it closed", async () => {
    const { noaa, cal, erin, demands } = await office(site.ctx);
    const { productions } = site.ctx.services.legal;
    const d = await addDemand(site.ctx, cal.actor, "warrantRogueNoaa", {
      requested: { verbatim: "subscriber records and posts", categories: IDENTIFYING },
    });
    await demands.transition(cal.actor, d.id, { to: "in_review", reason: "Reviewing." });
    await allProngs(site.ctx, cal, d.id);
    await demands.confirmGate(erin.actor, d.id, "Checked.");
    await demands.transition(cal.actor, d.id, {
      to: "approved",
      reason: "Gate open.",
      targets: [noaa.account.id],
      categories: IDENTIFYING,
    });
    const prepared = await productions.prepare(cal.actor, d.id);
    await productions.approve(cal.actor, d.id, prepared.id, prepared.manifestSha256);
    // New facts: the balance no longer favours disclosure.
    await demands.prong(erin.actor, d.id, "balance", false, "The new filing shows retaliation.");
    await assert.rejects(
      productions.approve(erin.actor, d.id, prepared.id, prepared.manifestSha256),
      /The unmasking gate is closed/,
    );
    const after = await productions.list(cal.actor, d.id);
    assert.equal(after[0]?.releasedAt, null, "nothing was released");
    assert.equal((await demands.review(cal.actor, d.id)).demand.state, "approved");
  });
});
