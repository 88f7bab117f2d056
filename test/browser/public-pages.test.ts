// The public transparency pages in a real Chromium with JavaScript off: each renders, shows what it
// promises, and loads nothing from another origin.
import assert from "node:assert/strict";
import { test } from "node:test";
import { browserSkipReason, launchBrowser, startServer, watchedContext } from "./harness.ts";

const skip = browserSkipReason();

test("transparency report, canary, guidelines and about render with JavaScript off", {
  skip,
  timeout: 60_000,
}, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser().catch(async (e) => {
    await server.close();
    throw e;
  });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const watched = await watchedContext(browser, server.origin);
  const page = watched.page;
  const pages: [string, RegExp][] = [
    ["/transparency", /Transparency report/],
    ["/canary", /canary/i],
    ["/legal/guidelines", /Not collected|never collect/i],
    ["/about", /about this server|promise/i],
  ];
  for (const [path, heading] of pages) {
    const res = await page.goto(path);
    assert.equal(res?.status(), 200, path);
    assert.match(await page.locator("main").innerText(), heading, path);
    // The signing key's fingerprint is on every one of these pages.
    assert.equal(await page.locator("#key-fingerprint").count(), 1, `${path}: key fingerprint`);
  }
  // The charts are SVG the server drew, with an accessible name.
  const charts = page.locator("svg[role=img]");
  await page.goto("/transparency");
  for (const chart of await charts.all()) assert.ok((await chart.locator("title").count()) >= 1);
  assert.ok(watched.requests > 0);
  assert.deepEqual(watched.foreignRequests, []);
  assert.deepEqual(watched.documentsWithoutCsp, []);
  assert.deepEqual(watched.consoleErrors, []);
});
