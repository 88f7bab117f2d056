// Web Push (issue 12, item 7): /api/v1/push/subscription as Mastodon has it, delivered through a
// durable queue to a push receiver of our own that decrypts what it gets and checks the VAPID JWT.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../../src/config/config.ts";
import { endpointProblem, isPrivateAddress, vettedAddress } from "../../src/services/push/endpoint.ts";
import { person } from "../fixtures/accounts.ts";
import { type ApiUser, formBody, registerTestApp, useApiSite, userToken } from "../helpers/api.ts";
import { createTestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import {
  decryptAes128gcm,
  decryptAesgcm,
  type PushReceiver,
  type SubscriberKeys,
  startPushReceiver,
  subscriberKeys,
  verifyVapid,
} from "../helpers/push-receiver.ts";
import { assertError } from "./shapes.ts";

type Json = Record<string, any>;
const LOOPBACK = { PUBLIUS_PUSH_ALLOW_LOOPBACK_HTTP: "true" };
const ALERT_NAMES = [
  "admin.report",
  "admin.sign_up",
  "favourite",
  "follow",
  "follow_request",
  "mention",
  "poll",
  "reblog",
  "status",
  "update",
];

let receiver: PushReceiver;
before(async () => {
  receiver = await startPushReceiver();
});
after(() => receiver.close());

function subscriptionBody(keys: SubscriberKeys, endpoint: string, extra: Json = {}): Json {
  return {
    subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth }, ...(extra.subscription ?? {}) },
    data: { alerts: { mention: true, favourite: true, follow: false }, policy: "all", ...(extra.data ?? {}) },
  };
}

