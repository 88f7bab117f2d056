// The browser tests' harness: the real server (serve() from src/main.ts) on a free port, on SQLite in
// a temp folder or — when PUBLIUS_TEST_DATABASE_URL is set — on PostgreSQL in a schema of its own;
// Debian's Chromium driven by playwright-core; and guards that fail a test when a page talks to
// another origin, misses its Content-Security-Policy or logs an error.
import { existsSync, readFileSync } from "node:fs";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";

// The server itself is started by the shared helper (also used by the masto.js suite).
export { dialectUnderTest, startServer, type TestServer } from "../helpers/server.ts";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Why the browser tests are skipped here, or undefined when they run. Only a machine without
 * Chromium outside CI skips them; in CI (CI=true) they run, and launchBrowser() fails loudly.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === "true") return undefined;
  return `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium): browser tests skipped.`;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}, and the browser tests must run in CI (CI=true).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Without the background-networking flags Chromium reaches out to Google hosts on its own.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A browser context (one person, one cookie jar) whose pages are watched: every request, every
 * document's CSP header, every console error and uncaught page error is recorded.
 */
export interface WatchedContext {
  context: BrowserContext;
  page: Page;
  /** How many requests the pages made: proves the guards below saw traffic at all. */
  requests: number;
  /** Requests to any origin other than the server's. */
  foreignRequests: string[];
  /** Documents served without a Content-Security-Policy header. */
  documentsWithoutCsp: string[];
  consoleErrors: string[];
}

export async function watchedContext(
  browser: Browser,
  origin: string,
  options: BrowserContextOptions = {},
): Promise<WatchedContext> {
  const context = await browser.newContext({ baseURL: origin, javaScriptEnabled: false, ...options });
  const watched: WatchedContext = {
    context,
    page: undefined as unknown as Page,
    requests: 0,
    foreignRequests: [],
    documentsWithoutCsp: [],
    consoleErrors: [],
  };
  context.on("request", (request) => {
    watched.requests++;
    const url = request.url();
    // data: URLs never leave the browser.
    if (!url.startsWith("data:") && new URL(url).origin !== origin) watched.foreignRequests.push(url);
  });
  context.on("response", (response) => {
    if (response.request().resourceType() === "document" && !response.headers()["content-security-policy"]) {
      watched.documentsWithoutCsp.push(response.url());
    }
  });
  context.on("console", (message) => {
    if (message.type() === "error") watched.consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  context.on("weberror", (error) => watched.consoleErrors.push(String(error.error())));
  watched.page = await context.newPage();
  return watched;
}

export const PASSWORD = "correct horse battery staple";

/** Signs up through the form on /signup, as a person would; ends on the home timeline. */
export async function signUp(page: Page, handle: string): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL("**/home");
}

/** Signs in through the form on /signin; ends on the home timeline. */
export async function signIn(page: Page, handle: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/home");
}

/**
 * Publishes a post from /compose (optionally behind a content warning); ends on the new post's own
 * page and returns its path.
 */
export async function publish(page: Page, text: string, options: { contentWarning?: string } = {}): Promise<string> {
  await page.goto("/compose");
  if (options.contentWarning) await page.getByLabel("Content warning").fill(options.contentWarning);
  await page.getByLabel("What do you want to say?").fill(text);
  await page.getByRole("button", { name: "Publish" }).click();
  await page.waitForURL(/\/@\w+\/\d+\?notice=posted$/);
  return new URL(page.url()).pathname;
}

/** axe-core's source, injected into pages by the accessibility test. */
export function axeSource(): string {
  return readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
}
