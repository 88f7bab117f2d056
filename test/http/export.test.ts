// "Download your data": the page, the CSRF-protected download, and nothing left behind on disk.
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import sharp from "sharp";
import { assertSignInRequired, links, pageText } from "../helpers/pages.ts";
import { readTarGz } from "../helpers/tar.ts";
import { useSite } from "../helpers/web.ts";

const CSRF_MESSAGE = /This form has expired or did not come from this site/;

/** Every file and folder under the data folder, with size and modification time. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      out.push(`${p} ${s.isDirectory() ? "dir" : s.size} ${s.mtimeMs}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe("download your data", () => {
  const site = useSite();

  test("signed out, the page redirects to sign in and the download is refused", async () => {
    const anon = site.web.client();
    assertSignInRequired(await anon.get("/settings/export"), "/settings/export");
    const res = await anon.post("/settings/export");
    assert.match(pageText(res, 401), /Sign in first/);
    assert.equal(res.headers["content-disposition"], undefined);
  });

  test("the page explains the archive and is linked from the privacy page", async () => {
    const alt = await site.member("altUscis");
    const text = pageText(await alt.client.get("/settings/export"));
    assert.match(text, /Download your data/);
    assert.match(text, /not kept on the server/);
    assert.ok(links((await alt.client.get("/settings/privacy")).body).includes("/settings/export"));
  });

  test("a download without the CSRF token is refused", async () => {
    const alt = await site.member("rogueNoaa");
    for (const csrf of ["", "x".repeat(43)]) {
      const res = await alt.client.post("/settings/export", {}, { csrf });
      assert.match(pageText(res, 403), CSRF_MESSAGE);
    }
  });

  test("the download is a .tar.gz attachment, private, and writes nothing to the data folder", async () => {
    const alice = await site.member("alice");
    const image = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .png()
      .toBuffer();
    const upload = await site.ctx.services.media.upload(alice.viewer, { data: image });
    await site.ctx.services.posting.create(alice.viewer, { text: "With a picture", mediaIds: [upload.id] });
    await site.ctx.services.media.settled();

    const before = listing(site.ctx.dataDir);
    const res = await alice.client.post("/settings/export");
    const after = listing(site.ctx.dataDir);
    assert.deepEqual(after, before, "the export left nothing in the data folder");

    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "application/gzip");
    assert.equal(res.headers["cache-control"], "private, no-store");
    const day = site.ctx.clock.now().toISOString().slice(0, 10);
    assert.equal(res.headers["content-disposition"], `attachment; filename="publius-export-alice-${day}.tar.gz"`);
    const members = readTarGz(res.rawPayload);
    const statuses = members.find((m) => m.name === `publius-export-alice-${day}/statuses.json`);
    assert.ok(statuses);
    assert.match(statuses.data.toString("utf8"), /With a picture/);
    assert.equal(members.filter((m) => m.name.includes("/media/") && m.type === "0").length, 2);
  });
});
