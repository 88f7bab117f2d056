// Every entity the API returns, validated against JSON schemas written from the Mastodon
// documentation (test/api/mastodon-schemas.ts) with a small validator of our own
// (test/helpers/json-schema.ts). A people-shaped flow first makes one of everything: accounts,
// posts with media, a reply, a repost, likes, a follow, notifications, a scheduled post, a report,
// a note; then each endpoint's answer is checked, field by field.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ApiUser, multipart, useApiSite } from "../helpers/api.ts";
import { markedPng } from "../helpers/images.ts";
import { type Schema, validate } from "../helpers/json-schema.ts";
import * as S from "./mastodon-schemas.ts";

type Json = Record<string, any>;

function conforms(what: string, schema: Schema, value: unknown): void {
  const errors = validate(schema, value, what);
  assert.deepEqual(errors, [], `${what} breaks the documented schema:\n${errors.join("\n")}`);
}

describe("entity schemas", () => {
  const site = useApiSite();

  test("every endpoint's answer matches the Mastodon documentation's entity", { timeout: 60_000 }, async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const ok = async (
      user: ApiUser | undefined,
      method: "get" | "post" | "put" | "patch",
      url: string,
      body?: Json,
    ) => {
      const client = user ? user.api : site.anonymous;
      const res =
        method === "get"
          ? await client.get(url)
          : method === "post"
            ? await client.post(url, body ?? {})
            : method === "put"
              ? await client.put(url, body ?? {})
              : await client.patch(url, body ?? {});
      assert.ok(res.statusCode === 200, `${method.toUpperCase()} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return res.json();
    };
    const check = async (schema: Schema, user: ApiUser | undefined, url: string) =>
      conforms(`GET ${url}`, schema, await ok(user, "get", url));
    const list = (s: Schema) => ({ type: "array", items: s }) as Schema;

    // Make one of everything.
    const mp = multipart({
      file: { filename: "a.png", contentType: "image/png", data: await markedPng() },
      description: "a picture",
    });
    const upload = await site.app.inject({
      method: "POST",
      url: "/api/v2/media",
      payload: mp.payload,
      headers: { ...mp.headers, authorization: `Bearer ${alice.token}` },
    });
    assert.equal(upload.statusCode, 200, upload.body);
    conforms("POST /api/v2/media", S.MediaAttachment, upload.json());
    const media = upload.json();
    // Before it is attached (afterwards the docs' 404 applies).
    await check(S.MediaAttachment, alice, `/api/v1/media/${media.id}`);
    await ok(bob, "post", `/api/v1/accounts/${alice.account.id}/follow`);
    const first = await ok(alice, "post", "/api/v1/statuses", {
      status: "Hello @bob #whistle https://example.org",
      media_ids: [media.id],
      language: "en",
    });
    conforms("POST /api/v1/statuses", S.Status, first);
    const reply = await ok(bob, "post", "/api/v1/statuses", { status: "@alice hi", in_reply_to_id: first.id });
    conforms("POST /api/v1/statuses (reply)", S.Status, reply);
    conforms("reblog", S.Status, await ok(bob, "post", `/api/v1/statuses/${first.id}/reblog`));
    conforms("favourite", S.Status, await ok(bob, "post", `/api/v1/statuses/${first.id}/favourite`));
    conforms("bookmark", S.Status, await ok(bob, "post", `/api/v1/statuses/${first.id}/bookmark`));
    conforms(
      "edit",
      S.Status,
      await ok(alice, "put", `/api/v1/statuses/${first.id}`, {
        status: "Hello again @bob #whistle",
        media_ids: [media.id],
      }),
    );
    conforms("pin", S.Status, await ok(alice, "post", `/api/v1/statuses/${first.id}/pin`));
    const scheduled = await ok(alice, "post", "/api/v1/statuses", {
      status: "later",
      scheduled_at: new Date(site.ctx.clock.now().getTime() + 3 * 3_600_000).toISOString(),
    });
    conforms("POST /api/v1/statuses (scheduled)", S.ScheduledStatus, scheduled);
    conforms(
      "POST /api/v1/reports",
      S.Report,
      await ok(bob, "post", "/api/v1/reports", {
        account_id: alice.account.id,
        status_ids: [first.id],
        category: "spam",
      }),
    );
    conforms(
      "POST note",
      S.Relationship,
      await ok(bob, "post", `/api/v1/accounts/${alice.account.id}/note`, { comment: "n" }),
    );
    conforms(
      "PATCH update_credentials",
      S.CredentialAccount,
      await ok(alice, "patch", "/api/v1/accounts/update_credentials", { discoverable: true }),
    );
    conforms(
      "POST /api/v1/markers",
      S.Markers,
      await ok(alice, "post", "/api/v1/markers", { home: { last_read_id: first.id } }),
    );

    const app = await ok(undefined, "post", "/api/v1/apps", {
      client_name: "Schema",
      redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "read",
    });
    conforms("POST /api/v1/apps", S.Application, app);
    const token = await site.app.inject({
      method: "POST",
      url: "/oauth/token",
      payload: {
        grant_type: "client_credentials",
        client_id: app.client_id,
        client_secret: app.client_secret,
        scope: "read",
      },
    });
    conforms("POST /oauth/token", S.Token, token.json());

    // And read everything back.
    await check(S.Instance, undefined, "/api/v2/instance");
    await check(S.V1Instance, undefined, "/api/v1/instance");
    await check(S.PrivacyPolicy, undefined, "/api/v1/instance/privacy_policy");
    await check(S.ExtendedDescription, undefined, "/api/v1/instance/extended_description");
    await check(list(S.Rule), undefined, "/api/v1/instance/rules");
    await check(list(S.Account), undefined, "/api/v1/directory");
    await check(list(S.CustomEmoji), undefined, "/api/v1/custom_emojis");
    await check(S.CredentialAccount, alice, "/api/v1/accounts/verify_credentials");
    await check(S.Account, undefined, `/api/v1/accounts/${alice.account.id}`);
    await check(S.Account, undefined, "/api/v1/accounts/lookup?acct=alice");
    await check(list(S.Account), alice, "/api/v1/accounts/search?q=bo");
    await check(list(S.Account), undefined, `/api/v1/accounts/${alice.account.id}/followers`);
    await check(list(S.Account), undefined, `/api/v1/accounts/${bob.account.id}/following`);
    await check(list(S.Status), undefined, `/api/v1/accounts/${alice.account.id}/statuses`);
    await check(list(S.Relationship), bob, `/api/v1/accounts/relationships?id[]=${alice.account.id}`);
    await check(S.Status, undefined, `/api/v1/statuses/${first.id}`);
    await check(S.Context, undefined, `/api/v1/statuses/${first.id}/context`);
    await check(list(S.StatusEdit), undefined, `/api/v1/statuses/${first.id}/history`);
    await check(S.StatusSource, alice, `/api/v1/statuses/${first.id}/source`);
    await check(list(S.Account), undefined, `/api/v1/statuses/${first.id}/reblogged_by`);
    await check(list(S.Account), undefined, `/api/v1/statuses/${first.id}/favourited_by`);
    await check(list(S.Status), bob, "/api/v1/timelines/home");
    await check(list(S.Status), undefined, "/api/v1/timelines/public");
    await check(list(S.Status), undefined, "/api/v1/timelines/tag/whistle");
    await check(list(S.Status), bob, "/api/v1/favourites");
    await check(list(S.Status), bob, "/api/v1/bookmarks");
    await check(list(S.Notification), alice, "/api/v1/notifications");
    await check(S.GroupedNotificationsResults, alice, "/api/v2/notifications");
    await check(list(S.ScheduledStatus), alice, "/api/v1/scheduled_statuses");
    await check(S.Tag, alice, "/api/v1/tags/whistle");
    await check(S.Search, alice, "/api/v2/search?q=whistle");
    await check(S.Markers, alice, "/api/v1/markers?timeline[]=home");
    await check(S.Preferences, alice, "/api/v1/preferences");
    await check(S.Application, alice, "/api/v1/apps/verify_credentials");
    const missing = await site.anonymous.get("/api/v1/statuses/1");
    assert.equal(missing.statusCode, 404);
    conforms("an error", S.ErrorEntity, missing.json());
  });

  test('the validator catches what the issue found: "" for a null language, a missing Tag.id, an empty e-mail', () => {
    assert.notDeepEqual(validate(S.Tag, { name: "x", url: "https://a.example/tags/x", history: [] }), []);
    assert.notDeepEqual(validate(S.Instance.properties?.contact as Schema, { email: "", account: null }), []);
    const params = S.ScheduledStatus.properties?.params as Schema;
    assert.match(
      validate(params, { text: "x", visibility: "public", application_id: null, with_rate_limit: false }).join(),
      /application_id/,
    );
    assert.deepEqual(validate(S.Account.properties?.last_status_at as Schema, "2026-12-02"), []);
    const source = S.CredentialAccount.properties?.source as Schema;
    assert.match(validate(source.properties?.language as Schema, "").join(), /does not match/);
  });
});
