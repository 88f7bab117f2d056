// Endorsements (featured accounts) and familiar followers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PASSWORD } from "../fixtures/accounts.ts";
import { type ApiUser, useApiSite, userToken } from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";
import { assertAccountShape, assertError, assertRelationshipShape, linkHeader, pathOf } from "./shapes.ts";

type Json = Record<string, any>;

async function follow(who: ApiUser, whom: ApiUser): Promise<void> {
  const res = await who.api.post(`/api/v1/accounts/${whom.account.id}/follow`);
  assert.equal(res.statusCode, 200, res.body);
}

const ids = (res: { json(): unknown }) => (res.json() as Json[]).map((s) => s.id as string);

describe("endorsements", () => {
  const site = useApiSite();

  test("pin/endorse answer a Relationship with endorsed; unpin/unendorse undo; only followed accounts (422)", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    assertError(await alice.api.post(`/api/v1/accounts/${bob.account.id}/pin`), 422, /must be already following/);
    await follow(alice, bob);
    const pinned = await alice.api.post(`/api/v1/accounts/${bob.account.id}/pin`);
    assert.equal(pinned.statusCode, 200, pinned.body);
    assertRelationshipShape(pinned.json());
    assert.equal(pinned.json().endorsed, true);
    assert.equal((await alice.api.post(`/api/v1/accounts/${bob.account.id}/endorse`)).json().endorsed, true);
    const rel = await alice.api.get(`/api/v1/accounts/relationships?id[]=${bob.account.id}`);
    assert.equal(rel.json()[0].endorsed, true);
    assert.equal(
      (await bob.api.get(`/api/v1/accounts/relationships?id[]=${alice.account.id}`)).json()[0].endorsed,
      false,
    );
    const unpinned = await alice.api.post(`/api/v1/accounts/${bob.account.id}/unpin`);
    assert.equal(unpinned.json().endorsed, false);
    await alice.api.post(`/api/v1/accounts/${bob.account.id}/endorse`);
    assert.equal((await alice.api.post(`/api/v1/accounts/${bob.account.id}/unendorse`)).json().endorsed, false);
    assertError(await alice.api.post("/api/v1/accounts/123456789012345678/pin"), 404);
    assertError(await alice.api.post(`/api/v1/accounts/${alice.account.id}/pin`), 422);
    // Unfollowing ends the endorsement.
    await follow(alice, carol);
    await alice.api.post(`/api/v1/accounts/${carol.account.id}/pin`);
    await alice.api.post(`/api/v1/accounts/${carol.account.id}/unfollow`);
    assert.equal((await alice.api.get("/api/v1/endorsements")).json().length, 0);
  });

  test("GET /api/v1/endorsements and /accounts/:id/endorsements: a stable order (not of endorsing), paged by Link", async () => {
    const alice = await site.user("alice");
    const others: ApiUser[] = [];
    for (const name of ["bob", "carol", "dave", "erin"] as const) {
      const u = await site.user(name);
      await follow(alice, u);
      await alice.api.post(`/api/v1/accounts/${u.account.id}/pin`);
      others.push(u);
    }
    // Random keys (issue 9, finding 5): the order is stable but is not the order of endorsing.
    const expected = ids(await alice.api.get("/api/v1/endorsements?limit=80"));
    assert.deepEqual([...expected].sort(), others.map((u) => u.account.id).sort());
    const first = await alice.api.get("/api/v1/endorsements?limit=2");
    assert.equal(first.statusCode, 200);
    assert.deepEqual(ids(first), expected.slice(0, 2));
    for (const a of first.json()) assertAccountShape(a);
    const second = await alice.api.get(pathOf(linkHeader(first).next));
    assert.deepEqual(ids(second), expected.slice(2, 4));
    const back = await alice.api.get(pathOf(linkHeader(second).prev));
    assert.deepEqual(ids(back), expected.slice(0, 2));
    const publicList = await site.anonymous.get(`/api/v1/accounts/${alice.account.id}/endorsements`);
    assert.equal(publicList.statusCode, 200);
    assert.deepEqual(ids(publicList), expected);
    assertError(await site.anonymous.get("/api/v1/accounts/123456789012345678/endorsements"), 404);
    assert.deepEqual((await others[0]?.api.get("/api/v1/endorsements"))?.json(), []);
  });

  test("scopes: write:accounts to endorse, read:accounts to list", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await follow(alice, bob);
    const reader = alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes: "read:accounts" }));
    assertError(await reader.post(`/api/v1/accounts/${bob.account.id}/pin`), 403);
    assert.equal((await reader.get("/api/v1/endorsements")).statusCode, 200);
    const follows = alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes: "write:follows" }));
    assertError(await follows.post(`/api/v1/accounts/${bob.account.id}/pin`), 403);
    assertError(await site.anonymous.get("/api/v1/endorsements"), 401);
  });

  test("endorsements are in what we hold about the endorser and go with the account", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await follow(alice, bob);
    await alice.api.post(`/api/v1/accounts/${bob.account.id}/pin`);
    const h = await site.ctx.services.holdings.forAccount(alice.account.id);
    const graph = h.categories.find((c) => c.category.id === "social_graph")?.records ?? [];
    assert.ok(graph.some((r) => r.table === "endorsements" && r.fields.target_account_id === bob.account.id));
    await site.ctx.services.accounts.deleteAccount(alice.viewer, PASSWORD);
    assert.equal(await rowCount(site.ctx, "endorsements"), 0);
  });
});

