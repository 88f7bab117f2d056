import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { HOUR, MINUTE } from "../../src/domain/clock.ts";
import type { PubliusEvent } from "../../src/services/events/bus.ts";
import { type Person, person } from "../fixtures/accounts.ts";
import type { TestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";

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

const post = (
  who: Person,
  text: string,
  extra: Parameters<TestContext["services"]["posting"]["create"]>[1] = { text },
) => ctx.services.posting.create(who.viewer, { ...extra, text });
const account = async (who: Person) => (await ctx.services.accounts.byId(who.account.id))!;
const status = (id: string, who: Person = alt) => ctx.services.timelines.status(who.viewer, id);

describe("creating a post", () => {
  test("a plain post is public by default, dated by the clock, counted on the author", async () => {
    ctx.clock.set("2026-03-14T15:30:00.000Z");
    const s = await post(alt, "  The memo is real.  ");
    assert.match(s.id, /^\d{18}$/);
    assert.equal(
      s.id.slice(0, 14),
      String(Date.parse("2026-03-14T15:30:00.000Z")).padStart(14, "0"),
      "time-sortable id",
    );
    assert.equal(s.text, "The memo is real.");
    assert.equal(s.content, "<p>The memo is real.</p>");
    assert.equal(s.visibility, "public");
    assert.equal(s.createdAt, "2026-03-14T15:30:00.000Z");
    assert.equal(s.editedAt, null);
    assert.equal(s.account.id, alt.account.id);
    assert.deepEqual([s.repliesCount, s.reblogsCount, s.favouritesCount], [0, 0, 0]);
    assert.deepEqual([s.mentions, s.tags, s.reblog, s.inReplyToId], [[], [], null, null]);
    assert.equal(s.sensitive, false);
    const author = await account(alt);
    assert.equal(author.statusesCount, 1);
    assert.equal(author.lastStatusDay, "2026-03-14");
  });

  test("ids of later posts sort after earlier ones, even within one millisecond", async () => {
    const a = await post(alt, "one");
    const b = await post(alt, "two");
    ctx.clock.advance(1);
    const c = await post(alt, "three");
    assert.ok(a.id < b.id && b.id < c.id, `${a.id} < ${b.id} < ${c.id}`);
  });

  test("a content warning makes the post sensitive; the language is normalised or dropped", async () => {
    const s = await ctx.services.posting.create(alt.viewer, {
      text: "details",
      spoilerText: " CW: leak ",
      language: "EN",
    });
    assert.equal(s.spoilerText, "CW: leak");
    assert.equal(s.sensitive, true);
    assert.equal(s.language, "en");
    const t = await ctx.services.posting.create(alt.viewer, { text: "x", language: "not a language" });
    assert.equal(t.language, null);
    assert.equal(t.sensitive, false);
  });

  test("empty text is refused", async () => {
    await rejectsWith(post(alt, ""), 422, /Write something/);
    await rejectsWith(post(alt, " \n\t "), 422, /Write something/);
    assert.equal(await rowCount(ctx, "statuses"), 0);
  });

  test("creating a post publishes status.created after it is stored", async () => {
    const seen: PubliusEvent[] = [];
    const stop = ctx.events.subscribe((e) => seen.push(e));
    const s = await post(alt, "hello @alice");
    stop();
    assert.deepEqual(seen[0], { type: "status.created", statusId: s.id, authorId: alt.account.id });
    assert.equal(seen[1]?.type, "notification.created");
  });
});

describe("length", () => {
  test("500 characters are allowed, 501 are refused and nothing is written", async () => {
    await post(alt, "a".repeat(500));
    const error = await rejectsWith(post(alt, "b".repeat(501)), 422, /at most 500 characters; this one has 501/);
    assert.ok(error.fields?.text);
    assert.equal(await rowCount(ctx, "statuses"), 1);
    assert.equal((await account(alt)).statusesCount, 1);
  });

  test("a long link counts 23, so the text around it may fill the rest", async () => {
    const url = `https://example.com/${"x".repeat(300)}`;
    const s = await post(alt, `${"a".repeat(476)} ${url}`);
    assert.ok(s.content.includes(url));
    await rejectsWith(post(alt, `${"a".repeat(477)} ${url}`), 422, /has 501/);
  });

  test("the content warning counts toward the limit", async () => {
    await rejectsWith(ctx.services.posting.create(alt.viewer, { text: "a".repeat(495), spoilerText: "123456" }), 422);
    assert.equal(await rowCount(ctx, "statuses"), 0);
  });

  test("an emoji with a skin tone counts one", async () => {
    const s = await post(alt, "👍🏽".repeat(500));
    assert.equal(s.text, "👍🏽".repeat(500));
  });

  test("a too-long post with mentions and hashtags writes no mention, tag or notification", async () => {
    await rejectsWith(post(alt, `@alice #leak ${"x".repeat(500)}`), 422);
    for (const table of ["statuses", "mentions", "tags", "status_tags", "notifications"] as const) {
      assert.equal(await rowCount(ctx, table), 0, table);
    }
  });
});

describe("visibility", () => {
  test("public, unlisted and private are accepted", async () => {
    for (const visibility of ["public", "unlisted", "private"]) {
      const s = await ctx.services.posting.create(alt.viewer, { text: visibility, visibility });
      assert.equal(s.visibility, visibility);
    }
  });

  test('"direct" is refused with a 422 that explains Publius keeps no private messages', async () => {
    const error = await rejectsWith(
      ctx.services.posting.create(alt.viewer, { text: "psst @alice", visibility: "direct" }),
      422,
      /private messages/,
    );
    assert.ok(error.fields?.visibility);
    assert.equal(await rowCount(ctx, "statuses"), 0);
    assert.equal(await rowCount(ctx, "notifications"), 0);
  });

  test("an unknown visibility is refused", async () => {
    await rejectsWith(
      ctx.services.posting.create(alt.viewer, { text: "x", visibility: "secret" }),
      422,
      /public, unlisted or private/,
    );
    await rejectsWith(ctx.services.posting.create(alt.viewer, { text: "x", visibility: "PUBLIC" }), 422);
  });
});

describe("mentions", () => {
  test("mentioned people are linked and notified once each", async () => {
    const s = await post(alt, "cc @alice @BOB @alice");
    assert.deepEqual(s.mentions.map((m) => m.handle).sort(), ["alice", "bob"]);
    assert.match(s.content, /<a href="http:\/\/publius\.test\/@bob" class="u-url mention">@<span>BOB<\/span><\/a>/);
    for (const who of [alice, bob]) {
      const notes = await ctx.services.notifications.list(who.viewer);
      assert.deepEqual(
        notes.map((n) => [n.type, n.account.id, n.status?.id]),
        [["mention", alt.account.id, s.id]],
      );
    }
  });

  test("an unknown handle stays plain text and notifies nobody", async () => {
    const s = await post(alt, "hello @nobody_here");
    assert.deepEqual(s.mentions, []);
    assert.equal(s.content, "<p>hello @nobody_here</p>");
    assert.equal(await rowCount(ctx, "notifications"), 0);
  });

  test("a remote mention does not mention the local account that shares the name", async () => {
    const s = await post(alt, "hello @bob@example.social", { text: "", visibility: "private" });
    assert.deepEqual(s.mentions, []);
    assert.equal(s.content, "<p>hello @bob@example.social</p>");
    assert.deepEqual(await ctx.services.notifications.list(bob.viewer), []);
    await rejectsWith(status(s.id, bob), 404);
  });

  test("mentioning oneself notifies nobody", async () => {
    const s = await post(alt, "note to self @ALT_USCIS");
    assert.equal(s.mentions.length, 1);
    assert.equal(await rowCount(ctx, "notifications"), 0);
  });

  test("a suspended account is not mentioned", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    await ctx.services.moderation.suspend(mod.viewer, bob.account.id, "spam");
    const s = await post(alt, "hi @bob");
    assert.deepEqual(s.mentions, []);
    assert.equal(s.content, "<p>hi @bob</p>");
  });

  test("someone who blocks the author is not notified of a mention", async () => {
    await ctx.services.relationships.block(alice.viewer, alt.account.id);
    await post(alt, "hey @alice");
    assert.equal(await rowCount(ctx, "notifications", { account_id: alice.account.id }), 0);
  });
});

