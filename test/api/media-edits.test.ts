// PUT /api/v1/statuses/:id with media_attributes[]: alt text and focal points of a post's images
// change with the edit (they were silently dropped before), and the edit history shows each
// version's images with the descriptions they had then.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ApiUser, useApiSite } from "../helpers/api.ts";
import { assertError, assertStatusEditShape, fakeUpload } from "./shapes.ts";

type Json = Record<string, any>;

describe("media edits", () => {
  const site = useApiSite();

  async function postWithImages(user: ApiUser, descriptions: (string | null)[]): Promise<Json> {
    const ids: string[] = [];
    for (const d of descriptions) ids.push(await fakeUpload(site.ctx, user.account.id, d));
    const res = await user.api.post("/api/v1/statuses", { status: "Look", media_ids: ids });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }

  test("media_attributes[] changes descriptions and focus; the history shows each version's", async () => {
    const alice = await site.user("alice");
    const s = await postWithImages(alice, ["a cat", null]);
    const [first, second] = s.media_attachments.map((m: Json) => m.id);
    const res = await alice.api.put(`/api/v1/statuses/${s.id}`, {
      status: "Look",
      media_ids: [first, second],
      media_attributes: [
        { id: first, description: "a grey cat asleep", focus: "0.5,-0.25" },
        { id: second, description: "the same cat, awake" },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const edited = res.json();
    assert.deepEqual(
      edited.media_attachments.map((m: Json) => m.description),
      ["a grey cat asleep", "the same cat, awake"],
    );
    assert.deepEqual(edited.media_attachments[0].meta.focus, { x: 0.5, y: -0.25 });
    const fetched = (await site.anonymous.get(`/api/v1/statuses/${s.id}`)).json();
    assert.equal(fetched.media_attachments[0].description, "a grey cat asleep", "kept, not lost");

    // Without media_ids the images stay, and their alt text still changes.
    const again = await alice.api.put(`/api/v1/statuses/${s.id}`, {
      status: "Look again",
      media_attributes: [{ id: second, description: "" }],
    });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().media_attachments[1].description, null, "blank is no description");

    const history = await site.anonymous.get(`/api/v1/statuses/${s.id}/history`);
    assert.equal(history.statusCode, 200);
    const versions = history.json();
    assert.equal(versions.length, 3);
    for (const v of versions) assertStatusEditShape(v);
    assert.deepEqual(
      versions.map((v: Json) => v.media_attachments.map((m: Json) => m.description)),
      [
        ["a cat", null],
        ["a grey cat asleep", "the same cat, awake"],
        ["a grey cat asleep", null],
      ],
    );
    assert.deepEqual(versions[0].media_attachments[0].meta.focus, { x: 0, y: 0 });
    assert.deepEqual(versions[1].media_attachments[0].meta.focus, { x: 0.5, y: -0.25 });
  });

  test("form fields media_attributes[][id] and [][description] work as JSON does", async () => {
    const alice = await site.user("alice");
    const s = await postWithImages(alice, ["old"]);
    const id = s.media_attachments[0].id;
    const body = new URLSearchParams();
    body.append("status", "Look");
    body.append("media_ids[]", id);
    body.append("media_attributes[][id]", id);
    body.append("media_attributes[][description]", "new words");
    const res = await alice.api.put(`/api/v1/statuses/${s.id}`, body.toString(), {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().media_attachments[0].description, "new words");
  });

  test("bad media_attributes are a 422 with a message, and change nothing", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    const s = await postWithImages(alice, ["kept"]);
    const id = s.media_attachments[0].id;
    const bobs = await fakeUpload(site.ctx, bob.account.id, "bob's");
    const cases: [Json, RegExp][] = [
      [{ media_attributes: [{ id: bobs, description: "mine now" }] }, /not in this post/],
      [{ media_attributes: [{ description: "no id" }] }, /needs an id/],
      [{ media_attributes: ["nope"] }, /list of objects/],
      [{ media_attributes: [{ id, focus: "2,2" }] }, /focus/],
      [{ media_attributes: [{ id, description: "x".repeat(1501) }] }, /too long/],
    ];
    for (const [extra, message] of cases) {
      assertError(await alice.api.put(`/api/v1/statuses/${s.id}`, { status: "Look", ...extra }), 422, message);
    }
    const now = (await alice.api.get(`/api/v1/statuses/${s.id}`)).json();
    assert.equal(now.media_attachments[0].description, "kept");
    assert.equal(now.content, s.content);
    const bobsRow = await site.ctx.store.db
      .selectFrom("media_attachments")
      .select("description")
      .where("id", "=", bobs)
      .executeTakeFirstOrThrow();
    assert.equal(bobsRow.description, "bob's");
    // Another's post cannot be edited at all (as before).
    const other = await bob.api.put(`/api/v1/statuses/${s.id}`, {
      status: "Look",
      media_attributes: [{ id, description: "defaced" }],
    });
    assert.ok([403, 404].includes(other.statusCode), other.body);
  });
});
