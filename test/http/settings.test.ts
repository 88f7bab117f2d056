// Settings: profile, password, sessions, invites and account deletion.
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
  links,
  pageText,
  textareaValue,
  XSS,
} from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { textOf, useSite } from "../helpers/web.ts";

const NEW_PASSWORD = "another long passphrase here";

describe("profile settings", () => {
  const site = useSite();

  test("/settings goes to the profile tab, which shows the current values", async () => {
    const rogue = await site.member("rogueNoaa");
    assertRedirect(await rogue.client.get("/settings"), "/settings/profile");
    const res = await rogue.client.get("/settings/profile");
    assert.match(
      pageText(res),
      /Settings Profile Password Sessions Authorised apps Publishing delay What we hold about you Delete account/,
    );
    assert.ok(!links(res.body).includes("/settings/invites"), "no invites tab for a plain user");
    assert.equal(inputValue(res.body, "display_name"), "Rogue NOAA");
    assert.equal(textareaValue(res.body, "note"), "Climate science, unmuzzled.");
    assert.match(res.body, /<input type="checkbox" id="locked" name="locked" value="1">/);
  });

  test("saving updates the profile everywhere, escaped, and can lock the account", async () => {
    const alice = await site.member("alice");
    const name = ATTR_XSS; // 29 characters, within the limit
    const note = `About me: ${XSS}`;
    const res = await alice.client.post("/settings/profile", { display_name: name, note, locked: "1" });
    assertRedirect(res, "/settings/profile?notice=saved");
    const form = await alice.client.get("/settings/profile?notice=saved");
    assert.match(pageText(form), /Saved\./);
    assert.equal(inputValue(form.body, "display_name"), name);
    assert.equal(textareaValue(form.body, "note"), note);
    assertEscaped(form.body, name, "the settings form");
    assertEscaped(form.body, note, "the settings form");
    assert.match(form.body, /name="locked" value="1" checked>/);

    const profile = await site.web.client().get("/@alice");
    assert.match(pageText(profile), /@alice Locked About me: <script>alert\(1\)<\/script>/);
    assertEscaped(profile.body, name, "the profile");
    assertEscaped(profile.body, note, "the profile");

    // Unchecking the box unlocks.
    await alice.client.post("/settings/profile", { display_name: "Alice", note: "" });
    assert.equal((await site.ctx.services.accounts.byHandle("alice"))?.locked, false);
  });

  test("a display name over 30 or a bio over 500 characters is refused with 422 and a field message", async () => {
    const alice = await site.member("alice");
    const before = await snapshot(site.ctx);
    let res = await alice.client.post("/settings/profile", { display_name: "n".repeat(31), note: "" });
    assert.match(pageText(res, 422), /At most 30 characters\./);
    assert.match(res.body, /id="display_name"[^>]*aria-invalid="true" aria-describedby="displayName-error"/);
    assert.match(res.body, /<p class="error" id="displayName-error">At most 30 characters\.<\/p>/);
    assert.equal(inputValue(res.body, "display_name"), "n".repeat(31), "what was typed is kept");

    res = await alice.client.post("/settings/profile", { display_name: "Alice", note: `${"b".repeat(500)}<` });
    assert.match(pageText(res, 422), /At most 500 characters\./);
    assert.match(res.body, /<p class="error" id="note-error">At most 500 characters\.<\/p>/);
    assert.equal(textareaValue(res.body, "note"), `${"b".repeat(500)}<`);
    assert.deepEqual(await snapshot(site.ctx), before);

    // Exactly at the limits, counted as people count (an emoji is one character).
    res = await alice.client.post("/settings/profile", { display_name: "👩🏽‍🔬".repeat(30), note: "é".repeat(500) });
    assertRedirect(res, "/settings/profile?notice=saved");
    assert.equal((await site.ctx.services.accounts.byHandle("alice"))?.displayName, "👩🏽‍🔬".repeat(30));
  });
});

