// The streaming API on a real port: WebSocket clients (the `ws` package, Node's own WebSocket and
// masto.js) and server-sent events. A stream carries exactly what the matching timeline would show
// that viewer — followers-only posts to followers only, blocks and mutes applied — and deletions
// reach those who had the post.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createStreamingAPIClient } from "masto";
import WS from "ws";
import {
  MAX_STREAMS_PER_TOKEN,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  MAX_TAG_LENGTH,
} from "../../src/http/mastodon/streaming.ts";
import { type ApiSite, type ApiUser, multipart, openApiSite, userToken } from "../helpers/api.ts";
import { markedPng } from "../helpers/images.ts";

type Json = Record<string, any>;
interface Received {
  stream: string[];
  event: string;
  payload: string;
}

/** Collects what a client receives; waits for what a test expects. */
class Inbox {
  readonly items: Json[] = [];
  #waiters: { test: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  push(item: Json): void {
    this.items.push(item);
    for (const w of [...this.#waiters]) {
      if (w.test(item)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(item);
      }
    }
  }
  waitFor(test: (m: Json) => boolean, what: string, ms = 5000): Promise<Json> {
    const found = this.items.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      this.#waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }
  /** Messages about a post (update, status.update, delete, or a notification's post). */
  about(statusId: string): Json[] {
    return this.items.filter(
      (m) =>
        (m.event === "delete" && m.payload === statusId) ||
        ((m.event === "update" || m.event === "status.update") && JSON.parse(m.payload).id === statusId),
    );
  }
}

const isUpdate = (id: string, stream?: string) => (m: Json) =>
  m.event === "update" && JSON.parse(m.payload).id === id && (!stream || m.stream[0] === stream);

let site: ApiSite & { close(): Promise<void> };
let origin: string;
const clients: { close(): void }[] = [];

beforeEach(async () => {
  site = await openApiSite();
  await site.app.listen({ port: 0, host: "127.0.0.1" });
  const address = site.app.server.address();
  origin = `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await site.close();
});

/** Waits until the hub has a listener on the channel (a subscription is in place on the server). */
async function channelActive(name: string, active = true): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await site.ctx.services.streaming.hub.activeChannels()).includes(name) === active) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`channel ${name} never became ${active ? "active" : "inactive"}`);
}

/** A `ws` client with the token as Sec-WebSocket-Protocol (or in the query). */
async function wsClient(user: { token: string }, query = "", options: { tokenInQuery?: boolean } = {}) {
  const inbox = new Inbox();
  const q = options.tokenInQuery ? `access_token=${user.token}&${query}` : query;
  const ws = options.tokenInQuery
    ? new WS(`ws://${origin}/api/v1/streaming?${q}`)
    : new WS(`ws://${origin}/api/v1/streaming?${q}`, [user.token]);
  ws.on("message", (data) => inbox.push(JSON.parse(data.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  clients.push(ws);
  return {
    ws,
    inbox,
    send: (m: Json) => ws.send(JSON.stringify(m)),
  };
}

/** Node's own WebSocket (undici), as a browser would connect. */
async function nativeClient(user: { token: string }) {
  const inbox = new Inbox();
  const ws = new WebSocket(`ws://${origin}/api/v1/streaming`, [user.token]);
  ws.addEventListener("message", (e) => inbox.push(JSON.parse(String(e.data))));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error("could not connect")), { once: true });
  });
  clients.push(ws);
  return { ws, inbox, send: (m: Json) => ws.send(JSON.stringify(m)) };
}

async function post(user: ApiUser, body: Json): Promise<Json> {
  const res = await user.api.post("/api/v1/statuses", body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function follow(who: ApiUser, whom: ApiUser): Promise<void> {
  const res = await who.api.post(`/api/v1/accounts/${whom.account.id}/follow`);
  assert.equal(res.statusCode, 200, res.body);
}

const home = (u: ApiUser) => `home:${u.account.id}`;
const local = (u: ApiUser) => `local:${u.account.id}`;

describe("WebSocket", () => {
  test("a follower's user stream gets the post as `update` (ws package, token as Sec-WebSocket-Protocol)", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await follow(bob, alice);
    const { ws, inbox } = await wsClient(bob, "stream=user");
    assert.equal(ws.protocol, bob.token, "the protocol is echoed, as browsers require");
    await channelActive(home(bob));
    const s = await post(alice, { status: "Hello from the inside" });
    const m = (await inbox.waitFor(isUpdate(s.id), "the update")) as Received;
    assert.deepEqual(m.stream, ["user"]);
    assert.equal(typeof m.payload, "string", "the payload is a JSON string, as Mastodon sends it");
    const status = JSON.parse(m.payload);
    assert.equal(status.content, s.content);
    assert.equal(status.account.id, alice.account.id);
    assert.equal(status.favourited, false);
  });

  test("Node's WebSocket subscribes to public:local with a message", async () => {
    const alice = await site.user("alice");
    const carol = await site.user("carol");
    const { inbox, send } = await nativeClient(carol);
    send({ type: "subscribe", stream: "public:local" });
    await channelActive(local(carol));
    const s = await post(alice, { status: "For everyone" });
    const m = await inbox.waitFor(isUpdate(s.id), "the public update");
    assert.deepEqual(m.stream, ["public:local"]);
  });

  test("the token may also come as ?access_token=, and a stream with ?stream=", async () => {
    const alice = await site.user("alice");
    const { inbox } = await wsClient(alice, "stream=public:local", { tokenInQuery: true });
    await channelActive(local(alice));
    const s = await post(alice, { status: "Query token" });
    await inbox.waitFor(isUpdate(s.id), "the update");
    assert.ok(
      site.log.every((line) => !line.includes(alice.token)),
      "the token is never logged",
    );
  });

  test("a followers-only post reaches followers only; public streams never carry it", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await follow(bob, alice);
    const b = await wsClient(bob);
    const c = await wsClient(carol);
    for (const client of [b, c]) {
      client.send({ type: "subscribe", stream: "user" });
      client.send({ type: "subscribe", stream: "public:local" });
    }
    await Promise.all([home(bob), local(bob), home(carol), local(carol)].map((n) => channelActive(n)));

    const secret = await post(alice, { status: "Followers only", visibility: "private" });
    await b.inbox.waitFor(isUpdate(secret.id, "user"), "the follower's update");
    const open = await post(alice, { status: "Public, after" });
    // Events are streamed in order: once carol has the later post, the earlier one would be there.
    await c.inbox.waitFor(isUpdate(open.id, "public:local"), "the public post");
    await b.inbox.waitFor(isUpdate(open.id, "public:local"), "the public post for bob");
    assert.deepEqual(c.inbox.about(secret.id), [], "carol, who does not follow alice, gets nothing of it");
    assert.deepEqual(
      b.inbox.about(secret.id).map((m) => m.stream[0]),
      ["user"],
      "bob gets it on his user stream only, not on public:local",
    );
  });

  test("deleting a post sends `delete` to those who had it, and to no one else", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const dave = await site.user("dave");
    await follow(bob, alice);
    const b = await wsClient(bob, "stream=user");
    const c = await wsClient(carol, "stream=public:local");
    const d = await wsClient(dave, "stream=user");
    await Promise.all([home(bob), local(carol), home(dave)].map((n) => channelActive(n)));

    const s = await post(alice, { status: "Soon gone" });
    await b.inbox.waitFor(isUpdate(s.id), "bob's update");
    await c.inbox.waitFor(isUpdate(s.id), "carol's update");
    const res = await alice.api.delete(`/api/v1/statuses/${s.id}`);
    assert.equal(res.statusCode, 200);
    const del = await b.inbox.waitFor((m) => m.event === "delete", "bob's delete");
    assert.deepEqual(del, { stream: ["user"], event: "delete", payload: s.id });
    await c.inbox.waitFor((m) => m.event === "delete" && m.payload === s.id, "carol's delete");

    // A later message to dave proves the delete would have arrived by now.
    await post(carol, { status: "@dave are you there?" });
    await d.inbox.waitFor((m) => m.event === "notification", "dave's notification");
    assert.deepEqual(d.inbox.about(s.id), [], "dave never had the post and learns nothing of it");
  });

  test("notifications arrive on the user stream and on user:notification", async () => {
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const { inbox, send } = await wsClient(bob);
    send({ type: "subscribe", stream: "user:notification" });
    await channelActive(`notifications:${bob.account.id}`);
    const s = await post(carol, { status: "Hello @bob" });
    const m = await inbox.waitFor((x) => x.event === "notification", "the notification");
    assert.deepEqual(m.stream, ["user:notification"]);
    const n = JSON.parse(m.payload);
    assert.equal(n.type, "mention");
    assert.equal(n.account.id, carol.account.id);
    assert.equal(n.status.id, s.id);
  });

  test("a token without read:notifications gets no notifications on the user stream", async () => {
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const token = await userToken(site.ctx, bob.account.id, { scopes: "read:statuses" });
    const { inbox } = await wsClient({ token }, "stream=user");
    await channelActive(home(bob));
    assert.equal(
      (await site.ctx.services.streaming.hub.activeChannels()).includes(`notifications:${bob.account.id}`),
      false,
    );
    await post(carol, { status: "Hello @bob" });
    const own = await post(bob, { status: "My own post" });
    await inbox.waitFor(isUpdate(own.id), "bob's own post");
    assert.equal(
      inbox.items.some((m) => m.event === "notification"),
      false,
    );
  });

  test("an edit is sent as `status.update`", async () => {
    const alice = await site.user("alice");
    const { inbox } = await wsClient(alice, "stream=user");
    await channelActive(home(alice));
    const s = await post(alice, { status: "First draft" });
    await inbox.waitFor(isUpdate(s.id), "the update");
    const res = await alice.api.put(`/api/v1/statuses/${s.id}`, { status: "Second draft" });
    assert.equal(res.statusCode, 200, res.body);
    const m = await inbox.waitFor((x) => x.event === "status.update", "the edit");
    assert.match(JSON.parse(m.payload).content, /Second draft/);
  });

  test("hashtag streams carry public posts with the tag, whatever its case", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await follow(bob, alice);
    const { inbox, send } = await wsClient(bob);
    send({ type: "subscribe", stream: "hashtag", tag: "Whistleblower" });
    await channelActive(`hashtag:${bob.account.id}:whistleblower`);
    const hidden = await post(alice, { status: "#whistleblower in private", visibility: "private" });
    const other = await post(alice, { status: "#unrelated" });
    const s = await post(alice, { status: "Protect the #WHISTLEBLOWER" });
    const m = await inbox.waitFor(isUpdate(s.id), "the tagged post");
    assert.deepEqual(m.stream, ["hashtag", "Whistleblower"], "the tag as the client wrote it (masto.js matches on it)");
    assert.deepEqual(inbox.about(hidden.id), []);
    assert.deepEqual(inbox.about(other.id), []);
  });