async function subscribe(user: ApiUser, keys: SubscriberKeys, endpoint: string, extra: Json = {}): Promise<Json> {
  const res = await user.api.post("/api/v1/push/subscription", subscriptionBody(keys, endpoint, extra));
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe("push subscription endpoints", () => {
  const site = useApiSite({ env: LOOPBACK });

  test("POST makes the token's subscription in Mastodon's shape; GET, PUT and DELETE act on it", async () => {
    const alice = await site.user("alice");
    const keys = subscriberKeys();
    const sub = await subscribe(alice, keys, receiver.endpoint(), { subscription: { standard: true } });
    assert.deepEqual(Object.keys(sub).sort(), ["alerts", "endpoint", "id", "policy", "server_key", "standard"]);
    assert.equal(typeof sub.id, "string");
    assert.equal(sub.endpoint, receiver.endpoint());
    assert.equal(sub.standard, true);
    assert.equal(sub.policy, "all");
    assert.deepEqual(Object.keys(sub.alerts).sort(), ALERT_NAMES);
    assert.equal(sub.alerts.mention, true);
    assert.equal(sub.alerts.follow, false);
    assert.equal(sub.alerts.reblog, false, "alerts not given are off");
    // The server key is the VAPID key the instance advertises everywhere.
    const instance = (await site.anonymous.get("/api/v2/instance")).json() as Json;
    assert.equal(sub.server_key, instance.configuration.vapid.public_key);
    assert.equal(Buffer.from(sub.server_key, "base64url").length, 65);

    assert.deepEqual((await alice.api.get("/api/v1/push/subscription")).json(), sub);

    const put = await alice.api.put("/api/v1/push/subscription", {
      data: { alerts: { follow: true, mention: false } },
      policy: "followed",
    });
    assert.equal(put.statusCode, 200, put.body);
    const changed = put.json() as Json;
    assert.equal(changed.alerts.follow, true);
    assert.equal(changed.alerts.mention, false);
    assert.equal(changed.alerts.favourite, true, "alerts not named in PUT stay as they were");
    assert.equal(changed.policy, "followed");
    assert.equal(changed.endpoint, sub.endpoint, "PUT changes only the data part");

    const del = await alice.api.delete("/api/v1/push/subscription");
    assert.equal(del.statusCode, 200);
    assert.deepEqual(del.json(), {});
    assertError(await alice.api.get("/api/v1/push/subscription"), 404);
    assertError(await alice.api.put("/api/v1/push/subscription", { data: { alerts: { mention: true } } }), 404);
    // Deleting when there is none is fine, as in Mastodon.
    assert.equal((await alice.api.delete("/api/v1/push/subscription")).statusCode, 200);
  });

  test("form-encoded bracket parameters work as clients send them", async () => {
    const alice = await site.user("alice");
    const keys = subscriberKeys();
    const { payload, headers } = formBody({
      "subscription[endpoint]": receiver.endpoint("/form"),
      "subscription[keys][p256dh]": keys.p256dh,
      "subscription[keys][auth]": keys.auth,
      "data[alerts][follow]": "true",
      "data[alerts][admin.sign_up]": "false",
      "data[policy]": "follower",
    });
    const res = await alice.api.post("/api/v1/push/subscription", payload, { headers });
    assert.equal(res.statusCode, 200, res.body);
    const sub = res.json() as Json;
    assert.equal(sub.endpoint, receiver.endpoint("/form"));
    assert.equal(sub.alerts.follow, true);
    assert.equal(sub.policy, "follower");
    assert.equal(sub.standard, false);
  });

  test("one subscription per token: a new one replaces the old, another token has its own", async () => {
    const alice = await site.user("alice");
    const first = await subscribe(alice, subscriberKeys(), receiver.endpoint("/a"));
    const second = await subscribe(alice, subscriberKeys(), receiver.endpoint("/b"));
    assert.notEqual(first.id, second.id);
    assert.equal(await rowCount(site.ctx, "push_subscriptions"), 1);
    const otherApp = await registerTestApp(site.ctx, { name: "Other app" });
    const other = alice.api.withToken(await userToken(site.ctx, alice.account.id, { app: otherApp }));
    assertError(await other.get("/api/v1/push/subscription"), 404);
    const res = await other.post(
      "/api/v1/push/subscription",
      subscriptionBody(subscriberKeys(), receiver.endpoint("/c")),
    );
    assert.equal(res.statusCode, 200);
    assert.equal((await alice.api.get("/api/v1/push/subscription")).json().endpoint, receiver.endpoint("/b"));
    assert.equal(await rowCount(site.ctx, "push_subscriptions"), 2);
  });

  test("scopes: push is needed, a user token is needed", async () => {
    const alice = await site.user("alice", { scopes: "read write follow" });
    const body = subscriptionBody(subscriberKeys(), receiver.endpoint());
    assertError(await alice.api.post("/api/v1/push/subscription", body), 403, /scope/);
    assertError(await alice.api.get("/api/v1/push/subscription"), 403);
    assertError(await alice.api.put("/api/v1/push/subscription", body), 403);
    assertError(await alice.api.delete("/api/v1/push/subscription"), 403);
    assertError(await site.anonymous.post("/api/v1/push/subscription", body), 401);
    const pushOnly = await site.user("bob", { scopes: "push" });
    assert.equal((await pushOnly.api.post("/api/v1/push/subscription", body)).statusCode, 200);
  });

  test("bad input is a 422 with a message", async () => {
    const alice = await site.user("alice");
    const keys = subscriberKeys();
    const cases: [Json, RegExp][] = [
      [{ data: { alerts: { mention: true } } }, /subscription is required/],
      [{ subscription: { keys: { p256dh: keys.p256dh, auth: keys.auth } } }, /endpoint\] is required/],
      [subscriptionBody(keys, "not a url"), /not a URL/],
      [subscriptionBody(keys, "http://push.example/x"), /https/],
      [subscriptionBody(keys, "https://10.1.2.3/x"), /private address/],
      [subscriptionBody(keys, "https://[::1]/x"), /private address/],
      [subscriptionBody(keys, "https://localhost/x"), /public host/],
      [subscriptionBody(keys, "https://user:pw@push.example/x"), /user name/],
      [{ subscription: { endpoint: receiver.endpoint(), keys: { p256dh: "AAAA", auth: keys.auth } } }, /p256dh/],
      [{ subscription: { endpoint: receiver.endpoint(), keys: { p256dh: keys.p256dh, auth: "c2hvcnQ" } } }, /auth/],
      [
        {
          subscription: {
            endpoint: receiver.endpoint(),
            keys: {
              p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64"),
              auth: keys.auth,
            },
          },
        },
        /P-256/,
      ],
      [{ subscription: { endpoint: receiver.endpoint(), keys: { p256dh: keys.p256dh } } }, /auth\] is required/],
      [subscriptionBody(keys, receiver.endpoint(), { data: { policy: "friends" } }), /policy/],
      [subscriptionBody(keys, receiver.endpoint(), { data: { alerts: { mention: "perhaps" } } }), /mention.*boolean/],
      [{ subscription: "x" }, /subscription must be an object/],
    ];
    for (const [body, message] of cases) {
      assertError(await alice.api.post("/api/v1/push/subscription", body), 422, message);
    }
    assert.equal(await rowCount(site.ctx, "push_subscriptions"), 0);
    await subscribe(alice, keys, receiver.endpoint());
    assertError(await alice.api.put("/api/v1/push/subscription", { policy: "nobody" }), 422, /policy/);
  });

  test("the VAPID key is in the instance (v2) and in the app entity, and lives in the data folder", async () => {
    const key = site.ctx.services.push.serverKey();
    const v2 = (await site.anonymous.get("/api/v2/instance")).json() as Json;
    assert.equal(v2.configuration.vapid.public_key, key);
    const alice = await site.user("alice");
    const app = (await alice.api.get("/api/v1/apps/verify_credentials")).json() as Json;
    assert.equal(app.vapid_key, key);
    const { readFileSync, statSync } = await import("node:fs");
    const file = `${site.ctx.dataDir}/vapid.key`;
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).publicKey, key);
  });
});

