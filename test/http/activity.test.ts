// Notifications and search.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HOUR } from "../../src/domain/clock.ts";
import {
  assertEscaped,
  assertRedirect,
  assertSignInRequired,
  inputValue,
  links,
  pageText,
  XSS,
} from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { textOf, useSite } from "../helpers/web.ts";

/** The unread badge in the navigation, or undefined when there is none. */
function badge(body: string): string | undefined {
  const m = /<a href="\/notifications"[^>]*>Notifications\s*<span class="badge"[^>]*>(\d+)([\s\S]*?)<\/a>/.exec(body);
  if (m) assert.match(textOf(m[0]), new RegExp(`^Notifications ${m[1]} ?unread$`), "the badge says what it counts");
  return m?.[1];
}

describe("notifications", () => {
  const site = useSite();

  test("mentions, follows, likes and reposts are listed, newest first, with an unread badge", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    assert.equal(badge((await alice.client.get("/home")).body), undefined);
    assert.match(pageText(await alice.client.get("/notifications")), /Nothing yet\./);

    const id = await alice.client.publish("notice me");
    // An hour apart: notifications are ordered to the hour only (issue 9, finding 5).
    site.ctx.clock.advance(HOUR);
    await bob.client.post(`/accounts/${alice.account.id}/follow`);
    site.ctx.clock.advance(HOUR);
    await bob.client.post(`/statuses/${id}/favourite`);
    site.ctx.clock.advance(HOUR);
    await bob.client.post(`/statuses/${id}/reblog`);
    site.ctx.clock.advance(HOUR);
    await bob.client.publish(`@alice hi ${XSS}`);

    const page = await alice.client.get("/notifications");
    const text = pageText(page);
    assert.equal(badge(page.body), "4");
    assert.match(
      text,
      /Bob @bob mentioned you .*hi <script>.* Bob @bob reposted your post .*notice me.* Bob @bob liked your post .*notice me.* Bob @bob followed you/,
    );
    assertEscaped(page.body, XSS, "the notifications page");
    assert.match(text, /Mark all 4 as read/);
    assert.equal((page.body.match(/class="notification unread"/g) ?? []).length, 4);
    assert.equal(badge((await alice.client.get("/local")).body), "4", "the badge is on every page");
    assert.equal(badge((await bob.client.get("/local")).body), undefined, "and only for the one notified");
  });

  test("mark all read clears the badge and the button", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    await bob.client.publish("@alice one");
    site.ctx.clock.advance(HOUR);
    await bob.client.publish("@alice two");
    assert.equal(badge((await alice.client.get("/home")).body), "2");

    assertRedirect(await alice.client.post("/notifications/read"), "/notifications");
    const page = await alice.client.get("/notifications");
    assert.equal(badge(page.body), undefined);
    assert.ok(!pageText(page).includes("Mark all"));
    assert.equal((page.body.match(/class="notification unread"/g) ?? []).length, 0);
    assert.match(pageText(page), /mentioned you .*two.* mentioned you .*one/, "still listed, now read");

    await bob.client.publish("@alice three");
    assert.equal(badge((await alice.client.get("/home")).body), "1", "new ones count again");
  });

  test("notifications from a muted account are hidden, and marking read touches only one's own", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const carol = await site.member("carol");
    await bob.client.publish("@alice @carol hello both");
    await alice.client.post(`/accounts/${bob.account.id}/mute`);
    const page = await alice.client.get("/notifications");
    assert.equal(badge(page.body), undefined);
    assert.match(pageText(page), /Nothing yet\./);

    await alice.client.post("/notifications/read");
    assert.equal(badge((await carol.client.get("/home")).body), "1");
  });

  test("older notifications are one Older link away", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    for (let i = 1; i <= 42; i++) {
      site.ctx.clock.advance(HOUR); // ordered to the hour only (issue 9, finding 5)
      await bob.client.publish(`@alice ping ${i}`);
    }
    const first = await alice.client.get("/notifications");
    const text = textOf(first.body);
    assert.match(text, /ping 42 /);
    assert.ok(!text.includes("ping 2 "), "the first page holds the newest 40");
    const older = links(first.body).find((h) => h.startsWith("/notifications?max_id="));
    assert.ok(older);
    const second = textOf((await alice.client.get(older)).body);
    assert.match(second, /ping 2 .*ping 1 /);
    assert.ok(!second.includes("ping 3 "));
  });

  test("the notifications page needs a signed-in person", async () => {
    assertSignInRequired(await site.web.client().get("/notifications"), "/notifications");
  });
});

