// Two people use Publius through its web pages in a real Chromium with JavaScript switched off (as in
// Tor Browser's "Safest" level), clicking what a person would click and reading what a person
// would read. Accessible locators (roles, labels) double as a check that the forms are labelled.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { markedJpeg, markedPng } from "../helpers/images.ts";
import {
  browserSkipReason,
  launchBrowser,
  publish,
  signUp,
  startServer,
  type WatchedContext,
  watchedContext,
} from "./harness.ts";

const skip = browserSkipReason();

/** Waits until the locator is visible: the page a person waits for has arrived. */
async function sees(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "visible", timeout: 10_000 });
}

/** The text a person sees in it: Playwright's innerText is the rendered text, hidden parts left out. */
function seenText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: this is Playwright's Locator, not a DOM node
  return locator.innerText();
}

/** The post (an article) that says `text`, on a page or inside a part of it. */
function post(within: Page | Locator, text: string | RegExp): Locator {
  return within.getByRole("article").filter({ hasText: text });
}

test("alice and bob sign up, follow, post, reply, like and read notifications with JavaScript off", {
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
  const alice: WatchedContext = await watchedContext(browser, server.origin);
  const bob: WatchedContext = await watchedContext(browser, server.origin);
  const a = alice.page;
  const b = bob.page;
  let postPath = "";
  let imagePostPath = "";

  await t.test("the pages carry a Content-Security-Policy", async () => {
    const response = await a.goto("/");
    assert.ok(response);
    assert.equal(response.status(), 200);
    const csp = response.headers()["content-security-policy"] ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /form-action 'self'/);
  });

  await t.test("alice and bob sign up from the sign-up page", async () => {
    await a.getByRole("link", { name: "Sign up" }).first().click();
    await sees(a.getByRole("heading", { level: 1, name: "Sign up" }));
    await signUp(a, "alice");
    await sees(a.getByRole("heading", { level: 1, name: "Home" }));
    await sees(a.getByText("Your home timeline is empty."));
    await signUp(b, "bob");
    await sees(b.getByRole("heading", { level: 1, name: "Home" }));
  });

  await t.test("bob finds alice with the search and follows her from her profile", async () => {
    await b.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
    await b.getByLabel("Accounts, posts or hashtags").fill("alice");
    await b.getByRole("button", { name: "Search", exact: true }).click();
    await b
      .getByRole("region", { name: "Accounts" })
      .getByRole("link", { name: /@alice/ })
      .click();
    await sees(b.getByRole("heading", { level: 1, name: "alice @alice" }));
    assert.match(await seenText(b.getByRole("region", { name: "alice @alice" })), /0 followers/);
    await b.getByRole("button", { name: "Follow", exact: true }).click();
    await sees(b.getByRole("button", { name: "Unfollow" }));
    assert.match(await seenText(b.getByRole("region", { name: "alice @alice" })), /1 follower\b/);
  });

  await t.test("alice posts with a hashtag and a mention from the compose page", async () => {
    await a.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New post" }).click();
    await sees(a.getByRole("heading", { level: 1, name: "New post" }));
    await a.getByLabel("What do you want to say?").fill("Hello @bob, welcome to #Publius! Pseudonyms welcome.");
    await a.getByLabel("Who can see it").selectOption({ label: "Public — also on the local timeline" });
    await a.getByRole("button", { name: "Publish" }).click();
    await sees(a.getByRole("status").filter({ hasText: "Your post is published." }));
    postPath = new URL(a.url()).pathname;
    assert.match(postPath, /^\/@alice\/\d+$/);
    const focused = post(a, "Pseudonyms welcome.");
    await sees(focused.getByRole("heading", { level: 1, name: "alice @alice" }));
    assert.equal(
      await focused.getByRole("link", { name: "#Publius" }).getAttribute("href"),
      `${server.origin}/tags/publius`,
    );
    assert.equal(await focused.getByRole("link", { name: "@bob" }).getAttribute("href"), `${server.origin}/@bob`);
  });

  await t.test("bob sees alice's post in his home timeline", async () => {
    await b.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    const card = post(b, "Hello @bob, welcome to #Publius!");
    await sees(card);
    await sees(card.getByRole("heading", { level: 2, name: "alice @alice" }));
    assert.match(await seenText(card), /0 replies · 0 reposts · 0 likes/);
  });

  await t.test("bob replies from the thread page", async () => {
    // The time under the author's name links to the post's own page.
    await post(b, "Pseudonyms welcome.")
      .getByRole("link", { name: /^\d+ (s|min|h|d)$/ })
      .click();
    await b.waitForURL(`**${postPath}`);
    await sees(b.getByRole("heading", { level: 1, name: "alice @alice" }));
    const replyForm = b.getByRole("region", { name: "Reply" });
    const text = replyForm.getByLabel("What do you want to say?");
    assert.equal(await text.inputValue(), "@alice ", "the reply starts with the author's handle, not bob's own");
    await text.fill("@alice Thank you, glad to be here!");
    await replyForm.getByRole("button", { name: "Publish" }).click();
    await sees(b.getByRole("status").filter({ hasText: "Your post is published." }));
    await sees(b.getByRole("heading", { level: 1, name: "bob @bob" }));
    await sees(b.getByRole("link", { name: "In reply to a post" }));
    await sees(post(b.getByRole("region", { name: "Earlier in the thread" }), "Pseudonyms welcome."));
  });

  await t.test("bob likes alice's post", async () => {
    await b.goto(postPath);
    const card = post(b, "Pseudonyms welcome.");
    await card.getByRole("button", { name: "Like", exact: true }).click();
    const unlike = card.getByRole("button", { name: "Unlike" });
    await sees(unlike);
    assert.equal(await unlike.getAttribute("aria-pressed"), "true");
    assert.match(await seenText(card), /1 reply · 0 reposts · 1 like/);
    await sees(b.getByRole("region", { name: "Replies" }).getByText("Thank you, glad to be here!"));
  });

  await t.test("alice sees the like, the reply and the follow in her notifications", async () => {
    const nav = a.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Home" }).click();
    const notifications = nav.getByRole("link", { name: /^Notifications/ });
    assert.match(await seenText(notifications), /^Notifications\s+3\b/, "the badge shows 3");
    // A screen reader hears what the number counts.
    assert.equal(await nav.getByRole("link", { name: "Notifications 3 unread" }).count(), 1);
    await notifications.click();
    await sees(a.getByRole("heading", { level: 1, name: "Notifications" }));
    const items = a.getByRole("listitem").filter({ hasText: /bob (liked your post|mentioned you|followed you)/ });
    assert.equal(await items.count(), 3);
    const text = await seenText(a.getByRole("main"));
    assert.match(text, /bob @bob liked your post/);
    assert.match(text, /bob @bob mentioned you/);
    assert.match(text, /Thank you, glad to be here!/);
    assert.match(text, /bob @bob followed you/);
    await a.getByRole("button", { name: "Mark all 3 as read" }).click();
    await sees(a.getByRole("heading", { level: 1, name: "Notifications" }));
    assert.equal(await a.getByRole("button", { name: /^Mark all/ }).count(), 0);
    assert.equal((await seenText(notifications)).trim(), "Notifications", "the badge is gone");
  });

  await t.test("a post behind a content warning shows its body only once opened", async () => {
    await publish(a, "The butler did it.", { contentWarning: "Spoiler: the finale" });
    await b.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    const card = post(b, "Spoiler: the finale");
    await sees(card.getByText("Spoiler: the finale"));
    const body = card.getByText("The butler did it.");
    assert.equal(await body.isVisible(), false, "the body is hidden behind the warning");
    await card.getByText("Spoiler: the finale").click();
    await sees(body);
  });

  await t.test(
    "alice posts two described images; bob sees thumbnails and alt text in home, profile and thread",
    async () => {
      await a.goto("/compose");
      await a.getByLabel("What do you want to say?").fill("Two views from the window.");
      await a
        .getByLabel("Image 1 file")
        .setInputFiles({ name: "one.jpg", mimeType: "image/jpeg", buffer: await markedJpeg(640, 480) });
      await a.getByLabel("Description").first().fill("Rooftops in the rain");
      await a
        .getByLabel("Image 2 file")
        .setInputFiles({ name: "two.png", mimeType: "image/png", buffer: await markedPng(300, 200) });
      await a.getByLabel("Description").nth(1).fill("A cat on the sill");
      await a.getByRole("button", { name: "Publish" }).click();
      await sees(a.getByRole("status").filter({ hasText: "Your post is published." }));
      imagePostPath = new URL(a.url()).pathname;
      for (const [page, path] of [
        [a, imagePostPath],
        [b, "/home"],
        [b, "/@alice"],
      ] as const) {
        await page.goto(path);
        const card = post(page, "Two views from the window.");
        // A screen reader hears the description; a pointer sees it on hover (the link's title).
        await sees(card.getByRole("img", { name: "Rooftops in the rain" }));
        await sees(card.getByRole("img", { name: "A cat on the sill" }));
        const link = card.getByRole("link", { name: "Rooftops in the rain" });
        assert.equal(await link.getAttribute("title"), "Rooftops in the rain");
        assert.match((await link.getAttribute("href")) ?? "", /^\/media\/[0-9a-f]{32}\.\w+$/);
        const img = card.getByRole("img", { name: "Rooftops in the rain" });
        assert.ok(Number(await img.getAttribute("width")) > 0 && Number(await img.getAttribute("height")) > 0);
        assert.ok(
          (await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)) > 0,
          `${path}: the thumbnail loaded`,
        );
      }
    },
  );

  await t.test("alice sets an avatar in Settings → Profile and it is shown on her posts", async () => {
    await a.goto("/settings/profile");
    await a
      .getByLabel(/^Avatar/)
      .setInputFiles({ name: "me.jpg", mimeType: "image/jpeg", buffer: await markedJpeg(400, 400) });
    await a.getByRole("button", { name: "Save profile" }).click();
    await sees(a.getByRole("status").filter({ hasText: "Saved." }));
    await b.goto(imagePostPath);
    const avatar = post(b, "Two views from the window.").locator("img.avatar");
    assert.match((await avatar.getAttribute("src")) ?? "", /^\/media\/[0-9a-f]{32}\.\w+$/);
    assert.ok((await avatar.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)) > 0);
  });

  await t.test("bob bookmarks a post and finds it on his bookmarks page", async () => {
    await b.goto(imagePostPath);
    await post(b, "Two views from the window.").getByRole("button", { name: "Bookmark", exact: true }).click();
    await sees(post(b, "Two views from the window.").getByRole("button", { name: "Remove bookmark" }));
    await b.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bookmarks" }).click();
    await sees(b.getByRole("heading", { level: 1, name: "Bookmarks" }));
    await sees(post(b, "Two views from the window."));
  });

  await t.test("bob likes a post in the middle of a long timeline and lands on the same post", async () => {
    for (let i = 1; i <= 14; i++) await publish(a, `Filler post number ${i}.`);
    await b.goto("/home");
    const target = post(b, "Filler post number 7.");
    await target.scrollIntoViewIfNeeded();
    const before = (await b.evaluate("scrollY")) as number;
    assert.ok(before > 1000, `the post is far down the page (${before} px)`);
    await target.getByRole("button", { name: "Like", exact: true }).click();
    await sees(target.getByRole("button", { name: "Unlike" }));
    const url = new URL(b.url());
    assert.equal(url.pathname, "/home");
    assert.match(url.hash, /^#post-\d+$/);
    const after = (await b.evaluate("scrollY")) as number;
    assert.ok(after > 1000, `still down the page after the like (${after} px, was ${before})`);
    const box = await target.boundingBox();
    const height = (await b.evaluate("innerHeight")) as number;
    assert.ok(box && box.y >= -1 && box.y < height, "the liked post is on the screen");
  });

  await t.test("signing out ends the session", async () => {
    await a.getByRole("button", { name: "Sign out" }).click();
    await sees(a.getByRole("status").filter({ hasText: "You are signed out." }));
    await sees(a.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }));
    await a.goto("/home");
    await sees(a.getByRole("heading", { level: 1, name: "Sign in" }));
    assert.equal(new URL(a.url()).search, "?next=%2Fhome");
  });

  await t.test("nothing left the server's origin, every page had its CSP, nothing logged an error", () => {
    for (const [who, w] of [
      ["alice", alice],
      ["bob", bob],
    ] as const) {
      assert.ok(w.requests > 10, `the guards watched ${who}'s requests (${w.requests})`);
      assert.deepEqual(w.foreignRequests, [], `${who}'s pages asked another origin`);
      assert.deepEqual(w.documentsWithoutCsp, [], `${who} got pages without a Content-Security-Policy`);
      assert.deepEqual(w.consoleErrors, [], `${who}'s console showed errors`);
    }
  });
});