describe("hashtags", () => {
  test("tags are stored once, lower-cased, whatever the case typed", async () => {
    const s = await post(alt, "#Resist and #resist and #RESIST #Leak");
    assert.deepEqual(s.tags, ["leak", "resist"]);
    assert.match(s.content, /href="http:\/\/publius\.test\/tags\/resist"/);
    const t = await post(alice, "#rEsIsT too");
    assert.deepEqual(t.tags, ["resist"]);
    assert.equal(await rowCount(ctx, "tags"), 2);
    assert.deepEqual(
      (await ctx.services.timelines.hashtag(null, "RESIST")).map((x) => x.id),
      [t.id, s.id],
    );
  });
});

describe("replies", () => {
  test("a reply records whom it answers and counts on the parent", async () => {
    const parent = await post(alt, "thread");
    const reply = await ctx.services.posting.create(alice.viewer, { text: "answer", inReplyToId: parent.id });
    assert.equal(reply.inReplyToId, parent.id);
    assert.equal(reply.inReplyToAccountId, alt.account.id);
    assert.equal((await status(parent.id)).repliesCount, 1);
  });

  test("a reply to a deleted post is refused and nothing is written", async () => {
    const parent = await post(alt, "soon gone");
    await ctx.services.posting.delete(alt.viewer, parent.id);
    const error = await rejectsWith(
      ctx.services.posting.create(alice.viewer, { text: "too late @bob #tag", inReplyToId: parent.id }),
      422,
      /deleted or is not visible/,
    );
    assert.ok(error.fields?.inReplyToId);
    assert.equal(await rowCount(ctx, "statuses"), 0);
    assert.equal(await rowCount(ctx, "notifications"), 0);
    assert.equal(await rowCount(ctx, "tags"), 0);
    assert.equal((await account(alice)).statusesCount, 0);
  });

  test("a reply to a post one may not see is refused the same way, and the parent's count is unchanged", async () => {
    const hidden = await ctx.services.posting.create(alt.viewer, { text: "followers only", visibility: "private" });
    await rejectsWith(
      ctx.services.posting.create(alice.viewer, { text: "peek", inReplyToId: hidden.id }),
      422,
      /deleted or is not visible/,
    );
    await rejectsWith(
      ctx.services.posting.create(alice.viewer, { text: "peek", inReplyToId: "999999999999999999" }),
      422,
      /deleted or is not visible/,
    );
    assert.equal((await status(hidden.id)).repliesCount, 0);
    assert.equal(await rowCount(ctx, "statuses", { account_id: alice.account.id }), 0);
  });

  test("a reply to the post of someone who blocks you is refused", async () => {
    const parent = await post(alt, "public");
    await ctx.services.relationships.block(alt.viewer, alice.account.id);
    await rejectsWith(ctx.services.posting.create(alice.viewer, { text: "hey", inReplyToId: parent.id }), 422);
    assert.equal((await status(parent.id)).repliesCount, 0);
  });
});

