// Hashtags that follow their posts, and rows that keep no order of insertion (issue 9, findings 2, 5).
//
// Finding 2: tags that no post carries any more are deleted here once; from now on the forgetting
// service sweeps them after every deletion (store/forget.ts forgetUnusedTags), in a statement of its
// own after the deletion committed. (A trigger inside the deleting transaction deadlocked against
// concurrent posting on PostgreSQL: the FK check of a new link holds the tag row.)
//
// Finding 5: the keys of the graph, likes, bookmarks, pins and tags were database sequence numbers,
// and notifications' keys a global serial that interleaved with post ids (millisecond times): a like
// could be placed between two public posts. They become random keys (notifications: the hour and
// random digits), existing rows re-keyed in random order. And SQLite's hidden rowid kept the order
// in which every row was inserted (accounts, sessions, tokens, media …) whatever its key said: each
// table whose rows must be coarse in time is rebuilt WITHOUT ROWID (the primary key orders the
// b-tree), by the documented procedure: new table, copy, drop, rename, indexes again, all in this
// migration's transaction with foreign keys off (the runner does that, `foreignKeysOff`) and checked
// before commit. statuses keeps its rowid: the full-text index is keyed by it and a post's time is
// public (its id is that time). PostgreSQL has no rowid; its heap keeps the order of insertion until
// it is rewritten (docs/decisions/physical-order.md).
import { type Kysely, sql } from "kysely";
import type { DialectName, Migration } from "./migration.ts";

/** Tables rebuilt WITHOUT ROWID on SQLite, keys unchanged. */
export const WITHOUT_ROWID_KEPT_KEYS = [
  "accounts",
  "sessions",
  "staff_roles",
  "invites",
  "mentions",
  "idempotency_keys",
  "oauth_apps",
  "oauth_codes",
  "oauth_tokens",
  "markers",
  "media_attachments",
  "scheduled_statuses",
  "staff_second_factors",
  "staff_used_codes",
] as const;

/** Tables whose sequence-number keys become random (and WITHOUT ROWID on SQLite). */
export const RANDOM_KEYED = [
  "follows",
  "follow_requests",
  "blocks",
  "mutes",
  "favourites",
  "bookmarks",
  "status_pins",
] as const;

// 15 digits, as domain/ids.ts randomSerial() and hourSerial() make them.
// Existing rows are numbered in a random order first (publius_rank, a random permutation), and each
// gets a slot of its own with random digits in it: no two clash (100,000 notifications of one hour
// clashed with plain random keys), and nothing of the old order is left.
const SQLITE_RANDOM = sql`(100000000000000 + publius_rank * 1000000 + abs(random() % 1000000))`;
const PG_RANDOM = sql`(100000000000000 + publius_rank * 1000000 + floor(random() * 1000000))::bigint`;
const RANK = sql`ROW_NUMBER() OVER (ORDER BY random())`;
const SQLITE_HOUR_KEY = sql`((CAST(strftime('%s', created_at) AS INTEGER) / 3600) * 1000000000
  + ROW_NUMBER() OVER (PARTITION BY substr(created_at, 1, 13) ORDER BY random()) * 1000 + abs(random() % 1000))`;
const PG_HOUR_KEY = sql`(floor(extract(epoch FROM created_at::timestamptz) / 3600)::bigint * 1000000000
  + ROW_NUMBER() OVER (PARTITION BY substr(created_at, 1, 13) ORDER BY random()) * 1000 + floor(random() * 1000)::bigint)`;

async function forgetUnusedTags(db: Kysely<any>): Promise<void> {
  // Tags that earlier versions left behind.
  await sql`DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM status_tags WHERE status_tags.tag_id = tags.id)`.execute(
    db,
  );
}

/**
 * Notification keys change; a notifications marker pointed at the old ones. It moves to the new key
 * of the newest notification at or below it (or to 0 when there is none).
 */
async function rekeyNotificationMarkers(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const num = dialect === "sqlite" ? sql`CAST(m.last_read_id AS INTEGER)` : sql`m.last_read_id::bigint`;
  const text = dialect === "sqlite" ? sql`CAST(k.new_id AS TEXT)` : sql`k.new_id::text`;
  await sql`UPDATE markers SET last_read_id = COALESCE((
      SELECT ${text} FROM publius_rekey k
      WHERE k.account_id = markers.account_id AND k.old_id <= (SELECT ${num} FROM markers m
        WHERE m.account_id = markers.account_id AND m.timeline = 'notifications')
      ORDER BY k.old_id DESC LIMIT 1), '0')
    WHERE timeline = 'notifications' AND last_read_id ${dialect === "sqlite" ? sql`GLOB '[0-9]*'` : sql`~ '^[0-9]{1,15}$'`}`.execute(
    db,
  );
}