test("the posting limit re-renders the compose form with the text kept (JavaScript off)", {
  skip,
  timeout: 60_000,
}, async (t) => {
  const server = await startServer({ env: { PUBLIUS_POSTS_PER_HOUR: "1", PUBLIUS_NEW_ACCOUNT_POSTS_PER_HOUR: "1" } });
  const browser = await launchBrowser().catch(async (e) => {
    await server.close();
    throw e;
  });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const { page } = await watchedContext(browser, server.origin);
  await signUp(page, "carol");
  await publish(page, "The one post this hour.");
  await page.goto("/home");
  const typed = "A second thought, written with care, that must not be lost.";
  await page.getByLabel("What do you want to say?").fill(typed);
  await page.getByRole("button", { name: "Publish" }).click();
  await sees(page.getByRole("alert").filter({ hasText: /may publish 1 post an hour/ }));
  assert.equal(await page.getByLabel("What do you want to say?").inputValue(), typed);
  assert.equal(await page.getByRole("alert").count(), 1, "one message");
});

test("with JavaScript on: Like happens in place, and the counter counts", { skip, timeout: 60_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser().catch(async (e) => {
    await server.close();
    throw e;
  });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const watched = await watchedContext(browser, server.origin, { javaScriptEnabled: true });
  const page = watched.page;
  await signUp(page, "dora");
  for (let i = 1; i <= 6; i++) await publish(page, `Script post ${i}.`);
  await page.goto("/local");
  // A mark on the window survives only if the page is not loaded again.
  await page.evaluate("window.__stillHere = true");
  const card = post(page, "Script post 3.");
  let navigated = false;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigated = true;
  });
  await card.getByRole("button", { name: "Like", exact: true }).click();
  await sees(card.getByRole("button", { name: "Unlike" }));
  assert.match(await seenText(card), /1 like\b/);
  assert.equal(await page.evaluate("window.__stillHere"), true, "no reload");
  assert.equal(navigated, false, "no navigation");
  assert.equal(new URL(page.url()).pathname, "/local");
  // The focus stays on the button, now "Unlike".
  assert.equal(await page.evaluate("document.activeElement?.textContent?.trim()"), "Unlike");
  // The server agrees.
  await page.reload();
  await sees(post(page, "Script post 3.").getByRole("button", { name: "Unlike" }));

  await page.goto("/compose");
  const counter = page.locator("output.counter");
  await sees(counter);
  assert.equal((await seenText(counter)).trim(), "500 left");
  await page
    .getByLabel("What do you want to say?")
    .fill("Hello https://example.org/a/very/long/path/that/counts/as/23");
  assert.equal((await seenText(counter)).trim(), `${500 - "Hello ".length - 23} left`);
  await page.getByLabel("What do you want to say?").fill("x".repeat(505));
  assert.equal((await seenText(counter)).trim(), "5 too many");
  assert.deepEqual(watched.consoleErrors, []);
  assert.deepEqual(watched.foreignRequests, []);
});
