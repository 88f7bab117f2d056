import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.destroy());

test("holdings for @ALT_USCIS: contact and network data are not collected by design; the rest is what exists", async () => {
  const alt = await person(ctx, "altUscis");
  const alice = await person(ctx, "alice");
  const bob = await person(ctx, "bob");
  await ctx.services.relationships.follow(alice.viewer, alt.account.id);
  await ctx.services.posting.create(alt.viewer, { text: "Public post #resist" });
  const secret = await ctx.services.posting.create(alt.viewer, { text: "Only for followers", visibility: "private" });
  await ctx.services.relationships.mute(bob.viewer, alt.account.id);
  await ctx.services.moderation.report(bob.viewer, { accountId: alt.account.id, reason: "I dislike criticism" });

  const h = await ctx.services.holdings.forAccount(alt.account.id);
  const state = Object.fromEntries(h.categories.map((c) => [c.category.id, c.state]));
  assert.equal(state.contact, "not_collected");
  assert.equal(state.network, "not_collected");
  assert.equal(state.public_profile, "held");
  assert.equal(state.account_login, "held");
  assert.equal(state.account_timestamps, "held");
  assert.equal(state.public_content, "held");
  assert.equal(state.nonpublic_content, "held");
  assert.equal(state.social_graph, "held");
  assert.equal(state.media, "held"); // avatar_file/header_file columns exist, even when empty
  assert.equal(state.sessions, "none");
  assert.equal(state.legal, "none");

  const byId = new Map(h.categories.map((c) => [c.category.id, c]));
  const nonPublic = byId.get("nonpublic_content")?.records ?? [];
  assert.ok(nonPublic.some((r) => r.table === "statuses" && r.fields.text === "Only for followers"));
  assert.ok(
    !(byId.get("public_content")?.records ?? []).some((r) => r.fields.id === secret.id && r.fields.text !== undefined),
  );

  const login = byId.get("account_login")?.records ?? [];
  const passwordShown = login.map((r) => r.fields.password_hash).find((v) => v !== undefined);
  assert.match(String(passwordShown), /one-way hash/);

  const timestamps = byId.get("account_timestamps")?.records ?? [];
  assert.deepEqual(Object.keys(timestamps[0]?.fields ?? {}).sort(), ["created_day", "last_status_day"]);

  // Being muted is the muter's data; who reported you is the reporter's.
  const graph = JSON.stringify(byId.get("social_graph")?.records);
  assert.ok(!graph.includes(bob.account.id), "bob's mute of ALT_USCIS is not ALT_USCIS's data");
  const moderation = (byId.get("moderation")?.records ?? []).filter((r) => r.table === "reports");
  assert.equal(moderation.length, 1);
  assert.equal(moderation[0]?.fields.account_id, undefined, "the reporter is withheld");
  assert.equal(moderation[0]?.fields.reason, "I dislike criticism");
});