describe("push delivery", () => {
  const site = useApiSite({ env: LOOPBACK });

  async function mentionAlice(bob: ApiUser, text = "hello @alice, a quiet word") {
    const res = await bob.api.post("/api/v1/statuses", { status: text });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as Json;
  }

  test("a mention is queued with the post, then pushed encrypted (aes128gcm) with a valid VAPID JWT", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const keys = subscriberKeys();
    const sub = await subscribe(alice, keys, receiver.endpoint("/aes128gcm"), { subscription: { standard: true } });
    const before = receiver.received.length;
    await mentionAlice(bob);
    // Posting did not wait for the push service: nothing was sent, one delivery is queued.
    assert.equal(receiver.received.length, before);
    assert.equal(await site.ctx.services.push.queued(), 1);

    const round = await site.ctx.services.push.deliverDue();
    assert.deepEqual(round, { sent: 1, retried: 0, dropped: 0, removed: 0 });
    assert.equal(await site.ctx.services.push.queued(), 0);
    const got = receiver.received.at(-1);
    assert.ok(got && got.path === "/aes128gcm");
    assert.equal(got.headers["content-encoding"], "aes128gcm");
    assert.equal(got.headers.ttl, String(48 * 3600));
    assert.equal(got.headers.urgency, "normal");
    assert.equal(got.headers.encryption, undefined, "aes128gcm carries its salt in the body");
    const claims = verifyVapid(got, sub.server_key);
    assert.equal(claims.aud, receiver.origin);
    assert.ok(claims.exp * 1000 > Date.now() && claims.exp * 1000 <= Date.now() + 24 * 3600_000 + 60_000);
    assert.match(claims.sub, /^(https:|mailto:)/);
    // Nothing readable travels: not the text, not the handle.
    assert.ok(!got.body.includes(Buffer.from("quiet")));
    assert.ok(!got.body.includes(Buffer.from("bob")));

    const payload = JSON.parse(decryptAes128gcm(got.body, keys)) as Json;
    assert.deepEqual(Object.keys(payload).sort(), [
      "body",
      "icon",
      "notification_id",
      "notification_type",
      "preferred_locale",
      "title",
    ]);
    assert.equal(payload.notification_type, "mention");
    assert.equal(payload.title, "You were mentioned by Bob");
    assert.equal(payload.body, "hello @alice, a quiet word");
    assert.equal(payload.preferred_locale, "en");
    assert.match(payload.icon, /^http:\/\/publius\.test\//);
    const listed = (await alice.api.get("/api/v1/notifications")).json() as Json[];
    assert.equal(typeof payload.notification_id, "number", "a number, as Mastodon sends it");
    assert.equal(String(payload.notification_id), listed[0]?.id, "the id the client can fetch");
    assert.equal(payload.access_token, undefined, "no token travels in a push");
  });

  test("without `standard` the older aesgcm encoding is used, as Mastodon does; it decrypts too", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const keys = subscriberKeys();
    const sub = await subscribe(alice, keys, receiver.endpoint("/aesgcm"));
    assert.equal(sub.standard, false);
    await mentionAlice(bob, "@alice old style");
    await site.ctx.services.push.deliverDue();
    const got = receiver.received.at(-1);
    assert.ok(got && got.path === "/aesgcm");
    assert.equal(got.headers["content-encoding"], "aesgcm");
    verifyVapid(got, sub.server_key);
    const payload = JSON.parse(decryptAesgcm(got, keys)) as Json;
    assert.equal(payload.body, "@alice old style");
  });

  test("alerts and policy decide what is pushed", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await subscribe(alice, subscriberKeys(), receiver.endpoint("/policy"), {
      data: { alerts: { mention: true, follow: false }, policy: "followed" },
    });
    // A follow is not wanted: nothing is even queued.
    await site.ctx.services.relationships.follow(bob.viewer, alice.account.id);
    assert.equal(await site.ctx.services.push.queued(), 0);
    // Alice follows carol, not bob: carol's mention is pushed, bob's is dropped at send time.
    await site.ctx.services.relationships.follow(alice.viewer, carol.account.id);
    await mentionAlice(bob, "@alice from bob");
    await mentionAlice(carol, "@alice from carol");
    const before = receiver.received.length;
    assert.deepEqual(await site.ctx.services.push.deliverDue(), { sent: 1, retried: 0, dropped: 1, removed: 0 });
    assert.equal(receiver.received.length, before + 1);
    // Policy none: nothing.
    await alice.api.put("/api/v1/push/subscription", { data: { policy: "none" } });
    await mentionAlice(carol, "@alice again");
    assert.deepEqual(await site.ctx.services.push.deliverDue(), { sent: 0, retried: 0, dropped: 1, removed: 0 });
  });

  test("a notification dismissed before it is sent is not pushed (its queue row goes with it)", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await subscribe(alice, subscriberKeys(), receiver.endpoint());
    await mentionAlice(bob);
    assert.equal(await site.ctx.services.push.queued(), 1);
    const [n] = (await alice.api.get("/api/v1/notifications")).json() as Json[];
    await alice.api.post(`/api/v1/notifications/${n?.id}/dismiss`);
    assert.equal(await site.ctx.services.push.queued(), 0);
  });

  test("410 from the push service deletes the subscription; 5xx is retried later", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await subscribe(alice, subscriberKeys(), receiver.endpoint("/flaky"));
    await mentionAlice(bob);
    receiver.answers.push(503);
    assert.deepEqual(await site.ctx.services.push.deliverDue(), { sent: 0, retried: 1, dropped: 0, removed: 0 });
    assert.equal(await site.ctx.services.push.queued(), 1, "kept for a retry");
    // Not due again until its back-off has passed.
    assert.deepEqual(await site.ctx.services.push.deliverDue(), { sent: 0, retried: 0, dropped: 0, removed: 0 });
    site.ctx.clock.advance(2 * 60_000);
    receiver.answers.push(201);
    assert.deepEqual(await site.ctx.services.push.deliverDue(), { sent: 1, retried: 0, dropped: 0, removed: 0 });

    await mentionAlice(bob, "@alice once more");
    receiver.answers.push(410);
    assert.deepEqual(await site.ctx.services.push.deliverDue(), { sent: 0, retried: 0, dropped: 0, removed: 1 });
    assert.equal(await rowCount(site.ctx, "push_subscriptions"), 0);
    assert.equal(await site.ctx.services.push.queued(), 0);
    assertError(await alice.api.get("/api/v1/push/subscription"), 404);
  });

  test("404 deletes the subscription too", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await subscribe(alice, subscriberKeys(), receiver.endpoint("/gone"));
    await mentionAlice(bob);
    receiver.answers.push(404);
    assert.equal((await site.ctx.services.push.deliverDue()).removed, 1);
    assert.equal(await rowCount(site.ctx, "push_subscriptions"), 0);
  });

  test("the endpoint and keys are sealed at rest, shown to the person in what we hold, gone with the token", async () => {
    const alice = await site.user("alice");
    const keys = subscriberKeys();
    await subscribe(alice, keys, receiver.endpoint("/sealed"));
    const row = await site.ctx.store.db.selectFrom("push_subscriptions").selectAll().executeTakeFirstOrThrow();
    for (const value of [row.endpoint, row.p256dh, row.auth_secret]) assert.match(value, /^aes256gcm:v1:/);
    assert.ok(!JSON.stringify(row).includes("127.0.0.1"));
    assert.ok(!JSON.stringify(row).includes(keys.auth));

    const held = await site.ctx.services.holdings.forAccount(alice.account.id);
    const sessions = held.categories.find((c) => c.category.id === "sessions");
    const record = sessions?.records.find((r) => r.table === "push_subscriptions");
    assert.equal(record?.fields.endpoint, receiver.endpoint("/sealed"));
    assert.equal(record?.fields.p256dh, keys.p256dh);
    assert.equal(record?.fields.auth_secret, "(a secret: never shown)");

    // The token is revoked (the app is removed): the subscription goes with it.
    const token = await site.ctx.store.db.selectFrom("oauth_tokens").select("app_id").executeTakeFirstOrThrow();
    await site.ctx.services.oauth.revokeApp(alice.viewer, token.app_id);
    assert.equal(await rowCount(site.ctx, "push_subscriptions"), 0);
  });

  test("deleting the account deletes its subscriptions and queued pushes", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await subscribe(alice, subscriberKeys(), receiver.endpoint());
    await mentionAlice(bob);
    assert.equal(await site.ctx.services.push.queued(), 1);
    await site.ctx.store.db.deleteFrom("accounts").where("id", "=", alice.account.id).execute();
    assert.equal(await rowCount(site.ctx, "push_subscriptions"), 0);
    assert.equal(await site.ctx.services.push.queued(), 0);
  });
});