describe("search", () => {
  const site = useSite();

  async function seed() {
    const rogue = await site.member("rogueNoaa");
    const alt = await site.member("altUscis");
    const alice = await site.member("alice");
    await rogue.client.publish("Glaciers are retreating faster than modelled #ClimateFacts");
    await alt.client.publish("Processing backlogs keep growing #Immigration");
    await alice.client.publish("A quiet day for glaciers", { visibility: "private" });
    return { rogue, alt, alice };
  }

  const accountsFound = (body: string) =>
    [
      ...(/<section aria-labelledby="r-accounts">([\s\S]*?)<\/section>/.exec(body)?.[1] ?? "").matchAll(
        /href="\/@(\w+)"/g,
      ),
    ].map((m) => m[1]);

  test("finds accounts by handle prefix and by display-name prefix, case-insensitively", async () => {
    await seed();
    const visitor = site.web.client();
    assert.deepEqual(accountsFound((await visitor.get("/search?q=rogue")).body), ["RogueNOAA"]);
    assert.deepEqual(accountsFound((await visitor.get("/search?q=%40roguen")).body), ["RogueNOAA"]);
    assert.deepEqual(accountsFound((await visitor.get("/search?q=alt_")).body), ["ALT_USCIS"]);
    // "ALT Immigration" is the display name of ALT_USCIS; "Rogue NOAA" that of RogueNOAA.
    assert.deepEqual(accountsFound((await visitor.get("/search?q=alt%20imm")).body), ["ALT_USCIS"]);
    assert.deepEqual(accountsFound((await visitor.get("/search?q=rogue%20n")).body), ["RogueNOAA"]);
    // A prefix, not a substring; and LIKE wildcards are literal.
    assert.deepEqual(accountsFound((await visitor.get("/search?q=NOAA")).body), []);
    assert.deepEqual(accountsFound((await visitor.get("/search?q=%25")).body), []);
    assert.deepEqual(accountsFound((await visitor.get("/search?q=_")).body), []);
    assert.match(
      pageText(await visitor.get("/search?q=zzz")),
      /No accounts found\. .*No hashtags found\. .*No posts found\./,
    );
  });

  test("finds posts by full text, and only those the searcher may see", async () => {
    const { alice } = await seed();
    const visitor = site.web.client();
    let text = pageText(await visitor.get("/search?q=glaciers"));
    assert.match(text, /Glaciers are retreating faster than modelled/);
    assert.ok(!text.includes("A quiet day"), "a followers-only post is not found by others");
    text = pageText(await alice.client.get("/search?q=glaciers"));
    assert.match(text, /A quiet day for glaciers/, "its author finds it");
    assert.match(text, /Glaciers are retreating/);
    text = pageText(await visitor.get("/search?q=backlogs%20growing"));
    assert.match(text, /Processing backlogs keep growing/);
    assert.ok(!text.includes("Glaciers"));
  });

  test("finds hashtags by prefix and links them to their timeline", async () => {
    await seed();
    const res = await site.web.client().get("/search?q=%23climate");
    const text = pageText(res);
    assert.match(text, /#climatefacts 1 post/);
    assert.ok(links(res.body).includes("/tags/climatefacts"));
    assert.match(pageText(await site.web.client().get("/tags/climatefacts")), /Glaciers are retreating/);
  });

  test("the query is escaped in the field, the title and the results; an empty query searches nothing", async () => {
    await seed();
    const q = `glaciers ${XSS}`;
    const res = await site.web.client().get(`/search?q=${encodeURIComponent(q)}`);
    pageText(res);
    assert.equal(inputValue(res.body, "q"), q);
    assertEscaped(res.body, XSS, "the search page");
    assert.match(res.body, /<title>Search: glaciers &lt;script&gt;alert\(1\)&lt;\/script&gt; · Publius<\/title>/);

    const empty = await site.web.client().get("/search?q=%20%20");
    const text = pageText(empty);
    assert.match(text, /Search/);
    assert.ok(!text.includes("No accounts found"), "no results section without a query");
    assert.ok(!empty.body.includes('id="r-accounts"'));
  });

  test("searching writes nothing, and suspended and blocked accounts are not found", async () => {
    const { rogue, alice } = await seed();
    const mod = await site.member("mod", { roles: ["moderator"] });
    await alice.client.post(`/accounts/${rogue.account.id}/block`);
    const before = await snapshot(site.ctx);
    assert.deepEqual(accountsFound((await alice.client.get("/search?q=rogue")).body), []);
    assert.ok(!pageText(await alice.client.get("/search?q=glaciers")).includes("retreating"));
    assert.deepEqual(await snapshot(site.ctx), before);
    await mod.client.post(`/staff/accounts/${rogue.account.id}/suspend`, { reason: "test" });
    const visitor = site.web.client();
    assert.deepEqual(accountsFound((await visitor.get("/search?q=rogue")).body), []);
    assert.ok(!pageText(await visitor.get("/search?q=glaciers")).includes("retreating"));
  });
});
