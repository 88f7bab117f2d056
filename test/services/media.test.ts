// Media that tells nothing: every upload is decoded and re-encoded, so no metadata survives; the
// original bytes are never written; what is not an image, or is a bomb, is refused before anything
// is written; files go when their posts, uploads or accounts go.
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import sharp from "sharp";
import { DAY } from "../../src/domain/clock.ts";
import { TimeIds } from "../../src/domain/ids.ts";
import { MEDIA_FILE_PATTERN } from "../../src/domain/media.ts";
import { MediaService } from "../../src/services/media/media.ts";
import { PASSWORD, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
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
  markedWebp,
  markersIn,
  notImages,
} from "../helpers/images.ts";

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext({ sqliteFile: true });
});
afterEach(async () => {
  await ctx.services.media.settled();
  await ctx.destroy();
});

const mediaDir = () => join(ctx.dataDir, "media");
const mediaFiles = () => (existsSync(mediaDir()) ? readdirSync(mediaDir()) : []);
/** A stored file's bytes: in the media folder, or in the database while its post is not published. */
const stored = async (name: string) => {
  const data = await ctx.services.media.read(name);
  assert.ok(data, `${name} is stored`);
  return data;
};

/** Asserts a stored file carries no metadata and no marker, and is plain sRGB. */
async function assertClean(data: Buffer, label: string) {
  assert.deepEqual(markersIn(data), [], `${label}: no marker survives, in ASCII or UTF-16LE`);
  const m = await sharp(data).metadata();
  assert.equal(m.exif, undefined, `${label}: no EXIF`);
  assert.equal(m.xmp, undefined, `${label}: no XMP`);
  assert.equal(m.iptc, undefined, `${label}: no IPTC`);
  assert.equal(m.icc, undefined, `${label}: no ICC profile`);
  assert.equal(m.hasProfile, false, `${label}: no ICC profile`);
  assert.equal(m.comments, undefined, `${label}: no text chunks`);
  assert.equal(m.space, "srgb", `${label}: sRGB`);
  assert.ok(m.orientation === undefined || m.orientation === 1, `${label}: no orientation left to apply`);
}