test("the queue survives a restart: a push queued before it is sent after it", async () => {
  let ctx = await createTestContext({ sqliteFile: true, env: LOOPBACK });
  try {
    const alice = await person(ctx, "alice");
    const bob = await person(ctx, "bob");
    const app = await registerTestApp(ctx);
    const { record } = await ctx.services.oauth.issue(app.id, alice.account.id, ["push", "read"]);
    const keys = subscriberKeys();
    const key = ctx.services.push.serverKey();
    await ctx.services.push.subscribe(alice.viewer, record.id, {
      endpoint: receiver.endpoint("/restart"),
      p256dh: keys.p256dh,
      auth: keys.auth,
      standard: true,
      data: { alerts: { mention: true } },
    });
    await ctx.services.posting.create(bob.viewer, { text: "@alice before the restart" });
    assert.equal(await ctx.services.push.queued(), 1);

    ctx = await ctx.restart();
    assert.equal(ctx.services.push.serverKey(), key, "the VAPID key pair is kept in the data folder");
    const before = receiver.received.length;
    assert.equal((await ctx.services.push.deliverDue()).sent, 1);
    const got = receiver.received[before];
    assert.ok(got);
    verifyVapid(got, key);
    assert.equal(JSON.parse(decryptAes128gcm(got.body, keys)).body, "@alice before the restart");
  } finally {
    await ctx.destroy();
  }
});

