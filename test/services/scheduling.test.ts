import assert from "node:assert/strict";
import { test } from "node:test";
import { HOUR, MINUTE } from "../../src/domain/clock.ts";
import type { PubliusError } from "../../src/domain/errors.ts";
import { timeIdFloor } from "../../src/domain/ids.ts";
import { person } from "../fixtures/accounts.ts";
import { createTestContext } from "../helpers/context.ts";

test("a delayed post survives a restart and is published on time, with an id and time made at publishing", async () => {
  let ctx = await createTestContext({ sqliteFile: true, clockStart: "2017-03-14T09:00:00.000Z" });
  try {
    const alt = await person(ctx, "altUscis");
    const alice = await person(ctx, "alice");
    await ctx.services.relationships.follow(alice.viewer, alt.account.id);
    await ctx.services.scheduling.setDelay(alt.viewer, "1h");
    const writtenAt = ctx.clock.now();
    const submitted = await ctx.services.scheduling.submit(alt.viewer, { text: "Written at 9 in the office, @alice" });
    assert.equal(submitted.kind, "scheduled");
    if (submitted.kind !== "scheduled") return;
    const due = new Date(submitted.scheduled.scheduledAt);
    assert.ok(due.getTime() >= writtenAt.getTime() && due.getTime() <= writtenAt.getTime() + HOUR + MINUTE);
    assert.equal(due.getUTCSeconds(), 0, "kept to the minute");
    // Nothing is visible, nobody is notified, until it is published.
    assert.deepEqual(await ctx.services.timelines.home(alice.viewer), []);
    assert.deepEqual(await ctx.services.notifications.list(alice.viewer), []);
    assert.deepEqual(await ctx.services.scheduling.publishDue(), { published: 0, dropped: 0 });

    ctx = await ctx.restart();
    ctx.clock.set(new Date(due.getTime() + 30_000));
    assert.deepEqual(await ctx.services.scheduling.publishDue(), { published: 1, dropped: 0 });
    const home = await ctx.services.timelines.home(alice.viewer);
    assert.equal(home.length, 1);
    const post = home[0];
    assert.ok(post);
    assert.equal(post.createdAt, ctx.clock.now().toISOString());
    assert.ok(post.id >= timeIdFloor(due), "the id is made at publishing, not at writing");
    assert.deepEqual(
      (await ctx.services.notifications.list(alice.viewer)).map((n) => n.type),
      ["mention"],
    );
    assert.deepEqual(await ctx.services.scheduling.list(alt.viewer), []);
    // A second run publishes nothing twice.
    assert.deepEqual(await ctx.services.scheduling.publishDue(), { published: 0, dropped: 0 });
  } finally {
    await ctx.destroy();
  }
});

test("publish at: at least five minutes ahead, cancellable, rescheduled, validated when written", async () => {
  const ctx = await createTestContext();
  try {
    const alt = await person(ctx, "altUscis");
    const now = ctx.clock.now().getTime();
    await assert.rejects(
      ctx.services.scheduling.submit(alt.viewer, { text: "too soon" }, new Date(now + 60_000)),
      (e: PubliusError) => e.status === 422 && /at least 5 minutes/.test(e.publicMessage),
    );
    await assert.rejects(
      ctx.services.scheduling.submit(alt.viewer, { text: "x".repeat(501) }, new Date(now + HOUR)),
      (e: PubliusError) => e.status === 422,
    );
    await assert.rejects(
      ctx.services.scheduling.submit(alt.viewer, { text: "secret", visibility: "direct" }, new Date(now + HOUR)),
      (e: PubliusError) => e.status === 422,
    );
    const a = await ctx.services.scheduling.submit(
      alt.viewer,
      { text: "at noon", idempotencyKey: "k" },
      new Date(now + 2 * HOUR),
    );
    const again = await ctx.services.scheduling.submit(
      alt.viewer,
      { text: "at noon", idempotencyKey: "k" },
      new Date(now + 2 * HOUR),
    );
    assert.equal(a.kind, "scheduled");
    assert.equal(again.kind, "scheduled");
    if (a.kind !== "scheduled" || again.kind !== "scheduled") return;
    assert.equal(again.scheduled.id, a.scheduled.id, "a double-submitted form queues one post");
    const moved = await ctx.services.scheduling.reschedule(alt.viewer, a.scheduled.id, new Date(now + 3 * HOUR));
    assert.equal(moved.scheduledAt, new Date(now + 3 * HOUR).toISOString());
    const alice = await person(ctx, "alice");
    await assert.rejects(
      ctx.services.scheduling.cancel(alice.viewer, a.scheduled.id),
      (e: PubliusError) => e.status === 404,
    );
    await ctx.services.scheduling.cancel(alt.viewer, a.scheduled.id);
    assert.deepEqual(await ctx.services.scheduling.list(alt.viewer), []);
  } finally {
    await ctx.destroy();
  }
});

