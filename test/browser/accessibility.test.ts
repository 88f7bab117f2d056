// axe-core with the WCAG 2.2 rule set (wcag2a, wcag2aa, wcag21aa, wcag22aa: target-size included)
// on every page — a signed-in person's, a staff member's and the signed-out ones — in the light and
// the dark colour scheme. Fails on any violation of impact "serious" or "critical" and prints them all.
//
// axe is a script, so this pass needs JavaScript on (and the page's CSP bypassed to inject it); the
// pages themselves are the same server-rendered HTML the JavaScript-off journey reads.
//
// No page may scroll sideways on a phone (390×844) or a desktop (1280×900); with
// PUBLIUS_SCREENSHOTS=<folder> the same pass saves screenshots there, for a person to look at.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import sharp from "sharp";
import { runCli } from "../../src/cli/main.ts";
import {
  axeSource,
  browserSkipReason,
  launchBrowser,
  publish,
  signIn,
  signUp,
  startServer,
  watchedContext,
} from "./harness.ts";

const skip = browserSkipReason();
const screenshotDir = process.env.PUBLIUS_SCREENSHOTS || undefined;

/** A handle as long as allowed, to catch layouts that only work for short names. */
const LONG_HANDLE = "the_long_handle_of_a_whistler";

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: "minor" | "moderate" | "serious" | "critical" | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/** A picture worth looking at in a screenshot: a sky, a sun and hills, in the given hue. */
async function scenicJpeg(hue: number, width = 800, height = 600): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% 70%)"/><stop offset="1" stop-color="hsl(${hue + 30} 80% 88%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#s)"/><circle cx="${width * 0.7}" cy="${height * 0.35}" r="${height * 0.12}" fill="hsl(45 95% 62%)"/><path d="M0 ${height * 0.75} Q ${width * 0.3} ${height * 0.5} ${width * 0.6} ${height * 0.72} T ${width} ${height * 0.68} V ${height} H 0 Z" fill="hsl(${hue + 120} 35% 38%)"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** Fills the server with what a lived-in instance shows: follows, a thread, likes, a CW, long words. */
async function seed(
  browser: Browser,
  origin: string,
  env: Record<string, string>,
): Promise<{ threadPath: string; reportPath: string }> {
  const { context, page } = await watchedContext(browser, origin);
  await signUp(page, LONG_HANDLE);
  await publish(
    page,
    "Read the whole filing at https://www.courtlistener.com/docket/12345678/united-states-v-a-very-long-case-name/?page=2&order_by=desc before you believe the summary.\n\nAlso: Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen.",
  );
  await context.clearCookies();
  await signUp(page, "bob");
  await context.clearCookies();
  await signUp(page, "alice");
  await page.goto("/settings/profile");
  await page.getByLabel("Display name").fill("Alice Liddell");
  await page.getByLabel("About you").fill("Writes about the looking-glass world. Pseudonymous, obviously.");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL("**/settings/profile?notice=saved");
  for (const handle of ["bob", LONG_HANDLE]) {
    await page.goto(`/@${handle}`);
    await page.getByRole("button", { name: "Follow", exact: true }).click();
    await page.getByRole("button", { name: "Unfollow" }).waitFor();
  }
  const threadPath = await publish(page, "Hello @bob, welcome to #Publius! Pseudonyms welcome.");
  await publish(page, "The butler did it.", { contentWarning: "Spoiler: the finale" });
  await publish(page, "Two paragraphs.\n\nThe second one is here, with a #hashtag and a link to https://example.org.");
  // Two described images, and an avatar.
  await page.goto("/compose");
  await page.getByLabel("What do you want to say?").fill("The hills behind the house, morning and evening.");
  await page
    .locator("#image-1")
    .setInputFiles({ name: "a.jpg", mimeType: "image/jpeg", buffer: await scenicJpeg(200) });
  await page.locator("#alt-1").fill("Green hills under a pale blue morning sky, the sun low on the right.");
  await page.locator("#image-2").setInputFiles({ name: "b.jpg", mimeType: "image/jpeg", buffer: await scenicJpeg(10) });
  await page.locator("#alt-2").fill("The same hills at dusk, the sky orange and pink.");
  await page.getByRole("button", { name: "Publish" }).click();
  await page.waitForURL(/notice=posted/);
  const reportPath = `/statuses/${new URL(page.url()).pathname.split("/").pop()}/report`;
  await page.goto("/settings/profile");
  await page
    .getByLabel("Avatar")
    .setInputFiles({ name: "me.jpg", mimeType: "image/jpeg", buffer: await scenicJpeg(280, 400, 400) });
  await page
    .getByLabel("Header", { exact: false })
    .setInputFiles({ name: "h.jpg", mimeType: "image/jpeg", buffer: await scenicJpeg(170, 1500, 500) });
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL("**/settings/profile?notice=saved");

  await context.clearCookies();
  await signIn(page, "bob");
  await page.goto(`/@alice`);
  await page.getByRole("button", { name: "Follow", exact: true }).click();
  await page.getByRole("button", { name: "Unfollow" }).waitFor();
  await page.goto(threadPath);
  const reply = page.getByRole("region", { name: "Reply" });
  await reply.getByLabel("What do you want to say?").fill("@alice Thank you, glad to be here!");
  await reply.getByRole("button", { name: "Publish" }).click();
  await page.waitForURL(/notice=posted/);
  await page.goto(threadPath);
  const card = page.getByRole("article").filter({ hasText: "Pseudonyms welcome." });
  await card.getByRole("button", { name: "Like", exact: true }).click();
  await card.getByRole("button", { name: "Unlike" }).waitFor();
  await card.getByRole("button", { name: "Repost", exact: true }).click();
  await card.getByRole("button", { name: "Undo repost" }).waitFor();
  await card.getByRole("button", { name: "Bookmark", exact: true }).click();
  await card.getByRole("button", { name: "Remove bookmark" }).waitFor();
  // An open report for the staff pages, and alice on the staff (as an operator would make her).
  await page.goto(reportPath);
  for (const path of [reportPath, `/statuses/${threadPath.split("/").pop()}/report`]) {
    await page.goto(path);
    await page.getByLabel(/What is wrong\?/).fill("Testing the moderation queue.");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.waitForURL(/notice=reported/);
  }
  assert.equal(await runCli(["staff", "create", "alice", "--role", "moderator", "--role", "admin"], env, () => {}), 0);
  // One decision for the staff log; the other report stays open.
  await context.clearCookies();
  await signIn(page, "alice");
  await page.goto("/staff");
  await page.getByLabel("Reason for “Close without action”").last().fill("Not against the rules: a greeting.");
  await page.getByRole("button", { name: "Close without action" }).last().click();
  await page.waitForURL(/notice=/);
  await context.close();
  return { threadPath, reportPath: reportPath.replace(/^/, "") };
}

/** One person's browser: signed in as `handle`, or signed out. */
async function personContext(
  browser: Browser,
  origin: string,
  handle: string | undefined,
  options: BrowserContextOptions,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: origin, ...options });
  const page = await context.newPage();
  if (handle) await signIn(page, handle);
  return { context, page };
}