describe("re-encoding", () => {
  for (const [label, make, contentType] of [
    ["a JPEG from a phone", () => markedJpeg(), "image/jpeg"],
    ["a PNG with text chunks", () => markedPng(), "image/png"],
    ["a WebP with EXIF and XMP", () => markedWebp(), "image/webp"],
  ] as const) {
    test(`${label} keeps its pixels and loses every piece of metadata`, async () => {
      const alice = await person(ctx, "alice");
      const upload = await make();
      assert.ok(markersIn(upload).length > 0, "the test image does carry markers");
      const before = await sharp(upload).metadata();
      assert.ok(before.exif && before.xmp && before.hasProfile, "the test image does carry EXIF, XMP and ICC");

      const m = await ctx.services.media.upload(alice.viewer, upload, { description: "A street at night" });
      assert.equal(m.type, "image");
      assert.equal(m.contentType, contentType);
      for (const name of [m.fileName, m.previewFileName]) {
        assert.match(name, MEDIA_FILE_PATTERN);
        await assertClean(await stored(name), `${label} (${name === m.fileName ? "original" : "preview"})`);
      }
      const out = await sharp(await stored(m.fileName)).metadata();
      assert.deepEqual([out.width, out.height], [m.width, m.height]);
      assert.equal(m.size, (await stored(m.fileName)).length);
    });
  }

  test("the EXIF orientation is applied before the EXIF is dropped", async () => {
    const alice = await person(ctx, "alice");
    const m = await ctx.services.media.upload(alice.viewer, await markedJpeg(320, 240));
    // Orientation 6: the camera was turned; the picture stands upright, 240 wide and 320 high.
    assert.deepEqual([m.width, m.height], [240, 320]);
    const meta = await sharp(await stored(m.fileName)).metadata();
    assert.deepEqual([meta.width, meta.height], [240, 320]);
  });

  test("colours are converted to sRGB, not merely relabelled", async () => {
    const alice = await person(ctx, "alice");
    const srgb = [40, 200, 60];
    const raw = Buffer.alloc(32 * 32 * 3, Buffer.from(srgb));
    const p3 = await sharp(raw, { raw: { width: 32, height: 32, channels: 3 } })
      .withIccProfile("p3")
      .png()
      .toBuffer();
    const inP3 = [...(await sharp(p3, { ignoreIcc: true }).raw().toBuffer()).subarray(0, 3)];
    const m = await ctx.services.media.upload(alice.viewer, p3);
    const out = [
      ...(
        await sharp(await stored(m.fileName))
          .raw()
          .toBuffer()
      ).subarray(0, 3),
    ];
    for (const [i, v] of out.entries()) {
      assert.ok(Math.abs(v - (srgb[i] as number)) <= 4, `channel ${i}: ${v} is the sRGB colour`);
    }
    assert.ok(
      out.some((v, i) => Math.abs(v - (inP3[i] as number)) > 20),
      "the Display P3 numbers were converted, not copied",
    );

    const cmyk = await sharp(raw, { raw: { width: 32, height: 32, channels: 3 } })
      .toColourspace("cmyk")
      .jpeg()
      .toBuffer();
    const c = await ctx.services.media.upload(alice.viewer, cmyk);
    const meta = await sharp(await stored(c.fileName)).metadata();
    assert.deepEqual([meta.space, meta.channels], ["srgb", 3]);
  });

  test("an animated GIF stays animated (as animated WebP) and its comment is gone", async () => {
    const alice = await person(ctx, "alice");
    const gif = await markedAnimatedGif(5);
    const m = await ctx.services.media.upload(alice.viewer, gif);
    assert.equal(m.type, "image", "shown with <img>, which animates it; gifv would ask for a video player");
    assert.equal(m.contentType, "image/webp");
    assert.deepEqual([m.width, m.height], [48, 32]);
    const original = await stored(m.fileName);
    const meta = await sharp(original).metadata();
    assert.equal(meta.pages, 5, "every frame is kept");
    assert.deepEqual(meta.delay, [120, 120, 120, 120, 120], "with its timing");
    assert.deepEqual(markersIn(original), []);
    const preview = await sharp(await stored(m.previewFileName)).metadata();
    assert.equal(preview.pages ?? 1, 1, "the preview is a still");
  });

  test("a large image gets a preview of at most 640 pixels; a small one is not enlarged", async () => {
    const alice = await person(ctx, "alice");
    const big = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: "#369" } })
      .jpeg()
      .toBuffer();
    const m = await ctx.services.media.upload(alice.viewer, big);
    const p = await sharp(await stored(m.previewFileName)).metadata();
    assert.deepEqual([p.width, p.height], [640, 320]);
    const small = await ctx.services.media.upload(alice.viewer, await markedPng(200, 150));
    const q = await sharp(await stored(small.previewFileName)).metadata();
    assert.deepEqual([q.width, q.height], [200, 150]);
  });

  test("file names are random, and nothing of the upload's name or bytes is written anywhere", async () => {
    const alice = await person(ctx, "alice");
    const upload = await markedJpeg(400, 300);
    const a = await ctx.services.media.upload(alice.viewer, { data: upload }, { description: "alt" });
    const b = await ctx.services.media.upload(alice.viewer, { data: upload });
    const names = [a.fileName, a.previewFileName, b.fileName, b.previewFileName];
    assert.equal(new Set(names).size, 4, "the same image twice gets four different names");
    for (const n of names) assert.match(n, /^[0-9a-f]{32}\.jpg$/);
    assert.notEqual(a.id, b.id);

    const chunk = fingerprint(upload);
    const scanAll = (minimum: number) => {
      const everything = filesUnder(ctx.dataDir);
      assert.ok(everything.length >= minimum, "the media files and the database are in the data folder");
      for (const f of everything) {
        assert.equal(f.data.includes(chunk), false, `${f.path} holds none of the original bytes`);
        assert.deepEqual(markersIn(f.data), [], `${f.path} holds no marker`);
      }
    };
    // Before publication the re-encoded bytes are in the database; after, in the media folder.
    scanAll(0);
    await ctx.services.posting.create(alice.viewer, { text: "A", mediaIds: [a.id] });
    await ctx.services.posting.create(alice.viewer, { text: "B", mediaIds: [b.id] });
    scanAll(4);
  });
});

