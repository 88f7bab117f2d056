// The server's self-description (Instance v1 and v2) and the small endpoints clients call at start:
// custom emojis, preferences, announcements, filters, trends, peers, activity, rules.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { serverCounts } from "../../src/store/repos/instance.ts";
import { useApiSite } from "../helpers/api.ts";

/** Asserts the type of every listed key, so a missing or mistyped field fails by name. */
function assertShape(value: Record<string, unknown>, shape: Record<string, string>, where: string): void {
  for (const [key, type] of Object.entries(shape)) {
    assert.ok(key in value, `${where}.${key} is missing`);
    const v = value[key];
    const actual = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
    assert.ok(type.split("|").includes(actual), `${where}.${key} is ${actual}, expected ${type}`);
  }
}

describe("GET /api/v2/instance", () => {
  const site = useApiSite({ env: { PUBLIUS_INSTANCE_NAME: "Whistle" } });

  test("has every documented field with the documented type, and no e-mail", async () => {
    const res = await site.anonymous.get("/api/v2/instance");
    assert.equal(res.statusCode, 200);
    const i = res.json();
    assertShape(
      i,
      {
        domain: "string",
        title: "string",
        version: "string",
        source_url: "string",
        description: "string",
        usage: "object",
        thumbnail: "object",
        icon: "array",
        languages: "array",
        configuration: "object",
        registrations: "object",
        api_versions: "object",
        contact: "object",
        rules: "array",
      },
      "instance",
    );
    assert.equal(i.domain, "publius.test");
    assert.equal(i.title, "Whistle");
    assert.match(i.version, /^4\.3\.0 \(compatible; Publius \d+\.\d+\.\d+\)$/);
    assert.deepEqual(i.usage, { users: { active_month: 0 } });
    assert.equal(i.thumbnail.url, "http://publius.test/static/header.png");
    assert.deepEqual(i.languages, ["en"]);
    assert.deepEqual(i.api_versions, { mastodon: 2 });
    // No address unless the operator publishes one: null, not "" (issue 12's schema check).
    assert.deepEqual(i.contact, { email: null, account: null });
    assert.deepEqual(i.rules, []);

    const c = i.configuration;
    assertShape(
      c,
      {
        urls: "object",
        vapid: "object",
        accounts: "object",
        statuses: "object",
        media_attachments: "object",
        polls: "object",
        translation: "object",
      },
      "configuration",
    );
    assert.equal(c.urls.streaming, "ws://publius.test");
    assert.deepEqual(c.accounts, { max_featured_tags: 0, max_pinned_statuses: 5 });
    assert.deepEqual(c.statuses, { max_characters: 500, max_media_attachments: 4, characters_reserved_per_url: 23 });
    assert.deepEqual(c.media_attachments.supported_mime_types, ["image/jpeg", "image/png", "image/webp", "image/gif"]);
    assert.equal(c.media_attachments.image_size_limit, 16_777_216);
    assert.equal(c.media_attachments.image_matrix_limit, 33_177_600);
    for (const key of ["video_size_limit", "video_frame_rate_limit", "video_matrix_limit", "description_limit"]) {
      assert.equal(typeof c.media_attachments[key], "number", key);
    }
    assertShape(
      c.polls,
      {
        max_options: "number",
        max_characters_per_option: "number",
        min_expiration: "number",
        max_expiration: "number",
      },
      "polls",
    );
    assert.equal(c.polls.max_options, 0, "no polls on Publius");
    assert.deepEqual(c.translation, { enabled: false });

    assertShape(i.registrations, { enabled: "boolean", approval_required: "boolean", message: "string|null" }, "reg");
    assert.equal(i.registrations.enabled, true);
    assert.equal(i.registrations.approval_required, false);
    assert.equal(i.registrations.message, null);
    assert.ok(!JSON.stringify(i).includes("@"), "no e-mail address anywhere");
  });

  test("counts active accounts and their posts; active_month means posted in the last 4 weeks", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await site.ctx.services.posting.create(alice.viewer, { text: "hello", visibility: "public" });
    await site.ctx.services.posting.create(bob.viewer, { text: "hi", visibility: "private" });
    // A pending applicant does not count.
    await site.ctx.services.accounts.register(
      { handle: "applicant", password: "correct horse battery staple", reason: "hi" },
      { mode: "approval" },
    );
    // The exact figures (what is counted) ...
    const exact = await serverCounts(site.ctx.store.db, ["2000-01-01"]);
    assert.deepEqual(exact, { users: 2, statuses: 2, activeSince: [2] });
    // ... are published rounded (domain/coarse-count.ts): one join or post is not visible.
    const v2 = (await site.anonymous.get("/api/v2/instance")).json();
    assert.equal(v2.usage.users.active_month, 10);
    const v1 = (await site.anonymous.get("/api/v1/instance")).json();
    assert.deepEqual(v1.stats, { user_count: 10, status_count: 10, domain_count: 0 });
  });
});

