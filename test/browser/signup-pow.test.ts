// Open registration behind a proof of work, in a real Chromium: with JavaScript on, /static/pow.js
// solves the page's challenge (under the page's CSP, no inline script) and the account is made; with
// JavaScript off, the page explains the alternatives and an invite code admits. Low difficulty, so
// the check takes a moment.
import assert from "node:assert/strict";
import { test } from "node:test";
import { browserSkipReason, launchBrowser, PASSWORD, startServer, watchedContext } from "./harness.ts";

const skip = browserSkipReason();

test("open sign-up with proof of work: solved by the script with JavaScript on, invite or approval with it off", {
  skip,
  timeout: 60_000,
}, async (t) => {
  const server = await startServer({ env: { PUBLIUS_SIGNUP_POW_BITS: "10", PUBLIUS_USERS_MAY_INVITE: "true" } });
  const browser = await launchBrowser().catch(async (e) => {
    await server.close();
    throw e;
  });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  let code = "";

  await t.test("with JavaScript on, the script solves the challenge and the account is made", async () => {
    const alice = await watchedContext(browser, server.origin, { javaScriptEnabled: true });
    const a = alice.page;
    const scripts: string[] = [];
    a.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await a.goto("/signup");
    await a.getByLabel("Handle").fill("alice");
    await a.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await a.getByLabel("Password again").fill(PASSWORD);
    await a.getByText("Check done: you can sign up now.").waitFor({ timeout: 30_000 });
    assert.match(await a.locator('input[name="pow_counter"]').inputValue(), /^\d+$/);
    // The sign-up page runs the proof-of-work script and nothing else (signed-in pages add the
    // in-place actions script, public/publius.js).
    assert.deepEqual(scripts, ["/static/pow.js"]);
    await a.getByRole("button", { name: "Sign up" }).click();
    await a.waitForURL("**/home");
    await a.getByRole("heading", { level: 1, name: "Home" }).waitFor();
    assert.deepEqual(scripts, ["/static/pow.js", "/static/publius.js"]);
    assert.deepEqual(alice.consoleErrors, [], "no CSP violation or script error");
    assert.deepEqual(alice.foreignRequests, []);

    // Alice makes an invite for a friend whose browser runs no JavaScript.
    await a.goto("/settings/invites");
    await a.getByRole("button", { name: "Create invite" }).click();
    code = (await a.locator("table code").first().textContent()) ?? "";
    assert.match(code, /^[\w-]+$/);
  });

  await t.test(
    "with JavaScript off, the page offers an invite code or an application, and an invite admits",
    async () => {
      const bob = await watchedContext(browser, server.origin);
      const b = bob.page;
      await b.goto("/signup");
      // The alternatives are on the page; the <noscript> note explains them (Tor Browser's NoScript
      // shows it; Playwright's switch does not render <noscript>, so its markup is checked).
      await b.getByRole("group", { name: "Without JavaScript" }).waitFor();
      assert.match(await b.content(), /<noscript>[\s\S]*With JavaScript off you can still join[\s\S]*<\/noscript>/);
      assert.equal(await b.locator("#pow-status").isVisible(), false, "no progress line without the script");
      const fill = async (handle: string) => {
        await b.getByLabel("Handle").fill(handle);
        await b.getByLabel("Password", { exact: true }).fill(PASSWORD);
        await b.getByLabel("Password again").fill(PASSWORD);
      };
      await fill("bob");
      await b.getByRole("button", { name: "Sign up" }).click();
      await b
        .getByText(/Without JavaScript, this server needs an invite code/)
        .first()
        .waitFor();

      await fill("bob");
      await b.getByLabel("Invite code").fill(code);
      await b.getByRole("button", { name: "Sign up" }).click();
      await b.waitForURL("**/home");

      const carol = await watchedContext(browser, server.origin);
      const c = carol.page;
      await c.goto("/signup");
      await c.getByLabel("Handle").fill("carol");
      await c.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await c.getByLabel("Password again").fill(PASSWORD);
      await c.getByLabel("why would you like to join").fill("I report on the agency.");
      await c.getByRole("button", { name: "Sign up" }).click();
      await c.waitForURL("**/signin?notice=pending");
      for (const w of [bob, carol]) {
        // The refused form (422) is logged by Chromium as a failed load; nothing else may be.
        assert.deepEqual(
          w.consoleErrors.filter((e) => !/status of 422 .*\/signup\)$/.test(e)),
          [],
        );
        assert.deepEqual(w.foreignRequests, []);
        assert.deepEqual(w.documentsWithoutCsp, []);
      }
    },
  );
});