describe("physical resolution (issue 9, finding 15)", () => {
  /** The chunk types of a PNG, in order. */
  const pngChunks = (png: Buffer): string[] => {
    const types: string[] = [];
    for (let o = 8; o + 8 <= png.length; o += 12 + png.readUInt32BE(o))
      types.push(png.toString("latin1", o + 4, o + 8));
    return types;
  };
  const withDensity = (format: "png" | "jpeg" | "webp") => {
    const image = sharp({ create: { width: 120, height: 80, channels: 3, background: "#468" } }).withMetadata({
      density: 1234,
    });
    return (format === "png" ? image.png() : format === "jpeg" ? image.jpeg() : image.webp()).toBuffer();
  };

  test("a PNG's 1234 dpi (pHYs) is not carried into the stored file or its preview", async () => {
    const alice = await person(ctx, "alice");
    const upload = await withDensity("png");
    assert.ok(pngChunks(upload).includes("pHYs"), "the test image has a pHYs chunk");
    assert.equal((await sharp(upload).metadata()).density, 1234);
    const m = await ctx.services.media.upload(alice.viewer, upload);
    for (const name of [m.fileName, m.previewFileName]) {
      const data = await stored(name);
      assert.equal(pngChunks(data).includes("pHYs"), false, `${name}: no pHYs chunk`);
      assert.deepEqual(pngChunks(data).slice(0, 1), ["IHDR"], `${name} is still a PNG`);
      assert.notEqual((await sharp(data).metadata()).density, 1234);
    }
    const avatar = await ctx.services.media.processProfileImage(alice.viewer, upload, "avatar");
    assert.equal(pngChunks(await stored(avatar.avatarFile as string)).includes("pHYs"), false, "avatar: no pHYs");
  });

  for (const format of ["jpeg", "webp"] as const) {
    test(`a ${format.toUpperCase()} carries no density from the input`, async () => {
      const alice = await person(ctx, "alice");
      const upload = await withDensity(format);
      const m = await ctx.services.media.upload(alice.viewer, upload);
      for (const name of [m.fileName, m.previewFileName]) {
        const data = await stored(name);
        const meta = await sharp(data).metadata();
        assert.ok(meta.density === undefined || meta.density === 72, `${name}: density ${meta.density}`);
        assert.equal(meta.exif, undefined, `${name}: no EXIF (where a density would be)`);
        assert.equal(data.includes(Buffer.from("JFIF")), false, `${name}: no JFIF segment`);
      }
    });
  }
});

