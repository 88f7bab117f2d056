// scheduled_at, the publishing delay and /api/v1/scheduled_statuses share one queue.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HOUR } from "../../src/domain/clock.ts";
import { apiClient, useApiSite, userToken } from "../helpers/api.ts";

type Json = Record<string, any>;

describe("scheduled statuses", () => {
  const site = useApiSite();

  test("scheduled_at queues a post and answers a ScheduledStatus; it is listed, moved, published on time", async () => {
    const alice = await site.user("alice");
    const at = new Date(site.ctx.clock.now().getTime() + 2 * HOUR).toISOString();
    const res = await alice.api.post("/api/v1/statuses", {
      status: "Later, #publius",
      scheduled_at: at,
      visibility: "unlisted",
    });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json() as Json;
    assert.equal(typeof s.id, "string");
    assert.equal(s.scheduled_at, at);
    assert.equal(s.params.text, "Later, #publius");
    assert.equal(s.params.visibility, "unlisted");
    assert.deepEqual(s.media_attachments, []);
    assert.equal(((await alice.api.get("/api/v1/timelines/home")).json() as Json[]).length, 0);

    const list = (await alice.api.get("/api/v1/scheduled_statuses")).json() as Json[];
    assert.deepEqual(
      list.map((x) => x.id),
      [s.id],
    );
    const later = new Date(site.ctx.clock.now().getTime() + 3 * HOUR).toISOString();
    const moved = await alice.api.put(`/api/v1/scheduled_statuses/${s.id}`, { scheduled_at: later });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal((moved.json() as Json).scheduled_at, later);

    const bob = await site.user("bob");
    assert.equal((await bob.api.get(`/api/v1/scheduled_statuses/${s.id}`)).statusCode, 404);
    assert.equal((await bob.api.delete(`/api/v1/scheduled_statuses/${s.id}`)).statusCode, 404);

    site.ctx.clock.advance(3 * HOUR + 60_000);
    assert.deepEqual(await site.ctx.services.scheduling.publishDue(), { published: 1, dropped: 0 });
    const home = (await alice.api.get("/api/v1/timelines/home")).json() as Json[];
    assert.equal(home.length, 1);
    assert.equal(home[0]?.visibility, "unlisted");
    assert.equal(home[0]?.created_at, site.ctx.clock.now().toISOString());
  });

  test("queuing a reply to a followers-only post one cannot see answers exactly as for a missing post (finding 14)", async () => {
    const alice = await site.user("alice");
    const mallory = await site.user("dave");
    const secret = await site.ctx.services.posting.create(alice.viewer, {
      text: "for followers",
      visibility: "private",
    });
    const at = new Date(site.ctx.clock.now().getTime() + 2 * HOUR).toISOString();
    const queue = (inReplyTo: string) =>
      mallory.api.post("/api/v1/statuses", { status: "a reply", scheduled_at: at, in_reply_to_id: inReplyTo });
    const hidden = await queue(secret.id);
    const missing = await queue("123456789012345678");
    assert.equal(missing.statusCode, 404);
    assert.equal(hidden.statusCode, missing.statusCode, "the same status for a hidden post as for a missing one");
    assert.deepEqual(hidden.json(), missing.json(), "and the same answer");
    assert.equal(((await mallory.api.get("/api/v1/scheduled_statuses")).json() as Json[]).length, 0);
    // The same through the publishing delay (also a queue), and a follower may still reply.
    await site.ctx.services.scheduling.setDelay(mallory.viewer, "15m");
    const delayed = await mallory.api.post("/api/v1/statuses", { status: "a reply", in_reply_to_id: secret.id });
    assert.deepEqual([delayed.statusCode, delayed.json()], [404, missing.json()]);
    const bob = await site.user("bob");
    await site.ctx.services.relationships.follow(bob.viewer, alice.account.id);
    const allowed = await bob.api.post("/api/v1/statuses", {
      status: "a reply",
      scheduled_at: at,
      in_reply_to_id: secret.id,
    });
    assert.equal(allowed.statusCode, 200, allowed.body);
  });

  test("a publishing delay set on the account queues every post from apps too", async () => {
    const carol = await site.user("carol");
    await site.ctx.services.scheduling.setDelay(carol.viewer, "15m");
    const res = await carol.api.post("/api/v1/statuses", { status: "from my app" });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as Json;
    assert.ok(body.scheduled_at, "a ScheduledStatus, not a Status");
    const due = new Date(body.scheduled_at).getTime() - site.ctx.clock.now().getTime();
    assert.ok(due >= 0 && due <= 16 * 60_000);
  });

  test("bad times and missing scopes are refused", async () => {
    const alice = await site.user("alice");
    const soon = new Date(site.ctx.clock.now().getTime() + 60_000).toISOString();
    const r1 = await alice.api.post("/api/v1/statuses", { status: "too soon", scheduled_at: soon });
    assert.equal(r1.statusCode, 422);
    const r2 = await alice.api.post("/api/v1/statuses", { status: "when?", scheduled_at: "next tuesday" });
    assert.equal(r2.statusCode, 422);
    const readOnly = apiClient(site.app, await userToken(site.ctx, alice.account.id, { scopes: "read" }));
    assert.equal((await readOnly.delete("/api/v1/scheduled_statuses/123")).statusCode, 403);
    assert.equal((await apiClient(site.app).get("/api/v1/scheduled_statuses")).statusCode, 401);
  });
});
