// Issue 13 through the web pages (JavaScript off): images in the compose form, avatars, bookmarks,
// coming back to the same post, paging that tells the truth, and refusals that keep what was typed.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { describe, test } from "node:test";
import { rowCount } from "../helpers/db.ts";
import { filesUnder, markedJpeg, markedPng, markersIn } from "../helpers/images.ts";
import { assertRedirect, inputValue, pageText, tags, textareaValue } from "../helpers/pages.ts";
import { type Member, textOf, useSite } from "../helpers/web.ts";

async function compose(
  who: Member,
  fields: Record<string, string | string[]>,
  files: { name: string; data: Buffer }[] = [],
) {
  return who.client.postMultipart(
    "/statuses",
    { visibility: "public", idempotency: randomUUID(), ...fields },
    files.map((f) => ({ ...f, filename: "IMG_0001.jpg", type: "image/jpeg" })),
  );
}

function postedId(res: { statusCode: number; headers: Record<string, unknown>; body: string }): string {
  const id = /^\/@\w+\/(\d+)\?notice=posted$/.exec(String(res.headers.location ?? ""))?.[1];
  assert.ok(res.statusCode === 303 && id, `not published: ${res.statusCode} ${textOf(res.body).slice(0, 300)}`);
  return id;
}

/** The <img> tags of a page whose src is one of its post previews. */
function previews(html: string) {
  return tags(html).filter((t) => t.name === "img" && t.attrs.src?.startsWith("/media/") && !t.attrs.class);
}