  test("mutes and blocks apply to the public streams", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    const dave = await site.user("dave");
    assert.equal((await carol.api.post(`/api/v1/accounts/${alice.account.id}/mute`)).statusCode, 200);
    assert.equal((await alice.api.post(`/api/v1/accounts/${bob.account.id}/block`)).statusCode, 200);
    const b = await wsClient(bob, "stream=public:local");
    const c = await wsClient(carol, "stream=public");
    await Promise.all([local(bob), local(carol)].map((n) => channelActive(n)));
    const s = await post(alice, { status: "Not for those who mute or are blocked" });
    const marker = await post(dave, { status: "Dave speaks" });
    await b.inbox.waitFor(isUpdate(marker.id), "dave's post for bob");
    const m = await c.inbox.waitFor(isUpdate(marker.id), "dave's post for carol");
    assert.deepEqual(m.stream, ["public"]);
    assert.deepEqual(b.inbox.about(s.id), [], "blocked: nothing");
    assert.deepEqual(c.inbox.about(s.id), [], "muted: nothing");
  });

  test("public:local:media carries only posts with images", async () => {
    const alice = await site.user("alice");
    const { inbox } = await wsClient(alice, "stream=public:local:media");
    await channelActive(local(alice));
    const plain = await post(alice, { status: "Just words" });
    const mp = multipart({ file: { filename: "a.png", contentType: "image/png", data: await markedPng() } });
    const up = await site.app.inject({
      method: "POST",
      url: "/api/v2/media",
      payload: mp.payload,
      headers: { ...mp.headers, authorization: `Bearer ${alice.token}` },
    });
    const pictured = await post(alice, { status: "A picture", media_ids: [up.json().id] });
    const m = await inbox.waitFor(isUpdate(pictured.id), "the post with an image");
    assert.deepEqual(m.stream, ["public:local:media"]);
    assert.deepEqual(inbox.about(plain.id), []);
  });

  test("unsubscribing stops a stream; the connection's other streams go on", async () => {
    const alice = await site.user("alice");
    const carol = await site.user("carol");
    const { inbox, send } = await wsClient(carol, "stream=user");
    send({ type: "subscribe", stream: "public:local" });
    await channelActive(local(carol));
    send({ type: "unsubscribe", stream: "public:local" });
    await channelActive(local(carol), false);
    const s = await post(alice, { status: "Nobody listening" });
    const own = await post(carol, { status: "Carol's own" });
    await inbox.waitFor(isUpdate(own.id, "user"), "carol's own post");
    assert.deepEqual(inbox.about(s.id), []);
  });

  test("closing the connection removes its subscriptions", async () => {
    const carol = await site.user("carol");
    const { ws } = await wsClient(carol, "stream=public:local");
    await channelActive(local(carol));
    ws.close();
    await channelActive(local(carol), false);
  });

  test("without a valid token the upgrade is refused with 401", async () => {
    for (const [label, url, protocols] of [
      ["no token", `ws://${origin}/api/v1/streaming?stream=public`, undefined],
      ["a bad token", `ws://${origin}/api/v1/streaming?stream=public`, ["not-a-token"]],
      ["a bad query token", `ws://${origin}/api/v1/streaming?access_token=nope`, undefined],
    ] as const) {
      const ws = protocols ? new WS(url, [...protocols]) : new WS(url);
      const status = await new Promise<number>((resolve, reject) => {
        ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.once("open", () => reject(new Error(`${label}: opened`)));
        ws.once("error", () => {});
      });
      assert.equal(status, 401, label);
    }
  });

  test("streams a token may not read, and unknown streams, are answered with an error message", async () => {
    const alice = await site.user("alice");
    const { app } = await site.ctx.services.oauth.registerApp({
      clientName: "Reader",
      redirectUris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "read",
    });
    const appOnly = (await site.ctx.services.oauth.issue(app.id, null, ["read"])).token;
    const anon = await wsClient({ token: appOnly });
    anon.send({ type: "subscribe", stream: "user" });
    const e = await anon.inbox.waitFor((m) => "error" in m, "the error");
    assert.deepEqual(e, { status: 401, error: "This stream requires an authenticated user" });
    anon.send({ type: "subscribe", stream: "public:local" });
    await channelActive("local:anonymous");
    const s = await post(alice, { status: "Seen by an app token" });
    await anon.inbox.waitFor(isUpdate(s.id), "the public post for the app");

    const { inbox, send } = await wsClient(alice);
    send({ type: "subscribe", stream: "nonsense" });
    send({ type: "subscribe", stream: "hashtag" });
    send("not json" as unknown as Json);
    await inbox.waitFor((m) => m.error === "Unknown stream type", "unknown stream");
    await inbox.waitFor((m) => m.error === "Missing tag name parameter", "missing tag");
  });

  test("a followed hashtag's public posts reach the follower's user stream; followers-only ones do not", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await alice.api.post("/api/v1/tags/leaks/follow");
    const { inbox } = await wsClient(alice, "stream=user");
    await channelActive(home(alice));
    const hidden = await post(bob, { status: "Followers only #leaks", visibility: "private" });
    const open = await post(bob, { status: "Public #Leaks" });
    await inbox.waitFor(isUpdate(open.id, "user"), "the tagged post");
    assert.deepEqual(inbox.about(hidden.id), []);
  });

  test("the list stream carries the list timeline to its owner; another's list is refused", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const carol = await site.user("carol");
    await follow(alice, bob);
    await follow(alice, carol);
    const list = (await alice.api.post("/api/v1/lists", { title: "Bob" })).json();
    await alice.api.post(`/api/v1/lists/${list.id}/accounts`, { account_ids: [bob.account.id] });

    const { inbox, send } = await wsClient(alice);
    send({ type: "subscribe", stream: "list", list: list.id });
    await channelActive(`list:${alice.account.id}:${list.id}`);
    const fromCarol = await post(carol, { status: "not on the list" });
    const fromBob = await post(bob, { status: "on the list" });
    const m = await inbox.waitFor(isUpdate(fromBob.id, "list"), "the list update");
    assert.deepEqual(m.stream, ["list", list.id]);
    assert.deepEqual(
      inbox.about(fromCarol.id).filter((x) => x.stream[0] === "list"),
      [],
      "a non-member's post is not on the list stream",
    );
    const del = await bob.api.delete(`/api/v1/statuses/${fromBob.id}`);
    assert.equal(del.statusCode, 200);
    await inbox.waitFor((x) => x.event === "delete" && x.payload === fromBob.id && x.stream[0] === "list", "delete");

    // Carol may not listen to alice's list, nor to one that does not exist; a token without
    // read:lists may not listen to any.
    const c = await wsClient(carol);
    c.send({ type: "subscribe", stream: "list", list: list.id });
    c.send({ type: "subscribe", stream: "list", list: "999999999999999999" });
    c.send({ type: "subscribe", stream: "list" });
    await c.inbox.waitFor((x) => x.error === "Missing list name parameter", "missing list");
    const refused = c.inbox.items.filter((x) => x.error === "Not authorized to stream this list");
    assert.equal(refused.length, 2);
    assert.ok(
      !(await site.ctx.services.streaming.hub.activeChannels()).some((n) => n.startsWith(`list:${carol.account.id}`)),
    );
    const statusesOnly = await userToken(site.ctx, alice.account.id, { scopes: "read:statuses" });
    const narrow = await wsClient({ token: statusesOnly });
    narrow.send({ type: "subscribe", stream: "list", list: list.id });
    const e = await narrow.inbox.waitFor((x) => "error" in x, "the scope error");
    assert.equal(e.status, 401);
  });

  test("a connection holds at most 50 subscriptions and tags are bounded: over a cap the answer is an error frame", async () => {
    const alice = await site.user("alice");
    const { inbox, send } = await wsClient(alice);
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION; i++)
      send({ type: "subscribe", stream: "hashtag", tag: `t${i}` });
    send({ type: "subscribe", stream: "hashtag", tag: "one-too-many" });
    const e = await inbox.waitFor((m) => "error" in m, "the cap's error frame");
    assert.deepEqual(e, { status: 429, error: "Too many subscriptions on this connection (at most 50)" });
    const tags = (await site.ctx.services.streaming.hub.activeChannels()).filter((c) => c.startsWith("hashtag:"));
    assert.equal(tags.length, MAX_SUBSCRIPTIONS_PER_CONNECTION);
    // Subscribing again to one it has is no new subscription; unsubscribing makes room.
    send({ type: "subscribe", stream: "hashtag", tag: "t0" });
    send({ type: "unsubscribe", stream: "hashtag", tag: "t1" });
    send({ type: "subscribe", stream: "hashtag", tag: "now-there-is-room" });
    await channelActive(`hashtag:${alice.account.id}:now-there-is-room`);
    assert.equal(inbox.items.filter((m) => "error" in m).length, 1);

    const long = "x".repeat(MAX_TAG_LENGTH + 1);
    const other = await wsClient(alice);
    other.send({ type: "subscribe", stream: "hashtag", tag: long });
    const tooLong = await other.inbox.waitFor((m) => "error" in m, "the tag's error frame");
    assert.deepEqual(tooLong, { status: 422, error: "Tag name is too long (at most 100 characters)" });
    const sse = await fetch(`http://${origin}/api/v1/streaming/hashtag?tag=${long}`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    assert.equal(sse.status, 422);
  });

  test("a token holds at most 16 open streams; the next is refused with 429 until one closes", async () => {
    const alice = await site.user("alice");
    const open: Awaited<ReturnType<typeof wsClient>>[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_TOKEN; i++) open.push(await wsClient(alice));
    const refused = async () => {
      const ws = new WS(`ws://${origin}/api/v1/streaming`, [alice.token]);
      return new Promise<number>((resolve, reject) => {
        ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.once("open", () => reject(new Error("opened")));
        ws.once("error", () => {});
      });
    };
    assert.equal(await refused(), 429);
    const sse = await fetch(`http://${origin}/api/v1/streaming/public`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    assert.equal(sse.status, 429);
    assert.match(((await sse.json()) as { error: string }).error, /Too many open streams for this access token/);
    const bob = await site.user("bob");
    await wsClient(bob); // another token is not affected
    const closed = new Promise((r) => open[0]?.ws.once("close", r));
    open[0]?.ws.close();
    await closed;
    for (let i = 0; i < 100; i++) {
      try {
        await wsClient(alice);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    assert.fail("a stream closed, but no new one could open");
  });

  test("masto.js streams the user timeline", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await follow(bob, alice);
    const client = createStreamingAPIClient({
      streamingApiUrl: `ws://${origin}`,
      accessToken: bob.token,
      retry: false,
    });
    clients.push(client);
    const sub = client.user.subscribe();
    const received = (async () => {
      for await (const event of sub) {
        if (event.event === "update") return event.payload;
      }
      return undefined;
    })();
    await channelActive(home(bob));
    const s = await post(alice, { status: "Through masto.js" });
    const status = await received;
    assert.equal(status?.id, s.id);
    assert.equal(status?.account.username, "alice");
    sub.unsubscribe();
  });
});

