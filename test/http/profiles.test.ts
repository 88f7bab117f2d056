// Profiles, followers and following, follow requests, blocks and mutes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rowCount } from "../helpers/db.ts";
import { ATTR_XSS, assertEscaped, assertRedirect, links, pageText, XSS } from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { type Member, textOf, useSite } from "../helpers/web.ts";

async function follow(who: Member, target: Member) {
  return who.client.post(`/accounts/${target.account.id}/follow`, { back: `/@${target.account.handle}` });
}

describe("profiles", () => {
  const site = useSite();

  test("a profile shows name, bio, counts and posts, with every user string escaped", async () => {
    const alt = await site.member("altUscis");
    await site.ctx.services.accounts.updateProfile(alt.viewer, { displayName: XSS, note: `Bio ${ATTR_XSS}` });
    await alt.client.publish("From inside the agency");
    const res = await site.web.client().get("/@ALT_USCIS");
    const text = pageText(res);
    assert.match(text, /<script>alert\(1\)<\/script> @ALT_USCIS/);
    assert.match(text, /1 post · 0 following · 0 followers · Joined Mar 14, 2026/);
    assert.match(text, /From inside the agency/);
    assertEscaped(res.body, XSS, "the profile");
    assertEscaped(res.body, `Bio ${ATTR_XSS}`, "the bio");
    assert.match(res.body, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt; \(@ALT_USCIS\) · Publius<\/title>/);

    // Everywhere the name appears: timelines, threads, search, notifications, follower lists.
    const bob = await site.member("bob");
    await follow(bob, alt);
    await alt.client.publish("@bob hello");
    for (const [client, path] of [
      [bob.client, "/home"],
      [bob.client, "/local"],
      [bob.client, "/search?q=ALT"],
      [bob.client, "/notifications"],
      [bob.client, "/@bob/following"],
    ] as const) {
      const page = await client.get(path);
      pageText(page);
      assertEscaped(page.body, XSS, path);
    }
    const own = await alt.client.get("/@ALT_USCIS");
    assert.ok(links(own.body).includes("/settings/profile"), "one's own profile offers editing it");
    assert.ok(!own.body.includes(`/accounts/${alt.account.id}/follow`), "…and no follow button");
  });

  test("unknown handles are 404; with_replies shows replies; the handle's case does not matter", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    assert.match(pageText(await site.web.client().get("/@nobody"), 404), /No such account\./);
    const id = await bob.client.publish("question");
    await alice.client.publish("top-level thought");
    await alice.client.publish("@bob an answer", { in_reply_to_id: id });
    const plain = textOf((await site.web.client().get("/@alice")).body);
    assert.match(plain, /top-level thought/);
    assert.ok(!plain.includes("an answer"), "replies to others are left out by default");
    const withReplies = textOf((await site.web.client().get("/@Alice?with_replies=1")).body);
    assert.match(withReplies, /an answer/);
    assert.match(withReplies, /top-level thought/);
  });
});

