// Posting limits (issue 4, item 3): per account, never per address. Every account has an hourly
// limit; a new one a lower limit and few links in its first posts. Web and API answer alike.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { DAY, HOUR, MINUTE } from "../../src/domain/clock.ts";
import { type Person, person } from "../fixtures/accounts.ts";
import { useApiSite } from "../helpers/api.ts";
import type { TestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";
import { pageText } from "../helpers/pages.ts";
import { useSite } from "../helpers/web.ts";

const LIMITS = {
  PUBLIUS_POSTS_PER_HOUR: "5",
  PUBLIUS_NEW_ACCOUNT_DAYS: "7",
  PUBLIUS_NEW_ACCOUNT_POSTS_PER_HOUR: "3",
  PUBLIUS_NEW_ACCOUNT_LINKS: "1",
  PUBLIUS_NEW_ACCOUNT_LINK_POSTS: "2",
};

describe("posting limits in the service", () => {
  let ctx: TestContext;
  let alice: Person;
  let bob: Person;
  const fresh = freshContexts({ env: LIMITS });
  beforeEach(async () => {
    ctx = await fresh();
    alice = await person(ctx, "alice");
    bob = await person(ctx, "bob");
  });
  const post = (who: Person, text: string) => ctx.services.posting.create(who.viewer, { text });

  test("a new account may post 3 times an hour, then 429 until the hour is over", async () => {
    for (let i = 0; i < 3; i++) await post(alice, `post ${i}`);
    const e = await rejectsWith(
      post(alice, "one too many"),
      429,
      /A new account may publish 3 posts an hour\. Try again in 60 minutes\./,
    );
    assert.equal(e.headers?.["retry-after"], "3600");
    assert.equal(e.headers?.["x-ratelimit-limit"], "3");
    assert.equal(e.headers?.["x-ratelimit-remaining"], "0");
    assert.equal(await rowCount(ctx, "statuses", { account_id: alice.account.id }), 3);
    // Retrying a post that went through is not a new post.
    ctx.clock.advance(30 * MINUTE);
    await rejectsWith(post(alice, "still too many"), 429, /Try again in 30 minutes/);
    ctx.clock.advance(30 * MINUTE);
    await post(alice, "a new hour");
  });

  test("a new account's first posts may carry one link each; later ones more", async () => {
    const two = "Read https://example.org/a and https://example.org/b";
    const e = await rejectsWith(
      post(alice, two),
      422,
      /A new account's first 2 posts may carry at most 1 link; this one has 2\./,
    );
    assert.ok(e.fields?.text);
    assert.equal(await rowCount(ctx, "statuses", { account_id: alice.account.id }), 0);
    await post(alice, "Read https://example.org/a");
    await post(alice, "no links at all");
    // The refused post did not count against the hour: two posts so far, one left.
    await post(alice, two);
    await rejectsWith(post(alice, "fourth"), 429);
  });

  test("an account older than 7 days has the general limit, 5 an hour, and no link limit", async () => {
    ctx.clock.advance(8 * DAY);
    const many = "https://example.org/1 https://example.org/2 https://example.org/3";
    for (let i = 0; i < 5; i++) await post(bob, `${many} ${i}`);
    await rejectsWith(post(bob, "sixth"), 429, /^An account may publish 5 posts an hour\./);
  });

  test("the limits are per account: one account at its limit does not hold back another", async () => {
    for (let i = 0; i < 3; i++) await post(alice, `alice ${i}`);
    await rejectsWith(post(alice, "alice again"), 429);
    for (let i = 0; i < 3; i++) await post(bob, `bob ${i}`);
  });

  test("queued posts count when they are queued, and publish later without being counted again", async () => {
    await ctx.services.scheduling.submit(alice.viewer, { text: "later 1" }, new Date(ctx.clock.now().getTime() + HOUR));
    await ctx.services.scheduling.submit(alice.viewer, { text: "later 2" }, new Date(ctx.clock.now().getTime() + HOUR));
    await post(alice, "now");
    await rejectsWith(
      ctx.services.scheduling.submit(alice.viewer, { text: "later 3" }, new Date(ctx.clock.now().getTime() + HOUR)),
      429,
    );
    ctx.clock.advance(HOUR + MINUTE);
    for (let i = 0; i < 3; i++) await post(alice, `next hour ${i}`);
    await ctx.services.scheduling.publishDue();
    assert.equal(await rowCount(ctx, "statuses", { account_id: alice.account.id }), 6);
  });
});

describe("posting limits over the web and the API, from one address", () => {
  const site = useSite({ env: LIMITS });
  const api = useApiSite({ env: LIMITS });

  test("the compose form answers 429 with a page saying when to try again; another account from the same address posts", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    for (let i = 0; i < 3; i++) await alice.client.publish(`alice ${i}`);
    const res = await alice.client.post("/statuses", { text: "too many", visibility: "public" });
    assert.match(pageText(res, 429), /A new account may publish 3 posts an hour\. Try again in 60 minutes\./);
    assert.equal(res.headers["retry-after"], "3600");
    await bob.client.publish("bob is not held back");
  });

  test("the API answers 429 with an error and the rate-limit headers", async () => {
    const alice = await api.user("alice");
    const links = await alice.api.post("/api/v1/statuses", { status: "https://a.example https://b.example" });
    assert.equal(links.statusCode, 422);
    assert.match(links.json().error, /may carry at most 1 link/);
    for (let i = 0; i < 3; i++) {
      const ok = await alice.api.post("/api/v1/statuses", { status: `alice ${i}` });
      assert.equal(ok.statusCode, 200, ok.body);
    }
    const res = await alice.api.post("/api/v1/statuses", { status: "too many" });
    assert.equal(res.statusCode, 429);
    assert.match(res.json().error, /A new account may publish 3 posts an hour/);
    assert.equal(res.headers["x-ratelimit-limit"], "3");
    assert.equal(res.headers["x-ratelimit-remaining"], "0");
    assert.ok(res.headers["x-ratelimit-reset"]);
    assert.equal(res.headers["retry-after"], "3600");
  });
});
