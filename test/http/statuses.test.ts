// Composing, reading, editing, deleting and acting on posts; threads and paging.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rowCount } from "../helpers/db.ts";
import {
  assertEscaped,
  assertRedirect,
  inputValue,
  links,
  pageText,
  tags,
  textareaValue,
  XSS,
} from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { textOf, useSite } from "../helpers/web.ts";

const LONG_LINK = (n: number) => `https://example.org/${String(n).repeat(3)}/${"p".repeat(120)}`;

describe("composing", () => {
  const site = useSite();

  test("the compose page has one form with a fresh idempotency key and no direct messages", async () => {
    const alice = await site.member("alice");
    const first = await alice.client.get("/compose");
    const text = pageText(first);
    assert.match(text, /New post/);
    assert.match(text, /Up to 500 characters; every link counts as 23\./);
    const key = inputValue(first.body, "idempotency");
    assert.ok(key && key.length >= 16);
    const second = await alice.client.get("/compose");
    assert.notEqual(inputValue(second.body, "idempotency"), key, "each rendering gets its own key");
    const options = tags(first.body)
      .filter((t) => t.name === "option")
      .map((t) => t.attrs.value);
    assert.deepEqual(options, ["public", "unlisted", "private"]);
  });

  test("publishing redirects to the post, which says it is published and shows the text escaped", async () => {
    const alice = await site.member("alice");
    const res = await alice.client.post("/statuses", {
      text: `Hello ${XSS} world`,
      visibility: "public",
      idempotency: "a1",
    });
    assertRedirect(res, /^\/@alice\/\d{18}\?notice=posted$/);
    const page = await alice.client.get(String(res.headers.location));
    const text = pageText(page);
    assert.match(text, /Your post is published\./);
    assert.match(text, /Hello <script>alert\(1\)<\/script> world/);
    assertEscaped(page.body, XSS, "the thread page");
    for (const path of ["/home", "/local", "/@alice", "/"]) {
      const viewer = path === "/" ? site.web.client() : alice.client;
      const r = await viewer.get(path);
      pageText(r);
      assertEscaped(r.body, XSS, path);
    }
  });

  test("a post of 501 characters is refused with 422, keeps the text, and writes nothing", async () => {
    const alice = await site.member("alice");
    const before = await snapshot(site.ctx);
    const tooLong = `${"x".repeat(500)}<`;
    const res = await alice.client.post("/statuses", { text: tooLong, visibility: "public", idempotency: "t1" });
    assert.match(pageText(res, 422), /A post has at most 500 characters; this one has 501\./);
    assert.equal(textareaValue(res.body, "text"), tooLong, "the text is kept for correcting");
    assert.match(res.body, /id="text"[^>]*aria-invalid="true"/);
    assert.deepEqual(await snapshot(site.ctx), before);

    // The content warning counts too.
    const withCw = await alice.client.post("/statuses", {
      text: "x".repeat(490),
      spoiler_text: "y".repeat(11),
      visibility: "public",
    });
    assert.match(pageText(withCw, 422), /this one has 501/);
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("500 characters with long links is fine, because each link counts as 23", async () => {
    const alice = await site.member("alice");
    const linksText = [1, 2, 3, 4].map(LONG_LINK).join(" ");
    const text = `${linksText} ${"x".repeat(500 - 4 * 23 - 4)}`;
    assert.ok(text.length > 900, "far longer than 500 in raw characters");
    const id = await alice.client.publish(text);
    const page = await alice.client.get(`/@alice/${id}`);
    for (const n of [1, 2, 3, 4]) assert.ok(links(page.body).includes(LONG_LINK(n)));
    const oneMore = await alice.client.post("/statuses", { text: `${text}x`, visibility: "public" });
    assert.match(pageText(oneMore, 422), /this one has 501/);
  });

  test("an empty post and an unknown visibility are refused", async () => {
    const alice = await site.member("alice");
    const before = await snapshot(site.ctx);
    assert.match(pageText(await alice.client.post("/statuses", { text: "   " }), 422), /Write something first\./);
    assert.match(
      pageText(await alice.client.post("/statuses", { text: "hi", visibility: "everyone" }), 422),
      /Visibility must be public, unlisted or private\./,
    );
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("visibility=direct is refused with 422 and the private-messages explanation", async () => {
    const alice = await site.member("alice");
    await site.member("bob");
    const before = await snapshot(site.ctx);
    const res = await alice.client.post("/statuses", { text: "@bob psst", visibility: "direct", idempotency: "d1" });
    const text = pageText(res, 422);
    assert.match(
      text,
      /Direct messages are not available: Publius keeps no private messages it could be compelled to hand over\./,
    );
    assert.match(text, /Direct messages are not available on Publius\./, "the field message too");
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("a double-submitted compose form creates one post", async () => {
    const alice = await site.member("alice");
    const form = await alice.client.get("/compose");
    const idempotency = inputValue(form.body, "idempotency") as string;
    const statuses = await rowCount(site.ctx, "statuses");
    const first = await alice.client.post("/statuses", { text: "only once", visibility: "public", idempotency });
    const second = await alice.client.post("/statuses", { text: "only once", visibility: "public", idempotency });
    assertRedirect(first, /^\/@alice\/\d{18}\?notice=posted$/);
    assertRedirect(second, String(first.headers.location));
    assert.equal(await rowCount(site.ctx, "statuses"), statuses + 1);
    // Another person's key space is their own.
    const bob = await site.member("bob");
    const theirs = await bob.client.post("/statuses", { text: "mine", visibility: "public", idempotency });
    assertRedirect(theirs, /^\/@bob\/\d{18}\?notice=posted$/);
    assert.equal(await rowCount(site.ctx, "statuses"), statuses + 2);
  });

  test("a content warning hides the post in a <details> with the warning as <summary>, escaped", async () => {
    const alice = await site.member("alice");
    const cw = `Spoilers ${XSS}`;
    const id = await alice.client.publish("The butler did it.", { spoiler_text: cw });
    for (const path of [`/@alice/${id}`, "/local", "/home"]) {
      const res = await alice.client.get(path);
      const m = /<details class="cw"><summary>([\s\S]*?)<\/summary>([\s\S]*?)<\/details>/.exec(res.body);
      assert.ok(m, `${path} wraps the post in <details>`);
      assert.match(textOf(m[1] as string), /^Spoilers <script>alert\(1\)<\/script> \(show post\)$/);
      assert.match(textOf(m[2] as string), /The butler did it\./);
      assertEscaped(res.body, cw, path);
    }
  });

  test("links get rel=nofollow noopener noreferrer ugc; hashtags link to /tags/<lowercase>; mentions to profiles", async () => {
    const alice = await site.member("alice");
    await site.member("rogueNoaa");
    const id = await alice.client.publish('Read https://example.org/a?b=1&c="2" with @RogueNOAA #Resist #ClimateFacts');
    const res = await alice.client.get(`/@alice/${id}`);
    const anchors = tags(res.body).filter((t) => t.name === "a");
    const external = anchors.find((a) => a.attrs.href?.startsWith("https://example.org/"));
    assert.ok(external, "the link is a link");
    // Read back whole, so the quote inside stayed inside the attribute (escaped as &quot;).
    assert.equal(external.attrs.href, 'https://example.org/a?b=1&c="2');
    assert.equal(external.attrs.rel, "nofollow noopener noreferrer ugc");
    const tagLinks = anchors.filter((a) => a.attrs.rel === "tag").map((a) => a.attrs.href);
    assert.deepEqual(tagLinks, ["http://publius.test/tags/resist", "http://publius.test/tags/climatefacts"]);
    assert.ok(
      anchors.some((a) => a.attrs.href === "http://publius.test/@RogueNOAA" && a.attrs.class?.includes("mention")),
    );
    assert.match(textOf(res.body), /#Resist #ClimateFacts/, "the tag is shown as typed");

    for (const path of ["/tags/resist", "/tags/RESIST", "/tags/%23Resist"]) {
      const t = await site.web.client().get(path);
      assert.ok(t.body.includes(`/@alice/${id}`), `${path} lists the post`);
    }
    assert.match(pageText(await site.web.client().get("/tags/nothing")), /No public posts with this hashtag\./);
  });

  test("replying: the form is prefilled, the reply joins the thread, and the parent counts it", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await alice.client.publish("What do you think?");
    const form = await bob.client.get(`/compose?in_reply_to=${id}`);
    const text = pageText(form);
    assert.match(text, /Reply/);
    assert.match(text, /What do you think\?/);
    assert.equal(textareaValue(form.body, "text"), "@alice ");
    assert.equal(inputValue(form.body, "in_reply_to_id"), id);

    const reply = await bob.client.publish("@alice I agree", { in_reply_to_id: id });
    const deeper = await alice.client.publish("@bob thanks", { in_reply_to_id: reply });
    const thread = await alice.client.get(`/@bob/${reply}`);
    const order = [id, reply, deeper].map((s) => thread.body.indexOf(`id="post-${s}-author"`));
    assert.ok(order.every((i) => i > 0) && order[0]! < order[1]! && order[1]! < order[2]!, "ancestor, post, reply");
    assert.match(textOf(thread.body), /1 reply/);
    const root = await alice.client.get(`/@alice/${id}`);
    assert.match(pageText(root), /1 reply · 0 reposts · 0 likes/);
    assert.match(textOf(root.body), /I agree.*thanks/);
  });

  test("replying to a deleted post is refused with 422 and writes nothing", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await alice.client.publish("soon gone");
    assertRedirect(await alice.client.post(`/statuses/${id}/delete`), "/@alice?notice=deleted");
    const before = await snapshot(site.ctx);
    const res = await bob.client.post("/statuses", { text: "too late", in_reply_to_id: id, visibility: "public" });
    assert.match(pageText(res, 422), /The post you are replying to has been deleted or is not visible to you\./);
    assert.deepEqual(await snapshot(site.ctx), before);
    assert.equal((await bob.client.get(`/compose?in_reply_to=${id}`)).statusCode, 404);
  });

  test("/statuses/:id redirects to the post's address; a wrong handle in the address is 404", async () => {
    const alice = await site.member("alice");
    const id = await alice.client.publish("find me");
    assertRedirect(await site.web.client().get(`/statuses/${id}`), `/@alice/${id}`);
    assert.equal((await site.web.client().get(`/@ALICE/${id}`)).statusCode, 200, "the handle's case does not matter");
    assert.match(pageText(await site.web.client().get(`/@bob/${id}`), 404), /Not found/);
    assert.equal((await site.web.client().get("/statuses/000000000000000001")).statusCode, 404);
  });
});

describe("followers-only posts", () => {
  const site = useSite();

  test("are seen by the author, followers and those mentioned, and by nobody else", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const carol = await site.member("carol");
    const dave = await site.member("dave");
    await bob.client.post(`/accounts/${alice.account.id}/follow`);
    const id = await alice.client.publish("for friends, and @dave", { visibility: "private" });
    for (const [who, status] of [
      [alice.client, 200],
      [bob.client, 200],
      [dave.client, 200],
      [carol.client, 404],
      [site.web.client(), 404],
    ] as const) {
      assert.equal((await who.get(`/@alice/${id}`)).statusCode, status);
    }
    assert.ok(!(await carol.client.get("/@alice")).body.includes(id));
    assert.ok(!(await site.web.client().get("/local")).body.includes(id));
    const page = await bob.client.get(`/@alice/${id}`);
    assert.match(pageText(page), /Followers only/);
    assert.ok(!page.body.includes(`/statuses/${id}/reblog"`), "followers-only posts offer no repost button");
  });
});

describe("editing and deleting", () => {
  const site = useSite();

  test("an edit keeps its history, viewable at /@handle/:id/history", async () => {
    const alice = await site.member("alice");
    const id = await alice.client.publish("first version");
    const unedited = await site.web.client().get(`/@alice/${id}/history`);
    assert.match(pageText(unedited), /Edit history.*first version/);

    const form = await alice.client.get(`/statuses/${id}/edit`);
    assert.match(pageText(form), /Edit post/);
    assert.equal(textareaValue(form.body, "text"), "first version");

    site.ctx.clock.advance(60_000);
    const newText = `second version ${XSS}`;
    const res = await alice.client.post(`/statuses/${id}/edit`, { text: newText, spoiler_text: "" });
    assertRedirect(res, `/@alice/${id}?notice=edited`);
    const thread = await alice.client.get(String(res.headers.location));
    const text = pageText(thread);
    assert.match(text, /Your post is updated\./);
    assert.match(text, /second version/);
    assert.ok(!text.includes("first version"));
    assert.ok(
      links(thread.body).includes(`/@alice/${id}/history`),
      "the post says it was edited and links the history",
    );

    const history = await site.web.client().get(`/@alice/${id}/history`);
    const h = pageText(history);
    assert.match(h, /current second version <script>alert\(1\)<\/script> .* original first version/);
    assertEscaped(history.body, XSS, "the history page");
    assert.equal((await site.web.client().get(`/@bob/${id}/history`)).statusCode, 404);
  });

  test("an edit that is too long is refused and changes nothing", async () => {
    const alice = await site.member("alice");
    const id = await alice.client.publish("short");
    const before = await snapshot(site.ctx);
    const res = await alice.client.post(`/statuses/${id}/edit`, { text: "y".repeat(501) });
    assert.match(pageText(res, 422), /A post has at most 500 characters; this one has 501\./);
    assert.equal(textareaValue(res.body, "text"), "y".repeat(501));
    assert.deepEqual(await snapshot(site.ctx), before);
  });

  test("someone else's post cannot be edited or deleted (403) and stays as it was", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await alice.client.publish("mine, not yours");
    const before = await snapshot(site.ctx);
    assert.match(pageText(await bob.client.get(`/statuses/${id}/edit`), 403), /You can only edit your own posts\./);
    assert.match(
      pageText(await bob.client.post(`/statuses/${id}/edit`, { text: "hijacked" }), 403),
      /You can only edit your own posts\./,
    );
    assert.match(pageText(await bob.client.get(`/statuses/${id}/delete`), 403), /You can only delete your own posts\./);
    assert.match(
      pageText(await bob.client.post(`/statuses/${id}/delete`), 403),
      /You can only delete your own posts\./,
    );
    assert.deepEqual(await snapshot(site.ctx), before);
    const page = await bob.client.get(`/@alice/${id}`);
    assert.ok(!page.body.includes(`/statuses/${id}/edit`), "no edit link on others' posts");
    assert.ok(page.body.includes(`/statuses/${id}/report`), "a report link instead");
  });

  test("deleting asks first, then removes the post, its likes and reposts", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await alice.client.publish("regrettable");
    await bob.client.post(`/statuses/${id}/favourite`);
    await bob.client.post(`/statuses/${id}/reblog`);
    const confirm = await alice.client.get(`/statuses/${id}/delete`);
    assert.match(pageText(confirm), /Delete this post\?.*regrettable/);
    assert.equal(await rowCount(site.ctx, "statuses"), 2);

    const res = await alice.client.post(`/statuses/${id}/delete`);
    assertRedirect(res, "/@alice?notice=deleted");
    assert.match(pageText(await alice.client.get("/@alice?notice=deleted")), /The post is deleted\..*0 posts/);
    assert.equal((await alice.client.get(`/@alice/${id}`)).statusCode, 404);
    assert.equal(await rowCount(site.ctx, "statuses"), 0);
    assert.equal(await rowCount(site.ctx, "favourites"), 0);
    assert.equal((await alice.client.post(`/statuses/${id}/delete`)).statusCode, 404);
  });
});

describe("likes and reposts", () => {
  const site = useSite();

  test("like, repost and their undos change the counts, notify, and come back to the page", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await alice.client.publish("like and share");
    assertRedirect(await bob.client.post(`/statuses/${id}/favourite`, { back: "/local" }), "/local");
    assertRedirect(await bob.client.post(`/statuses/${id}/reblog`, { back: "/@alice" }), "/@alice");
    // A return path to another site is ignored.
    assertRedirect(await bob.client.post(`/statuses/${id}/favourite`, { back: "//evil.example/" }), `/statuses/${id}`);

    let page = await bob.client.get(`/@alice/${id}`);
    assert.match(pageText(page), /0 replies · 1 repost · 1 like/);
    assert.match(
      page.body,
      /action="\/statuses\/\d+\/unfavourite"[\s\S]*?aria-pressed="true"[^>]*>(<svg[\s\S]*?<\/svg>)?<span>Unlike<\/span>/,
    );
    assert.match(page.body, /action="\/statuses\/\d+\/unreblog"[\s\S]*?<span>Undo repost<\/span>/);
    const bobsProfile = pageText(await alice.client.get("/@bob"));
    assert.match(bobsProfile, /Bob @bob reposted.*like and share/);

    const notes = pageText(await alice.client.get("/notifications"));
    assert.match(notes, /Bob @bob liked your post/);
    assert.match(notes, /Bob @bob reposted your post/);

    await bob.client.post(`/statuses/${id}/unfavourite`);
    await bob.client.post(`/statuses/${id}/unreblog`);
    page = await bob.client.get(`/@alice/${id}`);
    assert.match(pageText(page), /0 replies · 0 reposts · 0 likes/);
    assert.equal(await rowCount(site.ctx, "favourites"), 0);
    assert.equal(await rowCount(site.ctx, "statuses"), 1);
  });

  test("a followers-only post cannot be reposted", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    await bob.client.post(`/accounts/${alice.account.id}/follow`);
    const id = await alice.client.publish("inner circle", { visibility: "private" });
    const before = await snapshot(site.ctx);
    const res = await bob.client.post(`/statuses/${id}/reblog`);
    assert.match(pageText(res, 422), /Followers-only posts cannot be reposted\./);
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

describe("paging", () => {
  const site = useSite();

  test("/local shows 20 posts; Older (max_id) and Newer (min_id) links walk the rest", async () => {
    const alice = await site.member("alice");
    const ids: string[] = [];
    for (let i = 1; i <= 25; i++) {
      site.ctx.clock.advance(1000);
      ids.push(await alice.client.publish(`post number ${i}`));
    }
    const newestFirst = [...ids].reverse();
    const shown = (body: string) =>
      [...body.matchAll(/<a href="\/@alice\/(\d+)" class="time">/g)].map((m) => m[1] as string);

    const first = await site.web.client().get("/local");
    assert.deepEqual(shown(first.body), newestFirst.slice(0, 20));
    const older = links(first.body).find((h) => h.startsWith("/local?max_id="));
    assert.equal(older, `/local?max_id=${newestFirst[19]}`);

    const second = await site.web.client().get(older as string);
    assert.deepEqual(shown(second.body), newestFirst.slice(20));
    assert.match(textOf(second.body), /post number 1\b/);
    const newer = links(second.body).find((h) => h.startsWith("/local?min_id="));
    assert.equal(newer, `/local?min_id=${newestFirst[20]}`);

    const back = await site.web.client().get(newer as string);
    assert.deepEqual(shown(back.body), newestFirst.slice(0, 20), "the 20 posts just newer than the second page");

    const end = await site.web.client().get(`/local?max_id=${ids[0]}`);
    assert.deepEqual(shown(end.body), []);
    assert.match(pageText(end), /No posts here\./);
    // Malformed paging values are ignored, not errors.
    assert.deepEqual(shown((await site.web.client().get("/local?max_id=abc")).body), newestFirst.slice(0, 20));
  });

  test("home and profile pages page the same way", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    await bob.client.post(`/accounts/${alice.account.id}/follow`);
    const ids: string[] = [];
    for (let i = 1; i <= 22; i++) {
      site.ctx.clock.advance(1000);
      ids.push(await alice.client.publish(`entry ${i}`));
    }
    const home = await bob.client.get("/home");
    const olderHome = links(home.body).find((h) => h.startsWith("/home?max_id="));
    assert.equal(olderHome, `/home?max_id=${ids[2]}`);
    const home2 = await bob.client.get(olderHome as string);
    assert.match(textOf(home2.body), /entry 2 .*entry 1 /);
    assert.ok(!textOf(home2.body).includes("entry 3 "));
    assert.ok(!home2.body.includes('id="compose-heading"'), "older pages do not repeat the compose form");

    const profile = await site.web.client().get("/@alice");
    const olderProfile = links(profile.body).find((h) => h.startsWith("/@alice?max_id="));
    assert.equal(olderProfile, `/@alice?max_id=${ids[2]}`);
    assert.match(textOf((await site.web.client().get(olderProfile as string)).body), /entry 2 .*entry 1 /);
  });
});
