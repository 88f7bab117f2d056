// The 2017 replay: CBP's administrative summons for @ALT_USCIS, a speaker with thousands of posts
// and 32,000 followers. Every category it names is a basic subscriber record, which a summons may
// reach, so the protection is the unmasking gate, not the matrix: phone, postal address and IP
// addresses are not collected by design; the gate blocks production; the holder is told despite
// the request for secrecy; the withdrawal closes the demand; the audit log verifies.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pdf } from "../fixtures/demands.ts";
import { pageText } from "../helpers/pages.ts";
import { openSite, type Site, textOf, useSite } from "../helpers/web.ts";
import { addDemand, consoleMember, intakeFields, legalStaff, nextCode, postMultipart, seedSpeaker } from "./helpers.ts";

describe("the 2017 summons for @ALT_USCIS", () => {
  // A database of its own (on PostgreSQL a schema dropped whole afterwards): emptying 32,000
  // accounts row by row for the next test would cost more than the test.
  let site: Site & { close(): Promise<void> };
  before(async () => {
    site = await openSite({ clockStart: "2017-03-14T16:00:00.000Z" });
  });
  after(() => site.close());

  test("recorded, reviewed, blocked at the gate, noticed by the holder, withdrawn — and every step is on the audit chain", async () => {
    const started = Date.now();
    const alt = await site.member("altUscis");
    await seedSpeaker(site.ctx, alt.account.id, { posts: 3000, privatePosts: 20, followers: 32_000 });
    const counsel = await consoleMember(site, "counsel");

    // Intake through the console form, with the faxed summons attached.
    const doc = pdf("CBP summons 14 March 2017");
    const res = await postMultipart(counsel.client, "/staff/legal/demands", intakeFields("cbpSummons2017"), {
      document: { filename: "summons.pdf", type: "application/pdf", data: doc },
    });
    assert.equal(res.statusCode, 303, textOf(res.body).slice(0, 400));
    const demandId = /\/staff\/legal\/demands\/(\d{18})/.exec(String(res.headers.location))?.[1] as string;
    assert.ok(demandId);

    // The review screen.
    const review = pageText(await counsel.client.get(`/staff/legal/demands/${demandId}`));
    assert.match(review, /Administrative summons from U\.S\. Customs and Border Protection received/);
    assert.match(review, /Authority cited 19 U\.S\.C\. § 1509/);
    assert.match(review, /the deadline had passed before the demand arrived/);
    assert.match(
      review,
      /Secrecy requested yes — but no court order forbids notice, so the account holder is notified/,
    );
    assert.match(review, /Within the matrix: an administrative summons can compel every requested category/);
    assert.match(review, /Contact data not collected by design/);
    assert.match(review, /Network data not collected by design/);
    assert.match(
      review,
      /Account identifiers and login held: 1 record — accounts \(id, handle_lower, password_hash, state, password_change_required\)/,
    );
    assert.match(review, /Public profile held: 1 record/);
    assert.match(
      review,
      /The unmasking gate .* Closed: nothing that identifies the speaker can be approved or produced\./,
    );
    assert.match(review, /SHA-256 [0-9a-f]{64}/);
    // The same answers come from the holdings service the user's own page uses.
    const holdings = await site.ctx.services.holdings.forAccount(alt.account.id, {
      categories: ["contact", "network"],
    });
    assert.deepEqual(
      holdings.categories.map((c) => c.state),
      ["not_collected", "not_collected"],
    );

    // Counsel records the concern about § 1509 and starts the review.
    await counsel.client.post(`/staff/legal/demands/${demandId}/concern`, {
      text: "§ 1509 reaches records of imports; it is no authority to unmask a critic of the agency.",
    });
    await counsel.client.post(`/staff/legal/demands/${demandId}/transition`, { to: "in_review", reason: "Reviewing." });

    // The gate refuses approval of the identifying categories.
    const refused = await counsel.client.post(`/staff/legal/demands/${demandId}/transition`, {
      to: "approved",
      reason: "The summons asks for it.",
      targets: alt.account.id,
      categories: "account_login",
    });
    assert.equal(refused.statusCode, 409);
    assert.match(pageText(refused, 409), /The unmasking gate is closed: account_login would identify the speaker/);
    // No approval, so nothing can be produced either.
    const prepare = await counsel.client.post(`/staff/legal/demands/${demandId}/productions`);
    assert.match(pageText(prepare, 409), /Only an approved demand can be produced/);
    assert.equal((await site.ctx.store.db.selectFrom("legal_productions").selectAll().execute()).length, 0);

    // The holder sees the banner, the notification and the notice.
    const home = pageText(await alt.client.get("/home"));
    assert.match(home, /A legal demand names your account\. Read the notice/);
    const notifications = pageText(await alt.client.get("/notifications"));
    assert.match(notifications, /Legal notice: a legal demand names your account/);
    const list = await alt.client.get("/legal/notices");
    const noticeUrl = /href="(\/legal\/notices\/\d+)"/.exec(list.body)?.[1] as string;
    const notice = pageText(await alt.client.get(noticeUrl));
    assert.match(notice, /An administrative summons from U\.S\. Customs and Border Protection/);
    assert.match(notice, /Authority cited: 19 U\.S\.C\. § 1509/);
    assert.match(
      notice,
      /The requester asked us to keep this secret\. No court has ordered secrecy, so we are telling you\./,
    );
    assert.match(notice, /User names, account login, phone numbers, mailing addresses and I\.P\. addresses/);
    assert.match(notice, /Contact data not collected by design/);
    assert.match(notice, /Network data not collected by design/);
    assert.match(notice, /Publius is reviewing this demand\. It will hand over nothing before/);
    assert.match(notice, /please do so by/);
    assert.match(notice, /Electronic Frontier Foundation/);
    // Once read, the banner goes.
    assert.doesNotMatch(pageText(await alt.client.get("/home")), /A legal demand names your account/);

    // The holder objects; the objection is attached to the demand.
    const respond = await alt.client.post(`${noticeUrl}/respond`, {
      body: "I object: this account criticises the agency's policies; unmasking me would punish speech.",
    });
    assert.equal(respond.statusCode, 303);
    assert.match(
      pageText(await counsel.client.get(`/staff/legal/demands/${demandId}`)),
      /@ALT_USCIS, .*: I object: this account criticises/,
    );

    // The holder's own page now lists the legal records about the demand.
    const privacy = await site.ctx.services.holdings.forAccount(alt.account.id, { categories: ["legal"] });
    const legal = privacy.categories[0];
    assert.equal(legal?.state, "held");
    assert.ok(legal?.records.some((r) => r.table === "legal_demands" && r.fields.authority === "19 U.S.C. § 1509"));

    // The agency withdraws; the demand closes and leaves the dashboard.
    const withdrawn = await counsel.client.post(`/staff/legal/demands/${demandId}/transition`, {
      to: "withdrawn",
      reason: "CBP withdrew the summons on 7 April 2017.",
    });
    assert.equal(withdrawn.statusCode, 303);
    const actor = await site.ctx.services.legal.access.forCode(
      counsel.account.handle,
      nextCode(site.ctx, counsel.secret),
    );
    const d = await site.ctx.services.legal.demands.review(actor, demandId);
    assert.equal(d.demand.state, "withdrawn");
    assert.deepEqual(d.next, []);
    assert.match(pageText(await counsel.client.get("/staff/legal")), /No open demands\./);
    assert.match(pageText(await alt.client.get(noticeUrl)), /The demand was withdrawn\. Nothing was handed over\./);

    // Every step is on the chain, and the chain verifies.
    const check = await site.ctx.services.legal.audit.verify();
    assert.ok(check.ok, check.problems.join("; "));
    const actions = (await site.ctx.services.legal.audit.recent(1000, demandId)).map((e) => e.action);
    for (const a of [
      "demand.received",
      "demand.notice_sent",
      "view.demand",
      "demand.authority_concern",
      "demand.in_review",
      "demand.response",
      "demand.withdrawn",
    ]) {
      assert.ok(actions.includes(a), `${a} is in the audit log`);
    }
    const head = pageText(await site.web.client().get("/audit-head"));
    assert.ok(head.includes(check.head.hash), "the head hash is public");
    assert.ok(Date.now() - started < 15_000, `the replay took ${Date.now() - started} ms`);
  });
});

