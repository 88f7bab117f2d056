// Migration 014 on a database that already holds rows: sequence keys become random (notifications:
// hour + random) without losing a row or a link, the notifications marker follows its notification,
// tags keep their posts, foreign keys hold and cascade again afterwards, and unused tags are gone.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { forgetUnusedTags } from "../../src/store/forget.ts";
import { migrations } from "../../src/store/migrations/index.ts";
import { migrate, openStore, type Store } from "../../src/store/store.ts";
import { TEST_DATABASE_URL } from "../helpers/context.ts";

async function openEmpty(): Promise<{ store: Store; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) {
    const store = await openStore({ sqlitePath: ":memory:" });
    return { store, drop: () => store.close() };
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const store = await openStore({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema, pgPoolSize: 2 });
  return {
    store,
    async drop() {
      await store.close();
      await admin(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

test("migration 014 re-keys existing rows and keeps every link", async () => {
  const { store, drop } = await openEmpty();
  try {
    const db = store.db as unknown as Kysely<any>;
    await db.schema
      .createTable("publius_migrations")
      .addColumn("name", "text", (c) => c.primaryKey())
      .execute();
    for (const m of migrations) {
      if (m.name >= "014") break;
      await db.transaction().execute(async (tx) => {
        await m.up(tx, store.dialect);
        await tx.insertInto("publius_migrations").values({ name: m.name }).execute();
      });
    }
    const account = (id: string, handle: string) => ({
      id,
      handle,
      handle_lower: handle,
      password_hash: "x",
      created_day: "2026-03-14",
    });
    await db
      .insertInto("accounts")
      .values([account("100000000000000001", "a"), account("100000000000000002", "b")])
      .execute();
    const status = (id: string, text: string) => ({
      id,
      account_id: "100000000000000001",
      text,
      content: text,
      visibility: "public",
      created_at: "2026-03-14T12:00:00.000Z",
    });
    await db
      .insertInto("statuses")
      .values([status("017734896000000001", "#kept"), status("017734896000000002", "x")])
      .execute();
    await db
      .insertInto("tags")
      .values([{ name: "kept" }, { name: "orphan" }])
      .execute();
    const kept = await db.selectFrom("tags").select("id").where("name", "=", "kept").executeTakeFirstOrThrow();
    await db.insertInto("status_tags").values({ status_id: "017734896000000001", tag_id: kept.id }).execute();
    await db
      .insertInto("follows")
      .values({ account_id: "100000000000000002", target_account_id: "100000000000000001" })
      .execute();
    await db
      .insertInto("favourites")
      .values({ account_id: "100000000000000002", status_id: "017734896000000001" })
      .execute();
    const note = (at: string) => ({
      account_id: "100000000000000001",
      from_account_id: "100000000000000002",
      type: "favourite",
      status_id: "017734896000000001",
      created_at: at,
    });
    await db
      .insertInto("notifications")
      .values([note("2026-03-14T12:00:00.000Z"), note("2026-03-14T13:00:00.000Z"), note("2026-03-14T15:00:00.000Z")])
      .execute();
    const old = await db.selectFrom("notifications").select(["id", "created_at"]).orderBy("id").execute();
    // The marker points at the second notification (13:00).
    await db
      .insertInto("markers")
      .values({
        account_id: "100000000000000001",
        timeline: "notifications",
        last_read_id: String(old[1]?.id),
        version: 0,
        updated_at: "2026-03-14T13:00:00.000Z",
      })
      .execute();

    // 014 and every later migration run now, over the rows made before 014.
    assert.deepEqual(
      await migrate(store),
      migrations.filter((m) => m.name >= "014").map((m) => m.name),
    );

    const notes = await db.selectFrom("notifications").select(["id", "created_at"]).orderBy("id").execute();
    assert.equal(notes.length, 3);
    for (const n of notes) {
      assert.match(String(n.id), /^\d{15}$/);
      assert.equal(Math.floor(Number(n.id) / 1e9) * 3600_000, Date.parse(n.created_at), "the key holds the hour");
    }
    const marker = await db.selectFrom("markers").select("last_read_id").executeTakeFirstOrThrow();
    assert.equal(marker.last_read_id, String(notes.find((n) => n.created_at === "2026-03-14T13:00:00.000Z")?.id));

    for (const table of ["follows", "favourites"]) {
      const rows = await db.selectFrom(table).select("id").execute();
      assert.equal(rows.length, 1, table);
      assert.match(String(rows[0]?.id), /^\d{15}$/, table);
    }
    const tags = await db.selectFrom("tags").select(["id", "name"]).execute();
    assert.deepEqual(
      tags.map((t) => t.name),
      ["kept"],
      "the unused tag is gone",
    );
    assert.match(String(tags[0]?.id), /^\d{15}$/);
    const link = await db.selectFrom("status_tags").select("tag_id").executeTakeFirstOrThrow();
    assert.equal(Number(link.tag_id), Number(tags[0]?.id), "the post keeps its tag");

    // Foreign keys are on again, and cascade: the account's deletion takes its rows with it.
    if (store.dialect === "sqlite") {
      const fk = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(db);
      assert.equal(Number(fk.rows[0]?.foreign_keys), 1);
    }
    await db.deleteFrom("accounts").where("id", "=", "100000000000000002").execute();
    assert.equal((await db.selectFrom("follows").select("id").execute()).length, 0);
    assert.equal((await db.selectFrom("notifications").select("id").execute()).length, 0);
    await db.deleteFrom("statuses").where("id", "=", "017734896000000001").execute();
    // The forgetting service's sweep, run after every deletion, forgets the tag left unused.
    await forgetUnusedTags(store.db, store.dialect);
    assert.equal((await db.selectFrom("tags").select("id").execute()).length, 0, "the last post's tag is forgotten");
  } finally {
    await drop();
  }
});