async function rebuildSqlite(db: Kysely<any>): Promise<void> {
  const schema = async (table: string) =>
    (
      await sql<{
        type: string;
        name: string;
        sql: string | null;
      }>`SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ${table}`.execute(db)
    ).rows;
  const columns = async (table: string) =>
    (await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db)).rows.map((r) => r.name);

  /** Rebuilds `table` WITHOUT ROWID; `key` gives the SQL for each row's new id, else ids are kept. */
  const rebuild = async (table: string, key?: ReturnType<typeof sql>) => {
    const entries = await schema(table);
    const create = entries.find((e) => e.type === "table")?.sql;
    if (!create) throw new Error(`no table ${table}`);
    const fresh = `${table}_unordered`;
    const ddl = create
      .replace(/^CREATE TABLE\s+("?)\w+\1/i, `CREATE TABLE "${fresh}"`)
      .replace(/\s+autoincrement/gi, "");
    await sql.raw(`${ddl} WITHOUT ROWID`).execute(db);
    const cols = await columns(table);
    const list = sql.join(cols.map((c) => sql.ref(c)));
    const values = sql.join(cols.map((c) => (key && c === "id" ? key : sql.ref(c))));
    // Copied in random order, so not even the b-tree's page layout follows the old order.
    const source = key ? sql`(SELECT *, ${RANK} AS publius_rank FROM ${sql.table(table)}) AS ranked` : sql.table(table);
    await sql`INSERT INTO ${sql.table(fresh)} (${list}) SELECT ${values} FROM ${source} ORDER BY random()`.execute(db);
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
    await sql`ALTER TABLE ${sql.table(fresh)} RENAME TO ${sql.table(table)}`.execute(db);
    for (const e of entries) {
      if (e.type === "table" || !e.sql) continue; // autoindexes come back with their constraints
      await sql.raw(e.sql).execute(db);
    }
  };

  for (const table of WITHOUT_ROWID_KEPT_KEYS) await rebuild(table);
  for (const table of RANDOM_KEYED) await rebuild(table, SQLITE_RANDOM);

  // Notifications: the hour they were made, then random digits. The marker follows.
  await sql`CREATE TABLE publius_rekey (tbl text, account_id text, old_id integer, new_id integer)`.execute(db);
  await sqliteRekeyNotifications(db);
  await rekeyNotificationMarkers(db, "sqlite");
  await sql`DROP TABLE publius_rekey`.execute(db);

  // Tags get random keys; status_tags follows them by name.
  await sql`CREATE TABLE tags_unordered (id integer NOT NULL PRIMARY KEY, name text NOT NULL UNIQUE) WITHOUT ROWID`.execute(
    db,
  );
  await sql`INSERT INTO tags_unordered (id, name)
    SELECT ${SQLITE_RANDOM}, name FROM (SELECT name, ${RANK} AS publius_rank FROM tags) AS ranked ORDER BY random()`.execute(
    db,
  );
  await sql`CREATE TABLE status_tags_unordered (
      status_id text NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
      tag_id integer NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
      CONSTRAINT status_tags_pk PRIMARY KEY (status_id, tag_id)) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO status_tags_unordered (status_id, tag_id)
    SELECT st.status_id, nt.id FROM status_tags st JOIN tags t ON t.id = st.tag_id JOIN tags_unordered nt ON nt.name = t.name
    ORDER BY random()`.execute(db);
  await sql`DROP TABLE status_tags`.execute(db);
  await sql`DROP TABLE tags`.execute(db);
  await sql`ALTER TABLE tags_unordered RENAME TO tags`.execute(db);
  await sql`ALTER TABLE status_tags_unordered RENAME TO status_tags`.execute(db);
  await sql`CREATE INDEX status_tags_tag ON status_tags (tag_id, status_id)`.execute(db);
}

/** Notifications: new hour + random keys, rebuilt WITHOUT ROWID, old-to-new kept in publius_rekey. */
async function sqliteRekeyNotifications(db: Kysely<any>): Promise<void> {
  // Keep the old key beside the new one while copying, so the marker can be moved exactly.
  await sql`ALTER TABLE notifications ADD COLUMN publius_new_id integer`.execute(db);
  await sql`UPDATE notifications SET publius_new_id = k.v
    FROM (SELECT id AS old_id, ${SQLITE_HOUR_KEY} AS v FROM notifications) AS k WHERE k.old_id = notifications.id`.execute(
    db,
  );
  await sql`INSERT INTO publius_rekey (tbl, account_id, old_id, new_id)
    SELECT 'notifications', account_id, id, publius_new_id FROM notifications`.execute(db);
  const entries = (
    await sql<{
      type: string;
      sql: string | null;
    }>`SELECT type, sql FROM sqlite_master WHERE tbl_name = 'notifications'`.execute(db)
  ).rows;
  await sql`CREATE TABLE notifications_unordered (
      id integer NOT NULL PRIMARY KEY,
      account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      from_account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      type text NOT NULL,
      status_id text REFERENCES statuses(id) ON DELETE CASCADE,
      read integer NOT NULL DEFAULT 0,
      created_at text NOT NULL) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO notifications_unordered (id, account_id, from_account_id, type, status_id, read, created_at)
    SELECT publius_new_id, account_id, from_account_id, type, status_id, read, created_at FROM notifications
    ORDER BY random()`.execute(db);
  await sql`DROP TABLE notifications`.execute(db);
  await sql`ALTER TABLE notifications_unordered RENAME TO notifications`.execute(db);
  for (const e of entries) {
    if (e.type === "table" || !e.sql) continue;
    await sql.raw(e.sql).execute(db);
  }
}

async function rekeyPostgres(db: Kysely<any>): Promise<void> {
  for (const table of RANDOM_KEYED) {
    await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN id DROP IDENTITY IF EXISTS`.execute(db);
    await sql`UPDATE ${sql.table(table)} t SET id = k.new_id
      FROM (SELECT id AS old_id, ${PG_RANDOM} AS new_id FROM (SELECT id, ${RANK} AS publius_rank FROM ${sql.table(table)}) AS ranked) AS k
      WHERE t.id = k.old_id`.execute(db);
  }
  await sql`CREATE TEMP TABLE publius_rekey (tbl text, account_id text, old_id bigint, new_id bigint) ON COMMIT DROP`.execute(
    db,
  );
  await sql`ALTER TABLE notifications ALTER COLUMN id DROP IDENTITY IF EXISTS`.execute(db);
  await sql`INSERT INTO publius_rekey (tbl, account_id, old_id, new_id)
    SELECT 'notifications', account_id, id, ${PG_HOUR_KEY} FROM notifications`.execute(db);
  await sql`UPDATE notifications n SET id = k.new_id FROM publius_rekey k WHERE k.old_id = n.id`.execute(db);
  await rekeyNotificationMarkers(db, "postgres");
  // status_tags points at tags.id without ON UPDATE: the key is moved with the constraint lifted.
  await sql`ALTER TABLE status_tags DROP CONSTRAINT IF EXISTS status_tags_tag_id_fkey`.execute(db);
  await sql`ALTER TABLE tags ALTER COLUMN id DROP IDENTITY IF EXISTS`.execute(db);
  await sql`CREATE TEMP TABLE publius_tag_rekey ON COMMIT DROP AS
    SELECT id AS old_id, ${PG_RANDOM} AS new_id FROM (SELECT id, ${RANK} AS publius_rank FROM tags) AS ranked`.execute(
    db,
  );
  await sql`UPDATE tags t SET id = k.new_id FROM publius_tag_rekey k WHERE k.old_id = t.id`.execute(db);
  await sql`UPDATE status_tags st SET tag_id = k.new_id FROM publius_tag_rekey k WHERE k.old_id = st.tag_id`.execute(
    db,
  );
  await sql`ALTER TABLE status_tags ADD CONSTRAINT status_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES tags(id) ON DELETE CASCADE`.execute(
    db,
  );
}

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  if (dialect === "sqlite") await rebuildSqlite(db);
  else await rekeyPostgres(db);
  await forgetUnusedTags(db);
}

export const migration014: Migration = { name: "014-unordered-rows", up, foreignKeysOff: true };