describe("server-sent events", () => {
  /** Reads an event stream into an inbox of {event, data}. */
  async function sse(path: string, token: string | undefined) {
    const controller = new AbortController();
    const res = await fetch(`http://${origin}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: controller.signal,
    });
    const inbox = new Inbox();
    let text = "";
    const done = (async () => {
      if (!res.body) return;
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body) {
          text += decoder.decode(chunk as Uint8Array, { stream: true });
          let cut = text.indexOf("\n\n");
          while (cut >= 0) {
            const block = text.slice(0, cut);
            text = text.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data !== undefined) inbox.push({ event, payload: data });
            cut = text.indexOf("\n\n");
          }
        }
      } catch {
        // aborted
      }
    })();
    clients.push({ close: () => controller.abort() });
    return { res, inbox, done, close: () => controller.abort() };
  }

  test("GET /api/v1/streaming/health answers OK", async () => {
    const res = await fetch(`http://${origin}/api/v1/streaming/health`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "OK");
  });

  test("public/local streams `event: update` with the status as data", async () => {
    const alice = await site.user("alice");
    const carol = await site.user("carol");
    const { res, inbox } = await sse("/api/v1/streaming/public/local", carol.token);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get("content-type")), /^text\/event-stream/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    await channelActive(local(carol));
    const s = await post(alice, { status: "Over SSE" });
    const m = await inbox.waitFor(isUpdate(s.id), "the SSE update");
    assert.equal(JSON.parse(m.payload).content, s.content);
  });

  test("the user stream over SSE, with the token in the query", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await follow(bob, alice);
    const { inbox } = await sse(`/api/v1/streaming/user?access_token=${bob.token}`, undefined);
    await channelActive(home(bob));
    const s = await post(alice, { status: "SSE home" });
    await inbox.waitFor(isUpdate(s.id), "the update");
    const del = await alice.api.delete(`/api/v1/statuses/${s.id}`);
    assert.equal(del.statusCode, 200);
    const m = await inbox.waitFor((x) => x.event === "delete", "the delete");
    assert.equal(m.payload, s.id);
  });

  test("without a token, or for a stream the token may not read, the answer is an error", async () => {
    const none = await fetch(`http://${origin}/api/v1/streaming/user`);
    assert.equal(none.status, 401);
    assert.deepEqual(await none.json(), { error: "Missing access token" });
    const alice = await site.user("alice");
    const readOnlyStatuses = await userToken(site.ctx, alice.account.id, { scopes: "read:statuses" });
    const res = await fetch(`http://${origin}/api/v1/streaming/user/notification`, {
      headers: { authorization: `Bearer ${readOnlyStatuses}` },
    });
    assert.equal(res.status, 401);
    const tagless = await fetch(`http://${origin}/api/v1/streaming/hashtag`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    assert.equal(tagless.status, 400);
  });
});