describe("password settings", () => {
  const site = useSite();

  test("a wrong current password is refused with 422 and the old password still works", async () => {
    const bob = await site.member("bob");
    const before = await snapshot(site.ctx);
    const res = await bob.client.post("/settings/password", { current: "not my password", password: NEW_PASSWORD });
    assert.match(pageText(res, 422), /The current password is not right\./);
    assert.match(res.body, /id="current"[^>]*aria-invalid="true"/);
    assert.ok(!res.body.includes("not my password"), "passwords are never echoed back");
    assert.ok(!res.body.includes(NEW_PASSWORD));
    assert.deepEqual(await snapshot(site.ctx), before);
    assertRedirect(await site.web.client().signIn("bob"), "/home");
  });

  test("a weak new password is refused", async () => {
    const bob = await site.member("bob");
    const before = await snapshot(site.ctx);
    const res = await bob.client.post("/settings/password", { current: PASSWORD, password: "short" });
    assert.match(pageText(res, 422), /A password needs at least 10 characters\./);
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("the right current password changes it: the old one stops working, the new one works", async () => {
    const bob = await site.member("bob");
    const res = await bob.client.post("/settings/password", { current: PASSWORD, password: NEW_PASSWORD });
    assertRedirect(res, "/settings/password?notice=password");
    assert.match(pageText(await bob.client.get("/settings/password?notice=password")), /Your password is changed\./);
    assert.equal((await site.web.client().signIn("bob", PASSWORD)).statusCode, 401);
    assertRedirect(await site.web.client().signIn("bob", NEW_PASSWORD), "/home");
  });
});

describe("sessions", () => {
  const site = useSite();

  test("the list shows days only, marks this session, and ending another signs that browser out", async () => {
    const carol = await site.member("carol");
    site.ctx.clock.advance(3 * 24 * 3600 * 1000 + 3_723_000);
    const laptop = site.web.client();
    assertRedirect(await laptop.signIn("carol"), "/home");
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: carol.account.id }), 2);

    const res = await laptop.get("/settings/sessions");
    const table = /<table>[\s\S]*<\/table>/.exec(res.body)?.[0] ?? "";
    const text = textOf(table);
    assert.match(text, /Began Ends/);
    assert.match(text, /Mar 17, 2026 this one Apr 16, 2026/);
    assert.match(text, /Mar 14, 2026 Apr 13, 2026/);
    assert.ok(!/\d{1,2}:\d{2}/.test(text), "no times of day");
    assert.ok(!/\b(IP|address|browser|device|agent|last seen)\b/i.test(text), "nothing about the device");
    assert.match(pageText(res), /no address, no device, no "last seen"/);

    const revoke = [...res.body.matchAll(/action="(\/settings\/sessions\/([^/]+)\/revoke)"/g)].map(
      (m) => m[1] as string,
    );
    assert.equal(revoke.length, 2);
    const sessions = await site.ctx.services.sessions.list(carol.viewer);
    const older = sessions.find((s) => s.createdDay === "2026-03-14");
    assert.ok(older);
    assertRedirect(await laptop.post(`/settings/sessions/${older.id}/revoke`), "/settings/sessions?notice=revoked");
    assert.match(pageText(await laptop.get("/settings/sessions?notice=revoked")), /The session is ended\./);
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: carol.account.id }), 1);
    assertSignInRequired(await carol.client.get("/home"), "/home");
    assert.equal((await laptop.get("/home")).statusCode, 200, "this browser stays signed in");
  });

  test("ending this session signs out; someone else's session cannot be ended", async () => {
    const carol = await site.member("carol");
    const dave = await site.member("dave");
    const [mine] = await site.ctx.services.sessions.list(carol.viewer);
    const [theirs] = await site.ctx.services.sessions.list(dave.viewer);
    const before = await snapshot(site.ctx);
    assert.match(
      pageText(await carol.client.post(`/settings/sessions/${theirs?.id}/revoke`), 404),
      /No such session\./,
    );
    assert.deepEqual(await snapshot(site.ctx), before);
    assertRedirect(await carol.client.post(`/settings/sessions/${mine?.id}/revoke`), "/signin?notice=signedout");
    assert.ok(!carol.client.cookies.has("publius_session"));
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: carol.account.id }), 0);
    assert.equal((await dave.client.get("/home")).statusCode, 200);
  });
});

