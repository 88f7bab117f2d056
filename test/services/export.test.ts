import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { collect, readTarGz } from "../helpers/tar.ts";

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.destroy());

async function png(colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

test("the export of @ALT_USCIS: profile, posts with history, follows, likes, bookmarks and images; nobody else's private data", async () => {
  const alt = await person(ctx, "altUscis");
  const alice = await person(ctx, "alice");
  const bob = await person(ctx, "bob");
  const { posting, interactions, collections, relationships, media } = ctx.services;

  await relationships.follow(alt.viewer, alice.account.id);
  await relationships.follow(bob.viewer, alt.account.id);

  const edited = await posting.create(alt.viewer, { text: "First draft #resist" });
  await posting.edit(alt.viewer, edited.id, { text: "Second draft #resist" });
  const secret = await posting.create(alt.viewer, { text: "Only for followers", visibility: "private" });
  const upload = await media.upload(alt.viewer, { data: await png({ r: 200, g: 10, b: 10 }) });
  const withImage = await posting.create(alt.viewer, { text: "A picture", mediaIds: [upload.id] });
  await media.processProfileImage(alt.viewer, { data: await png({ r: 10, g: 10, b: 200 }) }, "avatar");

  const alicePublic = await posting.create(alice.viewer, { text: "Alice in public" });
  const aliceSecret = await posting.create(alice.viewer, {
    text: "Alice's followers-only words",
    visibility: "private",
  });
  await interactions.favourite(alt.viewer, alicePublic.id);
  await collections.bookmark(alt.viewer, aliceSecret.id);
  const list = await ctx.services.lists.create(alt.viewer, { title: "Sources", exclusive: true });
  await ctx.services.lists.addMembers(alt.viewer, list.id, [alice.account.id]);
  await ctx.services.tags.follow(alt.viewer, "leaks");
  await ctx.services.tags.feature(alt.viewer, "resist");
  await ctx.services.endorsements.endorse(alt.viewer, alice.account.id);
  // Bob's list of ALT_USCIS is Bob's: not in ALT_USCIS's archive.
  const bobsList = await ctx.services.lists.create(bob.viewer, { title: "Bob's secret list" });
  await relationships.follow(bob.viewer, alice.account.id);
  await ctx.services.lists.addMembers(bob.viewer, bobsList.id, [alice.account.id]);

  // Bob's own things are not in ALT_USCIS's archive.
  await posting.create(bob.viewer, { text: "Bob's private thoughts", visibility: "private" });
  await interactions.favourite(bob.viewer, edited.id);
  await collections.bookmark(bob.viewer, alicePublic.id);
  const bobUpload = await media.upload(bob.viewer, { data: await png({ r: 10, g: 200, b: 10 }) });
  await posting.create(bob.viewer, { text: "Bob's picture", visibility: "private", mediaIds: [bobUpload.id] });

  const archive = await ctx.services.export.archive(alt.viewer);
  const day = ctx.clock.now().toISOString().slice(0, 10);
  const root = `publius-export-ALT_USCIS-${day}`;
  assert.equal(archive.fileName, `${root}.tar.gz`);
  const gz = await collect(archive.stream);
  const members = readTarGz(gz);

  const account = await ctx.store.db
    .selectFrom("accounts")
    .selectAll()
    .where("id", "=", alt.account.id)
    .executeTakeFirstOrThrow();
  const rows = await ctx.store.db
    .selectFrom("media_attachments")
    .selectAll()
    .where("account_id", "=", alt.account.id)
    .execute();
  assert.equal(rows.length, 1);
  const row = rows[0];
  assert.ok(row && account.avatar_file);
  const mediaNames = [row.file_name, row.preview_file_name, account.avatar_file]
    .map((n) => `${root}/media/${n}`)
    .sort();
  assert.deepEqual(
    members.map((m) => m.name).sort(),
    [
      `${root}/`,
      `${root}/README.txt`,
      `${root}/account.json`,
      `${root}/bookmarks.json`,
      `${root}/endorsements.json`,
      `${root}/followers.json`,
      `${root}/following.json`,
      `${root}/hashtags.json`,
      `${root}/likes.json`,
      `${root}/lists.json`,
      `${root}/media/`,
      `${root}/statuses.json`,
      ...mediaNames,
    ].sort(),
  );

  // Every entry is dated to the account's created day and owned by nobody in particular.
  const createdSeconds = Date.parse(`${account.created_day}T00:00:00Z`) / 1000;
  for (const m of members) {
    assert.equal(m.mtime, createdSeconds, m.name);
    assert.equal(m.uid, 0);
    assert.equal(m.gid, 0);
  }
  // gzip's own header carries no time either.
  assert.equal(gz.readUInt32LE(4), 0);

  const file = (name: string) => {
    const m = members.find((x) => x.name === `${root}/${name}`);
    assert.ok(m, name);
    return m.data;
  };
  const json = (name: string) => JSON.parse(file(name).toString("utf8"));

  // The image bytes are the stored files, byte for byte.
  const mediaDir = join(ctx.dataDir, "media");
  for (const name of [row.file_name, row.preview_file_name, account.avatar_file]) {
    assert.ok(file(`media/${name}`).equals(readFileSync(join(mediaDir, name))), name);
  }

  const profile = json("account.json");
  assert.equal(profile.handle, "ALT_USCIS");
  assert.equal(profile.display_name, "ALT Immigration");
  assert.equal(profile.note, "Resistance from within USCIS.");
  assert.equal(profile.created_day, account.created_day);
  assert.equal(profile.avatar_file, `media/${account.avatar_file}`);
  assert.equal(profile.password_hash, undefined);

  const { statuses, unattached_media } = json("statuses.json");
  assert.deepEqual(unattached_media, []);
  assert.deepEqual(
    statuses.map((s: { id: string }) => s.id),
    [edited.id, secret.id, withImage.id],
  );
  const byId = new Map(statuses.map((s: { id: string }) => [s.id, s]));
  const e = byId.get(edited.id) as { text: string; edited_at: string | null; history: { text: string }[] };
  assert.equal(e.text, "Second draft #resist");
  assert.ok(e.edited_at);
  assert.deepEqual(
    e.history.map((h) => h.text),
    ["First draft #resist", "Second draft #resist"],
  );
  const s = byId.get(secret.id) as { visibility: string; history: { text: string }[] };
  assert.equal(s.visibility, "private");
  assert.deepEqual(
    s.history.map((h) => h.text),
    ["Only for followers"],
  );
  const w = byId.get(withImage.id) as { media: { file: string; preview_file: string }[] };
  assert.deepEqual(
    w.media.map((m) => [m.file, m.preview_file]),
    [[`media/${row.file_name}`, `media/${row.preview_file_name}`]],
  );

  assert.deepEqual(
    json("following.json").map((a: { handle: string }) => a.handle),
    ["alice"],
  );
  assert.deepEqual(
    json("followers.json").map((a: { handle: string }) => a.handle),
    ["bob"],
  );
  assert.deepEqual(json("likes.json"), [{ status_id: alicePublic.id, author: "alice" }]);
  assert.deepEqual(json("bookmarks.json"), [{ status_id: aliceSecret.id, author: "alice" }]);
  assert.deepEqual(json("lists.json"), [
    {
      title: "Sources",
      replies_policy: "list",
      exclusive: true,
      accounts: [{ id: alice.account.id, handle: "alice" }],
    },
  ]);
  assert.deepEqual(json("hashtags.json"), { followed: ["leaks"], featured: ["resist"] });
  assert.deepEqual(
    json("endorsements.json").map((a: { handle: string }) => a.handle),
    ["alice"],
  );
  assert.match(file("README.txt").toString("utf8"), /statuses\.json/);

  // Nothing of anyone else's private data, and none of Bob's files.
  const all = Buffer.concat(members.map((m) => m.data)).toString("latin1");
  for (const marker of ["Alice's followers-only words", "Bob's private thoughts", "Bob's picture", "Alice in public"]) {
    assert.ok(!all.includes(marker), marker);
  }
  const bobRow = await ctx.store.db
    .selectFrom("media_attachments")
    .selectAll()
    .where("id", "=", bobUpload.id)
    .executeTakeFirstOrThrow();
  assert.ok(!members.some((m) => m.name.endsWith(bobRow.file_name)));

  // GNU tar reads the archive too, and unpacks the same bytes.
  const dir = mkdtempSync(join(tmpdir(), "publius-export-test-"));
  try {
    writeFileSync(join(dir, "archive.tar.gz"), gz);
    execFileSync("tar", ["-xzf", "archive.tar.gz"], { cwd: dir });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, root, "likes.json"), "utf8")), json("likes.json"));
    assert.ok(
      readFileSync(join(dir, root, "media", row.file_name)).equals(readFileSync(join(mediaDir, row.file_name))),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