describe("GET /api/v1/instance", () => {
  const site = useApiSite();

  test("has the V1::Instance fields with their documented types", async () => {
    const res = await site.anonymous.get("/api/v1/instance");
    assert.equal(res.statusCode, 200);
    const i = res.json();
    assertShape(
      i,
      {
        uri: "string",
        title: "string",
        short_description: "string",
        description: "string",
        email: "string|null",
        version: "string",
        urls: "object",
        stats: "object",
        thumbnail: "string|null",
        languages: "array",
        registrations: "boolean",
        approval_required: "boolean",
        invites_enabled: "boolean",
        configuration: "object",
        contact_account: "null|object",
        rules: "array",
      },
      "v1 instance",
    );
    assert.equal(i.uri, "publius.test");
    assert.equal(i.email, null);
    assert.equal(i.urls.streaming_api, "ws://publius.test");
    assert.equal(i.registrations, true);
    assert.equal(i.approval_required, false);
    assert.equal(i.invites_enabled, false);
    assertShape(
      i.configuration,
      { accounts: "object", statuses: "object", media_attachments: "object", polls: "object" },
      "v1 configuration",
    );
  });
});

describe("registration modes in the instance description", () => {
  for (const [mode, v2, v1] of [
    [
      "approval",
      { enabled: true, approval_required: true },
      { registrations: true, approval_required: true, invites_enabled: false },
    ],
    [
      "invite",
      { enabled: false, approval_required: false },
      { registrations: false, approval_required: false, invites_enabled: true },
    ],
  ] as const) {
    describe(mode, () => {
      const site = useApiSite({ env: { PUBLIUS_REGISTRATION: mode, PUBLIUS_PUBLIC_URL: "https://example.org" } });
      test(`${mode} mode is described`, async () => {
        const i2 = (await site.anonymous.get("/api/v2/instance")).json();
        assert.equal(i2.registrations.enabled, v2.enabled);
        assert.equal(i2.registrations.approval_required, v2.approval_required);
        assert.equal(i2.configuration.urls.streaming, "wss://example.org");
        if (mode === "invite") assert.match(i2.registrations.message, /invite code/);
        const i1 = (await site.anonymous.get("/api/v1/instance")).json();
        for (const [k, v] of Object.entries(v1)) assert.equal(i1[k], v, k);
      });
    });
  }
});

describe("the small endpoints clients call at start", () => {
  const site = useApiSite();

  test("public empty lists: custom emojis, trends, peers, activity, rules, domain blocks", async () => {
    for (const path of [
      "/api/v1/custom_emojis",
      "/api/v1/trends",
      "/api/v1/trends/tags",
      "/api/v1/trends/statuses",
      "/api/v1/trends/links",
      "/api/v1/instance/peers",
      "/api/v1/instance/activity",
      "/api/v1/instance/rules",
      "/api/v1/instance/domain_blocks",
    ]) {
      const res = await site.anonymous.get(path);
      assert.equal(res.statusCode, 200, path);
      assert.deepEqual(res.json(), [], path);
    }
    const ext = await site.anonymous.get("/api/v1/instance/extended_description");
    assert.equal(ext.statusCode, 200);
    assert.equal(typeof ext.json().updated_at, "string");
    assert.match(ext.json().content, /^<p>.*<\/p>$/);
  });

  test("announcements and filters need a user token with the scope", async () => {
    const alice = await site.user("alice");
    for (const path of ["/api/v1/announcements", "/api/v1/filters", "/api/v2/filters"]) {
      assert.equal((await site.anonymous.get(path)).statusCode, 401, path);
      const res = await alice.api.get(path);
      assert.equal(res.statusCode, 200, path);
      assert.deepEqual(res.json(), []);
    }
    const narrow = await site.user("bob", { scopes: "read:statuses" });
    assert.equal((await narrow.api.get("/api/v2/filters")).statusCode, 403);
  });

  test("preferences: the documented keys, from the account's posting defaults", async () => {
    const alice = await site.user("alice");
    assert.equal((await site.anonymous.get("/api/v1/preferences")).statusCode, 401);
    const res = await alice.api.get("/api/v1/preferences");
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      "posting:default:visibility": "public",
      "posting:default:sensitive": false,
      "posting:default:language": null,
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
    });
    const patched = await alice.api.patch("/api/v1/accounts/update_credentials", {
      source: { privacy: "private", sensitive: true, language: "de" },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const after = (await alice.api.get("/api/v1/preferences")).json();
    assert.equal(after["posting:default:visibility"], "private");
    assert.equal(after["posting:default:sensitive"], true);
    assert.equal(after["posting:default:language"], "de");
  });
});