describe("delayed posts with images (issue 9, finding 3)", () => {
  test("no file exists before publication; after, the files are new and no older than it", async () => {
    const alice = await person(ctx, "alice");
    await ctx.services.scheduling.setDelay(alice.viewer, "1h");
    const upload = await ctx.services.media.upload(alice.viewer, await markedJpeg());
    const submitted = await ctx.services.scheduling.submit(alice.viewer, {
      text: "Written at 9, in the office",
      mediaIds: [upload.id],
    });
    assert.equal(submitted.kind, "scheduled");
    assert.deepEqual(mediaFiles(), [], "nothing reaches the media folder while the post waits");
    assert.deepEqual(
      filesUnder(ctx.dataDir)
        .map((f) => f.path)
        .filter((p) => !/publius\.sqlite(-wal|-shm)?$/.test(p)),
      [],
      "nor anywhere else in the data folder",
    );
    // The author's client still sees the upload's preview while composing.
    assert.ok(await ctx.services.media.read(upload.previewFileName));

    // Real time passes between writing and publishing (file times are real time).
    await new Promise((r) => setTimeout(r, 1100));
    const publishing = Date.now();
    ctx.clock.advance(2 * 60 * 60 * 1000);
    assert.deepEqual(await ctx.services.scheduling.publishDue(), { published: 1, dropped: 0 });
    const [post] = await ctx.services.timelines.local(null);
    assert.ok(post);
    const [image] = post.media;
    assert.ok(image);
    assert.notEqual(image.fileName, upload.fileName, "a fresh name, not the one given at upload");
    assert.notEqual(image.previewFileName, upload.previewFileName);
    assert.deepEqual(mediaFiles().sort(), [image.fileName, image.previewFileName].sort());
    for (const name of [image.fileName, image.previewFileName]) {
      const s = statSync(join(mediaDir(), name));
      // The kernel's file clock is coarse (a few milliseconds); the upload was 1.1 s earlier.
      assert.ok(s.mtimeMs >= publishing - 50, `${name}: mtime ${s.mtime.toISOString()} is not before publication`);
      assert.ok(s.ctimeMs >= publishing - 50, `${name}: ctime ${s.ctime.toISOString()} is not before publication`);
    }
    assert.equal(await rowCount(ctx, "media_pending"), 0, "the pending bytes are gone");
    assert.equal(await ctx.services.media.read(upload.fileName), undefined, "the upload-time name is gone");
  });
});

describe("refusals", () => {
  const refused = async (data: Buffer, status: number, message: RegExp) => {
    const alice = await person(ctx, "alice");
    await assert.rejects(
      ctx.services.media.upload(alice.viewer, data),
      (e: { status: number; publicMessage: string }) => {
        assert.equal(e.status, status);
        assert.match(e.publicMessage, message);
        return true;
      },
    );
    assert.deepEqual(mediaFiles(), [], "nothing was written");
    assert.equal(await rowCount(ctx, "media_attachments"), 0);
  };

  test("a PNG that claims 50,000 x 50,000 pixels is refused before it is decoded", async () => {
    await refused(claimedHugePng(), 422, /^The image is too large: at most 33,177,600 pixels\.$/);
  });

  test("a real decompression bomb (400 million pixels in 50 kB) is refused", async () => {
    const bomb = decompressionBombPng();
    assert.ok(bomb.length < 100_000);
    const started = Date.now();
    await refused(bomb, 422, /^The image is too large/);
    assert.ok(Date.now() - started < 5000, "refused from the header, not after decoding");
  });

  test("an animation with too many frames is refused", async () => {
    await refused(await frameBombGif(600), 422, /^The animation is too long: at most 500 frames\.$/);
  });

  test("an animation too large in all its frames together is refused", async () => {
    const alice = await person(ctx, "alice");
    const strict = new MediaService(
      {
        db: ctx.store.db,
        dialect: ctx.store.dialect,
        clock: ctx.clock,
        ids: new TimeIds(ctx.clock),
        config: ctx.config,
        events: ctx.events,
      },
      { limits: { maxAnimationPixels: 48 * 32 * 3 } },
    );
    await assert.rejects(strict.upload(alice.viewer, await markedAnimatedGif(4)), /too large/);
    assert.deepEqual(mediaFiles(), []);
  });

  test("what is not a JPEG, PNG, WebP or GIF is refused, whatever its name says", async () => {
    const alice = await person(ctx, "alice");
    for (const n of await notImages()) {
      await assert.rejects(
        ctx.services.media.upload(alice.viewer, n.data),
        (e: { status: number; publicMessage: string }) => {
          assert.equal(e.status, 422, n.label);
          assert.match(e.publicMessage, /^The file is not an image Publius accepts/, n.label);
          return true;
        },
      );
    }
    assert.deepEqual(mediaFiles(), []);
    assert.equal(await rowCount(ctx, "media_attachments"), 0);
  });

  test("a truncated image is refused", async () => {
    const jpeg = await markedJpeg();
    await refused(jpeg.subarray(0, Math.floor(jpeg.length * 0.7)), 422, /^The file is not an image/);
  });

  test("alt text and focus are checked before any work", async () => {
    const alice = await person(ctx, "alice");
    const png = await markedPng();
    await assert.rejects(ctx.services.media.upload(alice.viewer, png, { description: "x".repeat(1501) }), /too long/);
    for (const focus of ["2,0", "0", "a,b", "0.5,-1.5"]) {
      await assert.rejects(ctx.services.media.upload(alice.viewer, png, { focus }), /focus/, focus);
    }
    assert.deepEqual(mediaFiles(), []);
    const m = await ctx.services.media.upload(alice.viewer, png, { description: "é".repeat(1500), focus: "-0.5,1" });
    assert.deepEqual([m.focusX, m.focusY], [-0.5, 1]);
  });
});

