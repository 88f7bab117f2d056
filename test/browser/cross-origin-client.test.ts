// A browser-based client on another origin (a second port on 127.0.0.1), as Elk or Phanpy run:
// in a real Chromium it registers an app, completes OAuth, posts, pages the home timeline through
// the Link header and opens the streaming socket — all across origins, by CORS. The same origin
// cannot read the signed-in web pages, nor post through the web's forms, even after planting its
// own CSRF cookie (cookies are shared across the ports of one host).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { browserSkipReason, launchBrowser, PASSWORD, startServer } from "./harness.ts";

/** The page's global, where client.js leaves its results. */
declare const window: { __results?: { done?: boolean } };

const skip = browserSkipReason();

const FILES: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  ["client.html", "client.js", "forge.html", "forge.js"].map((name) => [
    `/${name}`,
    {
      type: name.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8",
      body: readFileSync(new URL(`./cross-origin/${name}`, import.meta.url)),
    },
  ]),
);

/** The other origin: a plain static server for the client and the hostile page. */
async function clientOrigin(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const file = FILES[new URL(req.url ?? "/", "http://x").pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test("a client on another origin works through CORS; that origin cannot read or post the web pages", {
  skip,
  timeout: 90_000,
}, async (t) => {
  const server = await startServer({ env: { PUBLIUS_SIGNUP_POW_BITS: "0" } });
  const other = await clientOrigin();
  const browser = await launchBrowser().catch(async (e) => {
    await server.close();
    other.server.close();
    throw e;
  });
  t.after(async () => {
    await browser.close();
    other.server.close();
    await server.close();
  });
  assert.notEqual(other.origin, server.origin);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // Signed in on the server's own pages, as a person using both would be.
  await page.goto(`${server.origin}/signup`);
  await page.getByLabel("Handle").fill("alice");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL("**/home");

  await t.test("the client registers, completes OAuth, posts, pages home by Link and streams", async () => {
    await page.goto(`${other.origin}/client.html?server=${encodeURIComponent(server.origin)}`);
    // The consent page on the server; the person authorises the app.
    await page.waitForURL(`${server.origin}/oauth/authorize?**`);
    await page.getByRole("button", { name: /^Authorise/ }).click();
    await page.waitForURL(`${other.origin}/client.html?code=**`);
    await page.waitForFunction(() => window.__results?.done, null, { timeout: 30_000 });
    const results = (await page.evaluate(() => window.__results)) as unknown as {
      steps: string[];
      error?: string;
      homeIds: string[];
      postedIds: string[];
    };
    assert.equal(results.error, undefined, `the client failed: ${results.error} after ${results.steps.join("; ")}`);
    assert.deepEqual(results.steps, [
      "token: Bearer",
      "signed in as: alice",
      "posted: 3",
      "rate limit readable: yes",
      "home pages: 2",
      "socket: open",
      "stream: update",
      "read /home: blocked",
      "read /settings: blocked",
      "read /settings/privacy.json: blocked",
      "credentialed api: blocked",
    ]);
    assert.deepEqual(results.homeIds, [...results.postedIds].reverse(), "every post, newest first, across two pages");
    assert.deepEqual(errors, []);
  });

  await t.test("the other origin cannot post through the web's compose form", async () => {
    for (const mode of ["guess", "toss"]) {
      const res = await Promise.all([
        page.waitForNavigation({ url: `${server.origin}/statuses` }),
        page.goto(`${other.origin}/forge.html?mode=${mode}&server=${encodeURIComponent(server.origin)}`),
      ]);
      const status = res[0]?.status();
      assert.equal(status, 403, `${mode}: the forged form is refused`);
    }
    // Nothing was posted: the public timeline has only the client's posts.
    const timeline = await (await fetch(`${server.origin}/api/v1/timelines/public?limit=40`)).json();
    const texts = (timeline as { content: string }[]).map((s) => s.content);
    assert.ok(!texts.some((c) => c.includes("forged")), `forged posts: ${texts.filter((c) => c.includes("forged"))}`);
    // And the person's own form still works.
    await context.clearCookies({ name: "publius_csrf", path: "/statuses" });
    await page.goto(`${server.origin}/compose`);
    await page.getByLabel("What do you want to say?").fill("posted from the site itself");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/\/@alice\/\d+\?notice=posted$/);
  });
});