test("with no delay a post is published at once; a queued reply to a deleted post is dropped", async () => {
  const ctx = await createTestContext();
  try {
    const alt = await person(ctx, "altUscis");
    const now = await ctx.services.scheduling.submit(alt.viewer, { text: "right away" });
    assert.equal(now.kind, "published");
    const parent = await ctx.services.posting.create(alt.viewer, { text: "parent" });
    await ctx.services.scheduling.submit(
      alt.viewer,
      { text: "later reply", inReplyToId: parent.id },
      new Date(ctx.clock.now().getTime() + HOUR),
    );
    await ctx.services.posting.delete(alt.viewer, parent.id);
    ctx.clock.advance(2 * HOUR);
    assert.deepEqual(await ctx.services.scheduling.publishDue(), { published: 0, dropped: 1 });
  } finally {
    await ctx.destroy();
  }
});

test("images of a post waiting in the queue are not purged as abandoned uploads", async () => {
  const ctx = await createTestContext();
  try {
    const alt = await person(ctx, "altUscis");
    const sharp = (await import("sharp")).default;
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    const media = await ctx.services.media.upload(alt.viewer, { data: png });
    await ctx.services.scheduling.submit(
      alt.viewer,
      { text: "with a picture", mediaIds: [media.id] },
      new Date(ctx.clock.now().getTime() + 72 * HOUR),
    );
    ctx.clock.advance(49 * HOUR);
    await ctx.services.media.purgeUnattached();
    const row = await ctx.store.db
      .selectFrom("media_attachments")
      .select("id")
      .where("id", "=", media.id)
      .executeTakeFirst();
    assert.ok(row, "the queued post's image is kept");
    ctx.clock.advance(24 * HOUR);
    assert.deepEqual(await ctx.services.scheduling.publishDue(), { published: 1, dropped: 0 });
    const home = await ctx.services.timelines.home(alt.viewer);
    assert.equal(home[0]?.media.length, 1);
  } finally {
    await ctx.destroy();
  }
});

test("queuing a reply to a post the author may not see is refused exactly like one to a missing post (finding 14)", async () => {
  const ctx = await createTestContext({ clockStart: "2017-03-14T09:00:00.000Z" });
  try {
    const alice = await person(ctx, "alice");
    const dave = await person(ctx, "dave");
    const secret = await ctx.services.posting.create(alice.viewer, { text: "for followers", visibility: "private" });
    const later = new Date(ctx.clock.now().getTime() + 2 * HOUR);
    const refusal = async (inReplyToId: string) => {
      try {
        await ctx.services.scheduling.submit(dave.viewer, { text: "a reply", inReplyToId }, later);
      } catch (e) {
        const err = e as PubliusError;
        return { status: err.status, message: err.publicMessage, fields: err.fields };
      }
      return "queued";
    };
    const hidden = await refusal(secret.id);
    const missing = await refusal("123456789012345678");
    assert.notEqual(missing, "queued");
    assert.deepEqual(hidden, missing);
    assert.deepEqual(await ctx.services.scheduling.list(dave.viewer), []);
  } finally {
    await ctx.destroy();
  }
});
