import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { HOUR } from "../../src/domain/clock.ts";
import type { Notification } from "../../src/domain/notification.ts";
import { type Person, person } from "../fixtures/accounts.ts";
import type { TestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";

let ctx: TestContext;
let alt: Person;
let alice: Person;
let bob: Person;
let carol: Person;
const fresh = freshContexts();
beforeEach(async () => {
  ctx = await fresh();
  alt = await person(ctx, "altUscis");
  alice = await person(ctx, "alice");
  bob = await person(ctx, "bob");
  carol = await person(ctx, "carol");
});

const s = () => ctx.services;
const summary = (list: Notification[]) => list.map((n) => `${n.type} ${n.account.handle}`);
const list = (who: Person, filter: Parameters<TestContext["services"]["notifications"]["list"]>[2] = {}) =>
  ctx.services.notifications.list(who.viewer, {}, filter);

/**
 * Alt receives one notification of every type, oldest first, an hour apart (notifications are
 * ordered to the hour only, random within one: issue 9, finding 5): follow_request is from Carol.
 */
async function everyType() {
  const post = await s().posting.create(alt.viewer, { text: "leaked memo" });
  await s().posting.create(alice.viewer, { text: "@ALT_USCIS is this real?" });
  ctx.clock.advance(HOUR);
  await s().relationships.follow(bob.viewer, alt.account.id);
  ctx.clock.advance(HOUR);
  await s().interactions.reblog(alice.viewer, post.id);
  ctx.clock.advance(HOUR);
  await s().interactions.favourite(bob.viewer, post.id);
  await s().accounts.updateProfile(alt.viewer, { locked: true });
  ctx.clock.advance(HOUR);
  await s().relationships.follow(carol.viewer, alt.account.id);
  return post;
}

describe("what is notified", () => {
  test("mention, follow, repost, like and follow request, newest first, with who and which post", async () => {
    ctx.clock.set("2026-03-14T12:34:56.789Z");
    const post = await everyType();
    const notes = await list(alt);
    assert.deepEqual(summary(notes), [
      "follow_request carol",
      "favourite bob",
      "reblog alice",
      "follow bob",
      "mention alice",
    ]);
    assert.deepEqual(
      notes.map((n) => n.status?.id ?? null),
      [null, post.id, post.id, null, notes[4]?.status?.id],
    );
    assert.match(notes[4]?.status?.text ?? "", /is this real/);
    assert.ok(notes.every((n) => n.read === false));
    assert.deepEqual(
      notes.map((n) => n.createdAt),
      [
        "2026-03-14T16:00:00.000Z",
        "2026-03-14T15:00:00.000Z",
        "2026-03-14T14:00:00.000Z",
        "2026-03-14T13:00:00.000Z",
        "2026-03-14T12:00:00.000Z",
      ],
      "kept to the hour",
    );
  });

  test("one's own actions notify nobody, and nobody else is notified", async () => {
    const post = await s().posting.create(alt.viewer, { text: "@ALT_USCIS memo" });
    await s().interactions.favourite(alt.viewer, post.id);
    await s().interactions.reblog(alt.viewer, post.id);
    await s().interactions.favourite(alice.viewer, post.id);
    assert.equal(await rowCount(ctx, "notifications"), 1);
    assert.deepEqual(await list(bob), []);
  });

  test("a notification is found by id only by its recipient", async () => {
    await everyType();
    const [newest] = await list(alt);
    assert.equal((await s().notifications.get(alt.viewer, newest?.id as string)).type, "follow_request");
    await rejectsWith(s().notifications.get(bob.viewer, newest?.id as string), 404);
    await rejectsWith(s().notifications.get(alt.viewer, "987654"), 404);
  });
});

describe("unread count and marking read", () => {
  test("counts unread, marks all read, and counts only what comes after", async () => {
    await everyType();
    assert.equal(await s().notifications.unreadCount(alt.viewer), 5);
    assert.equal(await s().notifications.unreadCount(alice.viewer), 0);
    await s().notifications.markAllRead(alt.viewer);
    assert.equal(await s().notifications.unreadCount(alt.viewer), 0);
    assert.ok((await list(alt)).every((n) => n.read));
    ctx.clock.advance(HOUR);
    await s().posting.create(alice.viewer, { text: "@ALT_USCIS again" });
    assert.equal(await s().notifications.unreadCount(alt.viewer), 1);
    assert.deepEqual(
      (await list(alt)).map((n) => n.read),
      [false, true, true, true, true, true],
    );
  });

  test("marking one's own read leaves others' unread", async () => {
    await s().posting.create(alt.viewer, { text: "@alice @bob" });
    await s().notifications.markAllRead(alice.viewer);
    assert.equal(await s().notifications.unreadCount(bob.viewer), 1);
  });
});

describe("hidden actors", () => {
  test("a muted actor's notifications are hidden from the list and the count, and return on unmute", async () => {
    await everyType();
    await s().relationships.mute(alt.viewer, bob.account.id);
    assert.deepEqual(summary(await list(alt)), ["follow_request carol", "reblog alice", "mention alice"]);
    assert.equal(await s().notifications.unreadCount(alt.viewer), 3);
    await s().relationships.unmute(alt.viewer, bob.account.id);
    assert.equal((await list(alt)).length, 5);
  });

  test("a blocked actor's notifications are hidden, whoever blocked whom", async () => {
    await everyType();
    await s().relationships.block(alt.viewer, alice.account.id);
    await s().relationships.block(bob.viewer, alt.account.id);
    assert.deepEqual(summary(await list(alt)), ["follow_request carol"]);
    assert.equal(await s().notifications.unreadCount(alt.viewer), 1);
  });

  test("a blocked person's new mentions are not even recorded", async () => {
    await s().relationships.block(alt.viewer, alice.account.id);
    await s().posting.create(alice.viewer, { text: "@ALT_USCIS hey" });
    assert.equal(await rowCount(ctx, "notifications"), 0);
  });

  test("a suspended actor's notifications are hidden", async () => {
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    await everyType();
    await s().moderation.suspend(mod.viewer, alice.account.id, "spam");
    assert.deepEqual(summary(await list(alt)), ["follow_request carol", "favourite bob", "follow bob"]);
    assert.equal(await s().notifications.unreadCount(alt.viewer), 3);
  });

  test("a mention taken out of a post by an edit takes its notification with it", async () => {
    const post = await s().posting.create(alt.viewer, { text: "cc @alice @bob", visibility: "private" });
    await s().posting.edit(alt.viewer, post.id, { text: "cc @bob" });
    assert.deepEqual(await list(alice), []);
    assert.equal(await s().notifications.unreadCount(alice.viewer), 0, "the count agrees with the list");
    assert.equal((await list(bob)).length, 1);
  });
});

describe("dismissing and clearing", () => {
  test("dismissing removes one notification of one's own; another's is a 404 and stays", async () => {
    await everyType();
    const notes = await list(alt);
    await s().notifications.dismiss(alt.viewer, notes[0]?.id as string);
    assert.deepEqual(
      (await list(alt)).map((n) => n.id),
      notes.slice(1).map((n) => n.id),
    );
    await rejectsWith(s().notifications.dismiss(bob.viewer, notes[1]?.id as string), 404);
    await rejectsWith(s().notifications.dismiss(alt.viewer, notes[0]?.id as string), 404);
    assert.equal((await list(alt)).length, 4);
  });

  test("clearing removes all of one's own and nobody else's", async () => {
    await everyType();
    await s().posting.create(alt.viewer, { text: "@alice" });
    await s().notifications.clear(alt.viewer);
    assert.deepEqual(await list(alt), []);
    assert.equal(await s().notifications.unreadCount(alt.viewer), 0);
    assert.equal((await list(alice)).length, 1);
  });
});

describe("filters and paging", () => {
  test("types keeps only those types; excludeTypes leaves them out", async () => {
    await everyType();
    assert.deepEqual(summary(await list(alt, { types: ["mention"] })), ["mention alice"]);
    assert.deepEqual(summary(await list(alt, { types: ["follow", "follow_request"] })), [
      "follow_request carol",
      "follow bob",
    ]);
    assert.deepEqual(summary(await list(alt, { excludeTypes: ["favourite", "reblog"] })), [
      "follow_request carol",
      "follow bob",
      "mention alice",
    ]);
    assert.deepEqual(summary(await list(alt, { types: ["mention", "favourite"], excludeTypes: ["favourite"] })), [
      "mention alice",
    ]);
    assert.equal((await list(alt, { types: [] })).length, 5, "an empty list means no filter");
  });

  test("max_id, since_id and min_id page by notification id; limit defaults to 40, at most 80", async () => {
    const post = await s().posting.create(alt.viewer, { text: "memo" });
    const others = [
      alice,
      bob,
      carol,
      await person(ctx, "dave"),
      await person(ctx, "erin"),
      await person(ctx, "frank"),
    ];
    for (const who of others) {
      ctx.clock.advance(HOUR); // ordered to the hour only (issue 9, finding 5)
      await s().interactions.favourite(who.viewer, post.id);
    }
    const all = await list(alt);
    assert.deepEqual(
      all.map((n) => n.account.handle),
      ["frank", "erin", "dave", "carol", "bob", "alice"],
    );
    const id = (i: number) => all[i]?.id as string;
    const page = (p: object) =>
      s()
        .notifications.list(alt.viewer, p)
        .then((l) => l.map((n) => n.account.handle));
    assert.deepEqual(await page({ limit: 2 }), ["frank", "erin"]);
    assert.deepEqual(await page({ limit: 2, maxId: id(1) }), ["dave", "carol"]);
    assert.deepEqual(await page({ sinceId: id(4) }), ["frank", "erin", "dave", "carol"]);
    assert.deepEqual(await page({ limit: 2, sinceId: id(4) }), ["frank", "erin"]);
    assert.deepEqual(await page({ limit: 2, minId: id(4) }), ["dave", "carol"]);
    assert.deepEqual(await page({ maxId: id(0), minId: id(5) }), ["erin", "dave", "carol", "bob"]);

    for (let i = 0; i < 85; i++) await s().posting.create(alice.viewer, { text: `@ALT_USCIS ${i}` });
    assert.equal((await list(alt)).length, 40);
    assert.equal((await s().notifications.list(alt.viewer, { limit: 500 })).length, 80);
  });
});
