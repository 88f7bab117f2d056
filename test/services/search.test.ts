import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Status } from "../../src/domain/status.ts";
import { PASSWORD, type Person, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { freshContexts } from "../helpers/fresh.ts";

const handles = (list: { handle: string }[]) => list.map((a) => a.handle);
const texts = (list: Status[]) => list.map((s) => s.text);

describe("accounts", () => {
  let ctx: TestContext;
  let alt: Person;
  let alice: Person;
  let bob: Person;
  before(async () => {
    ctx = await createTestContext();
    alt = await person(ctx, "altUscis"); // "ALT Immigration"
    await person(ctx, "rogueNoaa"); // "Rogue NOAA"
    alice = await person(ctx, "alice");
    bob = await person(ctx, "bob");
    await person(ctx, "carol");
    await ctx.services.accounts.register({ handle: "alt_epa", password: PASSWORD }, { mode: "open" });
    await ctx.services.accounts.register({ handle: "alter", password: PASSWORD }, { mode: "open" });
    await ctx.services.accounts.register({ handle: "alt", password: PASSWORD }, { mode: "open" });
    await ctx.services.relationships.follow(alice.viewer, (await ctx.services.accounts.byHandle("alter"))!.id);
    await ctx.services.relationships.follow(bob.viewer, (await ctx.services.accounts.byHandle("alter"))!.id);
    await ctx.services.relationships.follow(alice.viewer, alt.account.id);
  });
  after(() => ctx.destroy());

  test("by handle prefix, without regard to case, a leading @ ignored", async () => {
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "ALT_U")), ["ALT_USCIS"]);
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "@alt_u")), ["ALT_USCIS"]);
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "roguen")), ["RogueNOAA"]);
  });

  test("an exact handle comes first, then the most followed, then alphabetical", async () => {
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "alt")), [
      "alt",
      "alter", // two followers
      "ALT_USCIS", // one follower
      "alt_epa",
    ]);
  });

  test("by display-name prefix", async () => {
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "rogue noaa")), ["RogueNOAA"]);
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "alt imm")), ["ALT_USCIS"]);
    assert.deepEqual(await ctx.services.search.accounts(null, "immigration"), [], "a prefix, not any word");
    assert.deepEqual(await ctx.services.search.accounts(null, "Climate"), [], "the bio is not searched");
  });

  test("LIKE wildcards in the query are taken literally", async () => {
    assert.deepEqual(await ctx.services.search.accounts(null, "%"), []);
    assert.deepEqual(await ctx.services.search.accounts(null, "_"), []);
    assert.deepEqual(await ctx.services.search.accounts(null, "a%e"), []);
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "alt_")), ["ALT_USCIS", "alt_epa"]);
    assert.deepEqual(await ctx.services.search.accounts(null, "\\"), []);
    assert.deepEqual(await ctx.services.search.accounts(null, "@"), []);
  });

  test("limit and offset", async () => {
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "alt", 2)), ["alt", "alter"]);
    assert.deepEqual(handles(await ctx.services.search.accounts(null, "alt", 2, 2)), ["ALT_USCIS", "alt_epa"]);
  });

  describe("left out", () => {
    let local: TestContext;
    before(async () => {
      local = await createTestContext();
    });
    after(() => local.destroy());

    test("accounts across a block (either way), suspended accounts and pending applicants", async () => {
      const [a, b, c, d, e] = [
        await person(local, "alice"),
        await person(local, "bob"),
        await person(local, "carol"),
        await person(local, "dave"),
        await person(local, "erin"),
      ];
      const mod = await person(local, "mod", { roles: ["moderator"] });
      await local.services.accounts.register(
        { handle: "anna", password: PASSWORD, reason: "hi" },
        { mode: "approval" },
      );
      for (const who of [b, c, d, e]) await local.services.accounts.updateProfile(who.viewer, { displayName: "Agent" });
      await local.services.relationships.block(a.viewer, b.account.id);
      await local.services.relationships.block(c.viewer, a.account.id);
      await local.services.moderation.suspend(mod.viewer, d.account.id, "spam");
      assert.deepEqual(handles(await local.services.search.accounts(a.viewer, "agent")), ["erin"]);
      assert.deepEqual(handles(await local.services.search.accounts(null, "agent")), ["bob", "carol", "erin"]);
      assert.deepEqual(handles(await local.services.search.accounts(a.viewer, "a")), ["alice", "erin"]);
    });
  });
});

