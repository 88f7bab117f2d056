// Sign-up in each registration mode, sign-in, sign-out, and what a signed-out visitor meets.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PASSWORD } from "../fixtures/accounts.ts";
import { rowCount } from "../helpers/db.ts";
import {
  ATTR_XSS,
  assertEscaped,
  assertRedirect,
  assertSignInRequired,
  inputValue,
  pageText,
  XSS,
} from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { useSite } from "../helpers/web.ts";

describe("open registration", () => {
  const site = useSite();

  test("the sign-up page asks for a handle and a password only", async () => {
    const res = await site.web.client().get("/signup");
    const text = pageText(res);
    assert.match(text, /Sign up/);
    assert.match(text, /Anyone may join this server\./);
    assert.match(text, /We ask for no e-mail address, no phone number and no real name/);
    const names = [...res.body.matchAll(/<(?:input|textarea|select)\b[^>]*\sname="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(names.sort(), ["csrf", "handle", "password", "password_confirmation"]);
  });

  test("signing up makes an account, signs in with a protected cookie and goes home", async () => {
    const client = site.web.client();
    const res = await client.signUp("ALT_USCIS");
    assertRedirect(res, "/home");
    const cookie = [res.headers["set-cookie"]].flat().find((c) => c?.startsWith("publius_session="));
    assert.ok(cookie, "a session cookie is set");
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    assert.equal(await rowCount(site.ctx, "accounts", { handle: "ALT_USCIS" }), 1);

    const home = await client.get("/home");
    const text = pageText(home);
    assert.match(text, /Home/);
    assert.match(text, /Sign out/);
    assert.ok(home.body.includes('href="/@ALT_USCIS"'), "the navigation links to one's own profile");
    // Signed in, the sign-up and sign-in pages send one home.
    assertRedirect(await client.get("/signup"), "/home");
    assertRedirect(await client.get("/signin"), "/home");
  });

  test("a handle that is taken, in any case, is refused with 422 and nothing is written", async () => {
    await site.member("alice");
    const before = await snapshot(site.ctx);
    const client = site.web.client();
    for (const handle of ["alice", "ALICE", "Alice"]) {
      const res = await client.signUp(handle);
      const text = pageText(res, 422);
      assert.match(text, /That handle is taken\./);
      assert.equal(inputValue(res.body, "handle"), handle, "the form keeps what was typed");
      assert.ok(!client.cookies.has("publius_session"), "no session for a refused sign-up");
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("a bad handle, a short password and differing passwords each get a 422 and a field message", async () => {
    const client = site.web.client();
    const before = await snapshot(site.ctx);

    let res = await client.signUp(XSS);
    assert.match(pageText(res, 422), /A handle is 1 to 30 letters, digits or underscores\./);
    assertEscaped(res.body, XSS, "the re-rendered sign-up form");
    assert.match(res.body, /id="handle"[^>]*aria-invalid="true" aria-describedby="handle-error"/);

    res = await client.signUp("dave", "short");
    assert.match(pageText(res, 422), /A password needs at least 10 characters\./);

    res = await client.post("/signup", {
      handle: "dave",
      password: PASSWORD,
      password_confirmation: `${PASSWORD}!`,
    });
    assert.match(pageText(res, 422), /The two passwords differ\./);

    res = await client.signUp("admin");
    assert.match(pageText(res, 422), /That handle is reserved\./);

    res = await client.signUp(ATTR_XSS.slice(0, 20));
    assert.equal(res.statusCode, 422);
    assertEscaped(res.body, ATTR_XSS.slice(0, 20), "the handle field");
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

describe("sign-in and sign-out", () => {
  const site = useSite();

  test("a wrong password gets 401 and no session; the right one, in any case of handle, signs in", async () => {
    await site.member("bob");
    const client = site.web.client();
    const sessions = await rowCount(site.ctx, "sessions");
    let res = await client.signIn("bob", "not the password at all");
    assert.match(pageText(res, 401), /That handle and password do not match\./);
    assert.equal(inputValue(res.body, "handle"), "bob");
    res = await client.signIn("nobody_here");
    assert.match(pageText(res, 401), /That handle and password do not match\./);
    assert.equal(await rowCount(site.ctx, "sessions"), sessions);
    assert.ok(!client.cookies.has("publius_session"));

    res = await client.signIn("BOB");
    assertRedirect(res, "/home");
    assert.equal(await rowCount(site.ctx, "sessions"), sessions + 1);
    assert.match(pageText(await client.get("/home")), /Sign out/);
  });

  test("signing in returns to the page that asked, but never to another site", async () => {
    await site.member("carol");
    const client = site.web.client();
    const res = await client.get("/settings/password");
    assertSignInRequired(res, "/settings/password");
    const form = await client.get(String(res.headers.location));
    assert.equal(inputValue(form.body, "next"), "/settings/password");
    assertRedirect(
      await client.post("/signin", { handle: "carol", password: PASSWORD, next: "/settings/password" }),
      "/settings/password",
    );

    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      const other = site.web.client();
      assertRedirect(await other.post("/signin", { handle: "carol", password: PASSWORD, next }), "/home");
      // Signed in, /signin?next=… redirects at once, with the same rule.
      assertRedirect(await other.get(`/signin?next=${encodeURIComponent(next)}`), "/home");
    }
    assertRedirect(await client.get("/signin?next=%2Flocal"), "/local");
  });

  test("the next field is escaped on the sign-in page", async () => {
    const next = `/x${ATTR_XSS}`;
    const res = await site.web.client().get(`/signin?next=${encodeURIComponent(next)}`);
    pageText(res);
    assertEscaped(res.body, next, "the sign-in form");
    assert.equal(inputValue(res.body, "next"), next);
  });

  test("signing out ends the session on the server and in the browser", async () => {
    const dave = await site.member("dave");
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: dave.account.id }), 1);
    const res = await dave.client.post("/signout");
    assertRedirect(res, "/signin?notice=signedout");
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: dave.account.id }), 0);
    assert.ok(!dave.client.cookies.has("publius_session"));
    assert.match(pageText(await dave.client.get("/signin?notice=signedout")), /You are signed out\./);
    assertSignInRequired(await dave.client.get("/home"), "/home");
  });

  test("an old session cookie kept by a browser no longer works after sign-out", async () => {
    const erin = await site.member("erin");
    const token = erin.client.cookies.get("publius_session") as string;
    await erin.client.post("/signout");
    const thief = site.web.client();
    thief.cookies.set("publius_session", token);
    assertSignInRequired(await thief.get("/notifications"), "/notifications");
  });
});

describe("signed-out visitors", () => {
  const site = useSite();

  test("every signed-in page redirects to /signin?next=… and back after signing in", async () => {
    const frank = await site.member("frank");
    const id = await frank.client.publish("a post to act on");
    const pages = [
      "/home",
      "/home?max_id=1",
      "/compose",
      `/compose?in_reply_to=${id}`,
      "/notifications",
      "/follow-requests",
      "/settings/profile",
      "/settings/password",
      "/settings/sessions",
      "/settings/invites",
      "/settings/apps",
      "/settings/delete",
      `/statuses/${id}/edit`,
      `/statuses/${id}/delete`,
      `/statuses/${id}/report`,
      `/accounts/${frank.account.id}/report`,
      "/staff",
      "/staff/applications",
      "/staff/log",
    ];
    for (const path of pages) {
      const visitor = site.web.client();
      const res = await visitor.get(path);
      assertSignInRequired(res, path);
    }
    const visitor = site.web.client();
    const res = await visitor.get("/compose?in_reply_to=" + id);
    const signin = await visitor.get(String(res.headers.location));
    const next = inputValue(signin.body, "next") as string;
    assert.equal(next, `/compose?in_reply_to=${id}`);
    await site.member("grace");
    assertRedirect(await visitor.post("/signin", { handle: "grace", password: PASSWORD, next }), next);
    assert.match(pageText(await visitor.get(next)), /Reply/);
  });

  test("a signed-out form post to a signed-in action is refused and writes nothing", async () => {
    const alice = await site.member("alice");
    const id = await alice.client.publish("like me");
    const visitor = site.web.client();
    await visitor.get("/local");
    const before = await snapshot(site.ctx);
    for (const [url, form] of [
      ["/statuses", { text: "anonymous", visibility: "public" }],
      [`/statuses/${id}/favourite`, {}],
      [`/accounts/${alice.account.id}/follow`, {}],
      ["/notifications/read", {}],
      ["/settings/profile", { display_name: "x" }],
    ] as const) {
      const res = await visitor.post(url, form);
      assert.match(pageText(res, 401), /Sign in first\./, url);
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("public pages work signed out and offer sign-in, not actions", async () => {
    const alice = await site.member("alice");
    const id = await alice.client.publish("hello #world");
    const visitor = site.web.client();
    const start = await visitor.get("/");
    const text = pageText(start);
    assert.match(text, /A place to write under a pseudonym/);
    assert.match(text, /hello #world/);
    for (const path of ["/local", "/@alice", `/@alice/${id}`, "/tags/world", "/search?q=hello", "/@alice/followers"]) {
      const res = await visitor.get(path);
      const t = pageText(res);
      assert.match(t, /Sign in/, path);
      assert.ok(!res.body.includes(`/statuses/${id}/favourite`), `${path} offers no like button signed out`);
    }
    // The start page sends signed-in people home.
    assertRedirect(await alice.client.get("/"), "/home");
  });
});

describe("approval registration", () => {
  const site = useSite({ env: { PUBLIUS_REGISTRATION: "approval" } });

  test("an applicant waits, cannot sign in, and is approved by staff", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    const applicant = site.web.client();
    const form = await applicant.get("/signup");
    assert.match(pageText(form), /The staff read each application/);
    assert.ok(form.body.includes('name="reason"'));

    const before = await snapshot(site.ctx);
    let res = await applicant.signUp("RogueNOAA");
    assert.match(pageText(res, 422), /Tell the staff briefly why you would like to join\./);
    assert.deepEqual(await snapshot(site.ctx), before);

    const reason = `I study the climate ${XSS}`;
    res = await applicant.signUp("RogueNOAA", PASSWORD, { reason });
    assertRedirect(res, "/signin?notice=pending");
    assert.ok(!applicant.cookies.has("publius_session"), "a pending applicant is not signed in");
    assert.match(pageText(await applicant.get("/signin?notice=pending")), /waiting for the staff/);
    const account = await site.ctx.services.accounts.byHandle("RogueNOAA");
    assert.equal(account?.state, "pending");

    res = await applicant.signIn("RogueNOAA");
    assert.match(
      pageText(res, 403),
      /Your application has been waiting for the staff since .+\. You can sign in once they approve it\./,
    );
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: account?.id as string }), 0);
    // A pending account has no public profile.
    assert.equal((await applicant.get("/@RogueNOAA")).statusCode, 404);

    const list = await mod.client.get("/staff/applications");
    const text = pageText(list);
    assert.match(text, /@RogueNOAA/);
    assert.match(text, /I study the climate/);
    assertEscaped(list.body, reason, "the applications page");

    res = await mod.client.post(`/staff/applications/${account?.id}/approve`);
    assertRedirect(res, "/staff/applications?notice=done");
    assert.match(pageText(await mod.client.get("/staff/applications?notice=done")), /No one is waiting\./);
    assert.equal((await site.ctx.services.accounts.byId(account?.id as string))?.state, "active");
    assertRedirect(await applicant.signIn("RogueNOAA"), "/home?notice=approved");
    assert.match(pageText(await mod.client.get("/staff/log")), /@mod_mia approve registration @RogueNOAA/);
  });

  test("a rejected application is deleted, reason and all", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    await site.web.client().signUp("grace", PASSWORD, { reason: "let me in" });
    const grace = await site.ctx.services.accounts.byHandle("grace");
    assert.ok(grace);
    assertRedirect(await mod.client.post(`/staff/applications/${grace.id}/reject`), "/staff/applications?notice=done");
    assert.equal(await rowCount(site.ctx, "accounts", { handle: "grace" }), 0);
    assert.match(pageText(await mod.client.get("/staff/log")), /reject registration/);
    // Deciding again finds nothing.
    assert.match(
      pageText(await mod.client.post(`/staff/applications/${grace.id}/approve`), 404),
      /No such application\./,
    );
  });

  test("a valid invite code admits at once, even in approval mode", async () => {
    const invite = await site.ctx.services.invites.create(null, { maxUses: 1 });
    const res = await site.web.client().signUp("erin", PASSWORD, { invite: invite.code });
    assertRedirect(res, "/home");
    assert.equal((await site.ctx.services.accounts.byHandle("erin"))?.state, "active");
  });

  test("only moderators and admins see or decide applications", async () => {
    const alice = await site.member("alice");
    const counsel = await site.member("counsel", { roles: ["legal"] });
    await site.web.client().signUp("frank", PASSWORD, { reason: "hello" });
    const frank = await site.ctx.services.accounts.byHandle("frank");
    const before = await snapshot(site.ctx);
    for (const who of [alice, counsel]) {
      assert.match(pageText(await who.client.get("/staff/applications"), 403), /Your role does not allow this\./);
      assert.equal((await who.client.post(`/staff/applications/${frank?.id}/approve`)).statusCode, 403);
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

describe("invite-only registration", () => {
  const site = useSite({ env: { PUBLIUS_REGISTRATION: "invite" } });

  test("a code is required, a wrong code is refused, and a single-use code admits once", async () => {
    const client = site.web.client();
    const form = pageText(await client.get("/signup"));
    assert.match(form, /Joining this server needs an invite code/);

    const before = await snapshot(site.ctx);
    let res = await client.signUp("alice");
    assert.match(pageText(res, 422), /An invite code is needed to join this server\./);
    res = await client.signUp("alice", PASSWORD, { invite: "not-a-code" });
    assert.match(pageText(res, 422), /That invite code is not valid\./);
    assert.equal(inputValue(res.body, "invite"), "not-a-code");
    assert.deepEqual(await snapshot(site.ctx), before);

    const invite = await site.ctx.services.invites.create(null, { maxUses: 1 });
    assertRedirect(await client.signUp("alice", PASSWORD, { invite: invite.code }), "/home");
    const row = await site.ctx.store.db
      .selectFrom("invites")
      .select("uses")
      .where("code", "=", invite.code)
      .executeTakeFirstOrThrow();
    assert.equal(Number(row.uses), 1);

    res = await site.web.client().signUp("bob", PASSWORD, { invite: invite.code });
    assert.match(pageText(res, 422), /That invite code is not valid\./);
    assert.equal(await rowCount(site.ctx, "accounts", { handle: "bob" }), 0);
  });

  test("an invite link fills in the code, escaped", async () => {
    const res = await site.web.client().get(`/signup?invite=${encodeURIComponent(ATTR_XSS)}`);
    pageText(res);
    assert.equal(inputValue(res.body, "invite"), ATTR_XSS);
    assertEscaped(res.body, ATTR_XSS, "the invite field");
  });
});

describe("return paths (finding 9.7)", () => {
  const site = useSite();

  test("hostile next values all land on a safe local path, never a 500", async () => {
    await site.member("carol");
    const hostile = [
      "/\t/evil.example/x",
      "/%09/evil.example/x",
      "/\n/evil.example/x",
      "/%0a/evil.example/x",
      "/\r\nSet-Cookie: x=1",
      "/\\evil.example",
      "\\\\evil.example",
      "//evil.example/",
      "/\\/evil.example/",
      "/%2F/evil.example",
      "/%5Cevil.example",
      "https://evil.example/",
      "HTTPS://evil.example",
      "javascript:alert(1)",
      " /evil",
      "/\u0000x",
    ];
    for (const next of hostile) {
      const res = await site.web.client().get(`/signin?next=${encodeURIComponent(next)}`);
      assert.notEqual(res.statusCode, 500, JSON.stringify(next));
      const field = inputValue(res.body, "next") ?? "";
      assert.ok(new URL(field, "https://publius.test").origin === "https://publius.test", JSON.stringify(next));
      assert.ok(!/[\t\n\r\\]/.test(field) && !field.startsWith("//"), `${JSON.stringify(next)} -> ${field}`);
      const other = site.web.client();
      const signedIn = await other.post("/signin", { handle: "carol", password: PASSWORD, next });
      // A NUL in a form is refused as a bad body (400) before anything else; everything else signs in.
      if (next.includes("\u0000")) {
        assert.equal(signedIn.statusCode, 400);
        continue;
      }
      assert.equal(signedIn.statusCode, 303, JSON.stringify(next));
      const location = String(signedIn.headers.location);
      assert.equal(new URL(location, "https://publius.test").origin, "https://publius.test", location);
      assert.ok(!/[\t\n\r\\]/.test(location) && !location.startsWith("//"), location);
      // Signed in, /signin?next=… redirects at once, with the same rule.
      const again = await other.get(`/signin?next=${encodeURIComponent(next)}`);
      assert.equal(again.statusCode, 303);
      assert.ok(!/[\t\n\r\\]/.test(String(again.headers.location)));
      assert.ok(!String(again.headers.location).startsWith("//"));
    }
  });
});