describe("server-sent list stream", () => {
  test("GET /api/v1/streaming/list?list= streams the owner's list; another's list is a 401", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    await follow(alice, bob);
    const list = (await alice.api.post("/api/v1/lists", { title: "Bob" })).json();
    await alice.api.post(`/api/v1/lists/${list.id}/accounts`, { account_ids: [bob.account.id] });
    const controller = new AbortController();
    clients.push({ close: () => controller.abort() });
    const res = await fetch(`http://${origin}/api/v1/streaming/list?list=${list.id}`, {
      headers: { authorization: `Bearer ${alice.token}` },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    await channelActive(`list:${alice.account.id}:${list.id}`);
    const s = await post(bob, { status: "over SSE" });
    const reader = res.body?.getReader();
    let text = "";
    while (!text.includes(s.id)) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    assert.match(text, /event: update/);
    assert.ok(text.includes(s.id));
    controller.abort();

    const other = await fetch(`http://${origin}/api/v1/streaming/list?list=${list.id}`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    assert.equal(other.status, 401);
    assert.deepEqual(await other.json(), { error: "Not authorized to stream this list" });
  });
});

test("closing the app ends open WebSocket and SSE streams promptly", async () => {
  const carol = await site.user("carol");
  const { ws } = await wsClient(carol, "stream=public:local");
  const controller = new AbortController();
  const res = await fetch(`http://${origin}/api/v1/streaming/public`, {
    headers: { authorization: `Bearer ${carol.token}` },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  const started = Date.now();
  await site.app.close();
  assert.ok(Date.now() - started < 3000, `closed in ${Date.now() - started} ms`);
  assert.equal(await closed, 1001);
  controller.abort();
});
