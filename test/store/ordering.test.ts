// Issue 9, finding 5: orderings must not give activity times back. Each table's ordering guarantee
// is stated in the data inventory and checked here against the live schema, and rows inserted one
// after another must come back (by key and, on SQLite, physically) in an order that is not theirs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { buildApp } from "../../src/app.ts";
import { HOUR } from "../../src/domain/clock.ts";
import { DATA_INVENTORY } from "../../src/domain/data-inventory.ts";
import { type Person, person } from "../fixtures/accounts.ts";
import { apiClient, registerTestApp, userToken } from "../helpers/api.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";

const TIME_COLUMN = /(_at|_day|^at$|^day$)$/;

describe("the inventory's ordering guarantees hold in the schema", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.destroy());

  test("every table states its ordering", () => {
    for (const t of DATA_INVENTORY) {
      assert.ok(["unordered", "coarse", "public-time", "record"].includes(t.ordering.kind), t.table);
      assert.ok(t.ordering.key.length > 0, t.table);
    }
  });

  test("SQLite: every unordered or coarse table is WITHOUT ROWID, with a key that is not a time", async (t) => {
    if (ctx.store.dialect !== "sqlite") return t.skip("SQLite only");
    const rowless = new Set(
      (await sql<{ name: string; wr: number }>`SELECT name, wr FROM pragma_table_list`.execute(ctx.store.db)).rows
        .filter((r) => Number(r.wr) === 1)
        .map((r) => r.name),
    );
    const wrong: string[] = [];
    for (const entry of DATA_INVENTORY) {
      if (entry.ordering.kind !== "unordered" && entry.ordering.kind !== "coarse") continue;
      if (!rowless.has(entry.table)) wrong.push(`${entry.table}: has a rowid`);
      const key = (
        await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${entry.table})`.execute(
          ctx.store.db,
        )
      ).rows.filter((c) => Number(c.pk) > 0);
      if (key.length === 0) wrong.push(`${entry.table}: no primary key`);
      if (entry.ordering.kind === "unordered" && key.some((c) => TIME_COLUMN.test(c.name))) {
        wrong.push(`${entry.table}: a time in the key`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test("PostgreSQL: no unordered or coarse table's key is a sequence", async (t) => {
    if (ctx.store.dialect !== "postgres") return t.skip("PostgreSQL only");
    const serial = (
      await sql<{ table_name: string; column_name: string }>`
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval%')`.execute(
        ctx.store.db,
      )
    ).rows;
    const wrong = serial.filter((c) =>
      DATA_INVENTORY.some(
        (e) => e.table === c.table_name && (e.ordering.kind === "unordered" || e.ordering.kind === "coarse"),
      ),
    );
    assert.deepEqual(wrong, []);
  });
});

describe("rows inserted in turn do not come back in that order", () => {
  let ctx: TestContext;
  let author: Person;
  let reader: Person;
  const posts: string[] = [];
  const N = 24;
  before(async () => {
    ctx = await createTestContext();
    author = await person(ctx, "altUscis");
    reader = await person(ctx, "alice");
    // The posts first, then the likes and bookmarks in the order of the posts, all within one hour.
    for (let i = 0; i < N; i++) posts.push((await ctx.services.posting.create(author.viewer, { text: `p${i}` })).id);
    for (const id of posts) {
      await ctx.services.interactions.favourite(reader.viewer, id);
      await ctx.services.collections.bookmark(reader.viewer, id);
    }
  });
  after(() => ctx.destroy());

  const notInOrder = (label: string, got: string[]) => {
    assert.equal(got.length, N, label);
    assert.notDeepEqual(got, posts, `${label}: in the order of insertion`);
    assert.notDeepEqual(got, [...posts].reverse(), `${label}: in the reverse order of insertion`);
  };

  /**
   * SQLite: no hidden rowid keeps the order of insertion (a WITHOUT ROWID table is stored in the
   * order of its primary key, checked above). Where one exists, it is exactly that order.
   */
  const noHiddenOrder = async (table: string) => {
    const hidden = await sql<{ status_id: string }>`SELECT status_id FROM ${sql.table(table)} ORDER BY rowid`
      .execute(ctx.store.db)
      .then(
        (r) => r.rows.map((x) => x.status_id),
        () => undefined,
      );
    assert.equal(hidden, undefined, `${table}: its rowid keeps the order of insertion: ${JSON.stringify(hidden)}`);
  };

  for (const table of ["favourites", "bookmarks"] as const) {
    test(`${table}: by key and as stored`, async () => {
      const byKey = await ctx.store.db.selectFrom(table).select("status_id").orderBy("id").execute();
      notInOrder(
        `${table} by key`,
        byKey.map((r) => r.status_id),
      );
      if (ctx.store.dialect === "sqlite") await noHiddenOrder(table);
    });
  }

  test("notifications of one hour: keys say the hour, not the order", async () => {
    const rows = await ctx.store.db.selectFrom("notifications").select(["id", "status_id"]).orderBy("id").execute();
    notInOrder(
      "notifications by key",
      rows.map((r) => r.status_id as string),
    );
    // A key is the hour and random digits: 15 digits, never comparable with a post's 18-digit time id.
    const hour = Math.floor(ctx.clock.now().getTime() / HOUR);
    for (const r of rows) {
      assert.match(String(r.id), /^\d{15}$/);
      assert.equal(Math.floor(Number(r.id) / 1e9), hour);
    }
    if (ctx.store.dialect === "sqlite") await noHiddenOrder("notifications");
  });

  test("the Link headers of favourites and bookmarks carry random keys, and paging meets each once", async () => {
    const server = await buildApp(ctx, {});
    try {
      const token = await userToken(ctx, reader.account.id, { app: await registerTestApp(ctx) });
      const api = apiClient(server, token);
      for (const kind of ["favourites", "bookmarks"]) {
        const seen: string[] = [];
        const cursors: string[] = [];
        let path: string | undefined = `/api/v1/${kind}?limit=5`;
        while (path) {
          const res = await api.get(path);
          assert.equal(res.statusCode, 200);
          const page = res.json() as { id: string }[];
          if (page.length === 0) break;
          seen.push(...page.map((s) => s.id));
          const next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link))?.[1];
          const cursor = next ? new URL(next).searchParams.get("max_id") : null;
          if (cursor) cursors.push(cursor);
          path = next ? next.replace(/^https?:\/\/[^/]+/, "") : undefined;
        }
        assert.deepEqual([...seen].sort(), [...posts].sort(), `${kind}: each once`);
        notInOrder(kind, seen);
        for (const c of cursors) assert.match(c, /^\d{15}$/, `${kind}: the cursor is a random key, not a serial`);
      }
    } finally {
      await server.close();
    }
  });
  test("a like's notification cannot be placed between two posts: later hours sort later, one hour is random", async () => {
    const before = await ctx.store.db.selectFrom("notifications").select("id").execute();
    ctx.clock.advance(HOUR);
    const later = await ctx.services.posting.create(author.viewer, { text: "next hour" });
    await ctx.services.interactions.favourite(reader.viewer, later.id);
    const [made] = await ctx.store.db
      .selectFrom("notifications")
      .select("id")
      .where("status_id", "=", later.id)
      .execute();
    assert.ok(
      before.every((b) => Number(b.id) < Number(made?.id)),
      "a later hour sorts after",
    );
  });
});