describe("images from the web compose form", () => {
  const site = useSite();

  test("two described images: thumbnails with size and alt text, a link to the full image, in thread, home and profile", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    await bob.client.post(`/accounts/${alice.account.id}/follow`);
    const res = await compose(
      alice,
      { text: "Two pictures", alt1: "A red kite over a field", alt2: "The same kite, closer" },
      [
        { name: "image1", data: await markedJpeg(640, 480) },
        { name: "image2", data: await markedPng(300, 200) },
      ],
    );
    const id = postedId(res);
    for (const [who, url] of [
      [alice, `/@alice/${id}`],
      [bob, "/home"],
      [bob, "/@alice"],
      [alice, "/local"],
    ] as const) {
      const page = await who.client.get(url);
      const imgs = previews(page.body);
      assert.deepEqual(
        imgs.map((i) => i.attrs.alt),
        ["A red kite over a field", "The same kite, closer"],
        url,
      );
      for (const img of imgs) {
        assert.match(img.attrs.width ?? "", /^\d+$/, `${url}: width set`);
        assert.match(img.attrs.height ?? "", /^\d+$/, `${url}: height set`);
      }
      // Each thumbnail links to its full image, with the alt text on hover.
      const anchors = tags(page.body).filter((t) => t.name === "a" && t.attrs.class === "thumb");
      assert.equal(anchors.length, 2, url);
      assert.equal(anchors[0]?.attrs.title, "A red kite over a field");
      const full = await who.client.get(anchors[0]?.attrs.href ?? "");
      assert.equal(full.statusCode, 200);
      assert.equal(full.headers["content-type"], "image/jpeg");
      assert.deepEqual(markersIn(full.rawPayload), [], "the full image carries no metadata");
    }
  });

  test("an image without a description is refused, the text and the image kept; describing it publishes", async () => {
    const alice = await site.member("alice");
    const first = await compose(alice, { text: "Guess what this is", alt2: "typed for a missing file" }, [
      { name: "image1", data: await markedJpeg() },
    ]);
    const text = pageText(first, 422);
    assert.match(text, /Describe the image without a description/);
    assert.equal(textareaValue(first.body, "text"), "Guess what this is");
    const kept = inputValue(first.body, "media_id");
    assert.ok(kept, "the received image is kept by id");
    assert.equal(await rowCount(site.ctx, "statuses"), 0);
    // One message, once.
    assert.equal(text.match(/Describe the image/g)?.length, 1);
    const second = await compose(alice, {
      text: "Guess what this is",
      media_id: kept,
      [`media_alt_${kept}`]: "A teapot",
    });
    const id = postedId(second);
    assert.deepEqual(
      previews((await alice.client.get(`/@alice/${id}`)).body).map((i) => i.attrs.alt),
      ["A teapot"],
    );
  });

  test("the setting lets an account post an image without a description; a screen reader is told", async () => {
    const alice = await site.member("alice");
    assertRedirect(
      await alice.client.postMultipart("/settings/profile", { display_name: "Alice", alt_text_optional: "1" }),
      "/settings/profile?notice=saved",
    );
    assert.match(
      (await alice.client.get("/settings/profile")).body,
      /id="alt_text_optional" name="alt_text_optional" value="1" checked/,
    );
    const id = postedId(await compose(alice, { text: "no words" }, [{ name: "image1", data: await markedJpeg() }]));
    assert.deepEqual(
      previews((await alice.client.get(`/@alice/${id}`)).body).map((i) => i.attrs.alt),
      ["Image 1 of 1, not described"],
    );
  });

  test("five images, or a file that is no image, are refused with the text kept", async () => {
    const alice = await site.member("alice");
    const jpeg = await markedJpeg();
    const five = await alice.client.postMultipart(
      "/statuses",
      { text: "too many", visibility: "public", alt1: "a", alt2: "b", alt3: "c", alt4: "d", alt5: "e" },
      [1, 2, 3, 4, 5].map((n) => ({ name: `image${n}`, filename: "x.jpg", data: jpeg })),
    );
    // The parser refuses a fifth file before a handler runs: the route takes four.
    assert.equal(five.statusCode, 400);
    assert.equal(await rowCount(site.ctx, "media_attachments"), 0);
    const bad = await compose(alice, { text: "not a picture", alt1: "a pdf" }, [
      { name: "image1", data: Buffer.from("%PDF-1.4 not an image") },
    ]);
    assert.match(pageText(bad, 422), /Image 1 could not be used/);
    assert.equal(textareaValue(bad.body, "text"), "not a picture");
    assert.equal(textareaValue(bad.body, "alt1"), "a pdf", "the description typed stays");
  });

  test("a sensitive image is folded behind a summary that opens without JavaScript", async () => {
    const alice = await site.member("alice");
    const id = postedId(
      await compose(alice, { text: "careful", alt1: "a wound", sensitive: "1" }, [
        { name: "image1", data: await markedJpeg() },
      ]),
    );
    const page = (await alice.client.get(`/@alice/${id}`)).body;
    assert.match(
      page,
      /<details class="sensitive"><summary><span>Sensitive image<\/span>[\s\S]*?<img[^>]*alt="a wound"/,
    );
  });

  test("a delayed post's images wait in media_pending, not in the media folder", async () => {
    const alice = await site.member("alice");
    const at = new Date(site.ctx.clock.now().getTime() + 3600_000).toISOString().slice(0, 16);
    const res = await compose(alice, { text: "later", alt1: "a clock", publish_at: at }, [
      { name: "image1", data: await markedJpeg() },
    ]);
    assertRedirect(res, "/scheduled?notice=queued");
    assert.equal(await rowCount(site.ctx, "media_pending"), 1);
    // (The folder may be shared with other tests of the file: only this upload's names matter.)
    const folder = site.ctx.services.media.folder.path;
    const present = new Set((existsSync(folder) ? filesUnder(folder) : []).map((f) => basename(f.path)));
    const rows = await site.ctx.store.db
      .selectFrom("media_attachments")
      .select(["file_name", "preview_file_name"])
      .execute();
    assert.equal(rows.length, 1);
    for (const name of [rows[0]?.file_name, rows[0]?.preview_file_name]) {
      assert.ok(name && !present.has(name), `${name}: no file (and no file time) before publication`);
    }
  });
});

describe("the posting limit", () => {
  const site = useSite({ env: { PUBLIUS_POSTS_PER_HOUR: "1", PUBLIUS_NEW_ACCOUNT_POSTS_PER_HOUR: "1" } });

  test("re-renders the form with the text and one message", async () => {
    const alice = await site.member("alice");
    await alice.client.publish("first");
    const res = await compose(alice, { text: "second, refused but kept" });
    assert.equal(res.statusCode, 429);
    const text = pageText(res, 429);
    assert.equal(text.match(/may publish 1 post an hour/g)?.length, 1, text);
    assert.equal(textareaValue(res.body, "text"), "second, refused but kept");
  });
});

