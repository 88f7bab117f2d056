// The edges of the web UI: error pages, oversized and malformed requests, CSRF on every form, and
// the security headers and self-containment of every page.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PASSWORD } from "../fixtures/accounts.ts";
import {
  assertSecurityHeaders,
  assertSelfContained,
  foreignReferences,
  pageText,
  routePatterns,
} from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { type Member, openSite, type WebClient } from "../helpers/web.ts";

const OWN = "http://publius.test";
const CSRF_MESSAGE = /This form has expired or did not come from this site\./;

type OpenSite = Awaited<ReturnType<typeof openSite>>;

/** The legal console's routes (src/http/staff/legal-*.ts), with made-up ids: refused before any look-up. */
const LEGAL_GET_ROUTES = [
  "/staff/legal",
  "/staff/legal/audit",
  "/staff/legal/canary",
  "/staff/legal/demands",
  "/staff/legal/demands/new",
  "/staff/legal/demands/:id",
  "/staff/legal/demands/:id/document",
  "/staff/legal/demands/:id/preservations/:preservation",
  "/staff/legal/demands/:id/productions/:production",
  "/staff/legal/demands/:id/productions/:production/files/:name",
  "/staff/legal/second-factor",
];
const LEGAL_POST_ROUTES = [
  "/staff/legal/canary",
  "/staff/legal/demands",
  "/staff/legal/demands/:id/concern",
  "/staff/legal/demands/:id/court-order",
  "/staff/legal/demands/:id/court-order/confirm",
  "/staff/legal/demands/:id/gate/confirm",
  "/staff/legal/demands/:id/notice-excused",
  "/staff/legal/demands/:id/good-faith",
  "/staff/legal/demands/:id/intent",
  "/staff/legal/demands/:id/note",
  "/staff/legal/demands/:id/orders",
  "/staff/legal/demands/:id/orders/:order",
  "/staff/legal/demands/:id/preservations/:preservation/extend",
  "/staff/legal/demands/:id/preserve",
  "/staff/legal/demands/:id/productions",
  "/staff/legal/demands/:id/productions/:production/approve",
  "/staff/legal/demands/:id/prongs",
  "/staff/legal/demands/:id/transition",
  "/staff/legal/second-factor",
  "/staff/legal/second-factor/enrol",
];
function legalUrl(pattern: string): string {
  return pattern
    .replace(":id", "100000000000000000")
    .replace(":production", "100000000000000001")
    .replace(":preservation", "100000000000000002")
    .replace(":order", "1")
    .replace(":name", "production.json");
}

/** A small world with one of everything a page can show. */
async function seed(site: OpenSite) {
  const alice = await site.member("alice");
  const bob = await site.member("bob", { locked: true });
  const mod = await site.member("mod", { roles: ["moderator", "admin"] });
  await site.member("carol");
  const linked = await alice.client.publish("Read https://example.org/report and #Resist with @bob", {
    spoiler_text: "politics",
  });
  const edited = await alice.client.publish("first draft");
  await alice.client.post(`/statuses/${edited}/edit`, { text: "second draft" });
  const reply = await mod.client.publish("@alice noted", { in_reply_to_id: linked });
  await mod.client.post(`/statuses/${linked}/favourite`);
  await alice.client.post(`/accounts/${bob.account.id}/follow`); // a follow request: bob is locked
  await mod.client.post(`/statuses/${edited}/report`, { reason: "check this" });
  await mod.client.post("/settings/invites", { max_uses: "1", expires: "7" });
  await site.ctx.services.accounts.register(
    { handle: "grace", password: PASSWORD, reason: "hello" },
    { mode: "approval" },
  );
  const [report] = await site.ctx.store.db.selectFrom("reports").select("id").execute();
  const [session] = await site.ctx.services.sessions.list(mod.viewer);
  const grace = await site.ctx.services.accounts.byHandle("grace");
  return {
    alice,
    bob,
    mod,
    linked,
    edited,
    reply,
    reportId: String(report?.id),
    sessionId: session?.id as string,
    graceId: grace?.id as string,
  };
}