test("SSRF: endpoints must be public https; loopback http only with the test setting", async () => {
  const strict = { allowLoopbackHttp: false };
  assert.match(endpointProblem("http://127.0.0.1:8080/x", strict) ?? "", /https/);
  assert.match(endpointProblem("https://127.0.0.1/x", strict) ?? "", /private/);
  assert.match(endpointProblem("https://169.254.169.254/latest", strict) ?? "", /private/);
  assert.match(endpointProblem("https://[::ffff:10.0.0.1]/x", strict) ?? "", /private/);
  assert.match(endpointProblem("https://[fd00::1]/x", strict) ?? "", /private/);
  assert.match(endpointProblem("https://printer.local/x", strict) ?? "", /public host/);
  assert.match(endpointProblem("https://intranet/x", strict) ?? "", /public host/);
  assert.equal(endpointProblem("https://push.example.org/wpush/v2/abc", strict), undefined);
  assert.equal(endpointProblem("https://8.8.8.8/x", strict), undefined);
  // The test setting opens 127.0.0.1 over http and nothing else.
  const tests = { allowLoopbackHttp: true };
  assert.equal(endpointProblem("http://127.0.0.1:9/x", tests), undefined);
  assert.match(endpointProblem("http://127.0.0.2:9/x", tests) ?? "", /https/);
  assert.match(endpointProblem("http://localhost:9/x", tests) ?? "", /https/);
  assert.match(endpointProblem("https://localhost./x", strict) ?? "", /public host/);
  // At send time a name is resolved and every address must be public (DNS rebinding to an inside
  // address, or one private answer among public ones, is refused); the checked address is used.
  const answers = (list: string[]) => async () =>
    list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  await assert.rejects(vettedAddress("https://push.example/x", strict, answers(["10.0.0.5"])), /private address/);
  await assert.rejects(
    vettedAddress("https://push.example/x", strict, answers(["93.184.215.14", "127.0.0.1"])),
    /private address/,
  );
  await assert.rejects(vettedAddress("https://push.example/x", strict, answers(["fd12::1"])), /private address/);
  assert.deepEqual(await vettedAddress("https://push.example/x", strict, answers(["93.184.215.14"])), {
    address: "93.184.215.14",
    family: 4,
  });
  for (const a of ["10.0.0.1", "192.168.1.1", "172.20.0.1", "100.64.0.1", "::1", "fe80::1", "0.0.0.0", "224.0.0.1"]) {
    assert.ok(isPrivateAddress(a), a);
  }
  for (const a of ["::ffff:a00:1", "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::a00:1"])
    assert.ok(isPrivateAddress(a), a);
  for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:808:808"]) assert.ok(!isPrivateAddress(a), a);
  // The setting is off unless configured.
  assert.equal(loadConfig({}).push.allowLoopbackHttp, false);
});

test("with the default configuration a loopback endpoint is refused with 422", async () => {
  const ctx = await createTestContext();
  try {
    const alice = await person(ctx, "alice");
    const app = await registerTestApp(ctx);
    const { record } = await ctx.services.oauth.issue(app.id, alice.account.id, ["push"]);
    const keys = subscriberKeys();
    await assert.rejects(
      ctx.services.push.subscribe(alice.viewer, record.id, {
        endpoint: receiver.endpoint(),
        p256dh: keys.p256dh,
        auth: keys.auth,
      }),
      (e: Error & { status?: number }) => e.status === 422 && /https/.test(e.message),
    );
  } finally {
    await ctx.destroy();
  }
});
