// Images keep the order the author listed them, whatever their (random) ids.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import sharp from "sharp";
import { useApiSite } from "../helpers/api.ts";

describe("media order", () => {
  const site = useApiSite();

  test("a post's images come back in media_ids order, also after an edit reorders them", async () => {
    const alice = await site.user("alice");
    const ids: string[] = [];
    for (const colour of ["#ff0000", "#00ff00", "#0000ff", "#ffff00"]) {
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: colour } })
        .png()
        .toBuffer();
      const m = await site.ctx.services.media.upload(alice.viewer, { data: png }, { description: colour });
      ids.push(m.id);
    }
    const wanted = [ids[2], ids[0], ids[3], ids[1]] as string[];
    const res = await alice.api.post("/api/v1/statuses", { status: "four", media_ids: wanted });
    assert.equal(res.statusCode, 200, res.body);
    const status = res.json() as { id: string; media_attachments: { id: string }[] };
    assert.deepEqual(
      status.media_attachments.map((m) => m.id),
      wanted,
    );
    const reordered = [wanted[3], wanted[2], wanted[1], wanted[0]] as string[];
    const edit = await alice.api.put(`/api/v1/statuses/${status.id}`, {
      status: "four, reversed",
      media_ids: reordered,
    });
    assert.equal(edit.statusCode, 200, edit.body);
    assert.deepEqual(
      (edit.json() as { media_attachments: { id: string }[] }).media_attachments.map((m) => m.id),
      reordered,
    );
  });
});