describe("lifecycle", () => {
  test("only the owner can read, describe or delete an upload, and only until it is attached", async () => {
    const alice = await person(ctx, "alice");
    const bob = await person(ctx, "bob");
    const m = await ctx.services.media.upload(alice.viewer, await markedPng());
    await assert.rejects(ctx.services.media.get(bob.viewer, m.id), { status: 404 });
    await assert.rejects(ctx.services.media.update(bob.viewer, m.id, { description: "mine now" }), { status: 404 });
    await assert.rejects(ctx.services.media.delete(bob.viewer, m.id), { status: 404 });
    const updated = await ctx.services.media.update(alice.viewer, m.id, { description: "A cat", focus: "0.1,0.2" });
    assert.equal(updated.description, "A cat");
    assert.deepEqual([updated.focusX, updated.focusY], [0.1, 0.2]);
    const cleared = await ctx.services.media.update(alice.viewer, m.id, { description: "" });
    assert.equal(cleared.description, null);

    await ctx.services.posting.create(alice.viewer, { text: "Look", mediaIds: [m.id] });
    await assert.rejects(ctx.services.media.get(alice.viewer, m.id), { status: 404 });
    await assert.rejects(ctx.services.media.update(alice.viewer, m.id, { description: "late" }), { status: 404 });
    await assert.rejects(ctx.services.media.delete(alice.viewer, m.id), { status: 404 });
  });

  test("deleting an upload deletes its files", async () => {
    const alice = await person(ctx, "alice");
    const m = await ctx.services.media.upload(alice.viewer, await markedPng());
    // An upload waits in the database until its post is published (issue 9, finding 3).
    assert.deepEqual(mediaFiles(), [], "an unattached upload writes no file");
    assert.equal(await rowCount(ctx, "media_pending"), 1);
    await ctx.services.media.delete(alice.viewer, m.id);
    assert.deepEqual(mediaFiles(), []);
    assert.equal(await rowCount(ctx, "media_attachments"), 0);
    assert.equal(await rowCount(ctx, "media_pending"), 0);

    // One taken off its post by an edit has files: deleting it deletes them.
    const back = await ctx.services.media.upload(alice.viewer, await markedPng());
    const post = await ctx.services.posting.create(alice.viewer, { text: "Soon without", mediaIds: [back.id] });
    assert.equal(mediaFiles().length, 2);
    await ctx.services.posting.edit(alice.viewer, post.id, { text: "Without", mediaIds: [] });
    await ctx.services.media.delete(alice.viewer, back.id);
    assert.deepEqual(mediaFiles(), []);
  });

  test("deleting a post deletes its images", async () => {
    const alice = await person(ctx, "alice");
    const other = await ctx.services.media.upload(alice.viewer, await markedPng());
    const kept = await ctx.services.posting.create(alice.viewer, { text: "Kept", mediaIds: [other.id] });
    const keep = kept.media[0]!;
    const m = await ctx.services.media.upload(alice.viewer, await markedJpeg());
    const post = await ctx.services.posting.create(alice.viewer, { text: "Photo", mediaIds: [m.id] });
    assert.equal(post.media.length, 1);
    await ctx.services.posting.delete(alice.viewer, post.id);
    await ctx.services.media.settled();
    assert.deepEqual(mediaFiles().sort(), [keep.fileName, keep.previewFileName].sort(), "only the other post's files");
  });

  test("deleting a post through moderation deletes its images too", async () => {
    const alice = await person(ctx, "alice");
    const mod = await person(ctx, "mod", { roles: ["moderator"] });
    const m = await ctx.services.media.upload(alice.viewer, await markedJpeg());
    const post = await ctx.services.posting.create(alice.viewer, { text: "Photo", mediaIds: [m.id] });
    await ctx.services.moderation.removeStatus(mod.viewer, post.id, "test removal");
    await ctx.services.media.settled();
    assert.deepEqual(mediaFiles(), []);
  });

  test("deleting an account deletes its images, avatar and header", async () => {
    const alice = await person(ctx, "alice");
    const bob = await person(ctx, "bob");
    const bobsUpload = await ctx.services.media.upload(bob.viewer, await markedPng());
    const bobs = (await ctx.services.posting.create(bob.viewer, { text: "Bob's", mediaIds: [bobsUpload.id] }))
      .media[0]!;
    const m = await ctx.services.media.upload(alice.viewer, await markedJpeg());
    await ctx.services.posting.create(alice.viewer, { text: "Photo", mediaIds: [m.id] });
    await ctx.services.media.upload(alice.viewer, await markedWebp());
    await ctx.services.media.processProfileImage(alice.viewer, await markedJpeg(), "avatar");
    await ctx.services.media.processProfileImage(alice.viewer, await markedPng(), "header");
    // The unattached WebP waits in the database: no file of its own.
    assert.equal(mediaFiles().length, 2 + 2 + 1 + 1);
    assert.equal(await rowCount(ctx, "media_pending"), 1);
    await ctx.services.accounts.deleteAccount(alice.viewer, PASSWORD);
    await ctx.services.media.settled();
    assert.deepEqual(mediaFiles().sort(), [bobs.fileName, bobs.previewFileName].sort());
    assert.equal(await rowCount(ctx, "media_pending"), 0);
  });

  test("uploads left unattached for a day are purged; younger ones stay", async () => {
    const alice = await person(ctx, "alice");
    // An upload taken off its post by an edit is unattached again, with its files.
    const oldUpload = await ctx.services.media.upload(alice.viewer, await markedPng());
    const was = await ctx.services.posting.create(alice.viewer, { text: "With", mediaIds: [oldUpload.id] });
    const old = was.media[0]!;
    await ctx.services.posting.edit(alice.viewer, was.id, { text: "Without", mediaIds: [] });
    const usedUpload = await ctx.services.media.upload(alice.viewer, await markedPng());
    const used = (await ctx.services.posting.create(alice.viewer, { text: "Kept", mediaIds: [usedUpload.id] }))
      .media[0]!;
    ctx.clock.advance(DAY);
    const young = await ctx.services.media.upload(alice.viewer, await markedPng());
    assert.deepEqual((await ctx.services.media.purgeUnattached()).purged, 0, "a day has not surely passed yet");
    ctx.clock.advance(DAY);
    const r = await ctx.services.media.purgeUnattached();
    assert.equal(r.purged, 1);
    assert.equal(r.filesRemoved, 2);
    const left = new Set(mediaFiles());
    assert.equal(left.has(old.fileName), false);
    for (const n of [used.fileName, used.previewFileName]) assert.ok(left.has(n), n);
    assert.ok(await ctx.services.media.read(young.fileName), "the young upload is still there");
    assert.ok(await ctx.services.media.read(young.previewFileName));
  });

  test("the sweep removes files no row names, and leftovers of interrupted writes", async () => {
    const alice = await person(ctx, "alice");
    const upload = await ctx.services.media.upload(alice.viewer, await markedPng());
    const m = (await ctx.services.posting.create(alice.viewer, { text: "Up", mediaIds: [upload.id] })).media[0]!;
    const stray = "0123456789abcdef0123456789abcdef.png";
    writeFileSync(join(mediaDir(), stray), "orphan");
    writeFileSync(join(mediaDir(), ".tmp-deadbeef"), "half a file");
    writeFileSync(join(mediaDir(), "README"), "not ours to touch");
    assert.equal(await ctx.services.media.sweep(), 1);
    assert.deepEqual(mediaFiles().sort(), ["README", m.fileName, m.previewFileName].sort());
  });

  test("sweeps asked for while one runs share one that follows it", async () => {
    const alice = await person(ctx, "alice");
    const upload = await ctx.services.media.upload(alice.viewer, await markedPng());
    const m = (await ctx.services.posting.create(alice.viewer, { text: "Up", mediaIds: [upload.id] })).media[0]!;
    writeFileSync(join(mediaDir(), "00000000000000000000000000000000.jpg"), "orphan");
    const results = await Promise.all([
      ctx.services.media.sweep(),
      ctx.services.media.sweep(),
      ctx.services.media.sweep(),
    ]);
    assert.equal(
      results.reduce((a, b) => a + b, 0),
      1,
    );
    assert.deepEqual(mediaFiles().sort(), [m.fileName, m.previewFileName].sort());
  });

  test("when too many images wait to be processed, the next upload is told to come back", async () => {
    const alice = await person(ctx, "alice");
    const one = new MediaService(
      {
        db: ctx.store.db,
        dialect: ctx.store.dialect,
        clock: ctx.clock,
        ids: new TimeIds(ctx.clock),
        config: ctx.config,
        events: ctx.events,
      },
      { concurrency: 1 },
    );
    const png = await markedPng(40, 30);
    const uploads = Array.from({ length: 18 }, () =>
      one.upload(alice.viewer, png).then(
        () => 200,
        (e) => e.status,
      ),
    );
    const statuses = await Promise.all(uploads);
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [503],
    );
  });

  test("the media folder is private to the server's user", async () => {
    const alice = await person(ctx, "alice");
    const upload = await ctx.services.media.upload(alice.viewer, await markedPng());
    const m = (await ctx.services.posting.create(alice.viewer, { text: "Up", mediaIds: [upload.id] })).media[0]!;
    assert.equal(statSync(mediaDir()).mode & 0o777, 0o700);
    assert.equal(statSync(join(mediaDir(), m.fileName)).mode & 0o777, 0o600);
  });
});

