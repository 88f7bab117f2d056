// Who may see what, as one table. Every view that lists posts (home, local, profile, hashtag, thread,
// search, notifications) must agree with the single-post look-up, timelines.status().
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Status, Visibility } from "../../src/domain/status.ts";
import { type Person, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { rejectsWith } from "../helpers/errors.ts";

type ViewerKind =
  | "anonymous"
  | "author"
  | "follower"
  | "non-follower"
  | "mentioned non-follower"
  | "blocked by author"
  | "blocker of author";

const VISIBILITIES: Visibility[] = ["public", "unlisted", "private"];

/** The rule, written out: may this viewer see a post of this visibility by an active author? */
const EXPECTED: Record<ViewerKind, Record<Visibility, boolean>> = {
  anonymous: { public: true, unlisted: true, private: false },
  author: { public: true, unlisted: true, private: true },
  follower: { public: true, unlisted: true, private: true },
  "non-follower": { public: true, unlisted: true, private: false },
  "mentioned non-follower": { public: true, unlisted: true, private: true },
  "blocked by author": { public: false, unlisted: false, private: false },
  "blocker of author": { public: false, unlisted: false, private: false },
};

/** A word that appears in one post only, for the search check. */
const WORD: Record<Visibility, string> = { public: "aardvark", unlisted: "bumblebee", private: "chinchilla" };

let ctx: TestContext;
let people: Record<Exclude<ViewerKind, "anonymous">, Person>;
let suspendedAuthor: Person;
/** The active author's posts, each a reply to the author's own public root post. */
const posts = new Map<Visibility, Status>();
let root: Status;
/** The suspended author's posts, made while still active. */
const suspendedPosts = new Map<Visibility, Status>();
let suspendedRoot: Status;

before(async () => {
  ctx = await createTestContext();
  const s = () => ctx.services;
  people = {
    author: await person(ctx, "altUscis"),
    follower: await person(ctx, "alice"),
    "non-follower": await person(ctx, "bob"),
    "mentioned non-follower": await person(ctx, "carol"),
    "blocked by author": await person(ctx, "dave"),
    "blocker of author": await person(ctx, "erin"),
  };
  suspendedAuthor = await person(ctx, "rogueNoaa");
  const mod = await person(ctx, "mod", { roles: ["moderator"] });
  const { author, follower } = people;
  await s().relationships.follow(follower.viewer, author.account.id);
  await s().relationships.follow(follower.viewer, suspendedAuthor.account.id);
  await s().relationships.block(author.viewer, people["blocked by author"].account.id);
  await s().relationships.block(people["blocker of author"].viewer, author.account.id);

  // The blocked people are mentioned too: a mention must not reach across a block.
  const mentions = "@carol @dave @erin";
  root = await s().posting.create(author.viewer, { text: "Thread root" });
  suspendedRoot = await s().posting.create(suspendedAuthor.viewer, { text: "Thread root" });
  for (const visibility of VISIBILITIES) {
    ctx.clock.advance(1000);
    const text = `${WORD[visibility]} ${mentions} #Leak`;
    posts.set(visibility, await s().posting.create(author.viewer, { text, visibility, inReplyToId: root.id }));
    suspendedPosts.set(
      visibility,
      await s().posting.create(suspendedAuthor.viewer, { text, visibility, inReplyToId: suspendedRoot.id }),
    );
  }
  await s().moderation.suspend(mod.viewer, suspendedAuthor.account.id, "impersonating an agency");
});
after(() => ctx.destroy());

const ids = (list: Status[]) => list.map((x) => x.id);

/**
 * Asserts that `post` is visible to `who` exactly when `visible`, through the single-post look-up
 * and through every listing where it would otherwise appear.
 */
async function assertSeen(
  who: Person | null,
  post: Status,
  threadRoot: Status,
  authorId: string,
  visible: boolean,
  roles: { inHome: boolean; mentioned: boolean },
): Promise<void> {
  const s = ctx.services;
  const viewer = who?.viewer ?? null;
  const where = (view: string) => `${view} should ${visible ? "show" : "hide"} the post`;

  if (visible) assert.equal((await s.timelines.status(viewer, post.id)).id, post.id, where("status()"));
  else await rejectsWith(s.timelines.status(viewer, post.id), 404);

  const inProfile = ids(await s.timelines.profile(viewer, authorId)).includes(post.id);
  assert.equal(inProfile, visible, where("profile"));

  const isPublic = post.visibility === "public";
  assert.equal(ids(await s.timelines.local(viewer)).includes(post.id), visible && isPublic, where("local"));
  assert.equal(ids(await s.timelines.hashtag(viewer, "leak")).includes(post.id), visible && isPublic, where("#leak"));

  const found = await s.search.statuses(viewer, WORD[post.visibility]);
  assert.equal(ids(found).includes(post.id), visible, where("search"));
  assert.equal(
    ids((await s.search.search(viewer, `${WORD[post.visibility]}`)).statuses).includes(post.id),
    visible,
    where("search()"),
  );

  let inThread = false;
  try {
    inThread = ids((await s.timelines.context(viewer, threadRoot.id)).descendants).includes(post.id);
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
  }
  assert.equal(inThread, visible, where("thread"));

  if (who) {
    const home = ids(await s.timelines.home(who.viewer));
    assert.equal(home.includes(post.id), visible && roles.inHome, where("home"));
    const notes = await s.notifications.list(who.viewer);
    const mentionedHere = notes.some((n) => n.status?.id === post.id);
    assert.equal(mentionedHere, visible && roles.mentioned, where("notifications"));
    if (visible) {
      const history = await s.posting.history(who.viewer, post.id);
      assert.equal(history.length, 1);
    } else {
      await rejectsWith(s.posting.history(who.viewer, post.id), 404);
      await rejectsWith(s.interactions.favourite(who.viewer, post.id), 404);
    }
  }
}

describe("an active author's posts", () => {
  for (const visibility of VISIBILITIES) {
    for (const kind of Object.keys(EXPECTED) as ViewerKind[]) {
      const visible = EXPECTED[kind][visibility];
      test(`${visibility} post, viewer ${kind}: ${visible ? "visible" : "hidden"} everywhere`, async () => {
        const who = kind === "anonymous" ? null : people[kind];
        await assertSeen(who, posts.get(visibility) as Status, root, people.author.account.id, visible, {
          inHome: kind === "author" || kind === "follower",
          mentioned: kind === "mentioned non-follower",
        });
      });
    }
  }
});

describe("a suspended author's posts", () => {
  const viewers = ["anonymous", "author", "follower", "mentioned non-follower"] as const;
  for (const visibility of VISIBILITIES) {
    for (const kind of viewers) {
      test(`${visibility} post, viewer ${kind}: hidden everywhere`, async () => {
        const who = kind === "anonymous" ? null : kind === "author" ? suspendedAuthor : people[kind];
        await assertSeen(
          who,
          suspendedPosts.get(visibility) as Status,
          suspendedRoot,
          suspendedAuthor.account.id,
          false,
          {
            inHome: true,
            mentioned: kind === "mentioned non-follower",
          },
        );
      });
    }
  }

  test("even its thread root is gone, and its mention notifications with it", async () => {
    await rejectsWith(ctx.services.timelines.context(people.follower.viewer, suspendedRoot.id), 404);
    const notes = await ctx.services.notifications.list(people["mentioned non-follower"].viewer);
    assert.ok(notes.every((n) => n.account.id !== suspendedAuthor.account.id));
    assert.equal(await ctx.services.notifications.unreadCount(people["mentioned non-follower"].viewer), 3);
  });
});

describe("the world the table runs in", () => {
  test("is set up as the table says: the root post is hidden only across a block", async () => {
    for (const kind of Object.keys(EXPECTED) as ViewerKind[]) {
      const viewer = kind === "anonymous" ? null : people[kind].viewer;
      if (kind === "blocked by author" || kind === "blocker of author") {
        await rejectsWith(ctx.services.timelines.status(viewer, root.id), 404);
      } else {
        assert.equal((await ctx.services.timelines.status(viewer, root.id)).id, root.id, kind);
      }
    }
    const r = await ctx.services.relationships.relationships(people.author.viewer, [
      people.follower.account.id,
      people["blocked by author"].account.id,
      people["blocker of author"].account.id,
    ]);
    assert.deepEqual(
      r.map((x) => [x.followedBy, x.blocking, x.blockedBy]),
      [
        [true, false, false],
        [false, true, false],
        [false, false, true],
      ],
    );
  });

  test("reposts: a blocked viewer does not see the author's post through someone else's repost", async () => {
    const s = ctx.services;
    const dave = people["blocked by author"];
    const bob = people["non-follower"];
    await s.relationships.follow(dave.viewer, bob.account.id);
    const repost = await s.interactions.reblog(bob.viewer, (posts.get("public") as Status).id);
    try {
      assert.ok(!ids(await s.timelines.home(dave.viewer)).includes(repost.id));
      assert.ok(!ids(await s.timelines.profile(dave.viewer, bob.account.id)).includes(repost.id));
      await rejectsWith(s.timelines.status(dave.viewer, repost.id), 404);
      // The same repost is there for someone the author has not blocked.
      assert.equal((await s.timelines.status(people.follower.viewer, repost.id)).reblog?.id, posts.get("public")?.id);
    } finally {
      await s.interactions.unreblog(bob.viewer, repost.id);
      await s.relationships.unfollow(dave.viewer, bob.account.id);
    }
  });
});