describe("idempotency keys", () => {
  test("the same key returns the same post and writes no second row", async () => {
    const first = await ctx.services.posting.create(alt.viewer, { text: "once @alice", idempotencyKey: "k-1" });
    const second = await ctx.services.posting.create(alt.viewer, { text: "once @alice", idempotencyKey: "k-1" });
    assert.equal(second.id, first.id);
    assert.equal(await rowCount(ctx, "statuses"), 1);
    assert.equal((await account(alt)).statusesCount, 1);
    assert.equal(await rowCount(ctx, "notifications"), 1);
  });

  test("the key is per account, and a different key makes a new post", async () => {
    const a = await ctx.services.posting.create(alt.viewer, { text: "x", idempotencyKey: "k" });
    const b = await ctx.services.posting.create(alice.viewer, { text: "x", idempotencyKey: "k" });
    const c = await ctx.services.posting.create(alt.viewer, { text: "x", idempotencyKey: "other" });
    assert.equal(new Set([a.id, b.id, c.id]).size, 3);
  });

  test("a double submit racing itself still makes one post", async () => {
    const results = await Promise.all([
      ctx.services.posting.create(alt.viewer, { text: "double click", idempotencyKey: "race" }),
      ctx.services.posting.create(alt.viewer, { text: "double click", idempotencyKey: "race" }),
    ]);
    assert.equal(results[0].id, results[1].id);
    assert.equal(await rowCount(ctx, "statuses"), 1);
    assert.equal((await account(alt)).statusesCount, 1);
  });

  test("after 24 hours the key may be used again for a new post", async () => {
    const first = await ctx.services.posting.create(alt.viewer, { text: "day one", idempotencyKey: "daily" });
    ctx.clock.advance(23 * HOUR);
    const retry = await ctx.services.posting.create(alt.viewer, { text: "day one", idempotencyKey: "daily" });
    assert.equal(retry.id, first.id);
    ctx.clock.advance(2 * HOUR);
    const next = await ctx.services.posting.create(alt.viewer, { text: "day two", idempotencyKey: "daily" });
    assert.notEqual(next.id, first.id);
    assert.equal(next.text, "day two");
    const again = await ctx.services.posting.create(alt.viewer, { text: "day two", idempotencyKey: "daily" });
    assert.equal(again.id, next.id, "the key now points at the new post");
  });

  test("a key whose post was deleted makes a new post", async () => {
    const first = await ctx.services.posting.create(alt.viewer, { text: "oops", idempotencyKey: "k" });
    await ctx.services.posting.delete(alt.viewer, first.id);
    const second = await ctx.services.posting.create(alt.viewer, { text: "fixed", idempotencyKey: "k" });
    assert.notEqual(second.id, first.id);
    assert.equal(second.text, "fixed");
  });
});

