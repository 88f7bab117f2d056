// The home timeline looks in recent time windows first (for speed on SQLite); the answer must be the
// same as without them, however sparse or dense the posts are.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DAY, HOUR } from "../../src/domain/clock.ts";
import { person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ clockStart: "2016-01-01T00:00:00.000Z" });
});
after(() => ctx.destroy());

test("sparse and dense posts over two years page exactly, newest first, with max_id and since_id", async () => {
  const alice = await person(ctx, "alice");
  const alt = await person(ctx, "altUscis");
  const noaa = await person(ctx, "rogueNoaa");
  await ctx.services.relationships.follow(alice.viewer, alt.account.id);
  await ctx.services.relationships.follow(alice.viewer, noaa.account.id);
  const ids: string[] = [];
  // 12 posts a month apart, then 30 a few hours apart, then 8 three weeks apart.
  const gaps = [...Array(12).fill(30 * DAY), ...Array(30).fill(3 * HOUR), ...Array(8).fill(21 * DAY)];
  for (const [i, gap] of gaps.entries()) {
    ctx.clock.advance(gap);
    const author = i % 2 === 0 ? alt : noaa;
    ids.push((await ctx.services.posting.create(author.viewer, { text: `post ${i}` })).id);
  }
  const newestFirst = [...ids].reverse();
  const all: string[] = [];
  let maxId: string | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await ctx.services.timelines.home(alice.viewer, { maxId, limit: 20 });
    if (page.length === 0) break;
    all.push(...page.map((s) => s.id));
    maxId = page[page.length - 1]?.id;
  }
  assert.deepEqual(all, newestFirst);
  const since = newestFirst[25] as string;
  const newer = await ctx.services.timelines.home(alice.viewer, { sinceId: since, limit: 40 });
  assert.deepEqual(
    newer.map((s) => s.id),
    newestFirst.slice(0, 25),
  );
  // Far in the future the recent windows are empty and the wider ones take over.
  ctx.clock.advance(400 * DAY);
  const later = await ctx.services.timelines.home(alice.viewer, { limit: 5 });
  assert.deepEqual(
    later.map((s) => s.id),
    newestFirst.slice(0, 5),
  );
});