describe("familiar followers", () => {
  const site = useApiSite();

  test("the accounts one follows that follow each account asked about; blocks and suspensions respected", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const dave = await site.user("dave");
    const erin = await site.user("erin");
    const target = await site.user("frank");
    await follow(alice, bob);
    await follow(alice, carol);
    await follow(alice, dave);
    for (const u of [bob, carol, dave, erin]) await follow(u, target);

    const res = await alice.api.get(
      `/api/v1/accounts/familiar_followers?id[]=${target.account.id}&id[]=${erin.account.id}&id[]=123456789012345678&id[]=nope`,
    );
    assert.equal(res.statusCode, 200, res.body);
    const [forTarget, forErin, forMissing] = res.json();
    assert.equal(res.json().length, 3, "malformed ids are left out, unknown ones answered empty");
    assert.equal(forTarget.id, target.account.id);
    assert.deepEqual(
      forTarget.accounts.map((a: Json) => a.id).sort(),
      [bob, carol, dave].map((u) => u.account.id).sort(),
      "erin follows frank but alice does not follow erin",
    );
    for (const a of forTarget.accounts) assertAccountShape(a);
    assert.deepEqual(forErin, { id: erin.account.id, accounts: [] });
    assert.deepEqual(forMissing.accounts, []);

    // A suspended follower drops out; so does everything across a block with the account asked about.
    await site.ctx.store.db.updateTable("accounts").set({ suspended: 1 }).where("id", "=", dave.account.id).execute();
    const after = (await alice.api.get(`/api/v1/accounts/familiar_followers?id[]=${target.account.id}`)).json();
    assert.deepEqual(after[0].accounts.map((a: Json) => a.id).sort(), [bob, carol].map((u) => u.account.id).sort());
    await target.api.post(`/api/v1/accounts/${alice.account.id}/block`);
    const blocked = (await alice.api.get(`/api/v1/accounts/familiar_followers?id[]=${target.account.id}`)).json();
    assert.deepEqual(blocked, [{ id: target.account.id, accounts: [] }]);
  });

  test("scope read:follows; at most 40 ids (422)", async () => {
    const alice = await site.user("alice");
    const accountsOnly = alice.api.withToken(await userToken(site.ctx, alice.account.id, { scopes: "read:accounts" }));
    assertError(await accountsOnly.get("/api/v1/accounts/familiar_followers?id[]=1"), 403);
    assertError(await site.anonymous.get("/api/v1/accounts/familiar_followers?id[]=1"), 401);
    const many = Array.from({ length: 41 }, (_, i) => `id[]=${1000 + i}`).join("&");
    assertError(await alice.api.get(`/api/v1/accounts/familiar_followers?${many}`), 422, /At most 40/);
    assert.deepEqual((await alice.api.get("/api/v1/accounts/familiar_followers")).json(), []);
  });
});