describe("editing", () => {
  test("keeps the original and every version, in order, and marks the post edited", async () => {
    ctx.clock.set("2026-03-14T10:00:00.000Z");
    const original = await ctx.services.posting.create(alt.viewer, { text: "first draft" });
    ctx.clock.advance(5 * MINUTE);
    await ctx.services.posting.edit(alt.viewer, original.id, { text: "second draft" });
    ctx.clock.advance(5 * MINUTE);
    const edited = await ctx.services.posting.edit(alt.viewer, original.id, { text: "final", spoilerText: "cw" });
    assert.equal(edited.id, original.id);
    assert.equal(edited.text, "final");
    assert.equal(edited.content, "<p>final</p>");
    assert.equal(edited.spoilerText, "cw");
    assert.equal(edited.sensitive, true);
    assert.equal(edited.createdAt, "2026-03-14T10:00:00.000Z");
    assert.equal(edited.editedAt, "2026-03-14T10:10:00.000Z");
    const history = await ctx.services.posting.history(alice.viewer, original.id);
    assert.deepEqual(
      history.map((h) => [h.text, h.createdAt, h.spoilerText]),
      [
        ["first draft", "2026-03-14T10:00:00.000Z", ""],
        ["second draft", "2026-03-14T10:05:00.000Z", ""],
        ["final", "2026-03-14T10:10:00.000Z", "cw"],
      ],
    );
    assert.ok(history.every((h) => h.account.id === alt.account.id));
    assert.equal((await account(alt)).statusesCount, 1, "an edit is not a new post");
  });

  test("an edit racing itself (a double submit) keeps the original once, first", async () => {
    const s = await post(alt, "original");
    await Promise.all([1, 2].map(() => ctx.services.posting.edit(alt.viewer, s.id, { text: "fixed typo" })));
    assert.deepEqual(
      (await ctx.services.posting.history(alt.viewer, s.id)).map((h) => h.text),
      ["original", "fixed typo", "fixed typo"],
    );
  });

  test("an unedited post's history is just itself", async () => {
    const s = await post(alt, "as is");
    const history = await ctx.services.posting.history(null, s.id);
    assert.deepEqual(
      history.map((h) => h.text),
      ["as is"],
    );
  });

  test("an edit updates tags and mentions, and tells only the newly mentioned", async () => {
    const s = await post(alt, "#old with @alice");
    await ctx.services.posting.edit(alt.viewer, s.id, { text: "#new with @alice and @bob" });
    const now = await status(s.id);
    assert.deepEqual(now.tags, ["new"]);
    assert.deepEqual(now.mentions.map((m) => m.handle).sort(), ["alice", "bob"]);
    assert.equal((await ctx.services.notifications.list(alice.viewer)).length, 1, "Alice was told once");
    assert.equal((await ctx.services.notifications.list(bob.viewer)).length, 1, "Bob is told now");
    assert.deepEqual(await ctx.services.timelines.hashtag(null, "old"), []);
    assert.deepEqual(
      (await ctx.services.timelines.hashtag(null, "new")).map((x) => x.id),
      [s.id],
    );
  });

  test("only the author can edit; a refused or invalid edit writes nothing", async () => {
    const s = await post(alt, "mine");
    await rejectsWith(ctx.services.posting.edit(alice.viewer, s.id, { text: "hijacked" }), 403, /your own posts/);
    await rejectsWith(ctx.services.posting.edit(alt.viewer, s.id, { text: "x".repeat(501) }), 422);
    await rejectsWith(ctx.services.posting.edit(alt.viewer, s.id, { text: "  " }), 422);
    await rejectsWith(ctx.services.posting.edit(alt.viewer, "999999999999999999", { text: "x" }), 404);
    const now = await status(s.id);
    assert.equal(now.text, "mine");
    assert.equal(now.editedAt, null);
    assert.equal(await rowCount(ctx, "status_edits"), 0);
  });

  test("a repost cannot be edited", async () => {
    const s = await post(alice, "original");
    const repost = await ctx.services.interactions.reblog(alt.viewer, s.id);
    await rejectsWith(ctx.services.posting.edit(alt.viewer, repost.id, { text: "x" }), 404);
  });

  test("the history of a post one may not see is a 404", async () => {
    const s = await ctx.services.posting.create(alt.viewer, { text: "followers", visibility: "private" });
    await ctx.services.posting.edit(alt.viewer, s.id, { text: "followers only" });
    await rejectsWith(ctx.services.posting.history(alice.viewer, s.id), 404);
    await rejectsWith(ctx.services.posting.history(null, s.id), 404);
    assert.equal((await ctx.services.posting.history(alt.viewer, s.id)).length, 2);
  });
});

