// Issue 13, items 8 and 9, in Chromium with JavaScript off: an operator makes an administrator with
// `publius staff create` against the running server (its configuration), the new administrator signs
// in with the one-time password and is held on the password form until they choose their own; then
// the Staff link is there.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { browserSkipReason, launchBrowser, PASSWORD, startServer } from "./harness.ts";

const skip = browserSkipReason();

test("a one-time password is replaced at the first sign-in, before anything else", {
  skip,
  timeout: 120_000,
}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    let out = "";
    const code = await runCli(["staff", "create", "admin_ada", "--role", "admin"], server.env, (s) => {
      out += s;
    });
    assert.equal(code, 0);
    const oneTime = out.trimEnd().split("\n").pop() as string;

    const context = await browser.newContext({ baseURL: server.origin, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/signin");
    await page.getByLabel("Handle").fill("admin_ada");
    await page.getByLabel("Password").fill(oneTime);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/settings/password?notice=mustchange");
    assert.match((await page.locator("main").textContent()) ?? "", /Choose your own password now/);
    // Every other page leads back here.
    await page.goto("/staff");
    assert.match(page.url(), /\/settings\/password\?notice=mustchange$/);

    await page.getByLabel("One-time password").fill(oneTime);
    await page.getByLabel("New password").fill(PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.waitForURL("**/settings/password?notice=password");
    await page.goto("/home");
    assert.match(page.url(), /\/home$/);
    await page.getByRole("link", { name: /^Staff/ }).click();
    await page.waitForURL("**/staff");
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
