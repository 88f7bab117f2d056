// Notice by default, delayed only by a recorded non-disclosure order with an end date, and sent by
// itself when the order ends — after a restart too, since the queue is a table. Preservation
// snapshots expire and are destroyed by themselves.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { AppContext } from "../../src/context.ts";
import { DAY } from "../../src/domain/clock.ts";
import { person } from "../fixtures/accounts.ts";
import { createTestContext } from "../helpers/context.ts";
import { useSite } from "../helpers/web.ts";
import { addDemand, legalStaff } from "./helpers.ts";

async function noticeState(ctx: AppContext, accountId: string) {
  const row = await ctx.store.db
    .selectFrom("legal_notices")
    .select(["state", "send_after", "sent_at"])
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return row ? { ...row } : undefined;
}

describe("a non-disclosure order with an end date", () => {
  test("delays the notice; after a restart, the notice goes out by itself when the order ends", async () => {
    let ctx = await createTestContext({ sqliteFile: true, clockStart: "2026-03-14T12:00:00.000Z" });
    try {
      const noaa = await person(ctx, "rogueNoaa");
      const cal = await legalStaff(ctx, "counsel");
      const demand = await addDemand(ctx, cal.actor, "subpoenaWithOrder");
      // The unknown handle is on the record, not dropped.
      assert.deepEqual(
        demand.targets.map((t) => [t.handle, t.account?.handle ?? null]),
        [
          ["RogueNOAA", "RogueNOAA"],
          ["nobody_here", null],
        ],
      );
      assert.deepEqual(await noticeState(ctx, noaa.account.id), {
        state: "scheduled",
        send_after: "2026-07-01T00:00:00.000Z",
        sent_at: null,
      });
      // Nothing tells the holder: no banner count, no notification, nothing on "what we hold".
      assert.equal(await ctx.services.legal.notices.unreadCount(noaa.viewer), 0);
      assert.equal(await ctx.services.notifications.unreadCount(noaa.viewer), 0);
      const hidden = await ctx.services.holdings.forAccount(noaa.account.id, { categories: ["legal"] });
      assert.equal(hidden.categories[0]?.state, "none", "a gagged demand is not shown, even on the holder's own page");
      // The worker runs while the order is in force: still nothing.
      ctx.clock.set("2026-06-30T23:59:00.000Z");
      assert.deepEqual(await ctx.services.legal.runDue(), { noticesSent: 0, preservationsDestroyed: 0 });

      // The server restarts; the order ends; the worker's first round sends the notice.
      ctx = await ctx.restart();
      ctx.clock.set("2026-07-01T00:00:30.000Z");
      assert.deepEqual(await ctx.services.legal.runDue(), { noticesSent: 1, preservationsDestroyed: 0 });
      const sent = await noticeState(ctx, noaa.account.id);
      assert.equal(sent?.state, "sent");
      assert.equal(await ctx.services.legal.notices.unreadCount(noaa.viewer), 1);
      const notifications = await ctx.services.notifications.list(noaa.viewer);
      assert.deepEqual(
        notifications.map((n) => n.type),
        ["legal_notice"],
      );
      const [summary] = await ctx.services.legal.notices.list(noaa.viewer);
      const notice = await ctx.services.legal.notices.view(noaa.viewer, summary?.id as string);
      assert.equal(notice.demand.agency, "U.S. Attorney's Office");
      assert.deepEqual(
        notice.categories.map((c) => [c.id, c.held.state]),
        [
          ["account_login", "held"],
          ["account_timestamps", "held"],
        ],
      );
      const shown = await ctx.services.holdings.forAccount(noaa.account.id, { categories: ["legal"] });
      assert.equal(shown.categories[0]?.state, "held");
      // A second round sends nothing twice.
      assert.deepEqual(await ctx.services.legal.runDue(), { noticesSent: 0, preservationsDestroyed: 0 });
      assert.ok((await ctx.services.legal.audit.verify()).ok);
    } finally {
      await ctx.destroy();
    }
  });
});