describe("following", () => {
  const site = useSite();

  test("follow and unfollow change the buttons, the counts and the lists", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    let res = await follow(bob, alice);
    assertRedirect(res, "/@alice");
    assert.equal(await rowCount(site.ctx, "follows"), 1);
    let page = await bob.client.get("/@alice");
    assert.match(pageText(page), /0 following · 1 follower/);
    assert.ok(page.body.includes(`action="/accounts/${alice.account.id}/unfollow"`));
    assert.match(pageText(await alice.client.get("/@bob")), /Follows you/);
    assert.match(pageText(await site.web.client().get("/@alice/followers")), /People following @alice.*Bob @bob/);
    assert.match(pageText(await site.web.client().get("/@bob/following")), /People @bob follows.*Alice @alice/);
    assert.match(pageText(await alice.client.get("/notifications")), /Bob @bob followed you/);

    // Following again changes nothing.
    await follow(bob, alice);
    assert.equal(await rowCount(site.ctx, "follows"), 1);

    res = await bob.client.post(`/accounts/${alice.account.id}/unfollow`);
    assertRedirect(res, "/@alice");
    page = await bob.client.get("/@alice");
    assert.match(pageText(page), /0 followers/);
    assert.ok(page.body.includes(`action="/accounts/${alice.account.id}/follow"`));
    assert.match(pageText(await site.web.client().get("/@alice/followers")), /Nobody yet\./);
  });

  test("following yourself is refused (422) and writes nothing", async () => {
    const alice = await site.member("alice");
    const before = await snapshot(site.ctx);
    for (const action of ["follow", "block", "mute"]) {
      const res = await alice.client.post(`/accounts/${alice.account.id}/${action}`);
      assert.match(pageText(res, 422), /You cannot do that to yourself\./, action);
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("following an account that does not exist is 404", async () => {
    const alice = await site.member("alice");
    const before = await snapshot(site.ctx);
    assert.match(pageText(await alice.client.post("/accounts/123456789012345678/follow"), 404), /No such account\./);
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("followers and following lists page with Older and Newer links", async () => {
    const alice = await site.member("alice");
    const names = ["bob", "carol", "dave", "erin", "frank", "grace", "rogueNoaa", "altUscis"] as const;
    for (const name of names) await follow(await site.member(name), alice);
    const shown = (body: string) =>
      [...body.matchAll(/<li class="account-card"><a href="\/@(\w+)"/g)].map((m) => m[1] as string);
    // A stable random order, not the order of following (issue 9, finding 5).
    const all = shown((await site.web.client().get("/@alice/followers?limit=80")).body);
    assert.deepEqual(
      [...all].sort(),
      ["ALT_USCIS", "RogueNOAA", "bob", "carol", "dave", "erin", "frank", "grace"].sort(),
    );
    const first = await site.web.client().get("/@alice/followers?limit=3");
    assert.match(pageText(first), /8 followers/);
    assert.deepEqual(shown(first.body), all.slice(0, 3), "three a page");
    assert.ok(!links(first.body).some((h) => h.includes("min_id=")), "no Newer link on the first page");
    // Walk the Older links to the end: everyone once, in order.
    const seen: string[] = [...shown(first.body)];
    let next = links(first.body).find((h) => h.includes("max_id="));
    let second: string | undefined;
    for (let guard = 0; next && guard < 10; guard++) {
      const page = await site.web.client().get(`${next}&limit=3`);
      second ??= page.body;
      const more = shown(page.body);
      if (more.length === 0) break;
      seen.push(...more);
      next = links(page.body).find((h) => h.includes("max_id="));
    }
    assert.deepEqual(seen, all);
    const newer = links(second as string).find((h) => h.includes("min_id="));
    assert.ok(newer, "later pages link to newer ones");
    assert.deepEqual(shown((await site.web.client().get(`${newer}&limit=3`)).body), all.slice(0, 3));
  });
});

describe("locked accounts", () => {
  const site = useSite();

  test("a follow becomes a request, visible at /follow-requests, and can be accepted", async () => {
    const rogue = await site.member("rogueNoaa", { locked: true });
    const bob = await site.member("bob");
    const secret = await rogue.client.publish("followers only data", { visibility: "private" });
    let page = await bob.client.get("/@RogueNOAA");
    assert.match(pageText(page), /Locked/);
    assert.match(page.body, />Ask to follow</);

    assertRedirect(await follow(bob, rogue), "/@RogueNOAA");
    assert.equal(await rowCount(site.ctx, "follows"), 0);
    assert.equal(await rowCount(site.ctx, "follow_requests"), 1);
    page = await bob.client.get("/@RogueNOAA");
    assert.match(page.body, />Withdraw follow request</);
    assert.equal((await bob.client.get(`/@RogueNOAA/${secret}`)).statusCode, 404, "not yet a follower");

    assert.match(pageText(await rogue.client.get("/notifications")), /Bob @bob asked to follow you — review/);
    const requests = await rogue.client.get("/follow-requests");
    assert.match(pageText(requests), /Follow requests.*Bob @bob/);
    assert.ok(requests.body.includes(`action="/follow-requests/${bob.account.id}/authorize"`));

    assertRedirect(await rogue.client.post(`/follow-requests/${bob.account.id}/authorize`), "/follow-requests");
    assert.match(pageText(await rogue.client.get("/follow-requests")), /No one is waiting\./);
    assert.equal(await rowCount(site.ctx, "follows"), 1);
    assert.equal(await rowCount(site.ctx, "follow_requests"), 0);
    assert.equal((await bob.client.get(`/@RogueNOAA/${secret}`)).statusCode, 200, "now a follower");
    assert.match(pageText(await bob.client.get("/home")), /followers only data/);
  });

  test("a request can be rejected, or withdrawn by the one who asked", async () => {
    const rogue = await site.member("rogueNoaa", { locked: true });
    const bob = await site.member("bob");
    const carol = await site.member("carol");
    await follow(bob, rogue);
    await follow(carol, rogue);
    assertRedirect(await rogue.client.post(`/follow-requests/${bob.account.id}/reject`), "/follow-requests");
    assert.equal(await rowCount(site.ctx, "follows"), 0);
    assert.equal(await rowCount(site.ctx, "follow_requests", { account_id: bob.account.id }), 0);
    assert.match((await bob.client.get("/@RogueNOAA")).body, />Ask to follow</);

    await carol.client.post(`/accounts/${rogue.account.id}/unfollow`);
    assert.equal(await rowCount(site.ctx, "follow_requests"), 0);
    assert.match(pageText(await rogue.client.get("/follow-requests")), /No one is waiting\./);
    assert.ok(!pageText(await rogue.client.get("/notifications")).includes("asked to follow you"));

    // Deciding on a request that is not there is 404 and changes nothing.
    const before = await snapshot(site.ctx);
    assert.match(
      pageText(await rogue.client.post(`/follow-requests/${carol.account.id}/authorize`), 404),
      /No such follow request\./,
    );
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

describe("blocks and mutes", () => {
  const site = useSite();

  test("a block hides posts both ways and removes follows both ways", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    await follow(alice, bob);
    await follow(bob, alice);
    const fromAlice = await alice.client.publish("alice speaks");
    const fromBob = await bob.client.publish("bob speaks");
    assert.match(pageText(await alice.client.get("/home")), /bob speaks/);

    assertRedirect(await alice.client.post(`/accounts/${bob.account.id}/block`, { back: "/@bob" }), "/@bob");
    assert.equal(await rowCount(site.ctx, "follows"), 0);
    assert.match(pageText(await alice.client.get("/@alice")), /0 following · 0 followers/);

    for (const [me, other, theirs] of [
      [alice, bob, fromBob],
      [bob, alice, fromAlice],
    ] as const) {
      const handle = other.account.handle;
      for (const path of ["/home", "/local", `/search?q=speaks`]) {
        const text = pageText(await me.client.get(path));
        assert.ok(!text.includes(`${handle} speaks`), `${me.account.handle} sees ${handle}'s post on ${path}`);
      }
      assert.equal((await me.client.get(`/@${handle}/${theirs}`)).statusCode, 404);
    }
    // The blocked one sees that they cannot see; the blocker sees an Unblock button.
    assert.match(pageText(await bob.client.get("/@alice")), /You cannot see this account's posts\./);
    const blockerView = await alice.client.get("/@bob");
    assert.match(blockerView.body, />Unblock</);
    assert.ok(!blockerView.body.includes(`/accounts/${bob.account.id}/follow"`), "no follow button across a block");
    // Following across a block is refused.
    const before = await snapshot(site.ctx);
    assert.equal((await bob.client.post(`/accounts/${alice.account.id}/follow`)).statusCode, 403);
    assert.deepEqual(await snapshot(site.ctx), before);
    // Others still see both.
    const local = pageText(await site.web.client().get("/local"));
    assert.match(local, /alice speaks/);
    assert.match(local, /bob speaks/);

    await alice.client.post(`/accounts/${bob.account.id}/unblock`);
    assert.match(pageText(await bob.client.get(`/@alice/${fromAlice}`)), /alice speaks/);
    assert.equal(await rowCount(site.ctx, "follows"), 0, "unblocking does not restore follows");
  });

  test("a mute hides the muted account from the muter's home only", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const carol = await site.member("carol");
    await follow(alice, bob);
    await follow(carol, bob);
    const id = await bob.client.publish("bob rambles");
    assert.match(pageText(await alice.client.get("/home")), /bob rambles/);

    assertRedirect(await alice.client.post(`/accounts/${bob.account.id}/mute`, { back: "/home" }), "/home");
    assert.ok(!pageText(await alice.client.get("/home")).includes("bob rambles"), "hidden from the muter's home");
    assert.match(pageText(await carol.client.get("/home")), /bob rambles/, "others' homes unchanged");
    assert.match(pageText(await bob.client.get("/home")), /bob rambles/, "the muted one notices nothing");
    assert.match(pageText(await bob.client.get("/@alice")), /Mute/);
    assert.equal(await rowCount(site.ctx, "follows"), 2, "a mute keeps the follow");
    assert.equal((await alice.client.get(`/@bob/${id}`)).statusCode, 200, "the post itself stays reachable");
    assert.match((await alice.client.get("/@bob")).body, />Unmute</);

    await alice.client.post(`/accounts/${bob.account.id}/unmute`);
    assert.match(pageText(await alice.client.get("/home")), /bob rambles/);
  });
});
