// POST /api/v1/reports into the moderation queue the web uses, and private account notes
// (POST /api/v1/accounts/:id/note, Relationship.note) — with "what we hold about you".
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ApiUser, useApiSite } from "../helpers/api.ts";
import { assertError, assertRelationshipShape } from "./shapes.ts";

type Json = Record<string, any>;

async function post(user: ApiUser, body: Record<string, unknown>): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe("POST /api/v1/reports", () => {
  const site = useApiSite();

  test("a report with a category and posts lands in the moderators' queue and comes back as a Report", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const mod = await site.user("carol", { roles: ["moderator"] });
    const p1 = await post(alice, { status: "buy now", visibility: "public" });
    const p2 = await post(alice, { status: "buy again", visibility: "public" });
    const res = await bob.api.post("/api/v1/reports", {
      account_id: alice.account.id,
      status_ids: [p1.id, p2.id],
      category: "spam",
      comment: "selling things",
      forward: true,
    });
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.equal(typeof r.id, "string");
    assert.equal(r.category, "spam");
    assert.equal(r.comment, "selling things");
    assert.equal(r.action_taken, false);
    assert.equal(r.action_taken_at, null);
    assert.equal(r.forwarded, false, "no federation: nothing forwarded");
    assert.deepEqual([...r.status_ids].sort(), [p1.id, p2.id].sort());
    assert.equal(r.rule_ids, null);
    assert.match(r.created_at, /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
    assert.equal(r.target_account.id, alice.account.id);

    const queue = await site.ctx.services.moderation.queue(mod.viewer);
    assert.equal(queue.length, 1);
    assert.equal(queue[0]?.id, r.id);
    assert.equal(queue[0]?.category, "spam");
    assert.equal(queue[0]?.reason, "selling things");
    assert.equal(queue[0]?.morePosts, 1);
    assert.ok(queue[0]?.status && [p1.id, p2.id].includes(queue[0].status.id));
  });

  test("an account alone with a category and no comment; a bare 'other' needs a comment", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const ok = await bob.api.post("/api/v1/reports", { account_id: alice.account.id, category: "legal" });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status_ids, null);
    assertError(await bob.api.post("/api/v1/reports", { account_id: alice.account.id }), 422, /Say what is wrong/);
  });

  test("bad input: no account, unknown category, rules, another's post, one's own account, too long", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carolPost = await post(await site.user("carol"), { status: "mine", visibility: "public" });
    assertError(await bob.api.post("/api/v1/reports", { comment: "x" }), 422, /account_id/);
    assertError(
      await bob.api.post("/api/v1/reports", { account_id: alice.account.id, category: "rude", comment: "x" }),
      422,
      /category must be one of spam, legal, violation, other/,
    );
    assertError(
      await bob.api.post("/api/v1/reports", { account_id: alice.account.id, category: "violation", rule_ids: ["1"] }),
      422,
      /no rules/,
    );
    assertError(
      await bob.api.post("/api/v1/reports", { account_id: alice.account.id, status_ids: [carolPost.id], comment: "x" }),
      422,
      /by the reported account/,
    );
    assertError(await bob.api.post("/api/v1/reports", { account_id: bob.account.id, comment: "x" }), 422, /yourself/);
    assertError(
      await bob.api.post("/api/v1/reports", { account_id: alice.account.id, comment: "x".repeat(1001) }),
      422,
      /1000/,
    );
  });

  test("hidden posts and unknown accounts answer 404 alike", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const secret = await post(alice, { status: "followers only", visibility: "private" });
    assertError(
      await bob.api.post("/api/v1/reports", { account_id: alice.account.id, status_ids: [secret.id], comment: "x" }),
      404,
      /Record not found/,
    );
    assertError(await bob.api.post("/api/v1/reports", { account_id: "999999", comment: "x" }), 404, /Record not found/);
    assertError(
      await bob.api.post("/api/v1/reports", { account_id: alice.account.id, status_ids: ["999999"], comment: "x" }),
      404,
    );
  });

  test("scopes: write:reports (or write); no token → 401; an app token → 422", async () => {
    const alice = await site.user("alice");
    const reader = await site.user("bob", { scopes: "read" });
    const body = { account_id: alice.account.id, category: "spam" };
    assertError(await site.anonymous.post("/api/v1/reports", body), 401);
    assertError(await reader.api.post("/api/v1/reports", body), 403);
    const narrow = await site.user("carol", { scopes: "write:reports" });
    assert.equal((await narrow.api.post("/api/v1/reports", body)).statusCode, 200);
  });
});

describe("POST /api/v1/accounts/:id/note", () => {
  const site = useApiSite();

  test("the note is in the writer's Relationship only, replaced, and deleted by an empty comment", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const res = await bob.api.post(`/api/v1/accounts/${alice.account.id}/note`, { comment: "met at the march" });
    assert.equal(res.statusCode, 200, res.body);
    assertRelationshipShape(res.json());
    assert.equal(res.json().note, "met at the march");

    const rel = await bob.api.get(`/api/v1/accounts/relationships?id[]=${alice.account.id}`);
    assert.equal(rel.json()[0].note, "met at the march");
    const theirs = await alice.api.get(`/api/v1/accounts/relationships?id[]=${bob.account.id}`);
    assert.equal(theirs.json()[0].note, "", "the person it is about never sees it");

    await bob.api.post(`/api/v1/accounts/${alice.account.id}/note`, { comment: "second thoughts" });
    assert.equal(
      (await bob.api.get(`/api/v1/accounts/relationships?id[]=${alice.account.id}`)).json()[0].note,
      "second thoughts",
    );

    const cleared = await bob.api.post(`/api/v1/accounts/${alice.account.id}/note`, { comment: "" });
    assert.equal(cleared.json().note, "");
    const rows = await site.ctx.store.db.selectFrom("account_notes").selectAll().execute();
    assert.equal(rows.length, 0, "an empty note is deleted, not kept");
  });

  test("shows in the writer's 'what we hold about you', never in the subject's; goes with the account", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await bob.api.post(`/api/v1/accounts/${alice.account.id}/note`, { comment: "private thought" });
    const bobs = JSON.stringify(await site.ctx.services.holdings.forAccount(bob.account.id));
    assert.ok(bobs.includes("private thought"));
    const alices = JSON.stringify(await site.ctx.services.holdings.forAccount(alice.account.id));
    assert.ok(!alices.includes("private thought"));
  });

  test("bad input and others' accounts: too long → 422, unknown → 404, self → 422, scope → 403", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const reader = await site.user("carol", { scopes: "read" });
    assertError(
      await bob.api.post(`/api/v1/accounts/${alice.account.id}/note`, { comment: "x".repeat(2001) }),
      422,
      /2000/,
    );
    assertError(await bob.api.post("/api/v1/accounts/999999/note", { comment: "x" }), 404);
    assertError(await bob.api.post(`/api/v1/accounts/${bob.account.id}/note`, { comment: "x" }), 422);
    assertError(await reader.api.post(`/api/v1/accounts/${alice.account.id}/note`, { comment: "x" }), 403);
    assertError(await site.anonymous.post(`/api/v1/accounts/${alice.account.id}/note`, { comment: "x" }), 401);
  });
});