describe("posts by full text", () => {
  let ctx: TestContext;
  let alt: Person;
  let alice: Person;
  let bob: Person;
  const fresh = freshContexts();
  beforeEach(async () => {
    ctx = await fresh();
    alt = await person(ctx, "altUscis");
    alice = await person(ctx, "alice");
    bob = await person(ctx, "bob");
  });

  const post = (who: Person, text: string, extra: { visibility?: string; spoilerText?: string } = {}) => {
    ctx.clock.advance(1000);
    return ctx.services.posting.create(who.viewer, { text, ...extra });
  };
  const find = async (who: Person | null, query: string) =>
    texts(await ctx.services.search.statuses(who?.viewer ?? null, query));

  test("finds whole words without regard to case, newest first; every word must match", async () => {
    await post(alt, "The Memo is real.");
    await post(alice, "Another memo, about budgets");
    await post(bob, "nothing to see");
    assert.deepEqual(await find(null, "memo"), ["Another memo, about budgets", "The Memo is real."]);
    assert.deepEqual(await find(null, "MEMO real"), ["The Memo is real."]);
    assert.deepEqual(await find(null, "memo unicorn"), []);
    assert.deepEqual(await find(null, "mem"), [], "whole words only");
  });

  test("the content warning is searched too", async () => {
    await post(alt, "details inside", { spoilerText: "deportation figures" });
    assert.deepEqual(await find(null, "deportation"), ["details inside"]);
  });

  test("visibility is respected", async () => {
    await ctx.services.relationships.follow(alice.viewer, alt.account.id);
    await post(alt, "whistle public");
    await post(alt, "whistle unlisted", { visibility: "unlisted" });
    await post(alt, "whistle followers", { visibility: "private" });
    const everyone = ["whistle unlisted", "whistle public"];
    assert.deepEqual(await find(null, "whistle"), everyone);
    assert.deepEqual(await find(bob, "whistle"), everyone);
    assert.deepEqual(await find(alice, "whistle"), ["whistle followers", ...everyone]);
    assert.deepEqual(await find(alt, "whistle"), ["whistle followers", ...everyone]);
  });

  test("blocked and muted authors are left out; reposts do not duplicate results", async () => {
    const original = await post(alt, "whistle once");
    await ctx.services.interactions.reblog(bob.viewer, original.id);
    assert.deepEqual(await find(alice, "whistle"), ["whistle once"]);
    await ctx.services.relationships.mute(alice.viewer, alt.account.id);
    assert.deepEqual(await find(alice, "whistle"), []);
    await ctx.services.relationships.block(alt.viewer, bob.account.id);
    assert.deepEqual(await find(bob, "whistle"), []);
    assert.deepEqual(await find(null, "whistle"), ["whistle once"]);
  });

  test("an edit is searched by its new text; a deleted post is gone", async () => {
    const s = await post(alt, "first wording");
    await ctx.services.posting.edit(alt.viewer, s.id, { text: "second phrasing" });
    assert.deepEqual(await find(null, "wording"), []);
    assert.deepEqual(await find(null, "phrasing"), ["second phrasing"]);
    await ctx.services.posting.delete(alt.viewer, s.id);
    assert.deepEqual(await find(null, "phrasing"), []);
  });

  test("punctuation and query syntax in the query cannot break the search", async () => {
    await post(alt, "this and that, or those (maybe)");
    await post(alice, 'the "foo" memo');
    const odd = [
      '"foo',
      'foo"',
      "AND OR (",
      "NEAR(foo",
      "foo*",
      "-foo",
      "foo:bar",
      "foo^",
      "'foo'",
      "foo\\",
      "(",
      '"',
      "*",
      ")",
      "--",
      "; DROP TABLE statuses; --",
      "&|!",
      "<->",
      "foo & !bar",
      "%_",
    ];
    for (const query of odd) {
      await assert.doesNotReject(ctx.services.search.statuses(null, query), `query ${JSON.stringify(query)}`);
      await assert.doesNotReject(ctx.services.search.search(alice.viewer, query), `query ${JSON.stringify(query)}`);
    }
    assert.deepEqual(await find(null, '"foo'), ['the "foo" memo']);
    assert.deepEqual(await find(null, "AND OR ("), ["this and that, or those (maybe)"]);
    assert.deepEqual(await find(null, "; DROP TABLE statuses; --"), []);
    assert.deepEqual(await find(null, "*"), []);
    assert.deepEqual(await find(null, "(maybe)"), ["this and that, or those (maybe)"]);
    assert.equal((await find(null, "memo")).length, 1, "the posts are all still there");
  });

  test("a very long query is cut short rather than refused", async () => {
    await post(alt, "memo");
    const results = await ctx.services.search.search(null, `memo ${"x".repeat(1000)}`);
    assert.deepEqual(results.statuses, []);
    const short = await ctx.services.search.search(null, `${" ".repeat(3)}memo`);
    assert.deepEqual(texts(short.statuses), ["memo"]);
  });
});

