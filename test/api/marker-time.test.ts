// Issue 9, finding 5 (b): a read marker must not tell when one read beyond the inventory's hour. The
// id read is already a lower bound (one read after it was made); the marker's time used to be the hour
// of the save, an upper bound, and the two together narrowed reading to minutes. Now updated_at is the
// hour of the item read (never later than the save's), so it adds nothing to what the id says.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useApiSite } from "../helpers/api.ts";

describe("markers keep no time of reading (issue 9, finding 5b)", () => {
  const site = useApiSite();

  test("home: updated_at is the hour of the post read, not of the save", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    site.ctx.clock.set("2026-03-14T14:52:00.000Z");
    const read = (await bob.api.post("/api/v1/statuses", { status: "at 14:52" })).json();
    site.ctx.clock.set("2026-03-14T18:37:00.000Z");
    const saved = await alice.api.post("/api/v1/markers", { home: { last_read_id: read.id } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().home.updated_at, "2026-03-14T14:00:00.000Z");
    const row = await site.ctx.store.db
      .selectFrom("markers")
      .select("updated_at")
      .where("account_id", "=", alice.account.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.updated_at, "2026-03-14T14:00:00.000Z", "the disk holds no time of the save");
  });

  test("notifications: the hour of the notification read; an id that cannot be dated gives the day", async () => {
    const alice = await site.user("alice");
    const bob = await site.user("bob");
    site.ctx.clock.set("2026-03-14T09:10:00.000Z");
    await bob.api.post("/api/v1/statuses", { status: "hi @alice" });
    const [n] = (await alice.api.get("/api/v1/notifications")).json() as { id: string }[];
    site.ctx.clock.set("2026-03-14T21:05:00.000Z");
    const saved = await alice.api.post("/api/v1/markers", { notifications: { last_read_id: n?.id } });
    assert.equal(saved.json().notifications.updated_at, "2026-03-14T09:00:00.000Z");
    const odd = await alice.api.post("/api/v1/markers", { notifications: { last_read_id: "5" } });
    assert.equal(odd.json().notifications.updated_at, "2026-03-14T00:00:00.000Z");
  });
});