describe("invites, by default", () => {
  const site = useSite();

  test("a plain user cannot make invite codes (403) and writes nothing", async () => {
    const alice = await site.member("alice");
    const before = await snapshot(site.ctx);
    assert.match(
      pageText(await alice.client.get("/settings/invites"), 403),
      /Only staff can create invite codes on this server\./,
    );
    assert.match(
      pageText(await alice.client.post("/settings/invites", { max_uses: "1", expires: "7" }), 403),
      /Only staff can create invite codes on this server\./,
    );
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("staff make invite codes and see them with their link", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    const form = await mod.client.get("/settings/invites");
    assert.match(pageText(form), /No invites yet\./);
    assert.ok(links(form.body).includes("/settings/invites"), "staff have the invites tab");

    assertRedirect(
      await mod.client.post("/settings/invites", { max_uses: "5", expires: "7" }),
      "/settings/invites?notice=invite",
    );
    assertRedirect(
      await mod.client.post("/settings/invites", { max_uses: "", expires: "" }),
      "/settings/invites?notice=invite",
    );
    const page = await mod.client.get("/settings/invites?notice=invite");
    const text = pageText(page);
    assert.match(text, /A new invite code is ready\./);
    const codes = [...page.body.matchAll(/<code>([A-Za-z0-9_-]+)<\/code>/g)].map((m) => m[1] as string);
    assert.equal(codes.length, 2);
    for (const code of codes) assert.match(text, new RegExp(`http://publius\\.test/signup\\?invite=${code}`));
    assert.match(text, /0 of 5 Mar 21, 2026/);
    assert.match(text, /0 of ∞ never/);
    const visitor = site.web.client();
    assertRedirect(await visitor.signUp("grace", PASSWORD, { invite: codes[0] as string }), "/home");
  });

  test("a nonsensical number of uses is refused with 422", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    const before = await snapshot(site.ctx);
    const res = await mod.client.post("/settings/invites", { max_uses: "lots", expires: "7" });
    assert.match(pageText(res, 422), /Uses must be a whole number from 1 to 10,000, or unlimited\./);
    const res2 = await mod.client.post("/settings/invites", { max_uses: "1", expires: "9999" });
    assert.match(pageText(res2, 422), /Expiry must be from 1 to 365 days\./);
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

describe("invites, when users may invite", () => {
  const site = useSite({ env: { PUBLIUS_USERS_MAY_INVITE: "true" } });

  test("a plain user may make invite codes", async () => {
    const alice = await site.member("alice");
    const form = await alice.client.get("/settings/invites");
    assert.match(pageText(form), /Give an invite code to someone you trust/);
    assertRedirect(
      await alice.client.post("/settings/invites", { max_uses: "1", expires: "30" }),
      "/settings/invites?notice=invite",
    );
    assert.equal(await rowCount(site.ctx, "invites", { created_by: alice.account.id }), 1);
  });
});

describe("account deletion", () => {
  const site = useSite();

  test("a wrong password is refused with 422 and nothing is deleted", async () => {
    const erin = await site.member("erin");
    await erin.client.publish("still here");
    const page = await erin.client.get("/settings/delete");
    assert.match(pageText(page), /Delete @erin .*your 1 post,/);
    const before = await snapshot(site.ctx);
    const res = await erin.client.post("/settings/delete", { password: "wrong password!" });
    assert.match(pageText(res, 422), /The password is not right\./);
    assert.match(res.body, /id="password"[^>]*aria-invalid="true"/);
    assert.deepEqual(await snapshot(site.ctx), before);
    assert.equal((await erin.client.get("/home")).statusCode, 200, "still signed in");
  });

  test("the right password deletes the account and everything of it, and signs out", async () => {
    const erin = await site.member("erin");
    const frank = await site.member("frank");
    const id = await frank.client.publish("frank's post");
    await erin.client.publish("erin's post");
    await erin.client.post(`/statuses/${id}/favourite`);
    await erin.client.post(`/accounts/${frank.account.id}/follow`);
    await frank.client.post(`/accounts/${erin.account.id}/follow`);

    const res = await erin.client.post("/settings/delete", { password: PASSWORD });
    assertRedirect(res, "/");
    assert.ok(!erin.client.cookies.has("publius_session"), "the session cookie is cleared");
    assertSignInRequired(await erin.client.get("/home"), "/home");
    for (const table of ["sessions", "statuses", "favourites", "notifications"] as const) {
      assert.equal(await rowCount(site.ctx, table, { account_id: erin.account.id }), 0, table);
    }
    assert.equal(await rowCount(site.ctx, "accounts", { handle: "erin" }), 0);
    assert.equal(await rowCount(site.ctx, "follows"), 0);
    assert.equal((await site.web.client().get("/@erin")).statusCode, 404);
    assert.equal((await site.web.client().signIn("erin")).statusCode, 401);
    const frankPage = pageText(await frank.client.get(`/@frank/${id}`));
    assert.match(frankPage, /0 replies · 0 reposts · 0 likes/, "others' counters are corrected");
    assert.match(pageText(await frank.client.get("/@frank")), /1 post · 0 following · 0 followers/);
    assert.ok(!pageText(await site.web.client().get("/local")).includes("erin's post"));
  });
});

describe("ending other sessions (finding 9.6)", () => {
  const site = useSite();

  test("changing the password ends every other session and every app token, in one go", async () => {
    const carol = await site.member("carol");
    const laptop = site.web.client();
    assertRedirect(await laptop.signIn("carol"), "/home");
    const app = await site.ctx.services.oauth.registerApp({ clientName: "App", redirectUris: "https://a.example/cb" });
    await site.ctx.services.oauth.issue(app.app.id, carol.account.id, ["read"]);
    const ended: unknown[] = [];
    site.ctx.events.subscribe((e) => {
      if (e.type === "account.sessions-ended") ended.push(e);
    });
    const res = await laptop.post("/settings/password", { current: PASSWORD, password: "a brand new passphrase 42" });
    assert.equal(res.statusCode, 303);
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: carol.account.id }), 1);
    assert.equal(await rowCount(site.ctx, "oauth_tokens", { account_id: carol.account.id }), 0);
    assertSignInRequired(await carol.client.get("/home"), "/home");
    assert.equal((await laptop.get("/home")).statusCode, 200, "the browser that changed it stays signed in");
    assert.equal(ended.length, 1, "listeners (the legal console's second-factor marks) hear of it");
  });

  test("Settings → Sessions has “Sign out everywhere else”, which keeps only this session", async () => {
    const carol = await site.member("carol");
    const laptop = site.web.client();
    assertRedirect(await laptop.signIn("carol"), "/home");
    const page = await laptop.get("/settings/sessions");
    assert.match(pageText(page), /Sign out everywhere else/);
    assertRedirect(await laptop.post("/settings/sessions/end-others"), "/settings/sessions?notice=signedoutothers");
    assert.equal(await rowCount(site.ctx, "sessions", { account_id: carol.account.id }), 1);
    assertSignInRequired(await carol.client.get("/home"), "/home");
    assert.equal((await laptop.get("/home")).statusCode, 200);
  });
});

describe("private pages are not cached (finding 9.18)", () => {
  const site = useSite();

  test("every signed-in page, and every private path even signed out, says no-store", async () => {
    const carol = await site.member("carol", { roles: ["admin"] });
    const paths = [
      "/home",
      "/notifications",
      "/settings/profile",
      "/settings/password",
      "/settings/sessions",
      "/settings/apps",
      "/settings/privacy",
      "/staff",
      "/staff/log",
      "/local",
      "/",
      "/@carol",
    ];
    for (const path of paths) {
      const res = await carol.client.get(path);
      assert.equal(res.headers["cache-control"], "no-store", `${path} (${res.statusCode})`);
    }
    const anonymous = site.web.client();
    for (const path of ["/home", "/notifications", "/settings/profile", "/staff"]) {
      const res = await anonymous.get(path);
      assert.match(String(res.headers["cache-control"]), /no-store/, `${path} signed out`);
    }
  });
});
