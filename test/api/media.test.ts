// /api/v2/media, /api/v1/media/:id and the served files, as a client sees them: multipart uploads,
// the MediaAttachment entity, the rules about who may touch an upload, and files that carry nothing
// of what was uploaded.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { MAX_UPLOAD_BYTES } from "../../src/http/mastodon/plugin.ts";
import { type ApiUser, multipart, useApiSite } from "../helpers/api.ts";
import { rowCount } from "../helpers/db.ts";
import {
  claimedHugePng,
  decompressionBombPng,
  filesUnder,
  fingerprint,
  frameBombGif,
  MARKERS,
  markedAnimatedGif,
  markedJpeg,
  markedPng,
  markersIn,
  notImages,
} from "../helpers/images.ts";
import { assertError, assertId } from "./shapes.ts";

type Json = Record<string, any>;

function upload(
  user: ApiUser,
  data: Buffer,
  options: { path?: string; filename?: string; contentType?: string; fields?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const mp = multipart({
    file: {
      filename: options.filename ?? "photo.jpg",
      contentType: options.contentType ?? "image/jpeg",
      data,
    },
    ...options.fields,
  });
  return user.api.app.inject({
    method: "POST",
    url: options.path ?? "/api/v2/media",
    payload: mp.payload,
    headers: { ...mp.headers, authorization: `Bearer ${user.token}` },
  });
}

/** Mastodon's MediaAttachment entity, as documented. */
function assertMediaShape(m: Json): void {
  assertId(m.id, "media.id");
  assert.equal(m.type, "image");
  assert.match(m.url, /^http:\/\/publius\.test\/media\/[0-9a-f]{32}\.(jpg|png|webp)$/);
  assert.match(m.preview_url, /^http:\/\/publius\.test\/media\/[0-9a-f]{32}\.(jpg|png|webp)$/);
  assert.equal(m.remote_url, null);
  assert.ok("description" in m && "blurhash" in m);
  for (const k of ["original", "small"]) {
    const v = m.meta[k];
    assert.equal(typeof v.width, "number");
    assert.equal(typeof v.height, "number");
    assert.equal(v.size, `${v.width}x${v.height}`);
    assert.equal(typeof v.aspect, "number");
  }
  assert.equal(typeof m.meta.focus.x, "number");
  assert.equal(typeof m.meta.focus.y, "number");
}

describe("uploading", () => {
  const site = useApiSite({ sqliteFile: true });
  const mediaFiles = () => {
    const dir = join(site.ctx.dataDir, "media");
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  const served = async (url: string) => site.app.inject({ method: "GET", url: new URL(url).pathname });

  test("POST /api/v2/media answers 200 with the finished attachment; v1 does the same", async () => {
    const alice = await site.user("alice");
    const res = await upload(alice, await markedJpeg(800, 600), {
      fields: { description: "Protesters outside the courthouse", focus: "0.25,-0.5" },
    });
    assert.equal(res.statusCode, 200, res.body);
    const m = res.json();
    assertMediaShape(m);
    assert.equal(m.description, "Protesters outside the courthouse");
    assert.deepEqual(m.meta.focus, { x: 0.25, y: -0.5 });
    assert.deepEqual([m.meta.original.width, m.meta.original.height], [600, 800], "turned upright");
    assert.deepEqual([m.meta.small.width, m.meta.small.height], [480, 640]);
    const preview = await served(m.preview_url);
    const p = await sharp(preview.rawPayload).metadata();
    assert.deepEqual([p.width, p.height], [480, 640], "meta.small is the preview's real size");

    const v1 = await upload(alice, await markedPng(), { path: "/api/v1/media", contentType: "image/png" });
    assert.equal(v1.statusCode, 200, v1.body);
    assertMediaShape(v1.json());
    assert.equal(v1.json().description, null);
  });

  test("the served file and preview carry no marker and no metadata, with safe headers", async () => {
    const alice = await site.user("alice");
    const original = await markedJpeg();
    const m = (await upload(alice, original, { filename: `${MARKERS.fileName}.jpg` })).json();
    for (const url of [m.url, m.preview_url]) {
      const res = await served(url);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers["content-type"], "image/jpeg");
      assert.equal(res.headers["content-security-policy"], "default-src 'none'; sandbox");
      assert.equal(res.headers["x-content-type-options"], "nosniff");
      assert.equal(res.headers["cross-origin-resource-policy"], "cross-origin", "other clients' pages may show it");
      assert.match(String(res.headers["cache-control"]), /^private, max-age=\d+, immutable$/);
      assert.equal(Number(res.headers["content-length"]), res.rawPayload.length);
      const body = res.rawPayload;
      assert.deepEqual(markersIn(body), []);
      assert.equal(body.includes(fingerprint(original)), false);
      const meta = await sharp(body).metadata();
      assert.equal(meta.exif, undefined);
      assert.equal(meta.xmp, undefined);
      assert.equal(meta.iptc, undefined);
      assert.equal(meta.hasProfile, false);
      assert.equal(meta.space, "srgb");
    }
    const head = await site.app.inject({ method: "HEAD", url: new URL(m.url).pathname });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers["content-type"], "image/jpeg");
  });

  test("neither the original bytes nor its name is written anywhere in the data folder", async () => {
    const alice = await site.user("alice");
    const original = await markedJpeg(640, 480);
    const res = await upload(alice, original, { filename: `${MARKERS.fileName}.jpeg`, fields: { description: "alt" } });
    assert.equal(res.statusCode, 200, res.body);
    const chunk = fingerprint(original);
    const files = filesUnder(site.ctx.dataDir);
    assert.ok(files.some((f) => f.path.endsWith(".sqlite")) || site.ctx.store.dialect === "postgres");
    for (const f of files) {
      assert.equal(f.data.includes(chunk), false, `${f.path} holds no original bytes`);
      assert.deepEqual(markersIn(f.data), [], `${f.path} holds no marker, nor the upload's file name`);
    }
    const row = await site.ctx.store.db.selectFrom("media_attachments").selectAll().executeTakeFirstOrThrow();
    assert.deepEqual(markersIn(Buffer.from(JSON.stringify(row))), [], "the row says nothing of the upload's name");
  });

  test("the content decides the type, not the file name or the declared type", async () => {
    const alice = await site.user("alice");
    const res = await upload(alice, await markedPng(), { filename: "cat.gif", contentType: "image/gif" });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.json().url, /\.png$/);
    const gif = await upload(alice, await markedAnimatedGif(3), { filename: "a.jpg", contentType: "image/jpeg" });
    assert.equal(gif.statusCode, 200, gif.body);
    assert.match(gif.json().url, /\.webp$/);
    const animated = await sharp((await served(gif.json().url)).rawPayload).metadata();
    assert.equal(animated.pages, 3, "still animated");
  });

  test("bombs and things that are not images are refused with 422, and nothing is written", async () => {
    const alice = await site.user("alice");
    const hostile = [
      {
        label: "a PNG claiming 50,000 x 50,000",
        data: claimedHugePng(),
        message: /^The image is too large: at most 33,177,600 pixels\.$/,
      },
      { label: "a real decompression bomb", data: decompressionBombPng(), message: /^The image is too large/ },
      { label: "a 600-frame GIF", data: await frameBombGif(600), message: /^The animation is too long/ },
      ...(await notImages()).map((n) => ({ ...n, message: /^The file is not an image Publius accepts/ })),
    ];
    for (const h of hostile) {
      const res = await upload(alice, h.data, {
        filename: "filename" in h ? h.filename : "x.png",
        contentType: "contentType" in h ? h.contentType : "image/png",
      });
      assertError(res, 422, h.message);
    }
    assert.deepEqual(mediaFiles(), []);
    assert.equal(await rowCount(site.ctx, "media_attachments"), 0);
  });

  test("a body larger than the upload limit is refused with 413", async () => {
    const alice = await site.user("alice");
    const res = await upload(alice, Buffer.alloc(MAX_UPLOAD_BYTES + 1, 1));
    assert.equal(res.statusCode, 413);
    assert.deepEqual(mediaFiles(), []);
  });

  test("a request without a file, or with bad alt text or focus, is a 422", async () => {
    const alice = await site.user("alice");
    assertError(await alice.api.post("/api/v2/media", { description: "no file" }), 422);
    assertError(await upload(alice, await markedPng(), { fields: { focus: "3,3" } }), 422, /focus/);
    assertError(await upload(alice, await markedPng(), { fields: { description: "d".repeat(1501) } }), 422, /too long/);
    assert.deepEqual(mediaFiles(), []);
  });

  test("uploading needs a user token with write:media", async () => {
    const alice = await site.user("alice");
    const png = await markedPng();
    const reader = await site.user("bob", { scopes: "read" });
    assertError(await upload(reader, png), 403);
    const writer = await site.user("carol", { scopes: "write:media" });
    assert.equal((await upload(writer, png)).statusCode, 200);
    const mp = multipart({ file: { filename: "a.png", contentType: "image/png", data: png } });
    const anonymous = await site.app.inject({
      method: "POST",
      url: "/api/v2/media",
      payload: mp.payload,
      headers: mp.headers,
    });
    assert.equal(anonymous.statusCode, 401);
    const app = await site.ctx.services.oauth.registerApp({
      clientName: "No user",
      redirectUris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "write",
    });
    const appOnly = (await site.ctx.services.oauth.issue(app.app.id, null, ["write"])).token;
    const noUser = await site.app.inject({
      method: "POST",
      url: "/api/v2/media",
      payload: mp.payload,
      headers: { ...mp.headers, authorization: `Bearer ${appOnly}` },
    });
    assertError(noUser, 422, /authenticated user/);
    assert.equal(await rowCount(site.ctx, "media_attachments", { account_id: alice.account.id }), 0);
  });
});

