// The running server driven through megalodon (npm, v10: the library Whalebird is built on), a
// second real client library beside masto.js: an everyday flow against a real listening server,
// started exactly as `publius serve` runs it. detector() (NodeInfo), register an app, sign two people up, OAuth through the
// consent page as the person's browser, post, upload an image, reply, favourite, reblog, bookmark,
// page through timelines by their Link headers, notifications (v1, and v2 through megalodon's own
// HTTP client, since megalodon has no grouped-notification call), search, follow, a list and its
// timeline, a private note, a report, a Web Push
// subscription that a receiver of our own decrypts, and the streaming socket.
//
// The steps share one server and run in order: each builds on what the ones before it did.
import assert from "node:assert/strict";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import generator, { detector, type Entity, type Mastodon, type MegalodonInterface } from "megalodon";
import sharp from "sharp";
import { approveInBrowser, Browser } from "../helpers/oauth-browser.ts";
import {
  decryptAes128gcm,
  type PushReceiver,
  startPushReceiver,
  subscriberKeys,
  verifyVapid,
} from "../helpers/push-receiver.ts";
import { freePort, startServer, type TestServer } from "../helpers/server.ts";

const PASSWORD = "a long and private passphrase";
const EMAIL = "someone.real@example.com";
const SCOPES = ["read", "write", "follow", "push"];

type Json = Record<string, any>;