describe("hashtags by prefix", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
    const alt = await person(ctx, "altUscis");
    await ctx.services.posting.create(alt.viewer, { text: "#Resist #Resistance" });
    await ctx.services.posting.create(alt.viewer, { text: "#resistance" });
    await ctx.services.posting.create(alt.viewer, { text: "#Research" });
    await ctx.services.posting.create(alt.viewer, { text: "#climate" });
  });
  after(() => ctx.destroy());

  test("an exact tag first, then the most used, then alphabetical; # and case ignored", async () => {
    assert.deepEqual(await ctx.services.search.hashtags(null, "#RESIST"), [
      { name: "resist", uses: 1 },
      { name: "resistance", uses: 2 },
    ]);
    assert.deepEqual(await ctx.services.search.hashtags(null, "res"), [
      { name: "resistance", uses: 2 },
      { name: "research", uses: 1 },
      { name: "resist", uses: 1 },
    ]);
    assert.deepEqual(await ctx.services.search.hashtags(null, "res", 1, 1), [{ name: "research", uses: 1 }]);
  });

  test("a query that cannot be a tag finds nothing", async () => {
    for (const q of ["", "#", "%", "_", "re%", "res ist", "res-ist", "'", "\\"]) {
      assert.deepEqual(await ctx.services.search.hashtags(null, q), [], JSON.stringify(q));
    }
  });
});

describe("search()", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
    const alt = await person(ctx, "altUscis");
    await ctx.services.posting.create(alt.viewer, { text: "alt facts #alternative" });
  });
  after(() => ctx.destroy());

  test("answers all three kinds at once, or one kind when asked", async () => {
    const all = await ctx.services.search.search(null, "alt");
    assert.deepEqual(handles(all.accounts), ["ALT_USCIS"]);
    assert.deepEqual(texts(all.statuses), ["alt facts #alternative"]);
    assert.deepEqual(all.hashtags, [{ name: "alternative", uses: 1 }]);
    const onlyTags = await ctx.services.search.search(null, "alt", { type: "hashtags" });
    assert.deepEqual(onlyTags.accounts, []);
    assert.deepEqual(onlyTags.statuses, []);
    assert.equal(onlyTags.hashtags.length, 1);
  });

  test("an empty or blank query finds nothing", async () => {
    for (const q of ["", "   "]) {
      assert.deepEqual(await ctx.services.search.search(null, q), { accounts: [], statuses: [], hashtags: [] });
    }
  });
});