describe("deleting", () => {
  test("only the author can delete", async () => {
    const s = await post(alt, "mine");
    await rejectsWith(ctx.services.posting.delete(alice.viewer, s.id), 403, /your own posts/);
    await rejectsWith(ctx.services.posting.delete(alice.viewer, "999999999999999999"), 404);
    assert.equal((await status(s.id)).text, "mine");
  });

  test("returns what was deleted, for delete-and-redraft", async () => {
    const s = await post(alt, "redraft me #tag");
    const deleted = await ctx.services.posting.delete(alt.viewer, s.id);
    assert.equal(deleted.id, s.id);
    assert.equal(deleted.text, "redraft me #tag");
    assert.deepEqual(deleted.tags, ["tag"]);
    await rejectsWith(status(s.id), 404);
    await rejectsWith(ctx.services.posting.delete(alt.viewer, s.id), 404);
  });

  test("keeps counters right and takes reposts, likes, edits and notifications with it", async () => {
    const parent = await post(bob, "parent");
    const s = await ctx.services.posting.create(alt.viewer, { text: "reply @bob", inReplyToId: parent.id });
    await ctx.services.posting.edit(alt.viewer, s.id, { text: "reply, edited" });
    await ctx.services.interactions.reblog(alice.viewer, s.id);
    await ctx.services.interactions.reblog(bob.viewer, s.id);
    await ctx.services.interactions.favourite(alice.viewer, s.id);
    const answer = await ctx.services.posting.create(alice.viewer, { text: "answer", inReplyToId: s.id });
    assert.equal((await status(parent.id)).repliesCount, 1);
    assert.equal((await account(alice)).statusesCount, 2);
    assert.equal((await account(bob)).statusesCount, 2);

    await ctx.services.posting.delete(alt.viewer, s.id);

    assert.equal((await account(alt)).statusesCount, 0);
    assert.equal((await account(alice)).statusesCount, 1, "Alice's repost went; her answer stays");
    assert.equal((await account(bob)).statusesCount, 1, "Bob's repost went");
    assert.equal((await status(parent.id)).repliesCount, 0);
    assert.equal(await rowCount(ctx, "statuses", { reblog_of_id: s.id }), 0);
    assert.equal(await rowCount(ctx, "favourites", { status_id: s.id }), 0);
    assert.equal(await rowCount(ctx, "status_edits", { status_id: s.id }), 0);
    assert.equal(await rowCount(ctx, "notifications", { status_id: s.id }), 0);
    assert.deepEqual(
      (await ctx.services.timelines.profile(null, alice.account.id)).map((x) => x.id),
      [answer.id],
    );
    assert.equal((await status(answer.id)).inReplyToId, s.id, "a reply outlives its parent, as in Mastodon");
  });

  test("a delete racing itself (a double click) removes the post once and counts it once", async () => {
    const parent = await post(bob, "parent");
    const s = await ctx.services.posting.create(alt.viewer, { text: "oops", inReplyToId: parent.id });
    await ctx.services.interactions.reblog(alice.viewer, s.id);
    await post(alt, "another, to keep");
    const results = await Promise.allSettled([1, 2, 3].map(() => ctx.services.posting.delete(alt.viewer, s.id)));
    assert.ok(results.some((r) => r.status === "fulfilled"));
    for (const r of results) {
      if (r.status === "rejected") assert.equal((r.reason as { status?: number }).status, 404, String(r.reason));
    }
    assert.equal((await account(alt)).statusesCount, 1);
    assert.equal((await account(alice)).statusesCount, 0);
    assert.equal((await status(parent.id)).repliesCount, 0);
  });

  test("a repost is undone with unreblog, not deleted as a post", async () => {
    const s = await post(alice, "original");
    const repost = await ctx.services.interactions.reblog(alt.viewer, s.id);
    await rejectsWith(ctx.services.posting.delete(alt.viewer, repost.id), 404);
    assert.equal((await status(s.id)).reblogsCount, 1);
  });

  test("deleting publishes status.deleted", async () => {
    const s = await post(alt, "bye");
    const seen: PubliusEvent[] = [];
    const stop = ctx.events.subscribe((e) => seen.push(e));
    await ctx.services.posting.delete(alt.viewer, s.id);
    stop();
    assert.deepEqual(seen, [{ type: "status.deleted", statusId: s.id, authorId: alt.account.id }]);
  });
});
