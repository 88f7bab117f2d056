import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { MINUTE } from "../../src/domain/clock.ts";
import type { Status } from "../../src/domain/status.ts";
import { type Person, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { rejectsWith } from "../helpers/errors.ts";
import { freshContexts } from "../helpers/fresh.ts";

const ids = (list: Status[]) => list.map((s) => s.id);
const texts = (list: Status[]) => list.map((s) => (s.reblog ? `RT ${s.reblog.text}` : s.text));

describe("timelines", () => {
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

  /** Posts one minute after the previous one, so ids and order are plain. */
  const post = (who: Person, text: string, extra: { visibility?: string; inReplyToId?: string } = {}) => {
    ctx.clock.advance(MINUTE);
    return ctx.services.posting.create(who.viewer, { text, ...extra });
  };
  const reblog = (who: Person, id: string) => {
    ctx.clock.advance(MINUTE);
    return ctx.services.interactions.reblog(who.viewer, id);
  };

  describe("home", () => {
    test("one's own posts, those of people one follows and their reposts, newest first", async () => {
      await ctx.services.relationships.follow(alice.viewer, alt.account.id);
      await post(alt, "alt 1");
      await post(bob, "bob, not followed");
      await post(alice, "alice herself");
      const bobsOther = await post(bob, "bob again");
      await reblog(alt, bobsOther.id);
      await post(alt, "alt 2", { visibility: "private" });
      await post(alt, "alt 3", { visibility: "unlisted" });
      assert.deepEqual(texts(await ctx.services.timelines.home(alice.viewer)), [
        "alt 3",
        "alt 2",
        "RT bob again",
        "alice herself",
        "alt 1",
      ]);
    });

    test("replies show when they answer oneself, one's own post, someone followed or the author", async () => {
      await ctx.services.relationships.follow(alice.viewer, alt.account.id);
      const bobs = await post(bob, "bob's post");
      const alices = await post(alice, "alice's post");
      const alts = await post(alt, "alt's post");
      await post(alt, "alt answers bob (not followed)", { inReplyToId: bobs.id });
      await post(alt, "alt answers alice", { inReplyToId: alices.id });
      await post(alt, "alt continues own thread", { inReplyToId: alts.id });
      await ctx.services.relationships.follow(alice.viewer, carol.account.id);
      const carols = await post(carol, "carol's post");
      await post(alt, "alt answers carol (followed)", { inReplyToId: carols.id });
      assert.deepEqual(texts(await ctx.services.timelines.home(alice.viewer)), [
        "alt answers carol (followed)",
        "carol's post",
        "alt continues own thread",
        "alt answers alice",
        "alt's post",
        "alice's post",
      ]);
    });

    test("someone's repost of one's own post is not shown back to oneself", async () => {
      await ctx.services.relationships.follow(alice.viewer, alt.account.id);
      const mine = await post(alice, "mine");
      await reblog(alt, mine.id);
      assert.deepEqual(ids(await ctx.services.timelines.home(alice.viewer)), [mine.id]);
    });

    test("one's own reposts are in one's home", async () => {
      const bobs = await post(bob, "worth sharing");
      const repost = await reblog(alice, bobs.id);
      assert.deepEqual(ids(await ctx.services.timelines.home(alice.viewer)), [repost.id]);
    });

    test("unfollowing removes the account's posts from home", async () => {
      await ctx.services.relationships.follow(alice.viewer, alt.account.id);
      await post(alt, "x");
      assert.equal((await ctx.services.timelines.home(alice.viewer)).length, 1);
      await ctx.services.relationships.unfollow(alice.viewer, alt.account.id);
      assert.deepEqual(await ctx.services.timelines.home(alice.viewer), []);
    });

    test("a pending follow request does not open a locked account's home posts", async () => {
      await ctx.services.accounts.updateProfile(alt.viewer, { locked: true });
      await ctx.services.relationships.follow(alice.viewer, alt.account.id);
      await post(alt, "followers only", { visibility: "private" });
      await post(alt, "public");
      assert.deepEqual(await ctx.services.timelines.home(alice.viewer), []);
      await ctx.services.relationships.authorize(alt.viewer, alice.account.id);
      assert.deepEqual(texts(await ctx.services.timelines.home(alice.viewer)), ["public", "followers only"]);
    });
  });

  describe("local", () => {
    test("public posts only, without reposts or replies to others; self-replies stay", async () => {
      const first = await post(alt, "public one");
      await post(alt, "unlisted", { visibility: "unlisted" });
      await post(alt, "private", { visibility: "private" });
      await reblog(bob, first.id);
      await post(bob, "bob answers alt", { inReplyToId: first.id });
      await post(alt, "alt continues", { inReplyToId: first.id });
      await post(carol, "carol public");
      const expected = ["carol public", "alt continues", "public one"];
      assert.deepEqual(texts(await ctx.services.timelines.local(null)), expected);
      assert.deepEqual(texts(await ctx.services.timelines.local(alice.viewer)), expected);
      await ctx.services.relationships.follow(alice.viewer, alt.account.id);
      assert.deepEqual(texts(await ctx.services.timelines.local(alice.viewer)), expected, "following changes nothing");
    });
  });

  describe("profile", () => {
    let original: Status;
    beforeEach(async () => {
      const bobs = await post(bob, "bob's post");
      original = await post(alt, "alt #Leak");
      await post(alt, "alt answers bob", { inReplyToId: bobs.id });
      await post(alt, "alt continues", { inReplyToId: original.id });
      await reblog(alt, bobs.id);
      await post(alt, "alt #leak again", { visibility: "unlisted" });
      await post(alt, "alt followers only #LEAK", { visibility: "private" });
    });

    test("everything the viewer may see, reposts included, newest first", async () => {
      assert.deepEqual(texts(await ctx.services.timelines.profile(null, alt.account.id)), [
        "alt #leak again",
        "RT bob's post",
        "alt continues",
        "alt answers bob",
        "alt #Leak",
      ]);
      assert.equal((await ctx.services.timelines.profile(alt.viewer, alt.account.id)).length, 6);
    });

    test("excluding replies keeps the author's own thread", async () => {
      assert.deepEqual(
        texts(await ctx.services.timelines.profile(null, alt.account.id, {}, { excludeReplies: true })),
        ["alt #leak again", "RT bob's post", "alt continues", "alt #Leak"],
      );
    });

    test("excluding reposts", async () => {
      assert.deepEqual(
        texts(await ctx.services.timelines.profile(null, alt.account.id, {}, { excludeReblogs: true })),
        ["alt #leak again", "alt continues", "alt answers bob", "alt #Leak"],
      );
    });

    test("tagged, whatever the case, with visibility still applied", async () => {
      const tagged = (viewer: Person | null, tag: string) =>
        ctx.services.timelines.profile(viewer?.viewer ?? null, alt.account.id, {}, { tagged: tag });
      assert.deepEqual(texts(await tagged(null, "LEAK")), ["alt #leak again", "alt #Leak"]);
      assert.deepEqual(texts(await tagged(alt, "leak")), ["alt followers only #LEAK", "alt #leak again", "alt #Leak"]);
      assert.deepEqual(await tagged(null, "nothing"), []);
    });

    test("filters combine", async () => {
      const list = await ctx.services.timelines.profile(
        null,
        alt.account.id,
        {},
        { excludeReplies: true, excludeReblogs: true },
      );
      assert.deepEqual(texts(list), ["alt #leak again", "alt continues", "alt #Leak"]);
    });
  });

  describe("hashtag", () => {
    test("public posts carrying the tag, whatever the case typed or asked, without reposts", async () => {
      const a = await post(alt, "#Resist");
      await post(bob, "#resist quietly", { visibility: "unlisted" });
      await post(carol, "#RESIST followers", { visibility: "private" });
      await reblog(bob, a.id);
      const b = await post(alice, "#rEsIsT and #other");
      for (const asked of ["resist", "Resist", "RESIST", "ｒｅｓｉｓｔ"]) {
        assert.deepEqual(ids(await ctx.services.timelines.hashtag(null, asked)), [b.id, a.id], asked);
      }
      assert.deepEqual(ids(await ctx.services.timelines.hashtag(carol.viewer, "resist")), [b.id, a.id]);
      assert.deepEqual(await ctx.services.timelines.hashtag(null, "unknown"), []);
    });
  });

  describe("threads", () => {
    test("ancestors oldest first; descendants in reading order (depth first)", async () => {
      const root = await post(alt, "root");
      const a = await post(alice, "a", { inReplyToId: root.id });
      const b = await post(bob, "b", { inReplyToId: root.id });
      const a1 = await post(alt, "a1", { inReplyToId: a.id });
      const a1x = await post(alice, "a1x", { inReplyToId: a1.id });
      const a2 = await post(carol, "a2", { inReplyToId: a.id });
      const focus = await ctx.services.timelines.context(null, a1.id);
      assert.deepEqual(texts(focus.ancestors), ["root", "a"]);
      assert.deepEqual(texts(focus.descendants), ["a1x"]);
      const whole = await ctx.services.timelines.context(null, root.id);
      assert.deepEqual(whole.ancestors, []);
      assert.deepEqual(ids(whole.descendants), [a.id, a1.id, a1x.id, a2.id, b.id]);
    });

    test("a hidden reply hides its answers; the viewer who may see it gets the whole thread", async () => {
      const root = await post(alt, "root");
      await ctx.services.relationships.follow(carol.viewer, bob.account.id);
      const secret = await post(bob, "followers only", { visibility: "private", inReplyToId: root.id });
      const under = await post(carol, "answer to the secret", { inReplyToId: secret.id });
      const open = await post(alice, "open reply", { inReplyToId: root.id });
      assert.deepEqual(ids((await ctx.services.timelines.context(null, root.id)).descendants), [open.id]);
      assert.deepEqual(ids((await ctx.services.timelines.context(bob.viewer, root.id)).descendants), [
        secret.id,
        under.id,
        open.id,
      ]);
      // Seen from below, a hidden ancestor is left out.
      assert.deepEqual(texts((await ctx.services.timelines.context(null, under.id)).ancestors), ["root"]);
    });

    test("a deleted post leaves a gap; muted and blocked people's replies are left out", async () => {
      const root = await post(alt, "root");
      const middle = await post(alice, "middle", { inReplyToId: root.id });
      const leaf = await post(bob, "leaf", { inReplyToId: middle.id });
      const noisy = await post(carol, "noise", { inReplyToId: root.id });
      await ctx.services.posting.delete(alice.viewer, middle.id);
      assert.deepEqual((await ctx.services.timelines.context(null, leaf.id)).ancestors, []);
      assert.deepEqual(ids((await ctx.services.timelines.context(null, root.id)).descendants), [noisy.id]);
      await ctx.services.relationships.mute(alt.viewer, carol.account.id);
      assert.deepEqual((await ctx.services.timelines.context(alt.viewer, root.id)).descendants, []);
      await ctx.services.relationships.block(bob.viewer, carol.account.id);
      assert.deepEqual((await ctx.services.timelines.context(bob.viewer, root.id)).descendants, []);
    });

    test("the thread of a repost is the thread of the original; a missing post is a 404", async () => {
      const root = await post(alt, "root");
      const reply = await post(alice, "reply", { inReplyToId: root.id });
      const repost = await reblog(bob, root.id);
      assert.deepEqual(ids((await ctx.services.timelines.context(null, repost.id)).descendants), [reply.id]);
      await rejectsWith(ctx.services.timelines.context(null, "999999999999999999"), 404);
    });
  });
});

describe("keyset paging", () => {
  let ctx: TestContext;
  let alt: Person;
  let alice: Person;
  /** 45 public posts by Alt, oldest first: posted[0] is the oldest. */
  const posted: Status[] = [];
  before(async () => {
    ctx = await createTestContext();
    alt = await person(ctx, "altUscis");
    alice = await person(ctx, "alice");
    await ctx.services.relationships.follow(alice.viewer, alt.account.id);
    for (let i = 0; i < 45; i++) {
      ctx.clock.advance(MINUTE);
      posted.push(await ctx.services.posting.create(alt.viewer, { text: `post ${i} #paged` }));
    }
  });
  after(() => ctx.destroy());

  /** Ids of posted[from..to] inclusive, newest first. */
  const range = (from: number, to: number) =>
    posted
      .slice(from, to + 1)
      .map((p) => p.id)
      .reverse();

  const views = {
    local: (page: object) => ctx.services.timelines.local(null, page),
    home: (page: object) => ctx.services.timelines.home(alice.viewer, page),
    profile: (page: object) => ctx.services.timelines.profile(null, alt.account.id, page),
    hashtag: (page: object) => ctx.services.timelines.hashtag(null, "paged", page),
  };

  for (const [name, view] of Object.entries(views)) {
    describe(name, () => {
      test("20 newest by default; limit is capped at 40; nonsense limits fall back to 20", async () => {
        assert.deepEqual(ids(await view({})), range(25, 44));
        assert.deepEqual(ids(await view({ limit: 5 })), range(40, 44));
        assert.deepEqual(ids(await view({ limit: 100 })), range(5, 44));
        assert.deepEqual(ids(await view({ limit: 0 })), range(25, 44));
        assert.deepEqual(ids(await view({ limit: -3 })), range(25, 44));
        assert.deepEqual(ids(await view({ limit: Number.NaN })), range(25, 44));
      });

      test("max_id pages backwards, excluding max_id itself", async () => {
        const first = await view({ limit: 10 });
        assert.deepEqual(ids(first), range(35, 44));
        const second = await view({ limit: 10, maxId: first.at(-1)?.id });
        assert.deepEqual(ids(second), range(25, 34));
        const last = await view({ limit: 10, maxId: posted[3]?.id });
        assert.deepEqual(ids(last), range(0, 2));
        assert.deepEqual(await view({ maxId: posted[0]?.id }), []);
      });

      test("since_id gives the newest posts above it, newest first", async () => {
        assert.deepEqual(ids(await view({ limit: 5, sinceId: posted[10]?.id })), range(40, 44));
        assert.deepEqual(ids(await view({ sinceId: posted[40]?.id })), range(41, 44));
        assert.deepEqual(await view({ sinceId: posted[44]?.id }), []);
      });

      test("min_id gives the page immediately newer than it, newest first", async () => {
        assert.deepEqual(ids(await view({ limit: 5, minId: posted[10]?.id })), range(11, 15));
        assert.deepEqual(ids(await view({ limit: 5, minId: posted[42]?.id })), range(43, 44));
        assert.deepEqual(await view({ minId: posted[44]?.id }), []);
      });

      test("max_id with since_id or min_id gives the window between them", async () => {
        const bounds = { maxId: posted[20]?.id, limit: 40 };
        assert.deepEqual(ids(await view({ ...bounds, sinceId: posted[14]?.id })), range(15, 19));
        assert.deepEqual(ids(await view({ ...bounds, minId: posted[14]?.id })), range(15, 19));
        assert.deepEqual(ids(await view({ maxId: posted[30]?.id, minId: posted[10]?.id, limit: 3 })), range(11, 13));
      });

      test("walking with max_id visits every post once", async () => {
        const seen: string[] = [];
        let maxId: string | undefined;
        for (;;) {
          const page = await view({ limit: 7, maxId });
          if (page.length === 0) break;
          seen.push(...ids(page));
          maxId = page.at(-1)?.id;
        }
        assert.deepEqual(seen, range(0, 44));
      });

      test("walking with min_id from the start visits every post once", async () => {
        const seen: string[] = [];
        let minId = "0";
        for (;;) {
          const page = await view({ limit: 8, minId });
          if (page.length === 0) break;
          seen.unshift(...ids(page));
          minId = page[0]?.id as string;
        }
        assert.deepEqual(seen, range(0, 44));
      });
    });
  }
});
