// Issue 13, item 8: sign-up and staff. Honest labels (no "(optional)" on a field one of which is
// needed), the refusal said once, the cleared passwords said, the approval state shown at sign-in,
// the Staff link counting what waits, and a one-time password replaced before anything else.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PASSWORD } from "../fixtures/accounts.ts";
import { rowCount } from "../helpers/db.ts";
import { assertRedirect, pageText } from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { textOf, useSite } from "../helpers/web.ts";

const times = (text: string, part: string) => text.split(part).length - 1;

describe("sign-up with JavaScript off behind the proof of work (the default)", () => {
  const site = useSite({ env: { PUBLIUS_SIGNUP_POW_BITS: "8" } });

  test("no field that may be needed is labelled optional", async () => {
    const res = await site.web.client().get("/signup");
    assert.doesNotMatch(res.body, /optional/i);
    assert.match(pageText(res), /fill in one of the two/);
  });

  test("neither an invite nor a reason: the refusal is printed once, and the cleared passwords are said", async () => {
    const client = site.web.client();
    await client.get("/signup");
    const res = await client.signUp("newcomer");
    const text = pageText(res, 422);
    assert.equal(times(text, "Without JavaScript, this server needs an invite code"), 1, text);
    assert.match(text, /Type your password again/);
    assert.match(res.body, /id="password"[^>]*aria-describedby="password-cleared"/, "read out with the field");
    assert.match(res.body, /name="handle"[^>]*value="newcomer"/, "the handle is kept");
  });
});

describe("sign-up and sign-in with staff approval", () => {
  const site = useSite({ env: { PUBLIUS_REGISTRATION: "approval" } });

  test("labels say what is needed; a refusal is printed once", async () => {
    const client = site.web.client();
    const form = await client.get("/signup");
    assert.doesNotMatch(form.body, /optional/i);
    assert.match(pageText(form), /needed unless you have an invite code/);
    const text = pageText(await client.signUp("rogue"), 422);
    assert.equal(times(text, "Tell the staff briefly why you would like to join."), 1, text);
    const mismatch = pageText(
      await client.post("/signup", {
        handle: "rogue",
        password: PASSWORD,
        password_confirmation: "other words",
        reason: "hi",
      }),
      422,
    );
    assert.equal(times(mismatch, "The two passwords differ."), 1, mismatch);
  });

  test("waiting since the day applied; approval told at the next sign-in, once", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    const applicant = site.web.client();
    await applicant.signUp("RogueNOAA", PASSWORD, { reason: "I study the climate" });
    const account = await site.ctx.services.accounts.byHandle("RogueNOAA");
    assert.ok(account);
    const day = new Date(`${account.createdDay}T00:00:00Z`).toLocaleDateString("en-GB", {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    });
    const waiting = pageText(await applicant.signIn("RogueNOAA"), 403);
    assert.match(waiting, new RegExp(`waiting for the staff since ${day}\\.`));

    // The Staff link counts the application for the moderator.
    const before = await mod.client.get("/home");
    assert.match(textOf(before.body), /Staff 1 waiting: 1 application/);

    await mod.client.post(`/staff/applications/${account.id}/approve`);
    assert.doesNotMatch(textOf((await mod.client.get("/home")).body), /waiting: /);
    const first = await applicant.signIn("RogueNOAA");
    assertRedirect(first, "/home?notice=approved");
    assert.match(pageText(await applicant.get("/home?notice=approved")), /The staff approved your application/);
    await applicant.post("/signout");
    assertRedirect(await applicant.signIn("RogueNOAA"), "/home");
  });
});

describe("the Staff link", () => {
  const site = useSite();

  test("counts open reports for moderators and admins, and is absent for others", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    await site.ctx.services.moderation.report(alice.viewer, { accountId: bob.account.id, reason: "spam" });
    await site.ctx.services.moderation.report(bob.viewer, { accountId: alice.account.id, reason: "spam" });
    const text = textOf((await mod.client.get("/home")).body);
    assert.match(text, /Staff 2 waiting: 2 open reports/);
    assert.doesNotMatch(textOf((await alice.client.get("/home")).body), /Staff|waiting: /);
  });
});

describe("a one-time password from publius staff create", () => {
  const site = useSite();

  test("must be replaced before anything else; then the site opens", async () => {
    const oneTime = "one time password 123";
    await site.ctx.services.accounts.register(
      { handle: "admin_ada", password: oneTime },
      { mode: "open", oneTimePassword: true },
    );
    const client = site.web.client();
    assertRedirect(await client.signIn("admin_ada", oneTime), "/home");
    for (const path of ["/home", "/settings/profile", "/compose", "/staff"]) {
      assertRedirect(await client.get(path), "/settings/password?notice=mustchange");
    }
    const page = pageText(await client.get("/settings/password?notice=mustchange"));
    assert.match(page, /one-time password\. Choose your own password now/);
    assert.match(page, /One-time password \(the one publius staff create printed\)/);
    const before = await snapshot(site.ctx);
    assertRedirect(
      await client.post("/statuses", { text: "hello", visibility: "public", idempotency: "x1" }),
      "/settings/password?notice=mustchange",
    );
    assert.deepEqual(await snapshot(site.ctx), before, "nothing was posted");
    // What the password page is made of still loads, and the API answers its tokens, not this cookie.
    assert.equal((await client.get("/static/publius.css")).statusCode, 200);
    assert.equal((await client.get("/api/v1/instance")).statusCode, 200);
    assertRedirect(await client.get("/oauth/authorize?client_id=x"), "/settings/password?notice=mustchange");

    assertRedirect(
      await client.post("/settings/password", { current: oneTime, password: PASSWORD }),
      "/settings/password?notice=password",
    );
    assert.equal((await client.get("/home")).statusCode, 200);
    assert.equal(await rowCount(site.ctx, "accounts", { handle: "admin_ada", password_change_required: 0 }), 1);
  });

  test("an account signed up in the ordinary way is never asked", async () => {
    const alice = await site.member("alice");
    assert.equal((await alice.client.get("/home")).statusCode, 200);
  });
});