/** The max_id of a Link header's rel="next" (what an app pages with). */
function nextMaxId(link: unknown): string | undefined {
  if (typeof link !== "string") return undefined;
  const next = link.split(",").find((p) => /rel="next"/.test(p));
  const url = next ? /<([^>]+)>/.exec(next)?.[1] : undefined;
  return url ? (new URL(url).searchParams.get("max_id") ?? undefined) : undefined;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("an app drives Publius through megalodon", { timeout: 120_000 }, () => {
  let server: TestServer;
  let receiver: PushReceiver;
  let origin: string;
  let callback: string;
  const s = {} as {
    clientId: string;
    clientSecret: string;
    authUrl: string;
    alice: { client: MegalodonInterface; id: string; token: string };
    bob: { client: MegalodonInterface; id: string };
    post: Entity.Status;
    reply: Entity.Status;
    media: Entity.Attachment;
  };
  const client = (token?: string) => generator("mastodon", origin, token ?? null, "megalodon suite");

  before(async () => {
    receiver = await startPushReceiver();
    server = await startServer({ env: { PUBLIUS_PUSH_ALLOW_LOOPBACK_HTTP: "true" } });
    origin = server.origin;
    callback = `http://127.0.0.1:${await freePort()}/callback`;
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  test("detector() finds a Mastodon-compatible server (NodeInfo), as Whalebird's first call does", async () => {
    assert.equal(await detector(origin), "mastodon");
  });

  test("registers an app (registerApp) and gets the authorization URL", async () => {
    const app = await client().registerApp("Megalodon suite", {
      scopes: SCOPES,
      redirect_uris: callback,
      website: "https://whalebird.example",
    });
    assert.equal(typeof app.client_id, "string");
    assert.equal(typeof app.client_secret, "string");
    assert.ok(app.url, "an authorization URL");
    const url = new URL(app.url);
    assert.equal(url.origin + url.pathname, `${origin}/oauth/authorize`);
    assert.equal(url.searchParams.get("client_id"), app.client_id);
    s.clientId = app.client_id;
    s.clientSecret = app.client_secret;
    s.authUrl = app.url;
  });

  test("signs two people up (registerAccount with an app token)", async () => {
    // megalodon has no client-credentials call: the app token is fetched as any app fetches it.
    const res = await fetch(`${origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "client_credentials",
        client_id: s.clientId,
        client_secret: s.clientSecret,
        scope: SCOPES.join(" "),
      }),
    });
    assert.equal(res.status, 200);
    const appToken = ((await res.json()) as Json).access_token as string;
    const app = client(appToken);
    const verified = await app.verifyAppCredentials();
    assert.equal(verified.data.name, "Megalodon suite");
    for (const username of ["alice", "bob"] as const) {
      const token = await app.registerAccount(username, EMAIL, PASSWORD, true, "en");
      assert.equal(token.status, 200);
      const me = await client(token.data.access_token).verifyAccountCredentials();
      assert.equal(me.data.username, username);
      if (username === "bob") s.bob = { client: client(token.data.access_token), id: me.data.id };
    }
    assert.deepEqual(await server.tablesContaining(EMAIL), [], "the e-mail address is kept nowhere");
  });

  test("OAuth: the person approves in the browser, the app exchanges the code (fetchAccessToken)", async () => {
    const redirect = await approveInBrowser(new Browser(origin), s.authUrl, "alice", PASSWORD);
    assert.equal(redirect.origin + redirect.pathname, callback);
    const code = redirect.searchParams.get("code");
    assert.ok(code);
    const token = await client().fetchAccessToken(s.clientId, s.clientSecret, code, callback);
    assert.equal(typeof token.access_token, "string");
    assert.equal(token.scope, SCOPES.join(" "));
    const alice = client(token.access_token);
    const me = await alice.verifyAccountCredentials();
    assert.equal(me.data.username, "alice");
    s.alice = { client: alice, id: me.data.id, token: token.access_token };
    // The same code does not work twice.
    await assert.rejects(client().fetchAccessToken(s.clientId, s.clientSecret, code, callback));
  });

  test("follows (followAccount) and reads the relationship", async () => {
    const rel = await s.alice.client.followAccount(s.bob.id);
    assert.equal(rel.data.following, true);
    const [seen] = (await s.bob.client.getRelationships([s.alice.id])).data;
    assert.equal(seen?.followed_by, true);
  });

  test("uploads an image (uploadMedia) and posts with it (postStatus)", async () => {
    const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: "#3366aa" } })
      .png()
      .toBuffer();
    // megalodon builds the body with the form-data package, which takes a file stream (as Whalebird
    // hands it one from disk).
    const dir = mkdtempSync(join(tmpdir(), "megalodon-"));
    const file = join(dir, "pic.png");
    writeFileSync(file, png);
    const media = await s.bob.client.uploadMedia(createReadStream(file), { description: "a blue square" });
    rmSync(dir, { recursive: true, force: true });
    assert.ok(media.status === 200 || media.status === 202);
    assert.equal(media.data.type, "image");
    assert.equal(media.data.description, "a blue square");
    s.media = media.data as Entity.Attachment;
    const post = await s.bob.client.postStatus("Hello @alice from #megalodon", { media_ids: [s.media.id] });
    const status = post.data as Entity.Status;
    assert.equal(status.media_attachments.length, 1);
    assert.equal(status.media_attachments[0]?.id, s.media.id);
    assert.deepEqual(
      status.mentions.map((m) => m.username),
      ["alice"],
    );
    s.post = status;
  });

  test("replies, favourites, reblogs and bookmarks", async () => {
    const reply = await s.alice.client.postStatus("@bob Thanks, Bob", { in_reply_to_id: s.post.id });
    s.reply = reply.data as Entity.Status;
    assert.equal(s.reply.in_reply_to_id, s.post.id);
    const context = await s.bob.client.getStatusContext(s.post.id);
    assert.deepEqual(
      context.data.descendants.map((d) => d.id),
      [s.reply.id],
    );
    const fav = await s.alice.client.favouriteStatus(s.post.id);
    assert.equal(fav.data.favourited, true);
    const reblog = await s.alice.client.reblogStatus(s.post.id);
    assert.equal(reblog.data.reblog?.id ?? reblog.data.id, s.post.id);
    const bookmark = await s.alice.client.bookmarkStatus(s.post.id);
    assert.equal(bookmark.data.bookmarked, true);
    const bookmarks = await s.alice.client.getBookmarks();
    assert.deepEqual(
      bookmarks.data.map((b) => b.id),
      [s.post.id],
    );
    const favourited = await s.bob.client.getStatusFavouritedBy(s.post.id);
    assert.deepEqual(
      favourited.data.map((a) => a.id),
      [s.alice.id],
    );
  });

  test("pages through the home timeline by its Link header (getHomeTimeline)", async () => {
    for (let i = 1; i <= 4; i++) await s.bob.client.postStatus(`numbered post ${i}`);
    const seen: string[] = [];
    let maxId: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await s.alice.client.getHomeTimeline({ limit: 2, ...(maxId ? { max_id: maxId } : {}) });
      if (res.data.length === 0) break;
      assert.ok(res.data.length <= 2);
      seen.push(...res.data.map((st) => st.id));
      maxId = nextMaxId(res.headers.link);
      if (!maxId) break;
    }
    assert.equal(new Set(seen).size, seen.length, "no post twice");
    assert.ok(
      seen.every((id, i) => i === 0 || BigInt(seen[i - 1] as string) > BigInt(id)),
      "newest first",
    );
    // Bob's four numbered posts, his first post, alice's reblog of it and her reply (the reblog's
    // original is shown once, as the reblog).
    assert.ok(seen.length >= 6, `home had ${seen.length} entries`);
    const local = await s.alice.client.getLocalTimeline({ limit: 3 });
    assert.equal(local.data.length, 3);
    const tag = await s.alice.client.getTagTimeline("megalodon");
    assert.deepEqual(
      tag.data.map((t) => t.id),
      [s.post.id],
    );
  });

  test("a list (createList, addAccountsToList) and its timeline (getListTimeline)", async () => {
    const list = await s.alice.client.createList("Sources");
    assert.equal(list.data.title, "Sources");
    await s.alice.client.addAccountsToList(list.data.id, [s.bob.id]);
    const members = await s.alice.client.getAccountsInList(list.data.id);
    assert.deepEqual(
      members.data.map((a) => a.id),
      [s.bob.id],
    );
    const timeline = await s.alice.client.getListTimeline(list.data.id, { limit: 40 });
    assert.ok(timeline.data.length >= 5, `the list timeline had ${timeline.data.length} posts`);
    assert.ok(timeline.data.every((st) => st.account.id === s.bob.id || st.reblog?.account.id === s.bob.id));
    // Someone else's list is not found.
    await assert.rejects(s.bob.client.getListTimeline(list.data.id));
  });

  test("a private note (setAccountNote) is in the writer's relationship only", async () => {
    const rel = await s.alice.client.setAccountNote(s.bob.id, "met at the rally");
    assert.equal(rel.data.note, "met at the rally");
    const [seen] = (await s.bob.client.getRelationships([s.alice.id])).data;
    assert.equal(seen?.note, "", "bob never sees alice's note about him");
  });

  test("reports a post (report) into the moderation queue", async () => {
    const report = await s.alice.client.report(s.bob.id, {
      status_ids: [s.post.id],
      comment: "spam from a megalodon client",
      category: "spam",
    });
    assert.equal(typeof report.data.id, "string");
    assert.equal(report.data.category, "spam");
    assert.equal(report.data.action_taken, false);
  });

  test("notifications: v1 (getNotifications) and v2 grouped (megalodon's HTTP client)", async () => {
    const v1 = await s.bob.client.getNotifications({ limit: 40 });
    const types = v1.data.map((n) => n.type).sort();
    assert.deepEqual(types, ["favourite", "follow", "mention", "reblog"]);
    const one = await s.bob.client.getNotification(v1.data[0]?.id as string);
    assert.equal(one.data.id, v1.data[0]?.id);
    const raw = (s.bob.client as Mastodon).client;
    const v2 = await raw.get<Json>("/api/v2/notifications");
    assert.equal(v2.status, 200);
    const groups = v2.data.notification_groups as Json[];
    assert.deepEqual(groups.map((g) => g.type).sort(), ["favourite", "follow", "mention", "reblog"]);
    assert.ok(Array.isArray(v2.data.accounts) && Array.isArray(v2.data.statuses));
    const unread = await raw.get<Json>("/api/v2/notifications/unread_count");
    assert.equal(unread.data.count, 4);
  });

  test("searches accounts, posts and hashtags (search)", async () => {
    const res = await s.alice.client.search("megalodon", { type: "hashtags" });
    assert.ok(res.data.hashtags.some((h) => h.name === "megalodon"));
    const people = await s.alice.client.search("bob", { type: "accounts" });
    assert.deepEqual(
      people.data.accounts.map((a) => a.id),
      [s.bob.id],
    );
    const posts = await s.alice.client.search("numbered", { type: "statuses" });
    assert.equal(posts.data.statuses.length, 4);
  });

  test("a push subscription (subscribePushNotification) gets an encrypted push that decrypts", async () => {
    const keys = subscriberKeys();
    const sub = await s.alice.client.subscribePushNotification(
      // `standard` is Mastodon 4.4's flag for RFC 8291 aes128gcm; megalodon passes it through.
      { endpoint: receiver.endpoint("/megalodon"), keys: { p256dh: keys.p256dh, auth: keys.auth }, standard: true } as {
        endpoint: string;
        keys: { p256dh: string; auth: string };
      },
      { alerts: { mention: true, follow: false, favourite: false, reblog: false, poll: false } },
    );
    assert.equal(sub.data.endpoint, receiver.endpoint("/megalodon"));
    assert.equal(sub.data.alerts.mention, true);
    assert.equal(typeof sub.data.server_key, "string");
    const got = await s.alice.client.getPushSubscription();
    assert.equal(got.data.id, sub.data.id);
    const updated = await s.alice.client.updatePushSubscription({ alerts: { mention: true, favourite: true } });
    assert.equal(updated.data.alerts.favourite, true);

    // The server's worker pushes soon after the notification is made; posting does not wait for it.
    const before = receiver.received.length;
    await s.bob.client.postStatus("@alice a push for you");
    const message = await until("the push", () => receiver.received[before]);
    assert.equal(message.headers["content-encoding"], "aes128gcm");
    verifyVapid(message, sub.data.server_key);
    const payload = JSON.parse(decryptAes128gcm(message.body, keys)) as Json;
    assert.equal(payload.notification_type, "mention");
    assert.equal(payload.body, "@alice a push for you");
    const n = await s.alice.client.getNotification(String(payload.notification_id));
    assert.equal(n.data.type, "mention");

    await s.alice.client.deletePushSubscription();
    await assert.rejects(s.alice.client.getPushSubscription());
  });

  test("streams live updates and notifications (userStreaming)", async () => {
    const stream = await s.alice.client.userStreaming();
    // Listeners go on before the socket can open: it connects on a later turn of the event loop.
    const connected = new Promise((resolve) => stream.once("connect", resolve));
    const updates: Entity.Status[] = [];
    const notifications: Entity.Notification[] = [];
    stream.on("update", (st: Entity.Status) => updates.push(st));
    stream.on("notification", (n: Entity.Notification) => notifications.push(n));
    try {
      await connected;
      // Give the subscription a moment to register on the server.
      await new Promise((r) => setTimeout(r, 300));
      const posted = (await s.bob.client.postStatus("@alice live")).data as Entity.Status;
      const update = await until("the update", () => updates.find((u) => u.id === posted.id));
      assert.equal(update.account.id, s.bob.id);
      const mention = await until("the notification", () => notifications.find((n) => n.status?.id === posted.id));
      assert.equal(mention.type, "mention");
    } finally {
      stream.stop();
    }
  });
});