describe("notice", () => {
  const site = useSite({ clockStart: "2026-03-14T12:00:00.000Z" });

  test("goes out at once by default, even when the requester asked for secrecy", async () => {
    const noaa = await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    await addDemand(site.ctx, cal.actor, "warrantRogueNoaa", { secrecy_requested: true });
    assert.equal((await noticeState(site.ctx, noaa.account.id))?.state, "sent");
  });

  test("an order without an end date holds the notice and is flagged; lifting it sends the notice", async () => {
    const noaa = await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    const demand = await addDemand(site.ctx, cal.actor, "subpoenaOpenEndedOrder");
    assert.deepEqual(await noticeState(site.ctx, noaa.account.id), { state: "held", send_after: null, sent_at: null });
    const review = await site.ctx.services.legal.demands.review(cal.actor, demand.id);
    assert.equal(review.openEndedOrder, true);
    // Years pass: a held notice never goes out by itself.
    site.ctx.clock.advance(3 * 365 * DAY);
    assert.equal((await site.ctx.services.legal.runDue()).noticesSent, 0);
    // The order is vacated after a challenge: the notice goes out now.
    const order = review.demand.orders[0];
    await site.ctx.services.legal.demands.changeOrder(
      cal.actor,
      demand.id,
      String(order?.id),
      { lifted: true },
      "Vacated on our motion.",
    );
    assert.equal((await noticeState(site.ctx, noaa.account.id))?.state, "sent");
  });

  test("a court setting an end date schedules a held notice; a later order extends a scheduled one", async () => {
    const noaa = await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    const demand = await addDemand(site.ctx, cal.actor, "subpoenaOpenEndedOrder");
    const orderId = String(demand.orders[0]?.id);
    await site.ctx.services.legal.demands.changeOrder(
      cal.actor,
      demand.id,
      orderId,
      { endDay: "2026-04-30" },
      "The court limited the order to 30 April.",
    );
    assert.deepEqual(await noticeState(site.ctx, noaa.account.id), {
      state: "scheduled",
      send_after: "2026-05-01T00:00:00.000Z",
      sent_at: null,
    });
    await site.ctx.services.legal.demands.addOrder(cal.actor, demand.id, {
      court: "U.S. District Court, D. Md.",
      docket: "26-sc-303",
      endDay: "2026-05-31",
    });
    assert.equal((await noticeState(site.ctx, noaa.account.id))?.send_after, "2026-06-01T00:00:00.000Z");
    site.ctx.clock.set("2026-05-15T00:00:00.000Z");
    assert.equal((await site.ctx.services.legal.runDue()).noticesSent, 0);
    site.ctx.clock.set("2026-06-01T00:00:00.000Z");
    assert.equal((await site.ctx.services.legal.runDue()).noticesSent, 1);
  });
});

describe("preservation", () => {
  const site = useSite({ clockStart: "2026-03-14T12:00:00.000Z" });

  test("a snapshot of what is held, 90 days, extendable once, destroyed by itself at expiry", async () => {
    const noaa = await person(site.ctx, "rogueNoaa");
    await site.ctx.services.posting.create(noaa.viewer, { text: "Preserve me.", visibility: "private" });
    const cal = await legalStaff(site.ctx, "counsel");
    const demand = await addDemand(site.ctx, cal.actor, "preservationRogueNoaa");
    const { preservation } = site.ctx.services.legal;
    const [p] = await preservation.preserve(cal.actor, demand.id, "Preservation request 26-P-7.");
    assert.ok(p);
    assert.equal(p.expiresDay, "2026-06-12");
    const snapshot = JSON.parse((await preservation.snapshot(cal.actor, demand.id, p.id)).toString("utf8"));
    assert.match(JSON.stringify(snapshot.holdings), /Preserve me\./);
    await assert.rejects(preservation.preserve(cal.actor, demand.id, "again"), /preserved already/);

    // The holder is told (no order forbids it).
    const [summary] = await site.ctx.services.legal.notices.list(noaa.viewer);
    const notice = await site.ctx.services.legal.notices.view(noaa.viewer, summary?.id as string);
    assert.deepEqual(notice.preservations, [
      { createdDay: "2026-03-14", expiresDay: "2026-06-12", destroyedDay: null },
    ]);

    // Extended once on renewal; a second extension is refused.
    site.ctx.clock.set("2026-06-01T09:00:00.000Z");
    const extended = await preservation.extend(cal.actor, demand.id, p.id, "Renewed request of 1 June.");
    assert.equal(extended.expiresDay, "2026-09-10");
    await assert.rejects(preservation.extend(cal.actor, demand.id, p.id, "Again."), /extended once only/);

    // Not before its day; then destroyed, with an event, and the file is gone.
    site.ctx.clock.set("2026-09-09T23:00:00.000Z");
    assert.equal((await site.ctx.services.legal.runDue()).preservationsDestroyed, 0);
    const folder = join(site.ctx.dataDir, "legal", "preservations");
    assert.equal(readdirSync(folder).length, 1);
    site.ctx.clock.set("2026-09-10T00:01:00.000Z");
    assert.equal((await site.ctx.services.legal.runDue()).preservationsDestroyed, 1);
    assert.equal(readdirSync(folder).length, 0);
    assert.ok(!existsSync(join(folder, "x")));
    const [after] = await preservation.list(cal.actor, demand.id);
    assert.equal(after?.destroyedDay, "2026-09-10");
    await assert.rejects(preservation.snapshot(cal.actor, demand.id, p.id), /destroyed/);
    const events = await site.ctx.services.legal.demands.events(cal.actor, demand.id);
    const destroyed = events.find((e) => e.kind === "preservation_destroyed");
    assert.equal(destroyed?.actorId, null, "Publius itself destroyed it");
    assert.match(destroyed?.reason ?? "", /expired on 2026-09-10 and was destroyed/);
  });
});
