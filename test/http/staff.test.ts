// Reporting, the moderation console, and what a suspension does.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rowCount } from "../helpers/db.ts";
import { assertEscaped, assertRedirect, assertSignInRequired, links, pageText, XSS } from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { type Member, type Site, textOf, useSite } from "../helpers/web.ts";

/** The moderation log's rows as text, newest first. */
async function logRows(mod: Member): Promise<string[]> {
  const res = await mod.client.get("/staff/log");
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(res.body)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1] as string));
}

async function reportPost(site: Site, who: Member, statusId: string, reason: string) {
  const res = await who.client.post(`/statuses/${statusId}/report`, { reason });
  const [report] = await site.ctx.store.db.selectFrom("reports").select("id").orderBy("id", "desc").limit(1).execute();
  return { res, reportId: String(report?.id) };
}

describe("the console's door", () => {
  const site = useSite();

  test("plain users and legal staff get a 403 page; signed-out visitors are sent to sign in", async () => {
    const alice = await site.member("alice");
    const counsel = await site.member("counsel", { roles: ["legal"] });
    for (const path of ["/staff", "/staff/log", "/staff/applications"]) {
      assertSignInRequired(await site.web.client().get(path), path);
      for (const who of [alice, counsel]) {
        const text = pageText(await who.client.get(path), 403);
        assert.match(text, /Not allowed/);
        assert.match(text, /Your role does not allow this\./);
      }
    }
    assert.ok(!links((await alice.client.get("/home")).body).includes("/staff"), "no Staff link for plain users");
  });

  test("plain users cannot take moderation actions, and nothing is written when they try", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await bob.client.publish("target");
    await alice.client.post(`/statuses/${id}/report`, { reason: "spam" });
    const [report] = await site.ctx.store.db.selectFrom("reports").select("id").execute();
    const before = await snapshot(site.ctx);
    for (const path of [
      `/staff/statuses/${id}/remove`,
      `/staff/accounts/${bob.account.id}/suspend`,
      `/staff/accounts/${bob.account.id}/unsuspend`,
      `/staff/reports/${report?.id}/resolve`,
    ]) {
      assert.match(
        pageText(await alice.client.post(path, { reason: "because" }), 403),
        /Your role does not allow this\./,
      );
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("moderators and admins get in and see the Staff link", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    const admin = await site.member("admin", { roles: ["admin"] });
    for (const who of [mod, admin]) {
      const res = await who.client.get("/staff");
      assert.match(pageText(res), /Moderation Reports Applications Decisions No open reports\./);
      assert.ok(links(res.body).includes("/staff"));
    }
  });
});

describe("reports", () => {
  const site = useSite();

  test("reporting a post: a reason is required; the report reaches the console, escaped", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const mod = await site.member("mod", { roles: ["moderator"] });
    const id = await bob.client.publish(`offending post ${XSS}`);
    const form = await alice.client.get(`/statuses/${id}/report`);
    assert.match(pageText(form), /Report .*offending post.*What is wrong\?/);

    const before = await snapshot(site.ctx);
    const empty = await alice.client.post(`/statuses/${id}/report`, { reason: "  " });
    assert.match(pageText(empty, 422), /Say what is wrong\./);
    assert.deepEqual(await snapshot(site.ctx), before);

    const reason = `Harassment ${XSS}`;
    const { res } = await reportPost(site, alice, id, reason);
    assertRedirect(res, `/@bob/${id}?notice=reported`);
    assert.match(
      pageText(await alice.client.get(`/@bob/${id}?notice=reported`)),
      /Thank you\. The moderators will look at your report\./,
    );
    const queue = await mod.client.get("/staff");
    const text = pageText(queue);
    assert.match(text, /About @bob, from @alice: Harassment <script>alert\(1\)<\/script>/);
    assert.match(text, /offending post/);
    assertEscaped(queue.body, reason, "the moderation queue");
    assertEscaped(queue.body, `offending post ${XSS}`, "the reported post");
    for (const action of [`/staff/statuses/${id}/remove`, `/staff/accounts/${bob.account.id}/suspend`]) {
      assert.ok(queue.body.includes(`action="${action}"`), action);
    }
  });

  test("reporting an account, and the limits on reporting", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const mod = await site.member("mod", { roles: ["moderator"] });
    const form = await alice.client.get(`/accounts/${bob.account.id}/report`);
    assert.match(pageText(form), /Report .*Bob @bob/);

    assertRedirect(
      await alice.client.post(`/accounts/${bob.account.id}/report`, { reason: "impersonation" }),
      "/@bob?notice=reported",
    );
    assert.equal(await rowCount(site.ctx, "reports", { target_account_id: bob.account.id, status_id: null }), 1);
    assert.match(pageText(await mod.client.get("/staff")), /About @bob, from @alice: impersonation/);

    const before = await snapshot(site.ctx);
    assert.match(
      pageText(await alice.client.post(`/accounts/${alice.account.id}/report`, { reason: "me" }), 422),
      /You cannot report yourself\./,
    );
    assert.match(
      pageText(await alice.client.post(`/accounts/${bob.account.id}/report`, { reason: "x".repeat(1001) }), 422),
      /At most 1000 characters\./,
    );
    assert.equal((await alice.client.post("/accounts/123456789012345678/report", { reason: "?" })).statusCode, 404);
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

describe("moderation decisions", () => {
  const site = useSite();

  test("removing a post needs a reason, closes the report and is recorded with actor and reason", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const mod = await site.member("mod", { roles: ["moderator"] });
    const id = await bob.client.publish("spam spam spam");
    const { reportId } = await reportPost(site, alice, id, "spam");

    const before = await snapshot(site.ctx);
    const refused = await mod.client.post(`/staff/statuses/${id}/remove`, { reason: " ", report_id: reportId });
    assert.match(pageText(refused, 422), /Record a reason for this decision\./);
    assert.deepEqual(await snapshot(site.ctx), before);

    const why = `Commercial spam ${XSS}`;
    const res = await mod.client.post(`/staff/statuses/${id}/remove`, { reason: why, report_id: reportId });
    assertRedirect(res, "/staff?notice=done");
    assert.match(pageText(await mod.client.get("/staff?notice=done")), /Done\. .*No open reports\./);
    assert.equal((await site.web.client().get(`/@bob/${id}`)).statusCode, 404);
    assert.equal(await rowCount(site.ctx, "statuses"), 0);

    const [row] = await logRows(mod);
    assert.match(
      row as string,
      new RegExp(`@mod_mia remove status @bob post ${id} \\(report ${reportId}\\) Commercial spam <script>`),
    );
    assertEscaped((await mod.client.get("/staff/log")).body, why, "the decisions log");
  });

  test("suspending needs a reason; the account cannot sign in and its posts vanish everywhere", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const mod = await site.member("mod", { roles: ["moderator"] });
    await alice.client.post(`/accounts/${bob.account.id}/follow`);
    const id = await bob.client.publish("bob's #evidence of wrongdoing");
    const reply = await alice.client.publish("@bob look at this", { in_reply_to_id: id });
    assert.match(pageText(await alice.client.get("/home")), /evidence of wrongdoing/);

    await alice.client.post(`/accounts/${bob.account.id}/report`, { reason: "abuse" });
    const [report] = await site.ctx.store.db.selectFrom("reports").select("id").execute();

    const before = await snapshot(site.ctx);
    assert.match(
      pageText(await mod.client.post(`/staff/accounts/${bob.account.id}/suspend`, { reason: "" }), 422),
      /Record a reason for this decision\./,
    );
    assert.deepEqual(await snapshot(site.ctx), before);

    const res = await mod.client.post(`/staff/accounts/${bob.account.id}/suspend`, {
      reason: "Repeated abuse",
      report_id: String(report?.id),
    });
    assertRedirect(res, "/staff?notice=done");
    assert.match((await logRows(mod))[0] as string, /@mod_mia suspend @bob \(report \d+\) Repeated abuse/);
    assert.match(pageText(await mod.client.get("/staff")), /No open reports\./, "the report is closed");

    // Signed out at once, and cannot sign in again.
    assertSignInRequired(await bob.client.get("/home"), "/home");
    assert.match(pageText(await site.web.client().signIn("bob"), 403), /This account is suspended\./);
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: bob.account.id }), 0);

    // The posts vanish from every view, for everyone.
    const visitor = site.web.client();
    for (const [client, path] of [
      [visitor, "/local"],
      [visitor, "/"],
      [alice.client, "/home"],
      [alice.client, "/local"],
      [visitor, "/tags/evidence"],
      [visitor, "/search?q=wrongdoing"],
      [alice.client, "/search?q=wrongdoing"],
      [alice.client, `/@alice/${reply}`],
    ] as const) {
      assert.ok(!pageText(await client.get(path)).includes("evidence of wrongdoing"), path);
    }
    for (const path of ["/@bob", `/@bob/${id}`, `/statuses/${id}`, `/@bob/${id}/history`, "/@bob/followers"]) {
      assert.equal((await alice.client.get(path)).statusCode, 404, path);
    }
    // Nobody can follow, mention or reply to the suspended account.
    assert.equal((await alice.client.post(`/accounts/${bob.account.id}/follow`)).statusCode, 404);
    assert.equal(
      (await alice.client.post("/statuses", { text: "reply", in_reply_to_id: id, visibility: "public" })).statusCode,
      422,
    );
  });

  test("a suspension can be lifted, with a reason, and is recorded", async () => {
    const bob = await site.member("bob");
    const mod = await site.member("mod", { roles: ["moderator"] });
    await bob.client.publish("back again");
    await mod.client.post(`/staff/accounts/${bob.account.id}/suspend`, { reason: "mistake" });
    const before = await snapshot(site.ctx);
    assert.equal(
      (await mod.client.post(`/staff/accounts/${bob.account.id}/unsuspend`, { reason: "" })).statusCode,
      422,
    );
    assert.deepEqual(await snapshot(site.ctx), before);
    assertRedirect(
      await mod.client.post(`/staff/accounts/${bob.account.id}/unsuspend`, { reason: "Appeal granted" }),
      "/staff/log?notice=done",
    );
    assert.match((await logRows(mod))[0] as string, /@mod_mia unsuspend @bob Appeal granted/);
    assertRedirect(await site.web.client().signIn("bob"), "/home");
    assert.match(pageText(await site.web.client().get("/local")), /back again/);
  });

  test("closing a report without action needs a reason and is recorded", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const admin = await site.member("admin", { roles: ["admin"] });
    const id = await bob.client.publish("an opinion");
    const { reportId } = await reportPost(site, alice, id, "I disagree");

    const before = await snapshot(site.ctx);
    assert.equal((await admin.client.post(`/staff/reports/${reportId}/resolve`, { reason: "" })).statusCode, 422);
    assert.deepEqual(await snapshot(site.ctx), before);

    assertRedirect(
      await admin.client.post(`/staff/reports/${reportId}/resolve`, { reason: "Not a violation" }),
      "/staff?notice=done",
    );
    assert.match(pageText(await admin.client.get("/staff")), /No open reports\./);
    assert.match(
      (await logRows(admin))[0] as string,
      new RegExp(`@admin_ada resolve report \\(report ${reportId}\\) Not a violation`),
    );
    assert.equal((await site.web.client().get(`/@bob/${id}`)).statusCode, 200, "the post stays");
    assert.equal((await admin.client.post("/staff/reports/999999/resolve", { reason: "?" })).statusCode, 404);
  });

  test("the log keeps every decision, newest first", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const mod = await site.member("mod", { roles: ["moderator"] });
    const id = await bob.client.publish("one");
    await mod.client.post(`/staff/statuses/${id}/remove`, { reason: "first decision" });
    site.ctx.clock.advance(60_000);
    await mod.client.post(`/staff/accounts/${alice.account.id}/suspend`, { reason: "second decision" });
    const rows = await logRows(mod);
    assert.equal(rows.length, 2);
    assert.match(rows[0] as string, /^Mar 14, 2026, 12:01 PM UTC @mod_mia suspend @alice second decision$/);
    assert.match(rows[1] as string, /^Mar 14, 2026, 12:00 PM UTC @mod_mia remove status @bob post \d+ first decision$/);
  });
});