describe("an overbroad summons", () => {
  const site = useSite({ clockStart: "2017-03-14T16:00:00.000Z" });

  test("an “all records” summons that also asks for followers-only posts is flagged as overbroad", async () => {
    const alt = await site.member("altUscis");
    await seedSpeaker(site.ctx, alt.account.id, { posts: 50, privatePosts: 5, followers: 10 });
    const counsel = await legalStaff(site.ctx, "counsel");
    const demand = await addDemand(site.ctx, counsel.actor, "cbpAllRecords2017");
    const review = await site.ctx.services.legal.demands.review(counsel.actor, demand.id);
    assert.equal(review.assessment.overbroad, true);
    const flags = review.assessment.categories.filter((c) => c.flag).map((c) => c.flag);
    assert.deepEqual(flags, [
      "An administrative summons cannot compel non-public content (content); that takes a search warrant.",
    ]);
    assert.match(
      review.assessment.summary,
      /^Overbroad: an administrative summons cannot compel 1 of the 6 requested categories/,
    );
    assert.equal(review.targets[0]?.held.get("nonpublic_content")?.text.startsWith("held: 5 records"), true);
    // Approving it anyway is refused.
    await site.ctx.services.legal.demands.transition(counsel.actor, demand.id, {
      to: "in_review",
      reason: "Reviewing.",
    });
    await assert.rejects(
      site.ctx.services.legal.demands.transition(counsel.actor, demand.id, {
        to: "approved",
        reason: "Hand it over.",
        targets: [alt.account.id],
        categories: ["nonpublic_content"],
      }),
      /Cannot approve: An administrative summons cannot compel non-public content/,
    );
  });
});