describe("an upload before and after it is posted", () => {
  const site = useApiSite();
  const mediaFiles = () => {
    const dir = join(site.ctx.dataDir, "media");
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  test("GET and PUT /api/v1/media/:id work for the owner until the upload is attached", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const m = (await upload(alice, await markedPng(), { contentType: "image/png" })).json();

    const got = await alice.api.get(`/api/v1/media/${m.id}`);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), m);
    assertError(await bob.api.get(`/api/v1/media/${m.id}`), 404);
    assertError(await bob.api.put(`/api/v1/media/${m.id}`, { description: "mine" }), 404);
    assertError(await alice.api.get("/api/v1/media/999999999999999999"), 404);

    const put = await alice.api.put(`/api/v1/media/${m.id}`, { description: "A heron", focus: "-1,1" });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().description, "A heron");
    assert.deepEqual(put.json().meta.focus, { x: -1, y: 1 });
    assertError(await alice.api.put(`/api/v1/media/${m.id}`, { focus: "1;1" }), 422);

    const post = await alice.api.post("/api/v1/statuses", { status: "Herons", media_ids: [m.id] });
    assert.equal(post.statusCode, 200, post.body);
    const attached = post.json().media_attachments[0];
    assert.equal(attached.description, "A heron");
    // Written to the media folder at publication under fresh names (issue 9, finding 3): the
    // upload's URLs served the pending bytes to the author's client, and now answer 404.
    assert.notEqual(attached.url, m.url);
    assert.notEqual(attached.preview_url, m.preview_url);
    assert.equal((await site.app.inject({ method: "GET", url: new URL(attached.url).pathname })).statusCode, 200);
    assert.equal((await site.app.inject({ method: "GET", url: new URL(m.url).pathname })).statusCode, 404);
    assertError(await alice.api.get(`/api/v1/media/${m.id}`), 404);
    assertError(await alice.api.put(`/api/v1/media/${m.id}`, { description: "late" }), 404);
  });

  test("DELETE /api/v1/media/:id deletes an unattached upload and its files", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const m = (await upload(alice, await markedPng(), { contentType: "image/png" })).json();
    assert.deepEqual(mediaFiles(), [], "an unattached upload waits in the database, not the media folder");
    const served = await site.app.inject({ method: "GET", url: new URL(m.preview_url).pathname });
    assert.equal(served.statusCode, 200, "its preview is served to the composing client");
    assert.equal(served.headers["content-type"], "image/png");
    assertError(await bob.api.delete(`/api/v1/media/${m.id}`), 404);
    const res = await alice.api.delete(`/api/v1/media/${m.id}`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(mediaFiles(), []);
    const gone = await site.app.inject({ method: "GET", url: new URL(m.url).pathname });
    assert.equal(gone.statusCode, 404);
  });

  test("deleting the post with delete_media deletes the files; served URLs stop working", async () => {
    const alice = await site.user("alice");
    const m = (await upload(alice, await markedJpeg())).json();
    const post = (await alice.api.post("/api/v1/statuses", { status: "Gone soon", media_ids: [m.id] })).json();
    assert.equal(mediaFiles().length, 2);
    const published = post.media_attachments[0];
    const del = await alice.api.delete(`/api/v1/statuses/${post.id}?delete_media=true`);
    assert.equal(del.statusCode, 200, del.body);
    await site.ctx.services.media.settled();
    assert.deepEqual(mediaFiles(), []);
    for (const url of [m.url, m.preview_url, published.url, published.preview_url]) {
      assert.equal((await site.app.inject({ method: "GET", url: new URL(url).pathname })).statusCode, 404);
    }
  });

  test("only names the media folder could hold are served: no path leaves it", async () => {
    const alice = await site.user("alice");
    const m = (await upload(alice, await markedPng(), { contentType: "image/png" })).json();
    const name = new URL(m.url).pathname.split("/").pop() as string;
    for (const url of [
      "/media/..%2Fpublius.sqlite",
      "/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/media/../package.json",
      `/media/${name.toUpperCase()}`,
      `/media/${name.replace(/\.png$/, ".svg")}`,
      `/media/${name}%00.png`,
      `/media/.${name}`,
      "/media/0123456789abcdef0123456789abcdef.png",
      "/media/",
    ]) {
      const res = await site.app.inject({ method: "GET", url });
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url}: ${res.statusCode}`);
      assert.equal(res.headers["content-type"]?.toString().startsWith("image/"), false, url);
    }
  });
});

describe("on the onion host", () => {
  const onion = "http://publiusxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr.onion";
  const site = useApiSite({ env: { PUBLIUS_ONION_URL: onion } });

  test("attachment URLs use the origin the request came to", async () => {
    const alice = await site.user("alice");
    const mp = multipart({ file: { filename: "a.png", contentType: "image/png", data: await markedPng() } });
    const res = await site.app.inject({
      method: "POST",
      url: "/api/v2/media",
      payload: mp.payload,
      headers: { ...mp.headers, authorization: `Bearer ${alice.token}`, host: new URL(onion).host },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().url.startsWith(`${onion}/media/`));
    const clear = await alice.api.get(`/api/v1/media/${res.json().id}`);
    assert.ok(clear.json().url.startsWith("http://publius.test/media/"));
  });
});