describe("every page", () => {
  let site: OpenSite;
  let world: Awaited<ReturnType<typeof seed>>;
  before(async () => {
    site = await openSite();
    world = await seed(site);
  });
  after(() => site.close());

  /** Concrete addresses for every GET route of the web UI. */
  function getPages(): Record<string, string[]> {
    const { linked, edited, alice } = world;
    return {
      "/": ["/"],
      "/privacy": ["/privacy"],
      "/@:handle": ["/@alice", "/@alice?with_replies=1", "/@bob"],
      "/@:handle/:id": [`/@alice/${linked}`, `/@alice/${edited}`],
      "/@:handle/:id/history": [`/@alice/${edited}/history`],
      "/@:handle/followers": ["/@alice/followers"],
      "/@:handle/following": ["/@alice/following"],
      "/accounts/:id/report": [`/accounts/${alice.account.id}/report`],
      "/compose": ["/compose", `/compose?in_reply_to=${linked}`],
      "/follow-requests": ["/follow-requests"],
      "/home": ["/home"],
      "/bookmarks": ["/bookmarks", `/bookmarks?max_id=1`],
      "/local": ["/local", `/local?max_id=${linked}`],
      "/notifications": ["/notifications"],
      "/scheduled": ["/scheduled"],
      "/search": ["/search", "/search?q=resist", "/search?q=alice"],
      "/settings": ["/settings"],
      "/settings/apps": ["/settings/apps"],
      "/settings/delete": ["/settings/delete"],
      "/settings/invites": ["/settings/invites"],
      "/settings/password": ["/settings/password"],
      "/settings/posting": ["/settings/posting"],
      "/settings/export": ["/settings/export"],
      "/settings/privacy": ["/settings/privacy"],
      "/settings/privacy.json": ["/settings/privacy.json"],
      "/settings/profile": ["/settings/profile"],
      "/settings/sessions": ["/settings/sessions"],
      "/signin": ["/signin"],
      "/signup": ["/signup"],
      "/staff": ["/staff"],
      "/staff/applications": ["/staff/applications"],
      "/staff/log": ["/staff/log"],
      "/media/:file": ["/media/0123456789abcdef0123456789abcdef.png"],
      "/health": ["/health"],
      "/source.tar.gz": ["/source.tar.gz"],
      "/static/avatar.png": ["/static/avatar.png"],
      "/static/header.png": ["/static/header.png"],
      "/static/publius.css": ["/static/publius.css"],
      "/static/pow.js": ["/static/pow.js"],
      "/static/publius.js": ["/static/publius.js"],
      "/static/identicon/:seed": ["/static/identicon/0123456789abcdef.svg", "/static/identicon/nope.svg"],
      "/statuses/:id": [`/statuses/${linked}`],
      // The moderator's own post, so that they may edit and delete it.
      "/statuses/:id/delete": [`/statuses/${world.reply}/delete`],
      "/statuses/:id/edit": [`/statuses/${world.reply}/edit`],
      "/statuses/:id/report": [`/statuses/${linked}/report`],
      // The consent page for apps (its full flow is tested with the API); without a client, an error page.
      "/oauth/authorize": ["/oauth/authorize"],
      "/tags/:tag": ["/tags/resist"],
      // The legal console (issue 5): legal staff only; others get 403, visitors the sign-in page.
      ...Object.fromEntries(LEGAL_GET_ROUTES.map((p) => [p, [legalUrl(p)]])),
      // The account holder's legal notices, and the public audit head.
      "/legal/notices": ["/legal/notices"],
      "/legal/notices/:id": ["/legal/notices/1"],
      "/audit-head": ["/audit-head"],
      "/audit-head.json": ["/audit-head.json"],
      // Issue 6: the warrant canary, the guidelines and the about page.
      "/about": ["/about"],
      "/canary": ["/canary"],
      "/canary.json": ["/canary.json"],
      "/legal/guidelines": ["/legal/guidelines"],
      // The transparency report (issue 6).
      "/transparency": ["/transparency", "/transparency?period=2026-H1"],
      "/transparency.json": ["/transparency.json"],
      "/transparency/:file": ["/transparency/2026-H1.json", "/transparency/2026-H1.csv"],
    };
  }

  test("the sweep below covers every GET route of the web UI", () => {
    const web = routePatterns(site.web.app, "GET").filter((p) => !isApi(p));
    const covered = Object.keys(getPages()).sort();
    assert.deepEqual(
      web.filter((p) => !covered.includes(p)),
      [],
      "a new page: add it to getPages() in test/http/errors.test.ts",
    );
  });

  for (const who of ["a visitor", "a user", "a moderator"] as const) {
    test(`every page, as ${who}, sends the security headers and refers to no other origin`, async () => {
      const client: WebClient =
        who === "a visitor" ? site.web.client() : who === "a user" ? world.alice.client : world.mod.client;
      let htmlPages = 0;
      for (const url of Object.values(getPages()).flat()) {
        const res = await client.get(url);
        assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
        if (url.startsWith("/media/") || url.startsWith("/static/identicon/")) {
          // Uploaded files (and the drawn default avatars) are never pages: stricter still, nothing may run or load from them.
          assert.equal(res.headers["content-security-policy"], "default-src 'none'; sandbox");
          assert.equal(res.headers["x-content-type-options"], "nosniff");
          continue;
        }
        assertSecurityHeaders(res, `${url} as ${who}`);
        if (String(res.headers["content-type"]).startsWith("text/html")) {
          htmlPages++;
          assertSelfContained(res, OWN, `${url} as ${who}`);
        }
        if (who === "a moderator") {
          // Staff may see every page; only these redirect.
          const redirects: Record<string, string> = {
            "/": "/home",
            "/settings": "/settings/profile",
            "/settings/posting": "/scheduled",
            "/signin": "/home",
            "/signup": "/home",
            [`/statuses/${world.linked}`]: `/@alice/${world.linked}`,
          };
          const location = redirects[url];
          // The moderator holds no legal role; nobody else's legal notice is theirs to read.
          const status =
            url === "/oauth/authorize"
              ? 400
              : url.startsWith("/staff/legal")
                ? 403
                : url === "/legal/notices/1"
                  ? 404
                  : location
                    ? 303
                    : 200;
          assert.equal(res.statusCode, status, `${url}: ${res.statusCode}`);
          if (location) assert.equal(res.headers.location, location);
        }
      }
      assert.ok(htmlPages >= (who === "a visitor" ? 10 : 30), `${htmlPages} HTML pages checked`);
    });
  }

  test("the user's own link is the only other origin on the page, and it carries rel=ugc", async () => {
    const res = await site.web.client().get(`/@alice/${world.linked}`);
    assert.ok(res.body.includes('href="https://example.org/report"'));
    assert.deepEqual(foreignReferences(res.body, OWN), []);
    // The check itself catches what it should.
    assert.deepEqual(foreignReferences(res.body.replace(' rel="nofollow noopener noreferrer ugc"', ""), OWN), [
      '<a href="https://example.org/report">',
    ]);
    assert.deepEqual(foreignReferences('<img src="//cdn.example/x.png"><link href="https://fonts.example/">', OWN), [
      '<img src="//cdn.example/x.png">',
      '<link href="https://fonts.example/">',
    ]);
    assert.deepEqual(foreignReferences(`<a href="${OWN}/tags/x">`, OWN), []);
    assert.deepEqual(foreignReferences('<link rel="icon" href="data:,"><a href="data:text/html,hi">', OWN), [
      '<a href="data:text/html,hi">',
    ]);
    assert.deepEqual(foreignReferences(`<a href="${OWN}.evil.example/">`, OWN), [`<a href="${OWN}.evil.example/">`]);
  });

  test("the stylesheet is cached and revalidated with an ETag", async () => {
    const res = await site.web.client().get("/static/publius.css");
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^text\/css/);
    const etag = String(res.headers.etag);
    const again = await site.web.client().get("/static/publius.css", { "if-none-match": etag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, "");
  });

  /** For every POST route: a real address and a form that would be valid but for the token. */
  function postForms(): Record<string, [string, Record<string, string>]> {
    const { linked, edited, alice, bob, reportId, sessionId, graceId } = world;
    const a = alice.account.id;
    return {
      "/accounts/:id/block": [`/accounts/${a}/block`, {}],
      "/accounts/:id/follow": [`/accounts/${a}/follow`, {}],
      "/accounts/:id/mute": [`/accounts/${a}/mute`, {}],
      "/accounts/:id/report": [`/accounts/${a}/report`, { reason: "forged" }],
      "/accounts/:id/unblock": [`/accounts/${a}/unblock`, {}],
      "/accounts/:id/unfollow": [`/accounts/${bob.account.id}/unfollow`, {}],
      "/accounts/:id/unmute": [`/accounts/${a}/unmute`, {}],
      "/follow-requests/:id/authorize": [`/follow-requests/${a}/authorize`, {}],
      "/follow-requests/:id/reject": [`/follow-requests/${a}/reject`, {}],
      "/notifications/read": ["/notifications/read", {}],
      "/oauth/authorize": [
        "/oauth/authorize",
        { response_type: "code", client_id: "x", redirect_uri: "urn:ietf:wg:oauth:2.0:oob", decision: "allow" },
      ],
      // Before any handler runs, so an app that does not exist will do.
      "/settings/apps/:id/revoke": ["/settings/apps/1/revoke", {}],
      "/settings/delete": ["/settings/delete", { password: PASSWORD }],
      "/settings/export": ["/settings/export", {}],
      "/settings/invites": ["/settings/invites", { max_uses: "1", expires: "7" }],
      "/settings/password": ["/settings/password", { current: PASSWORD, password: "forged new password" }],
      "/settings/posting": ["/settings/posting", { post_delay: "6h" }],
      "/scheduled/:id/cancel": ["/scheduled/1/cancel", {}],
      "/settings/profile": ["/settings/profile", { display_name: "Forged", note: "forged" }],
      "/settings/sessions/:id/revoke": [`/settings/sessions/${sessionId}/revoke`, {}],
      "/settings/sessions/end-others": ["/settings/sessions/end-others", {}],
      "/signin": ["/signin", { handle: "alice", password: PASSWORD }],
      "/signout": ["/signout", {}],
      "/signup": ["/signup", { handle: "forged", password: PASSWORD, password_confirmation: PASSWORD }],
      "/staff/accounts/:id/suspend": [`/staff/accounts/${a}/suspend`, { reason: "forged" }],
      "/staff/accounts/:id/unsuspend": [`/staff/accounts/${a}/unsuspend`, { reason: "forged" }],
      "/staff/applications/:id/approve": [`/staff/applications/${graceId}/approve`, {}],
      "/staff/applications/:id/reject": [`/staff/applications/${graceId}/reject`, {}],
      "/staff/reports/:id/resolve": [`/staff/reports/${reportId}/resolve`, { reason: "forged" }],
      "/staff/statuses/:id/remove": [`/staff/statuses/${linked}/remove`, { reason: "forged" }],
      "/statuses": ["/statuses", { text: "forged", visibility: "public" }],
      "/statuses/:id/delete": [`/statuses/${world.reply}/delete`, {}],
      "/statuses/:id/edit": [`/statuses/${world.reply}/edit`, { text: "forged" }],
      "/statuses/:id/favourite": [`/statuses/${edited}/favourite`, {}],
      "/statuses/:id/reblog": [`/statuses/${edited}/reblog`, {}],
      "/statuses/:id/report": [`/statuses/${edited}/report`, { reason: "forged" }],
      "/statuses/:id/unfavourite": [`/statuses/${linked}/unfavourite`, {}],
      "/statuses/:id/unreblog": [`/statuses/${linked}/unreblog`, {}],
      "/statuses/:id/bookmark": [`/statuses/${edited}/bookmark`, {}],
      "/statuses/:id/unbookmark": [`/statuses/${linked}/unbookmark`, {}],
      "/legal/notices/:id/respond": ["/legal/notices/1/respond", { body: "forged" }],
      ...Object.fromEntries(LEGAL_POST_ROUTES.map((p) => [p, [legalUrl(p), { reason: "forged", text: "forged" }]])),
    };
  }

  test("the CSRF sweep below covers every POST route of the web UI", () => {
    const web = routePatterns(site.web.app, "POST").filter((p) => !isApi(p));
    const covered = Object.keys(postForms()).sort();
    assert.deepEqual(
      web.filter((p) => !covered.includes(p)),
      [],
      "a new form: add it to postForms() in test/http/errors.test.ts",
    );
  });

  test("every POST route refuses a missing, wrong or another browser's CSRF token, and writes nothing", async () => {
    const mod: Member = world.mod;
    const other = site.web.client();
    await other.get("/signin");
    const before = await snapshot(site.ctx);
    for (const [url, form] of Object.values(postForms())) {
      for (const [label, csrf] of [
        ["missing", ""],
        ["wrong", "x".repeat(43)],
        ["another browser's", other.csrf],
      ] as const) {
        const res = await mod.client.post(url, form, { csrf });
        assert.match(pageText(res, 403), CSRF_MESSAGE, `${url} with a ${label} token`);
        assertSelfContained(res, OWN, `${url} refused`);
      }
    }
    // Without any cookie at all (a form on another site posting blind).
    const blind = site.web.client();
    for (const [url, form] of Object.values(postForms())) {
      const res = await blind.send("POST", url, new URLSearchParams(form).toString(), {
        "content-type": "application/x-www-form-urlencoded",
      });
      assert.match(pageText(res, 403), CSRF_MESSAGE, `${url} without cookies`);
    }
    assert.deepEqual(await snapshot(site.ctx), before);
    // The moderator is still signed in and nothing happened on their behalf.
    assert.equal((await mod.client.get("/home")).statusCode, 200);
  });

  test("a token sent twice (as a list) is not a token", async () => {
    const before = await snapshot(site.ctx);
    const body = `csrf=${world.alice.client.csrf}&csrf=${world.alice.client.csrf}&text=twice&visibility=public`;
    const res = await world.alice.client.send("POST", "/statuses", body, {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.match(pageText(res, 403), CSRF_MESSAGE);
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

describe("error answers", () => {
  let site: OpenSite;
  let alice: Member;
  before(async () => {
    site = await openSite();
    alice = await site.member("alice");
    await alice.client.publish("existing post");
  });
  after(() => site.close());

  const form = { "content-type": "application/x-www-form-urlencoded" };

  test("an unknown address gets the 404 page, signed in or not", async () => {
    for (const client of [site.web.client(), alice.client]) {
      const res = await client.get("/no/such/page?x=1");
      const text = pageText(res, 404);
      assert.match(text, /Not found There is no page at this address\. Go to the start page/);
      assertSelfContained(res, OWN, "the 404 page");
    }
    assert.match(
      pageText(await alice.client.get("/no/such/page"), 404),
      /Sign out/,
      "the 404 page knows who is signed in",
    );
    assert.match(pageText(await site.web.client().get("/@nobody_here"), 404), /No such account\./);
    assert.match(pageText(await site.web.client().get("/@alice/123456789012345678"), 404), /Not found/);
    assert.equal((await alice.client.post("/no/such/form", {})).statusCode, 404);
  });

  test("an oversized form gets 413 and writes nothing", async () => {
    const before = await snapshot(site.ctx);
    for (const url of ["/statuses", "/signup", "/settings/profile"]) {
      const body = `csrf=${alice.client.csrf}&text=${"a".repeat(70 * 1024)}&visibility=public`;
      const res = await alice.client.send("POST", url, body, form);
      assert.match(pageText(res, 413), /That request is too large\./, url);
      assertSelfContained(res, OWN, `413 from ${url}`);
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("a malformed form body gets 400 and writes nothing", async () => {
    const before = await snapshot(site.ctx);
    const csrf = alice.client.csrf;
    for (const [label, body, type] of [
      ["a broken percent-escape", `csrf=${csrf}&text=100%25%zz&visibility=public`, form["content-type"]],
      ["a cut-off UTF-8 sequence", `csrf=${csrf}&text=%E2%82&visibility=public`, form["content-type"]],
      ["a lone surrogate", `csrf=${csrf}&text=%ED%A0%80x&visibility=public`, form["content-type"]],
      ["a NUL character", `csrf=${csrf}&text=a%00b&visibility=public`, form["content-type"]],
      ["invalid JSON", `{"csrf": "${csrf}", "text": `, "application/json"],
    ] as const) {
      const res = await alice.client.send("POST", "/statuses", body, { "content-type": type });
      assert.equal(res.statusCode, 400, `${label}: ${res.statusCode}`);
      assert.match(pageText(res, 400), /Cannot do that/, label);
      assertSelfContained(res, OWN, label);
    }
    // The compose form takes images, so /statuses reads multipart bodies (issue 13): a malformed one
    // is the client's fault, a 400, never a 500 (it was a 415 while the form took no files).
    const multipart = await alice.client.send("POST", "/statuses", "no boundary here\r\n", {
      "content-type": "multipart/form-data; boundary=x",
    });
    assert.equal(multipart.statusCode, 400);
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("a NUL character in the address is a 400, not a server error", async () => {
    for (const url of [
      "/search?q=a%00b",
      "/@a%00b",
      "/tags/a%00b",
      "/statuses/1%00",
      "/@alice/1%00/history",
      "/local?max_id=%00",
    ]) {
      const res = await alice.client.get(url);
      assert.equal(res.statusCode, 400, `${url}: ${res.statusCode}`);
      assertSelfContained(res, OWN, url);
    }
  });

  test("ids that are not ids, or far out of range, are 404 or ignored, never a server error", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    const before = await snapshot(site.ctx);
    for (const id of ["abc", "1.5", "-1", "99999999999999999999", "0x10"]) {
      for (const path of [
        `/staff/reports/${id}/resolve`,
        `/staff/statuses/${id}/remove`,
        `/staff/accounts/${id}/suspend`,
        `/staff/applications/${id}/approve`,
        `/follow-requests/${id}/authorize`,
        `/settings/sessions/${id}/revoke`,
        `/accounts/${id}/follow`,
        `/statuses/${id}/favourite`,
      ]) {
        const res = await mod.client.post(path, { reason: "checking" });
        assert.equal(res.statusCode, 404, `${path}: ${res.statusCode}`);
      }
      assert.equal((await mod.client.get(`/statuses/${encodeURIComponent(id)}`)).statusCode, 404);
    }
    // Paging bounds beyond any real id are no error.
    const big = "99999999999999999999";
    for (const path of [
      "/notifications",
      "/@alice/followers",
      "/@alice/following",
      "/follow-requests",
      "/local",
      "/home",
      "/@alice",
    ]) {
      for (const param of ["max_id", "min_id", "since_id"]) {
        const res = await mod.client.get(`${path}?${param}=${big}`);
        assert.equal(res.statusCode, 200, `${path}?${param}=${big}: ${res.statusCode}`);
      }
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("a decision naming a report that does not exist is refused, and nothing is written", async () => {
    const admin = await site.member("admin", { roles: ["admin"] });
    const id = await alice.client.publish("to be judged");
    const before = await snapshot(site.ctx);
    for (const reportId of ["424242", "99999999999999999999"]) {
      for (const path of [`/staff/statuses/${id}/remove`, `/staff/accounts/${alice.account.id}/suspend`]) {
        const res = await admin.client.post(path, { reason: "checking", report_id: reportId });
        assert.match(pageText(res, 404), /No such report\./, `${path} with report ${reportId}`);
      }
    }
    assert.deepEqual(await snapshot(site.ctx), before);
    assert.equal((await site.web.client().get(`/@alice/${id}`)).statusCode, 200, "the post stays");
  });

  test("a 403 and a 422 are pages too, with the headers", async () => {
    const bob = await site.member("bob");
    const id = await alice.client.publish("alice's");
    const forbidden = await bob.client.get(`/statuses/${id}/edit`);
    assert.match(pageText(forbidden, 403), /Not allowed You can only edit your own posts\./);
    assertSelfContained(forbidden, OWN, "403 page");
    const invalid = await bob.client.post("/statuses", { text: "", visibility: "public" });
    pageText(invalid, 422);
    assertSelfContained(invalid, OWN, "422 page");
  });

  test("a server error shows a safe message and logs no request details", async () => {
    const timelines = site.ctx.services.timelines;
    const local = timelines.local;
    timelines.local = async () => {
      throw new Error("internal detail: relation statuses is broken");
    };
    try {
      const res = await site.web.client().get("/local?secret=swordfish");
      assert.match(pageText(res, 500), /Error Something went wrong on our side\./);
      assert.ok(!res.body.includes("internal detail"), "the cause stays on the server");
      assert.ok(!res.body.includes("swordfish"));
      assertSelfContained(res, OWN, "500 page");
      const logged = site.web.log.join("\n");
      assert.match(logged, /"level":"error".*internal detail: relation statuses is broken/);
      assert.ok(!logged.includes("swordfish"), "the query string is not logged");
    } finally {
      timelines.local = local;
    }
  });
});

function isApi(path: string): boolean {
  return (
    path.startsWith("/api/") ||
    path.startsWith("/oauth/token") ||
    path.startsWith("/oauth/revoke") ||
    path.startsWith("/.well-known/") ||
    path.startsWith("/nodeinfo/")
  );
}