describe("an expired form", () => {
  const site = useSite();

  test("re-renders the compose form with the text and a fresh token; nothing is published", async () => {
    const alice = await site.member("alice");
    for (const send of [
      () =>
        alice.client.post("/statuses", { text: "typed before lunch", visibility: "public" }, { csrf: "x".repeat(43) }),
      () =>
        alice.client.postMultipart(
          "/statuses",
          { text: "typed before lunch", alt1: "a kite" },
          [{ name: "image1", filename: "k.jpg", data: Buffer.from("not processed") }],
          { csrf: "" },
        ),
    ]) {
      const res = await send();
      assert.equal(res.statusCode, 403);
      const text = pageText(res, 403);
      assert.match(text, /This form has expired or did not come from this site\. Nothing was published/);
      assert.equal(textareaValue(res.body, "text"), "typed before lunch");
      const token = inputValue(res.body, "csrf");
      assert.ok(token && token.length >= 32, "a fresh token to publish with");
    }
    assert.equal(await rowCount(site.ctx, "statuses"), 0);
    assert.equal(await rowCount(site.ctx, "media_attachments"), 0, "no file from a form without its token");
    // Publishing again from the re-rendered form works.
    const again = await alice.client.post("/statuses", { text: "typed before lunch", visibility: "public" });
    assert.equal(again.statusCode, 303);
  });
});

describe("avatars and headers", () => {
  const site = useSite();

  test("a generated default, then an uploaded avatar shown on posts and the profile, then removed", async () => {
    const alice = await site.member("alice");
    const id = await alice.client.publish("hello");
    const avatarSrc = async () =>
      tags((await alice.client.get(`/@alice/${id}`)).body).find((t) => t.name === "img" && t.attrs.class === "avatar")
        ?.attrs.src;
    const generated = await avatarSrc();
    assert.match(generated ?? "", /^\/static\/identicon\/[0-9a-f]{16}\.svg$/);
    const svg = await alice.client.get(generated ?? "");
    assert.equal(svg.headers["content-type"], "image/svg+xml");
    assert.doesNotMatch(svg.body, /alice|\d{4}-\d{2}/i, "the pattern says nothing of the account");
    assertRedirect(
      await alice.client.postMultipart("/settings/profile", { display_name: "Alice" }, [
        { name: "avatar", filename: "me.jpg", data: await markedJpeg(500, 500) },
        { name: "header", filename: "wide.png", data: await markedPng(900, 300) },
      ]),
      "/settings/profile?notice=saved",
    );
    const uploaded = await avatarSrc();
    assert.match(uploaded ?? "", /^\/media\/[0-9a-f]{32}\.\w+$/);
    const file = await alice.client.get(uploaded ?? "");
    assert.deepEqual(markersIn(file.rawPayload), []);
    const profile = (await alice.client.get("/@alice")).body;
    assert.ok(tags(profile).some((t) => t.name === "img" && t.attrs.class === "header-image"));
    assert.ok(tags(profile).some((t) => t.name === "img" && t.attrs.src === uploaded));
    await alice.client.postMultipart("/settings/profile", { display_name: "Alice", remove_avatar: "1" });
    assert.equal(await avatarSrc(), generated);
  });

  test("a profile refusal keeps what was typed", async () => {
    const alice = await site.member("alice");
    const res = await alice.client.postMultipart("/settings/profile", { display_name: "x".repeat(40), note: "my bio" });
    assert.equal(res.statusCode, 422);
    assert.equal(textareaValue(res.body, "note"), "my bio");
  });
});

