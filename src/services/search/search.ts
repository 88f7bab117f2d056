// Search: accounts by handle or display-name prefix, posts by full text, hashtags by prefix.
// Full text is FTS5 on SQLite and tsvector on PostgreSQL, behind this one function.
import { sql } from "kysely";
import type { Account, Viewer } from "../../domain/account.ts";
import type { Status } from "../../domain/status.ts";
import { normalizeTag } from "../../domain/text.ts";
import { ACCOUNT_COLUMNS, toAccount } from "../../store/repos/accounts.ts";
import { STATUS_COLUMNS, statusSource } from "../../store/repos/statuses.ts";
import { notMuted, visibleTo } from "../../store/repos/visibility.ts";
import type { ServiceDeps } from "../deps.ts";
import { hydrateStatuses } from "../statuses/hydrate.ts";

export interface SearchResults {
  accounts: Account[];
  statuses: Status[];
  hashtags: { name: string; uses: number }[];
}

export interface SearchOptions {
  type?: "accounts" | "statuses" | "hashtags" | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  /** Accounts: only those the viewer follows. */
  following?: boolean | undefined;
  /** Posts: only this account's. */
  accountId?: string | undefined;
}

/** LIKE pattern for a prefix, with the wildcards in the user's text escaped. */
function prefixPattern(q: string): string {
  return `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class SearchService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  async search(viewer: Viewer | null, query: string, options: SearchOptions = {}): Promise<SearchResults> {
    const q = query.trim().slice(0, 200);
    const limit = Math.min(Math.max(options.limit ?? 20, 1), 40);
    const offset = Math.max(options.offset ?? 0, 0);
    const empty: SearchResults = { accounts: [], statuses: [], hashtags: [] };
    if (q === "") return empty;
    const want = (t: SearchOptions["type"]) => !options.type || options.type === t;
    return {
      accounts: want("accounts") ? await this.accounts(viewer, q, limit, offset, options) : [],
      statuses: want("statuses") ? await this.statuses(viewer, q, limit, offset, options) : [],
      hashtags: want("hashtags") ? await this.hashtags(q, limit, offset) : [],
    };
  }

  async accounts(
    viewer: Viewer | null,
    query: string,
    limit = 20,
    offset = 0,
    options: Pick<SearchOptions, "following"> = {},
  ): Promise<Account[]> {
    const term = query.replace(/^@/, "").toLowerCase();
    if (term === "") return [];
    const pattern = prefixPattern(term);
    let q = this.#deps.db
      .selectFrom("accounts")
      .select(ACCOUNT_COLUMNS)
      .where("suspended", "=", 0)
      .where("state", "=", "active")
      .where((eb) =>
        eb.or([
          sql<boolean>`handle_lower LIKE ${pattern} ESCAPE '\\'`,
          sql<boolean>`lower(display_name) LIKE ${pattern} ESCAPE '\\'`,
        ]),
      );
    if (viewer) {
      const v = viewer.accountId;
      q = q.where(
        sql<boolean>`NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ${v} AND b.target_account_id = accounts.id) OR (b.account_id = accounts.id AND b.target_account_id = ${v}))`,
      );
      if (options.following) {
        q = q.where(
          "id",
          "in",
          this.#deps.db.selectFrom("follows").select("target_account_id").where("account_id", "=", v),
        );
      }
    } else if (options.following) {
      return [];
    }
    // Exact handle first, then by followers, then alphabetically.
    const rows = await q
      .orderBy(sql`CASE WHEN handle_lower = ${term} THEN 0 ELSE 1 END`)
      .orderBy("followers_count", "desc")
      .orderBy("handle_lower")
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toAccount);
  }

  async statuses(
    viewer: Viewer | null,
    query: string,
    limit = 20,
    offset = 0,
    options: Pick<SearchOptions, "accountId"> = {},
  ): Promise<Status[]> {
    const v = viewer?.accountId ?? null;
    let q = statusSource(this.#deps.db)
      .select(STATUS_COLUMNS)
      .where("s.reblog_of_id", "is", null)
      .where(visibleTo(v))
      .where(notMuted(v));
    if (options.accountId) q = q.where("s.account_id", "=", options.accountId);
    if (this.#deps.dialect === "sqlite") {
      const match = ftsQuery(query);
      if (!match) return [];
      q = q.where(sql<boolean>`s.rowid IN (SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH ${match})`);
    } else {
      // Split the query as the index splits the text (migration 007): on anything not a word character.
      q = q.where(
        sql<boolean>`s.search_vector @@ plainto_tsquery('simple', regexp_replace(${query}, '[^[:alnum:]_]+', ' ', 'g'))`,
      );
    }
    const rows = await q.orderBy("s.id", "desc").limit(limit).offset(offset).execute();
    return hydrateStatuses(this.#deps.db, rows, v);
  }

  async hashtags(query: string, limit = 20, offset = 0): Promise<{ name: string; uses: number }[]> {
    const term = normalizeTag(query.replace(/^#/, ""));
    if (term === "" || !/^[\p{L}\p{N}_]+$/u.test(term)) return [];
    const rows = await this.#deps.db
      .selectFrom("tags as t")
      .leftJoin("status_tags as st", "st.tag_id", "t.id")
      .select(["t.name", (eb) => eb.fn.count<number>("st.status_id").as("uses")])
      .where(sql<boolean>`t.name LIKE ${prefixPattern(term)} ESCAPE '\\'`)
      .groupBy("t.name")
      // A tag no post carries (only followed or featured, or edited away) is not shown: whether
      // someone follows a hashtag is theirs to know.
      .having((eb) => eb.fn.count("st.status_id"), ">", 0)
      .orderBy(sql`CASE WHEN t.name = ${term} THEN 0 ELSE 1 END`)
      .orderBy("uses", "desc")
      .orderBy("t.name")
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => ({ name: r.name, uses: Number(r.uses) }));
  }
}

/** Each word as a quoted FTS5 term (so punctuation cannot form query syntax), all required. */
function ftsQuery(query: string): string | undefined {
  const words = query.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words
    .slice(0, 16)
    .map((w) => `"${w}"`)
    .join(" ");
}