/** The WCAG 2.2 A and AA rules (target-size is wcag22aa), plus axe's best practices. */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** Runs axe (already injected into the page) with the WCAG 2.2 rule set, or only the given rules. */
async function axeViolations(page: Page, rules?: readonly string[]): Promise<AxeViolation[]> {
  const options = {
    resultTypes: ["violations"],
    runOnly: rules ? { type: "rule", values: rules } : { type: "tag", values: WCAG_TAGS },
  };
  const result = (await page.evaluate(`axe.run(document, ${JSON.stringify(options)})`)) as {
    violations: AxeViolation[];
  };
  return result.violations;
}

/** One violation, readable in a test failure: rule, page, scheme and the first offending nodes. */
function explain(path: string, scheme: string, v: AxeViolation): string {
  const nodes = v.nodes
    .slice(0, 5)
    .map(
      (n) =>
        `      ${n.target.join(" ")}: ${n.html.slice(0, 160)}\n        ${(n.failureSummary ?? "").replace(/\n/g, " ")}`,
    )
    .join("\n");
  return `  [${v.impact}] ${v.id} on ${path} (${scheme}): ${v.help} (${v.nodes.length} nodes) ${v.helpUrl}\n${nodes}`;
}

interface World {
  origin: string;
  browser: Browser;
  threadPath: string;
  /** The report form for alice's post with images (bob may report it). */
  reportPath: string;
}

// One server, browser and seeded data for both tests in this file, made when the first one needs it.
let world: Promise<World> | undefined;
let closeWorld: (() => Promise<void>) | undefined;
function sharedWorld(): Promise<World> {
  world ??= (async () => {
    const server = await startServer();
    const browser = await launchBrowser().catch(async (e) => {
      await server.close();
      throw e;
    });
    closeWorld = async () => {
      await browser.close();
      await server.close();
    };
    const { threadPath, reportPath } = await seed(browser, server.origin, server.env);
    return { origin: server.origin, browser, threadPath, reportPath };
  })();
  return world;
}
after(async () => {
  await closeWorld?.();
});