describe("bookmarks, the way back, and paging", () => {
  const site = useSite();

  test("the bookmark button keeps a post on /bookmarks, privately", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await alice.client.publish("worth keeping");
    const back = `/local#post-${id}`;
    assertRedirect(await bob.client.post(`/statuses/${id}/bookmark`, { back }), back);
    const page = await bob.client.get("/bookmarks");
    assert.match(pageText(page), /worth keeping/);
    assert.match(page.body, /action="\/statuses\/\d+\/unbookmark"[\s\S]*?aria-pressed="true"/);
    assert.match(pageText(await alice.client.get("/bookmarks")), /No bookmarks yet/);
    await bob.client.post(`/statuses/${id}/unbookmark`);
    assert.match(pageText(await bob.client.get("/bookmarks")), /No bookmarks yet/);
  });

  test("every action form comes back to its post on the same page", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await alice.client.publish("find me again");
    const page = await bob.client.get("/local?max_id=999999999999999999999");
    void page;
    const local = (await bob.client.get("/local")).body;
    const backs = tags(local)
      .filter((t) => t.name === "input" && t.attrs.name === "back")
      .map((t) => t.attrs.value);
    assert.ok(backs.length >= 3);
    for (const b of backs) assert.equal(b, `/local#post-${id}`);
    assert.match(local, new RegExp(`<article[^>]*id="post-${id}"`));
  });

  test("Older only when there is something older; Newer back", async () => {
    const alice = await site.member("alice");
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) {
      ids.push(await alice.client.publish(`post ${i}`));
      site.ctx.clock.advance(1000);
    }
    const first = await alice.client.get("/local");
    assert.match(first.body, /rel="next">Older/);
    assert.doesNotMatch(first.body, /rel="prev"/, "no Newer on the first page");
    const olderHref = /href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll("&amp;", "&") ?? "";
    const second = await alice.client.get(olderHref);
    assert.match(pageText(second), /post 1\b/);
    assert.match(pageText(second), /post 0\b/);
    assert.doesNotMatch(second.body, /rel="next"/, "nothing older than the oldest post");
    assert.match(second.body, /rel="prev">Newer/);
    const newerHref = /href="([^"]+)" rel="prev"/.exec(second.body)?.[1]?.replaceAll("&amp;", "&") ?? "";
    const back = await alice.client.get(newerHref);
    assert.match(pageText(back), /post 21\b/);
    assert.doesNotMatch(back.body, /rel="prev"/, "back at the top, no Newer");
    assert.match(back.body, /rel="next">Older/);
  });

  test("form pages show the post without its live buttons", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    const id = await alice.client.publish("report me");
    for (const [who, url] of [
      [bob, `/statuses/${id}/report`],
      [alice, `/statuses/${id}/delete`],
    ] as const) {
      const body = (await who.client.get(url)).body;
      assert.match(body, /report me/);
      assert.doesNotMatch(body, /\/(favourite|reblog|bookmark)"/, `${url}: no Like / Repost / Bookmark forms`);
    }
  });

  test("small wording: a missing post is said in words, and one post is 'your 1 post'", async () => {
    const alice = await site.member("alice");
    await alice.client.publish("only one");
    const missing = pageText(await alice.client.get("/@alice/123456789012345678"), 404);
    assert.match(missing, /There is nothing here: it may have been deleted, or it is not visible to you\./);
    assert.doesNotMatch(missing, /Record not found/);
    assert.match(pageText(await alice.client.get("/settings/delete")), /your 1 post,/);
  });

  test("a repost of a post already on the page is shown once; a notification's post has its own id", async () => {
    const alice = await site.member("alice");
    const bob = await site.member("bob");
    await bob.client.post(`/accounts/${alice.account.id}/follow`);
    const id = await alice.client.publish("say it twice");
    await bob.client.post(`/statuses/${id}/reblog`);
    await bob.client.post(`/statuses/${id}/favourite`);
    const home = (await bob.client.get("/home")).body;
    assert.equal(textOf(home).match(/say it twice/g)?.length, 1);
    const notes = (await alice.client.get("/notifications")).body;
    const ids = tags(notes)
      .map((t) => t.attrs.id)
      .filter((x): x is string => Boolean(x));
    assert.equal(new Set(ids).size, ids.length, "no id twice on /notifications");
  });

  test("user text carries dir=auto and the post's language", async () => {
    const alice = await site.member("alice");
    const id = await alice.client.publish("مرحبا بالعالم.", { language: "ar" });
    const body = (await alice.client.get(`/@alice/${id}`)).body;
    assert.match(body, /<div class="content" dir="auto"( lang="ar")?>/);
  });
});