describe("profile images", () => {
  test("an avatar is cropped to 400 x 400, cleaned, and replacing it deletes the old file", async () => {
    const alice = await person(ctx, "alice");
    const first = await ctx.services.media.processProfileImage(alice.viewer, await markedJpeg(640, 480), "avatar");
    assert.ok(first.avatarFile);
    const data = await stored(first.avatarFile);
    const meta = await sharp(data).metadata();
    assert.deepEqual([meta.width, meta.height], [400, 400]);
    await assertClean(data, "avatar");

    const second = await ctx.services.media.processProfileImage(alice.viewer, { data: await markedPng() }, "avatar");
    assert.notEqual(second.avatarFile, first.avatarFile);
    assert.deepEqual(mediaFiles(), [second.avatarFile]);

    const header = await ctx.services.media.processProfileImage(alice.viewer, await markedWebp(), "header");
    const h = await sharp(await stored(header.headerFile as string)).metadata();
    assert.deepEqual([h.width, h.height], [1500, 500]);

    await assert.rejects(
      ctx.services.media.processProfileImage(alice.viewer, claimedHugePng(), "avatar"),
      /The image is too large/,
    );
    const cleared = await ctx.services.media.removeProfileImage(alice.viewer, "avatar");
    assert.equal(cleared.avatarFile, null);
    assert.equal(cleared.headerFile, header.headerFile);
    assert.deepEqual(mediaFiles(), [header.headerFile]);
  });
});

test("the markers in the test images are the ones checked for", () => {
  assert.ok(Object.values(MARKERS).includes("SERIAL-MARKER-4242"));
  assert.ok(Object.values(MARKERS).includes("XMP-MARKER-XYZ"));
});
