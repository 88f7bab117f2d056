// The instance's extra documents (privacy policy, terms, rules, extended description), the profile
// directory, and issue 12's schema fixes (contact e-mail, source.language, Tag.id,
// ScheduledStatus.params.application_id).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tagId } from "../../src/present/mastodon/tag.ts";
import { useApiSite } from "../helpers/api.ts";
import { assertAccountShape, assertError } from "./shapes.ts";

describe("instance documents", () => {
  const site = useApiSite({ env: { PUBLIUS_INSTANCE_NAME: "Whistle" } });

  test("privacy_policy is the /privacy text, as a PrivacyPolicy", async () => {
    const res = await site.anonymous.get("/api/v1/instance/privacy_policy");
    assert.equal(res.statusCode, 200);
    const p = res.json();
    assert.deepEqual(Object.keys(p).sort(), ["content", "updated_at"]);
    assert.match(p.updated_at, /^\d{4}-\d{2}-\d{2}T/);
    assert.match(p.content, /<h1>Privacy policy<\/h1>/);
    assert.match(p.content, /Whistle runs Publius/);
  });

  test("terms_of_service: none published, a 404 that says so; rules, extended description, translation languages", async () => {
    assertError(
      await site.anonymous.get("/api/v1/instance/terms_of_service"),
      404,
      /has not published terms of service/,
    );
    assertError(await site.anonymous.get("/api/v1/instance/terms_of_service/2025-01-01"), 404, /terms of service/);
    assert.deepEqual((await site.anonymous.get("/api/v1/instance/rules")).json(), []);
    const d = (await site.anonymous.get("/api/v1/instance/extended_description")).json();
    assert.equal(typeof d.updated_at, "string");
    assert.match(d.content, /Whistle is a Publius server/);
    assert.deepEqual((await site.anonymous.get("/api/v1/instance/translation_languages")).json(), {});
  });
});

describe("contact e-mail", () => {
  const site = useApiSite({ env: { PUBLIUS_CONTACT_EMAIL: "operator@whistle.example" } });

  test("the operator's published address, in v1 and v2", async () => {
    assert.equal((await site.anonymous.get("/api/v2/instance")).json().contact.email, "operator@whistle.example");
    assert.equal((await site.anonymous.get("/api/v1/instance")).json().email, "operator@whistle.example");
  });
});

describe("GET /api/v1/directory", () => {
  const site = useApiSite();

  test("only accounts that chose to be listed, alphabetical by handle whatever `order` says, with offset paging", async () => {
    const carol = await site.user("carol");
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    for (const u of [carol, alice]) {
      const res = await u.api.patch("/api/v1/accounts/update_credentials", { discoverable: true });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().discoverable, true);
      assert.equal(res.json().source.discoverable, true);
    }
    await bob.api.post("/api/v1/statuses", { status: "most recently active", visibility: "public" });
    for (const order of ["active", "new", ""]) {
      const res = await site.anonymous.get(`/api/v1/directory?local=true&order=${order}`);
      assert.equal(res.statusCode, 200);
      const list = res.json();
      for (const a of list) assertAccountShape(a);
      assert.deepEqual(
        list.map((a: { username: string }) => a.username),
        ["alice", "carol"],
        "bob is not listed; the order is the handles'",
      );
    }
    const second = (await site.anonymous.get("/api/v1/directory?offset=1&limit=1")).json();
    assert.deepEqual(
      second.map((a: { username: string }) => a.username),
      ["carol"],
    );
    // Suspended accounts leave the directory.
    await site.ctx.store.db.updateTable("accounts").set({ suspended: 1 }).where("id", "=", carol.account.id).execute();
    assert.deepEqual(
      (await site.anonymous.get("/api/v1/directory")).json().map((a: { username: string }) => a.username),
      ["alice"],
    );
    // Unlisting again.
    await alice.api.patch("/api/v1/accounts/update_credentials", { discoverable: false });
    assert.deepEqual((await site.anonymous.get("/api/v1/directory")).json(), []);
  });

  test("bad input → 422 with a message", async () => {
    assertError(await site.anonymous.get("/api/v1/directory?limit=many"), 422, /limit must be an integer/);
    assertError(await site.anonymous.get("/api/v1/directory?offset=x"), 422, /offset/);
  });
});

describe("schema fixes", () => {
  const site = useApiSite();

  test("source.language is null when no default language is set", async () => {
    const alice = await site.user("alice");
    const me = (await alice.api.get("/api/v1/accounts/verify_credentials")).json();
    assert.equal(me.source.language, null);
  });

  test("Tag.id: a string derived from the name, the same for any case", async () => {
    const alice = await site.user("alice");
    await alice.api.post("/api/v1/statuses", { status: "#Whistle", visibility: "public" });
    const tag = (await alice.api.get("/api/v1/tags/whistle")).json();
    assert.match(tag.id, /^\d+$/);
    assert.equal(tag.id, tagId("WHISTLE"));
    assert.notEqual(tagId("whistle"), tagId("whistles"));
  });

  test("ScheduledStatus.params.application_id is an integer", async () => {
    const alice = await site.user("alice");
    const at = new Date(site.ctx.clock.now().getTime() + 3_600_000).toISOString();
    const res = await alice.api.post("/api/v1/statuses", { status: "later", scheduled_at: at });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().params.application_id, 0);
  });
});
