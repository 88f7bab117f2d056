// The running server driven through the real `masto` client library (npm, v8), the way an app
// does: register an app, get an app token, sign two people up (with the e-mail address every app
// sends, which must be stored and logged nowhere), edit profiles, follow, post, reply, favourite,
// reblog, read notifications, search, page through timelines by their Link headers, edit, upload
// an image, stream live updates, delete; and the authorization-code flow with PKCE through the
// consent page, acting as the person's browser with plain fetch.
//
// The steps share one server and run in order: each builds on what the ones before it did.
// MASTO_SUITE_TIMINGS=1 prints how long each step took.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  createOAuthAPIClient,
  createRestAPIClient,
  createStreamingAPIClient,
  MastoHttpError,
  type mastodon,
} from "masto";
import sharp from "sharp";
import { pkcePair } from "../helpers/api.ts";
import { markedJpeg, markersIn } from "../helpers/images.ts";
import { dialectUnderTest, freePort, startServer, type TestServer } from "../helpers/server.ts";

const EMAIL = "real.name.of.the.source@example.com";
const PASSWORD = "a long and private passphrase";
const SCOPES = "read write follow push";
const OOB = "urn:ietf:wg:oauth:2.0:oob";

// --- Checks on what masto hands back (it turns snake_case into camelCase) ---------------------------

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

function assertId(value: unknown, what: string): asserts value is string {
  assert.equal(typeof value, "string", `${what} is a string`);
  assert.match(value as string, /^\d+$/, `${what} is a numeric string id`);
}

function assertDate(value: unknown, what: string): void {
  assert.equal(typeof value, "string", `${what} is a string`);
  assert.match(value as string, ISO, `${what} is an ISO 8601 datetime`);
}

function assertAccount(a: mastodon.v1.Account, username: string): void {
  assertId(a.id, "account.id");
  assert.equal(a.username, username);
  assert.equal(a.acct, username, "a local account's acct is its username");
  for (const k of ["displayName", "note", "url", "avatar", "avatarStatic", "header", "headerStatic"] as const) {
    assert.equal(typeof a[k], "string", `account.${k} is a string`);
  }
  for (const k of ["followersCount", "followingCount", "statusesCount"] as const) {
    assert.ok(Number.isInteger(a[k]) && a[k] >= 0, `account.${k} is a count`);
  }
  assert.equal(typeof a.locked, "boolean");
  assert.ok(Array.isArray(a.fields) && Array.isArray(a.emojis));
  assertDate(a.createdAt, "account.createdAt");
}

function assertStatus(s: mastodon.v1.Status, author: string): void {
  assertId(s.id, "status.id");
  assertDate(s.createdAt, "status.createdAt");
  assertAccount(s.account, author);
  assert.equal(typeof s.content, "string");
  assert.equal(typeof s.uri, "string");
  assert.ok(["public", "unlisted", "private"].includes(s.visibility), `visibility ${s.visibility}`);
  for (const k of ["mediaAttachments", "mentions", "tags", "emojis"] as const) {
    assert.ok(Array.isArray(s[k]), `status.${k} is an array`);
  }
  for (const k of ["reblogsCount", "favouritesCount", "repliesCount"] as const) {
    assert.ok(Number.isInteger(s[k]), `status.${k} is a count`);
  }
}

/** Newest first: status ids are numbers that grow with time, too large for a double. */
function newestFirst(ids: string[]): boolean {
  return ids.every((id, i) => i === 0 || BigInt(ids[i - 1] as string) > BigInt(id));
}

/** The text of a post's HTML, roughly (for matching words). */
function plain(html: string): string {
  return html
    .replace(/<[^>]+>/g, "")
    .replaceAll("&amp;", "&")
    .replaceAll("&#39;", "'");
}

async function rejectsWith(promise: Promise<unknown>, status: number, what: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof MastoHttpError, `${what}: a MastoHttpError (got ${String(e)})`);
    assert.equal(e.statusCode, status, `${what}: HTTP ${status}`);
    return true;
  });
}

/** An authorization-code exchange with PKCE's verifier. */
type PkceExchange = mastodon.oauth.CreateTokenWithAuthorizationCodeParams & { readonly codeVerifier: string };

// --- The person's browser: plain fetch with a cookie jar ---------------------------------------------

class Browser {
  readonly #cookies = new Map<string, string>();
  readonly #origin: string;
  constructor(origin: string) {
    this.#origin = origin;
  }
  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }
  /** One request; redirects are not followed (the test reads each Location itself). */
  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const url = new URL(path, this.#origin);
    assert.equal(url.origin, this.#origin, `the browser stays on the server (${url})`);
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) {
      headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    }
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      redirect: "manual",
      ...(body === undefined ? {} : { body }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return res;
  }
}

function unescapeHtml(s: string): string {
  return s
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&#x27;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
  buttons: { name: string; value: string }[];
}

/** The page's forms as a browser sees them: action, method, inputs (with values) and buttons. */
function formsOf(page: string): Form[] {
  const forms: Form[] = [];
  for (const m of page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = attributes(m[1] ?? "");
    const form: Form = {
      action: attrs.action ?? "",
      method: (attrs.method ?? "get").toLowerCase(),
      fields: {},
      buttons: [],
    };
    for (const tag of (m[2] ?? "").matchAll(/<(input|button|textarea)\b([^>]*)>/g)) {
      const a = attributes(tag[2] ?? "");
      if (!a.name) continue;
      if (tag[1] === "button") form.buttons.push({ name: a.name, value: a.value ?? "" });
      else form.fields[a.name] = a.value ?? "";
    }
    forms.push(form);
  }
  return forms;
}

function attributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of source.matchAll(/([a-zA-Z_:-]+)(?:="([^"]*)")?/g))
    out[(a[1] ?? "").toLowerCase()] = unescapeHtml(a[2] ?? "");
  return out;
}

// --- The suite ------------------------------------------------------------------------------------

describe("an app drives Publius through masto.js", { timeout: 120_000 }, () => {
  let server: TestServer;
  let origin: string;
  let callback: string;
  /** What the steps hand on to the steps after them. */
  const s = {} as {
    app: mastodon.v1.Client;
    clientId: string;
    clientSecret: string;
    appToken: string;
    alice: { client: mastodon.rest.Client; token: string; id: string };
    bob: { client: mastodon.rest.Client; token: string; id: string };
    post: mastodon.v1.Status;
    reply: mastodon.v1.Status;
  };
  const timings: string[] = [];
  let stepStarted = 0;

  before(async () => {
    server = await startServer({ captureLog: true });
    origin = server.origin;
    // The app's own address: registered, never served (the test reads the redirect's Location).
    callback = `http://127.0.0.1:${await freePort()}/callback`;
  });
  after(async () => {
    await server?.close();
    if (process.env.MASTO_SUITE_TIMINGS) console.log(timings.join("\n"));
  });

  const step = (name: string, fn: () => Promise<void>) =>
    test(name, async () => {
      stepStarted = performance.now();
      await fn();
      timings.push(`${(performance.now() - stepStarted).toFixed(0).padStart(6)} ms  ${name}`);
    });

  const rest = (accessToken?: string) =>
    createRestAPIClient({ url: origin, ...(accessToken ? { accessToken } : {}), timeout: 10_000 });

  step("registers an app (POST /api/v1/apps)", async () => {
    const app = await rest().v1.apps.create({
      clientName: "Masto suite",
      redirectUris: [callback, OOB],
      scopes: SCOPES,
      website: "https://app.example",
    });
    assert.equal(app.name, "Masto suite");
    assert.equal(new URL(app.website ?? "").href, "https://app.example/");
    assert.equal(typeof app.clientId, "string");
    assert.equal(typeof app.clientSecret, "string");
    assert.ok((app.clientId as string).length >= 20 && (app.clientSecret as string).length >= 20);
    assert.deepEqual(app.redirectUris, [callback, OOB]);
    assert.deepEqual(app.scopes, SCOPES.split(" "));
    s.app = app;
    s.clientId = app.clientId as string;
    s.clientSecret = app.clientSecret as string;
  });

  step("gets an app token with client credentials (masto's OAuth client)", async () => {
    const oauth = createOAuthAPIClient({ url: origin });
    const token = await oauth.token.create({
      grantType: "client_credentials",
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      redirectUri: OOB,
      scope: SCOPES,
    });
    assert.equal(token.tokenType, "Bearer");
    assert.equal(typeof token.accessToken, "string");
    assert.equal(token.scope, SCOPES);
    assert.ok(Number.isInteger(token.createdAt), "createdAt is a Unix time");
    s.appToken = token.accessToken;
    const verified = await rest(token.accessToken).v1.apps.verifyCredentials();
    assert.equal(verified.name, "Masto suite");
    // An app token is no user.
    await rejectsWith(rest(token.accessToken).v1.accounts.verifyCredentials(), 422, "verify_credentials");
    // A wrong secret gets no token.
    await rejectsWith(
      oauth.token.create({
        grantType: "client_credentials",
        clientId: s.clientId,
        clientSecret: `${s.clientSecret}x`,
        redirectUri: OOB,
      }),
      401,
      "a wrong client secret",
    );
  });

  step("signs two people up (POST /api/v1/accounts); the e-mail is stored and logged nowhere", async () => {
    const app = rest(s.appToken);
    for (const username of ["alice", "bob"] as const) {
      const token = await app.v1.accounts.create({
        username,
        email: EMAIL,
        password: PASSWORD,
        agreement: true,
        locale: "en",
      });
      assert.equal(token.tokenType, "Bearer");
      assert.equal(token.scope, SCOPES, "the app's scopes");
      const client = rest(token.accessToken);
      const me = await client.v1.accounts.verifyCredentials();
      assertAccount(me, username);
      assert.equal(me.statusesCount, 0);
      assert.equal(me.source.privacy, "public");
      assert.ok(!JSON.stringify(me).includes(EMAIL), "no e-mail in the credential account");
      s[username] = { client, token: token.accessToken, id: me.id };
    }
    assert.notEqual(s.alice.id, s.bob.id);

    // A taken name is refused in Mastodon's words.
    await assert.rejects(
      app.v1.accounts.create({ username: "Alice", email: EMAIL, password: PASSWORD, agreement: true, locale: "en" }),
      (e: unknown) => {
        assert.ok(e instanceof MastoHttpError);
        assert.equal(e.statusCode, 422);
        assert.equal(e.details?.username?.[0]?.error, "ERR_TAKEN");
        return true;
      },
    );

    // The scans see what is stored (the handles) and do not see the e-mail address anywhere.
    const handleTables = await server.tablesContaining("alice");
    assert.ok(handleTables.includes("accounts"), `the scan reads the tables (found alice in ${handleTables})`);
    assert.deepEqual(await server.tablesContaining(EMAIL), [], "the e-mail address is in no row of any table");
    assert.deepEqual(await server.tablesContaining("real.name.of.the.source"), []);
    if (dialectUnderTest === "sqlite") {
      assert.ok(server.filesContaining("alice").length > 0, "the file scan reads the database files");
    }
    assert.deepEqual(server.filesContaining(EMAIL), [], "nor in any file of the data folder (database, WAL)");
    assert.ok(server.log.length > 0, "the server did log (the log is captured)");
    assert.ok(
      server.log.some((l) => l.includes("/api/v1/accounts")),
      "the sign-ups are in the request log",
    );
    assert.ok(!server.log.join("\n").includes(EMAIL), "the e-mail address is not in the log");
    assert.ok(!server.log.join("\n").includes("real.name"), "nor any part of it");
  });

  step("updates a profile: display name, note and an avatar made by sharp", async () => {
    const png = await sharp({ create: { width: 96, height: 96, channels: 3, background: "#3a6ea5" } })
      .png()
      .toBuffer();
    const before = await s.alice.client.v1.accounts.verifyCredentials();
    const me = await s.alice.client.v1.accounts.updateCredentials({
      displayName: "Alice in the Archives",
      note: "Records clerk. Reading what they file.",
      avatar: new Blob([new Uint8Array(png)], { type: "image/png" }),
      // Multipart, as masto sends it: source[language]=en, source[sensitive]=false, locked=false.
      source: { language: "en", sensitive: false },
      locked: false,
    });
    assertAccount(me, "alice");
    assert.equal(me.source.language, "en");
    assert.equal(me.source.sensitive, false);
    assert.equal(me.locked, false);
    assert.equal(me.displayName, "Alice in the Archives");
    assert.match(me.note, /Records clerk\. Reading what they file\./);
    assert.equal(me.source.note, "Records clerk. Reading what they file.");
    assert.notEqual(me.avatar, before.avatar, "a new avatar");
    assert.ok(me.avatar.startsWith(`${origin}/`), `the avatar is served here (${me.avatar})`);
    const res = await fetch(me.avatar);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^image\//);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    assert.ok((meta.width ?? 0) > 0 && (meta.height ?? 0) > 0, "the avatar is an image");
    assert.equal(meta.exif, undefined);
    // Others see the new profile.
    const seen = await s.bob.client.v1.accounts.$select(s.alice.id).fetch();
    assert.equal(seen.displayName, "Alice in the Archives");
    assert.equal(seen.avatar, me.avatar);
  });

  step("bob follows alice", async () => {
    const rel = await s.bob.client.v1.accounts.$select(s.alice.id).follow();
    assert.equal(rel.id, s.alice.id);
    assert.equal(rel.following, true);
    assert.equal(rel.requested, false);
    const [seen] = await s.alice.client.v1.accounts.relationships.fetch({ id: [s.bob.id] });
    assert.equal(seen?.followedBy, true, "alice sees bob follows her");
    // Several accounts at once (GET /api/v1/accounts?id[]=, Mastodon 4.3): an unknown id is left out.
    const both = await s.bob.client.v1.accounts.fetch({ id: [s.alice.id, s.bob.id, "4242"] });
    assert.deepEqual(
      both.map((a) => [a.id, a.followersCount]),
      [
        [s.alice.id, 1],
        [s.bob.id, 0],
      ],
    );
    const followers = await s.alice.client.v1.accounts.$select(s.alice.id).followers.list();
    assert.deepEqual(
      followers.map((a) => a.id),
      [s.bob.id],
    );
  });

  step("alice posts with a mention and a hashtag; bob's home timeline has it", async () => {
    const post = await s.alice.client.v1.statuses.create({
      status: "Hello @bob, the #Publius ledger shows quillwort deliveries nobody signed for.",
      visibility: "public",
      language: "en",
    });
    assertStatus(post, "alice");
    assert.equal(post.visibility, "public");
    assert.equal(post.language, "en");
    assert.deepEqual(
      post.mentions.map((m) => [m.id, m.username, m.acct]),
      [[s.bob.id, "bob", "bob"]],
    );
    assert.deepEqual(
      post.tags.map((t) => t.name.toLowerCase()),
      ["publius"],
    );
    assert.match(plain(post.content), /quillwort deliveries/);
    assert.ok(post.url?.startsWith(`${origin}/`), `the post's url is here (${post.url})`);
    s.post = post;

    const home = await s.bob.client.v1.timelines.home.list({ limit: 20 });
    assert.equal(home[0]?.id, post.id, "newest first, alice's post on top of bob's home");
    assertStatus(home[0] as mastodon.v1.Status, "alice");
    const fetched = await s.bob.client.v1.statuses.$select(post.id).fetch();
    assert.equal(fetched.id, post.id);
    assert.equal(fetched.content, post.content);
  });

  step("bob replies; the context shows ancestors and descendants", async () => {
    const reply = await s.bob.client.v1.statuses.create({
      status: "@alice I saw the same entries in the March binder.",
      inReplyToId: s.post.id,
    });
    assertStatus(reply, "bob");
    assert.equal(reply.inReplyToId, s.post.id);
    assert.equal(reply.inReplyToAccountId, s.alice.id);
    s.reply = reply;

    const ofPost = await s.alice.client.v1.statuses.$select(s.post.id).context.fetch();
    assert.deepEqual(ofPost.ancestors, []);
    assert.deepEqual(
      ofPost.descendants.map((d) => d.id),
      [reply.id],
    );
    const ofReply = await s.alice.client.v1.statuses.$select(reply.id).context.fetch();
    assert.deepEqual(
      ofReply.ancestors.map((a) => a.id),
      [s.post.id],
    );
    assert.deepEqual(ofReply.descendants, []);
    const post = await s.alice.client.v1.statuses.$select(s.post.id).fetch();
    assert.equal(post.repliesCount, 1);
  });

  step("bob favourites and reblogs alice's post", async () => {
    const fav = await s.bob.client.v1.statuses.$select(s.post.id).favourite();
    assert.equal(fav.id, s.post.id);
    assert.equal(fav.favourited, true);
    assert.equal(fav.favouritesCount, 1);
    const reblog = await s.bob.client.v1.statuses.$select(s.post.id).reblog();
    assertStatus(reblog, "bob");
    assert.equal(reblog.reblog?.id, s.post.id, "the answer is the reblog, wrapping the post");
    assert.equal(reblog.reblog?.reblogged, true);
    assert.equal(reblog.reblog?.reblogsCount, 1);
    const favouritedBy = await s.alice.client.v1.statuses.$select(s.post.id).favouritedBy.list();
    assert.deepEqual(
      favouritedBy.map((a) => a.id),
      [s.bob.id],
    );
    const rebloggedBy = await s.alice.client.v1.statuses.$select(s.post.id).rebloggedBy.list();
    assert.deepEqual(
      rebloggedBy.map((a) => a.id),
      [s.bob.id],
    );
    const seen = await s.alice.client.v1.statuses.$select(s.post.id).fetch();
    assert.equal(seen.favouritesCount, 1);
    assert.equal(seen.reblogsCount, 1);
    assert.equal(seen.favourited, false, "alice herself did not favourite it");
  });

  step("notifications: alice has follow, mention, favourite and reblog; bob has the mention", async () => {
    const notifications = await s.alice.client.v1.notifications.list({ limit: 30 });
    const byType = new Map(notifications.map((n) => [n.type, n]));
    assert.deepEqual([...byType.keys()].sort(), ["favourite", "follow", "mention", "reblog"]);
    assert.equal(notifications.length, 4);
    assert.ok(newestFirst(notifications.map((n) => n.id)));
    for (const n of notifications) {
      assertId(n.id, "notification.id");
      assertDate(n.createdAt, "notification.createdAt");
      assert.equal(n.account.id, s.bob.id, `${n.type} is from bob`);
    }
    assert.equal(byType.get("follow")?.status, undefined);
    assert.equal(byType.get("mention")?.status?.id, s.reply.id);
    assert.equal(byType.get("favourite")?.status?.id, s.post.id);
    assert.equal(byType.get("reblog")?.status?.id, s.post.id);
    const onlyMentions = await s.alice.client.v1.notifications.list({ types: ["mention"] });
    assert.deepEqual(
      onlyMentions.map((n) => n.type),
      ["mention"],
    );
    const bobs = await s.bob.client.v1.notifications.list();
    assert.deepEqual(
      bobs.map((n) => [n.type, n.account.id, n.status?.id]),
      [["mention", s.alice.id, s.post.id]],
    );
  });

  step("search (v2): an account, a post's words, a hashtag", async () => {
    const accounts = await s.alice.client.v2.search.list({ q: "bob", type: "accounts" });
    assert.deepEqual(
      accounts.accounts.map((a) => a.id),
      [s.bob.id],
    );
    assert.deepEqual(accounts.statuses, []);
    assert.deepEqual(accounts.hashtags, []);
    const statuses = await s.bob.client.v2.search.list({ q: "quillwort deliveries", type: "statuses" });
    assert.deepEqual(
      statuses.statuses.map((x) => x.id),
      [s.post.id],
    );
    const nothing = await s.bob.client.v2.search.list({ q: "xylophonist", type: "statuses" });
    assert.deepEqual(nothing.statuses, []);
    const tags = await s.bob.client.v2.search.list({ q: "#publ", type: "hashtags" });
    assert.deepEqual(
      tags.hashtags.map((t) => t.name.toLowerCase()),
      ["publius"],
    );
    assert.equal(typeof tags.hashtags[0]?.url, "string");
    const all = await s.bob.client.v2.search.list({ q: "alice" });
    assert.ok(
      all.accounts.some((a) => a.id === s.alice.id),
      "without a type, accounts are searched too",
    );
  });

  step("the tag timeline has the post", async () => {
    const tagged = await s.bob.client.v1.timelines.tag.$select("publius").list();
    assert.deepEqual(
      tagged.map((x) => x.id),
      [s.post.id],
    );
    const anonymous = await rest().v1.timelines.tag.$select("Publius").list();
    assert.deepEqual(
      anonymous.map((x) => x.id),
      [s.post.id],
      "public posts are there for anyone",
    );
    assert.deepEqual(await rest().v1.timelines.tag.$select("nosuchtag").list(), []);
  });

  step("pages through 25 more posts by the Link header (masto's paginator)", async () => {
    const made: string[] = [];
    for (let i = 1; i <= 25; i++) {
      const p = await s.alice.client.v1.statuses.create({ status: `Ledger page ${i} of 25` });
      made.push(p.id);
    }
    assert.ok(newestFirst([...made].reverse()), "later posts have larger ids");
    const me = await s.alice.client.v1.accounts.verifyCredentials();
    assert.equal(me.statusesCount, 26);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    for await (const page of s.bob.client.v1.accounts.$select(s.alice.id).statuses.list({ limit: 10 })) {
      pageSizes.push(page.length);
      for (const st of page) assertStatus(st, "alice");
      seen.push(...page.map((x) => x.id));
      assert.ok(pageSizes.length < 10, "the paginator ends");
    }
    assert.deepEqual(pageSizes.slice(0, 3), [10, 10, 6], `pages: ${pageSizes}`);
    assert.ok(
      pageSizes.slice(3).every((n) => n === 0),
      "then at most an empty page",
    );
    assert.equal(new Set(seen).size, seen.length, "no duplicates");
    assert.ok(newestFirst(seen), "newest first");
    assert.deepEqual(seen, [...made].reverse().concat(s.post.id), "every post, once, newest first");

    // Catching up, as an app fills a gap: from the oldest post upwards by the rel="prev" links.
    const newer: string[][] = [];
    const upwards = s.bob.client.v1.accounts
      .$select(s.alice.id)
      .statuses.list({ limit: 10, minId: s.post.id })
      .setDirection("prev");
    for await (const page of upwards) {
      newer.push(page.map((x) => x.id));
      assert.ok(newer.length < 10, "the paginator ends");
    }
    assert.deepEqual(
      newer.filter((p) => p.length > 0),
      [made.slice(0, 10).reverse(), made.slice(10, 20).reverse(), made.slice(20).reverse()],
      "the ten just newer than min_id each time, newest first within a page",
    );

    // Bob's home timeline pages the same way (alice's 26 posts and bob's own reblog and reply).
    const home: string[] = [];
    for await (const page of s.bob.client.v1.timelines.home.list({ limit: 7 })) {
      home.push(...page.map((x) => x.id));
      assert.ok(home.length < 100, "the paginator ends");
    }
    assert.equal(new Set(home).size, home.length, "no duplicates on home");
    assert.ok(newestFirst(home), "home is newest first");
    for (const id of made) assert.ok(home.includes(id), `home has ${id}`);
    assert.ok(home.includes(s.reply.id), "bob's reply");

    // The header itself, as masto reads it: absolute URLs on this server.
    const res = await fetch(`${origin}/api/v1/accounts/${s.alice.id}/statuses?limit=5`, {
      headers: { authorization: `Bearer ${s.bob.token}` },
    });
    const link = res.headers.get("link") ?? "";
    assert.match(
      link,
      new RegExp(`^<${origin}/api/v1/accounts/${s.alice.id}/statuses\\?[^>]*max_id=\\d+[^>]*>; rel="next"`),
    );
    assert.match(link, /min_id=\d+[^>]*>; rel="prev"$/);
  });

  step("edits the post: the history has two versions", async () => {
    const edited = await s.alice.client.v1.statuses.$select(s.post.id).update({
      status: "Hello @bob, the #Publius ledger shows quillwort deliveries nobody signed for (corrected).",
      language: "en",
    });
    assert.equal(edited.id, s.post.id);
    assertDate(edited.editedAt, "editedAt");
    assert.match(plain(edited.content), /\(corrected\)/);
    const history = await s.alice.client.v1.statuses.$select(s.post.id).history.list();
    assert.equal(history.length, 2);
    assert.doesNotMatch(plain(history[0]?.content ?? ""), /corrected/, "the first version first");
    assert.match(plain(history[1]?.content ?? ""), /\(corrected\)/);
    for (const v of history) {
      assertDate(v.createdAt, "edit.createdAt");
      assert.equal(v.account.id, s.alice.id);
    }
    const source = await s.alice.client.v1.statuses.$select(s.post.id).source.fetch();
    assert.match(source.text, /\(corrected\)\.$/);
    // Bob sees the edit too.
    const seen = await s.bob.client.v1.statuses.$select(s.post.id).fetch();
    assert.equal(seen.content, edited.content);
  });

  step("uploads an image (v2 media, alt text), attaches it; the served file has no EXIF", async () => {
    const jpeg = await markedJpeg(320, 240);
    assert.ok(markersIn(jpeg).length > 0, "the upload does carry metadata");
    const media = await s.alice.client.v2.media.create({
      file: new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }),
      description: "A ledger page with a missing signature",
    });
    assertId(media.id, "media.id");
    assert.equal(media.type, "image");
    assert.equal(media.description, "A ledger page with a missing signature");
    assert.equal(typeof media.url, "string");
    const post = await s.alice.client.v1.statuses.create({
      status: "The page itself.",
      mediaIds: [media.id],
    });
    assert.equal(post.mediaAttachments.length, 1);
    const attached = post.mediaAttachments[0] as mastodon.v1.MediaAttachment;
    assert.equal(attached.id, media.id);
    assert.equal(attached.description, "A ledger page with a missing signature");
    for (const url of [attached.url, attached.previewUrl]) {
      assert.ok(url?.startsWith(`${origin}/`), `served here: ${url}`);
      const res = await fetch(url as string);
      assert.equal(res.status, 200, `${url} is fetchable`);
      assert.match(res.headers.get("content-type") ?? "", /^image\//);
      const data = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(data).metadata();
      assert.equal(meta.exif, undefined, "no EXIF");
      assert.equal(meta.xmp, undefined, "no XMP");
      assert.equal(meta.iptc, undefined, "no IPTC");
      assert.deepEqual(markersIn(data), [], "no marker of the original's metadata");
      // The phone's orientation was applied, not kept: the 320 x 240 photo stands upright.
      if (url === attached.url) assert.ok((meta.height ?? 0) > (meta.width ?? 0), "rotated upright");
    }
    const timeline = await s.bob.client.v1.accounts.$select(s.alice.id).statuses.list({ onlyMedia: true });
    assert.deepEqual(
      timeline.map((x) => x.id),
      [post.id],
    );
  });

  step(
    "streaming: the user stream gets the update from a followed account, not another's followers-only post",
    async () => {
      const instance = await rest().v2.instance.fetch();
      const streamingApiUrl = instance.configuration.urls.streaming;
      assert.match(streamingApiUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(new URL(streamingApiUrl).host, new URL(origin).host);

      // carol, whom bob does not follow, signs up through the app too.
      const carolToken = await rest(s.appToken).v1.accounts.create({
        username: "carol",
        email: EMAIL,
        password: PASSWORD,
        agreement: true,
        locale: "en",
      });
      const carol = rest(carolToken.accessToken);

      const streaming = createStreamingAPIClient({ streamingApiUrl, accessToken: s.bob.token, retry: false });
      try {
        const events: mastodon.streaming.Event[] = [];
        const waiters: { test: (e: mastodon.streaming.Event) => boolean; resolve: () => void }[] = [];
        const subscription = streaming.user.subscribe();
        const reading = (async () => {
          for await (const event of subscription) {
            events.push(event);
            for (const w of [...waiters]) if (w.test(event)) w.resolve();
          }
        })().catch(() => {});
        const waitFor = (test: (e: mastodon.streaming.Event) => boolean, ms: number) =>
          events.some(test)
            ? Promise.resolve(true)
            : new Promise<boolean>((resolve) => {
                const timer = setTimeout(() => resolve(false), ms);
                waiters.push({
                  test,
                  resolve: () => {
                    clearTimeout(timer);
                    resolve(true);
                  },
                });
              });
        const isUpdate = (id: string) => (e: mastodon.streaming.Event) => e.event === "update" && e.payload.id === id;

        // masto connects after a second's back-off; prepare() resolves once the socket is open.
        await streaming.prepare();
        // The protocol has no acknowledgement: bob's own posts reach his home stream, so the first of
        // them to arrive shows the subscription is in place.
        let probes = 0;
        let ready = false;
        while (!ready && probes < 20) {
          const probe = await s.bob.client.v1.statuses.create({
            status: `Testing my app ${++probes}`,
            visibility: "private",
          });
          ready = await waitFor(isUpdate(probe.id), 250);
        }
        assert.ok(ready, `the user stream is live (after ${probes} probes)`);

        const hidden = await carol.v1.statuses.create({ status: "Only for my followers.", visibility: "private" });
        assert.equal(hidden.visibility, "private");
        await rejectsWith(s.bob.client.v1.statuses.$select(hidden.id).fetch(), 404, "bob may not see carol's post");
        const update = await s.alice.client.v1.statuses.create({ status: "Live from the records room." });
        assert.ok(await waitFor(isUpdate(update.id), 5000), "bob receives alice's post");
        const received = events.find(isUpdate(update.id)) as mastodon.streaming.UpdateEvent;
        assert.deepEqual(received.stream, ["user"]);
        assertStatus(received.payload, "alice");
        assert.match(plain(received.payload.content), /Live from the records room\./);
        // Events are fanned out in order: carol's post, made before alice's, would have come first.
        assert.ok(
          !events.some((e) => (e.event === "update" || e.event === "status.update") && e.payload.id === hidden.id),
          "carol's followers-only post is not streamed to bob",
        );
        assert.ok(!events.some((e) => e.event === "notification"), "nothing happened that bob would be notified of");

        // A deletion reaches the stream as well.
        await s.alice.client.v1.statuses.$select(update.id).remove();
        assert.ok(
          await waitFor((e) => e.event === "delete" && e.payload === update.id, 5000),
          "bob hears of the deletion",
        );
        subscription.unsubscribe();
        streaming.close();
        // The iteration ends with the socket (bounded, so a client that lingers cannot hang the suite).
        await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 2000))]);
      } finally {
        streaming.close();
      }
    },
  );

  step("lists and followed hashtags: bob's list of alice, its timeline, a followed #publius", async () => {
    const bob = s.bob.client;
    const list = await bob.v1.lists.create({ title: "Sources", exclusive: false });
    assertId(list.id, "list.id");
    assert.equal(list.title, "Sources");
    assert.equal(list.exclusive, false);
    assert.equal(list.repliesPolicy, "list");
    await bob.v1.lists.$select(list.id).accounts.create({ accountIds: [s.alice.id] });
    const members = await bob.v1.lists.$select(list.id).accounts.list();
    assert.deepEqual(
      members.map((a) => a.id),
      [s.alice.id],
    );
    const timeline = await bob.v1.timelines.list.$select(list.id).list({ limit: 40 });
    assert.ok(
      timeline.some((p) => p.id === s.post.id),
      "alice's post is on bob's list",
    );
    const holding = await bob.v1.accounts.$select(s.alice.id).lists.list();
    assert.deepEqual(
      holding.map((l) => l.id),
      [list.id],
    );
    const renamed = await bob.v1.lists.$select(list.id).update({ title: "Good sources", exclusive: true });
    assert.equal(renamed.title, "Good sources");
    assert.equal(renamed.exclusive, true);
    await rejectsWith(s.alice.client.v1.lists.$select(list.id).fetch(), 404, "alice fetching bob's list");
    await bob.v1.lists.$select(list.id).accounts.remove({ accountIds: [s.alice.id] });
    assert.deepEqual(await bob.v1.lists.$select(list.id).accounts.list(), []);
    await bob.v1.lists.$select(list.id).remove();
    await rejectsWith(bob.v1.lists.$select(list.id).fetch(), 404, "the deleted list");

    const tag = await bob.v1.tags.$select("publius").follow();
    assert.equal(tag.name, "publius");
    assert.equal(tag.following, true);
    const followed = await bob.v1.followedTags.list();
    assert.deepEqual(
      followed.map((t) => t.name),
      ["publius"],
    );
    assert.equal((await bob.v1.tags.$select("Publius").fetch()).following, true);
    assert.equal((await bob.v1.tags.$select("publius").unfollow()).following, false);
    assert.deepEqual(await bob.v1.followedTags.list(), []);
  });

  step("deletes the post: the answer has the text for redraft; 404 afterwards", async () => {
    const source = await s.alice.client.v1.statuses.$select(s.post.id).source.fetch();
    const deleted = await s.alice.client.v1.statuses.$select(s.post.id).remove();
    assert.equal(deleted.id, s.post.id);
    assert.equal(deleted.text, source.text, "the source text, for delete-and-redraft");
    assert.match(deleted.text ?? "", /^Hello @bob, the #Publius ledger/);
    await rejectsWith(s.alice.client.v1.statuses.$select(s.post.id).fetch(), 404, "the author fetching it");
    await rejectsWith(s.bob.client.v1.statuses.$select(s.post.id).fetch(), 404, "bob fetching it");
    await rejectsWith(rest().v1.statuses.$select(s.post.id).fetch(), 404, "anyone fetching it");
    const context = await s.alice.client.v1.statuses.$select(s.reply.id).context.fetch();
    assert.deepEqual(context.ancestors, [], "the reply has lost its ancestor");
    const tagged = await rest().v1.timelines.tag.$select("publius").list();
    assert.deepEqual(tagged, [], "and the tag timeline its post");
  });

  step("authorization code with PKCE through the consent page, as the app and the person's browser", async () => {
    const { verifier, challenge } = pkcePair();
    const state = `st-${Math.random().toString(36).slice(2)}`;
    // The app opens this in the person's browser.
    const authorize = new URL("/oauth/authorize", origin);
    authorize.search = new URLSearchParams({
      response_type: "code",
      client_id: s.clientId,
      redirect_uri: callback,
      scope: "read write",
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    }).toString();

    const browser = new Browser(origin);
    // Not signed in: to the sign-in page, which will come back here.
    const first = await browser.request(authorize.pathname + authorize.search);
    assert.equal(first.status, 303);
    const toSignIn = first.headers.get("location") ?? "";
    assert.match(toSignIn, /^\/signin\?next=/);
    const signInPage = await browser.request(toSignIn);
    assert.equal(signInPage.status, 200);
    const csrfCookie = browser.cookie("publius_csrf");
    assert.ok(csrfCookie, "the sign-in page sets the CSRF cookie");
    const signInForm = formsOf(await signInPage.text()).find((f) => "password" in f.fields);
    assert.ok(signInForm, "the sign-in form");
    assert.equal(signInForm.method, "post");
    assert.match(signInForm.fields.csrf ?? "", /^[A-Za-z0-9_-]{43}$/, "the form carries a CSRF token");
    assert.ok(!csrfCookie.includes(signInForm.fields.csrf ?? ""), "which is not the cookie's value (csrf.ts)");

    // A form without the CSRF token is refused.
    const forged = await browser.request(signInForm.action, {
      method: "POST",
      form: { ...signInForm.fields, csrf: "", handle: "alice", password: PASSWORD },
    });
    assert.equal(forged.status, 403);

    const signedIn = await browser.request(signInForm.action, {
      method: "POST",
      form: { ...signInForm.fields, handle: "alice", password: PASSWORD },
    });
    assert.equal(signedIn.status, 303, "signed in");
    assert.ok(browser.cookie("publius_session"), "a session cookie");
    const back = signedIn.headers.get("location") ?? "";
    assert.equal(back, authorize.pathname + authorize.search, "back to the authorization request");

    const consent = await browser.request(back);
    assert.equal(consent.status, 200);
    const consentHtml = await consent.text();
    assert.match(consentHtml, /Masto suite/, "the page names the app");
    assert.match(consentHtml, /alice/, "and who is signed in");
    const consentForm = formsOf(consentHtml).find((f) => f.buttons.some((b) => b.value === "approve"));
    assert.ok(consentForm, "the consent form");
    assert.equal(consentForm.method, "post");
    assert.match(consentForm.fields.csrf ?? "", /^[A-Za-z0-9_-]{43}$/, "the consent form carries a token");
    assert.notEqual(consentForm.fields.csrf, signInForm.fields.csrf, "a new one: signing in rotated it");
    assert.equal(browser.cookie("publius_csrf"), undefined, "and ended the pre-session cookie");
    assert.equal(consentForm.fields.code_challenge, challenge);
    assert.equal(consentForm.fields.state, state);

    const approved = await browser.request(consentForm.action, {
      method: "POST",
      form: { ...consentForm.fields, decision: "approve" },
    });
    assert.equal(approved.status, 303);
    const redirect = new URL(approved.headers.get("location") ?? "");
    assert.equal(`${redirect.origin}${redirect.pathname}`, callback, "back to the app");
    assert.equal(redirect.searchParams.get("state"), state);
    const code = redirect.searchParams.get("code");
    assert.ok(code, "an authorization code");

    // The app exchanges the code with its verifier (masto sends the body as JSON).
    const oauth = createOAuthAPIClient({ url: origin });
    const exchangeCode = (params: PkceExchange) => oauth.token.create(params);
    // masto v8 has no field for PKCE's code_verifier, but sends every parameter it is given
    // (snake_cased), as an app using it for PKCE does.
    const exchange: PkceExchange = {
      grantType: "authorization_code",
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      redirectUri: callback,
      code,
      codeVerifier: verifier,
    };
    const token = await exchangeCode(exchange);
    assert.equal(token.tokenType, "Bearer");
    assert.equal(token.scope, "read write", "the scopes asked for, not the app's all");
    const alice = rest(token.accessToken);
    const me = await alice.v1.accounts.verifyCredentials();
    assertAccount(me, "alice");
    assert.equal(me.id, s.alice.id);
    assert.equal(me.displayName, "Alice in the Archives");
    const notifications = await alice.v1.notifications.list();
    assert.ok(
      notifications.some((n) => n.type === "follow" && n.account.id === s.bob.id),
      "the token reads alice's notifications",
    );

    // A code works once.
    await assert.rejects(exchangeCode(exchange), (e: unknown) => {
      assert.ok(e instanceof MastoHttpError);
      assert.equal(e.statusCode, 400);
      assert.equal(e.message, "invalid_grant");
      return true;
    });

    // The out-of-band variant: the code is shown on a page for the person to paste into the app.
    const oob = new URL("/oauth/authorize", origin);
    const pair = pkcePair();
    oob.search = new URLSearchParams({
      response_type: "code",
      client_id: s.clientId,
      redirect_uri: OOB,
      scope: "read",
      code_challenge: pair.challenge,
      code_challenge_method: "S256",
    }).toString();
    const oobConsent = await browser.request(oob.pathname + oob.search);
    assert.equal(oobConsent.status, 200, "already signed in: straight to consent");
    const oobForm = formsOf(await oobConsent.text()).find((f) => f.buttons.some((b) => b.value === "approve"));
    assert.ok(oobForm);
    const oobApprove = async () => {
      const shown = await browser.request(oobForm.action, {
        method: "POST",
        form: { ...oobForm.fields, decision: "approve" },
      });
      assert.equal(shown.status, 200);
      // The person reads the code off the page (a read-only field labelled "Authorisation code").
      const field = [...(await shown.text()).matchAll(/<input\b([^>]*)>/g)]
        .map((m) => attributes(m[1] ?? ""))
        .find((a) => a.id === "code");
      const code = field?.value;
      assert.ok(code, "the page shows the code");
      return code;
    };
    // A wrong verifier gets no token, and the code is spent by the attempt.
    const tried = await oobApprove();
    for (const codeVerifier of [verifier, pair.verifier]) {
      await assert.rejects(
        exchangeCode({ ...exchange, redirectUri: OOB, code: tried, codeVerifier }),
        (e: unknown) => e instanceof MastoHttpError && e.statusCode === 400 && e.message === "invalid_grant",
      );
    }
    const oobToken = await exchangeCode({
      ...exchange,
      redirectUri: OOB,
      code: await oobApprove(),
      codeVerifier: pair.verifier,
    });
    assert.equal(oobToken.scope, "read");
    const reader = rest(oobToken.accessToken);
    assert.equal((await reader.v1.accounts.verifyCredentials()).id, s.alice.id);
    // The scope holds: a read-only token cannot post.
    await rejectsWith(reader.v1.statuses.create({ status: "Not with this token" }), 403, "posting with read only");
  });

  step("nothing the suite did put the e-mail address anywhere", async () => {
    assert.deepEqual(await server.tablesContaining(EMAIL), []);
    assert.deepEqual(server.filesContaining(EMAIL), []);
    assert.ok(!server.log.join("\n").includes(EMAIL));
    assert.ok(
      !server.log.some((l) => /"level":"error"/.test(l)),
      `no server errors:\n${server.log.filter((l) => l.includes('"error"')).join("\n")}`,
    );
  });
});