test("the pages have no serious or critical accessibility violations", { skip, timeout: 300_000 }, async (t) => {
  const { origin, browser, threadPath, reportPath } = await sharedWorld();
  const source = axeSource();
  const signedInPages = [
    "/home",
    "/@alice",
    "/@bob",
    threadPath,
    "/compose",
    "/notifications",
    "/search?q=alice",
    "/bookmarks",
    "/scheduled",
    "/follow-requests",
    "/legal/notices",
    "/settings/profile",
    "/settings/posting",
    "/settings/password",
    "/settings/sessions",
    "/settings/apps",
    "/settings/invites",
    "/settings/privacy",
    "/settings/export",
    "/settings/delete",
    "/staff",
    "/staff/applications",
    "/staff/log",
  ];
  const bobPages = [reportPath, "/bookmarks"];
  const signedOutPages = [
    "/",
    "/signup",
    "/signin",
    "/local",
    "/about",
    "/privacy",
    "/transparency",
    "/canary",
    "/audit-head",
    "/legal/guidelines",
    "/@alice",
    threadPath,
  ];

  const serious: string[] = [];
  const minor: string[] = [];
  const record = (path: string, scheme: string, violations: AxeViolation[]) => {
    for (const v of violations) {
      if (v.impact === "serious" || v.impact === "critical") serious.push(explain(path, scheme, v));
      else minor.push(explain(path, scheme, v));
    }
  };
  // The signed-in and the signed-out person, side by side.
  await Promise.all(
    (
      [
        ["alice", signedInPages],
        ["bob", bobPages],
        [undefined, signedOutPages],
      ] as const
    ).map(async ([handle, paths]) => {
      const { context, page } = await personContext(browser, origin, handle, {
        colorScheme: "light",
        javaScriptEnabled: true,
        bypassCSP: true,
      });
      for (const path of paths) {
        const response = await page.goto(path);
        assert.equal(response?.status(), 200, `${path} loads`);
        await page.addScriptTag({ content: source });
        record(path, "light", await axeViolations(page));
        // The dark scheme: the whole WCAG 2.2 set again, on the same page.
        const lightBackground = await page.evaluate("getComputedStyle(document.body).backgroundColor");
        await page.emulateMedia({ colorScheme: "dark" });
        const darkBackground = await page.evaluate("getComputedStyle(document.body).backgroundColor");
        assert.notEqual(darkBackground, lightBackground, `${path} switches to its dark colours`);
        record(path, "dark", await axeViolations(page));
        await page.emulateMedia({ colorScheme: "light" });
      }
      await context.close();
    }),
  );
  if (minor.length) t.diagnostic(`axe, minor and moderate findings:\n${minor.join("\n")}`);
  assert.equal(serious.length, 0, `axe found serious or critical violations:\n${serious.join("\n")}`);
});

test("no page scrolls sideways on a phone (390 px) or a desktop (1280 px); screenshots on request", {
  skip,
  timeout: 120_000,
}, async () => {
  const dir = screenshotDir;
  if (dir) mkdirSync(dir, { recursive: true });
  const { origin, browser, threadPath, reportPath } = await sharedWorld();
  const sizes = {
    phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    desktop: { viewport: { width: 1280, height: 900 } },
  };
  const people: Record<string, Record<string, string>> = {
    alice: {
      home: "/home",
      thread: threadPath,
      profile: "/@alice",
      compose: "/compose",
      bookmarks: "/bookmarks",
      notifications: "/notifications",
      settings: "/settings/profile",
      password: "/settings/password",
      sessions: "/settings/sessions",
      staff: "/staff",
      "staff-log": "/staff/log",
      apps: "/settings/apps",
      local: "/local",
    },
    bob: { report: reportPath, "bob-bookmarks": "/bookmarks" },
    "": {
      start: "/",
      guidelines: "/legal/guidelines",
      canary: "/canary",
      about: "/about",
      signup: "/signup",
      signin: "/signin",
    },
  };
  const overflowing: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [size, options] of Object.entries(sizes)) {
      for (const [who, pages] of Object.entries(people)) {
        const { context, page } = await personContext(browser, origin, who || undefined, {
          ...options,
          colorScheme,
          javaScriptEnabled: false,
        });
        for (const [name, path] of Object.entries(pages)) {
          const response = await page.goto(path);
          assert.equal(response?.status(), 200, `${path} loads`);
          // Against the screen's width, not innerWidth: a mobile browser widens its layout viewport to
          // fit a page that is too wide, and innerWidth grows with it.
          const [scrollWidth, innerWidth] = (await page.evaluate(
            "[document.documentElement.scrollWidth, innerWidth]",
          )) as [number, number];
          const screenWidth = options.viewport.width;
          if (scrollWidth > screenWidth || innerWidth > screenWidth) {
            overflowing.push(`${path} at ${size}: ${Math.max(scrollWidth, innerWidth)} > ${screenWidth}`);
          }
          if (dir) await page.screenshot({ path: join(dir, `${name}-${size}-${colorScheme}.png`), fullPage: true });
        }
        await context.close();
      }
    }
  }
  assert.deepEqual([...new Set(overflowing)], [], "pages wider than the screen");
});
