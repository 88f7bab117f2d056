// PostgreSQL's text parser keeps a link or an address-like string as one token, so a word inside a
// link ("report" in https://example.com/report) was found on SQLite (FTS5 splits on punctuation)
// but not on PostgreSQL. Splitting on everything that is not a letter, digit or underscore, before
// indexing and in queries, makes both databases find the same words.
import { type Kysely, sql } from "kysely";
import type { DialectName, Migration } from "./migration.ts";

async function up(db: Kysely<any>, dialect: DialectName): Promise<void> {
  if (dialect !== "postgres") return;
  await sql`DROP INDEX IF EXISTS statuses_search`.execute(db);
  await sql`ALTER TABLE statuses DROP COLUMN search_vector`.execute(db);
  await sql`ALTER TABLE statuses ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
    (to_tsvector('simple', regexp_replace(spoiler_text || ' ' || text, '[^[:alnum:]_]+', ' ', 'g'))) STORED`.execute(
    db,
  );
  await sql`CREATE INDEX statuses_search ON statuses USING gin (search_vector)`.execute(db);
}

export const migration007: Migration = { name: "007-search-words", up };
