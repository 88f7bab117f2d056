// "What we hold about you": every record Publius holds about an account, by inventory category.
// The user's privacy page shows this, and legal productions and preservations are computed by the
// same function, so what the user sees and what could be handed over cannot drift apart.
// Legal records about a demand (tables marked gatedByNotice) appear only once the notice of that
// demand has been sent to the person: while a non-disclosure order forbids telling them, showing
// them here would tell them. See docs/legal-process.md.
import { type Kysely, sql } from "kysely";
import {
  CATEGORIES,
  type CategoryInfo,
  DATA_INVENTORY,
  type DataCategory,
  type TableEntry,
} from "../../domain/data-inventory.ts";
import { notFound } from "../../domain/errors.ts";
import type { ServiceDeps } from "../deps.ts";
import { SecretBox } from "../legal/secret-box.ts";

export type CellValue = string | number | null;

export interface HeldRecord {
  table: string;
  /** Only the columns of this category; hashes are described, not shown. */
  fields: Record<string, CellValue>;
}

export interface CategoryHoldings {
  category: CategoryInfo;
  state: "held" | "none" | "not_collected";
  records: HeldRecord[];
}

export interface Holdings {
  accountId: string;
  handle: string;
  categories: CategoryHoldings[];
}

const HASH_NOTE = "(a one-way hash: the original is not stored)";
const SECRET_NOTE = "(a secret: never shown)";

/** Rows of followers-only posts belong to "non-public content", whatever the column says. */
const STATUS_TABLES = new Set(["statuses", "status_edits", "status_tags"]);

export class HoldingsService {
  readonly #deps: ServiceDeps;
  readonly #box: SecretBox;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    this.#box = new SecretBox(deps.config.dataDir);
  }

  async forAccount(accountId: string, options: { categories?: readonly DataCategory[] } = {}): Promise<Holdings> {
    const db = this.#deps.db as unknown as Kysely<any>;
    const account = await db
      .selectFrom("accounts")
      .select(["id", "handle"])
      .where("id", "=", accountId)
      .executeTakeFirst();
    if (!account) throw notFound("No such account.");
    const wanted = new Set(options.categories ?? CATEGORIES.map((c) => c.id));
    const byCategory = new Map<DataCategory, HeldRecord[]>();
    const add = (category: DataCategory, record: HeldRecord) => {
      if (category === "none" || !wanted.has(category)) return;
      const list = byCategory.get(category) ?? [];
      list.push(record);
      byCategory.set(category, list);
    };

    const ownStatuses = await db
      .selectFrom("statuses")
      .select(["id", "visibility"])
      .where("account_id", "=", accountId)
      .execute();
    const privateIds = new Set(ownStatuses.filter((s) => s.visibility === "private").map((s) => s.id as string));
    const ownIds = ownStatuses.map((s) => s.id as string);

    for (const entry of DATA_INVENTORY) {
      // Tables with nothing in the wanted categories are not read (a production asking for login
      // data need not load 32,000 follows).
      const relevant = Object.values(entry.columns).some(
        (info) =>
          wanted.has(info.category) ||
          (STATUS_TABLES.has(entry.table) && info.category === "public_content" && wanted.has("nonpublic_content")),
      );
      if (!relevant) continue;
      const rows = await this.#rowsFor(db, entry, accountId, ownIds);
      for (const row of rows) {
        const nonPublic =
          STATUS_TABLES.has(entry.table) && privateIds.has(String(entry.table === "statuses" ? row.id : row.status_id));
        const split = new Map<DataCategory, Record<string, CellValue>>();
        const withheld = new Set<string>();
        for (const [owner, columns] of Object.entries(entry.withhold ?? {})) {
          if (row[owner] === accountId && !entry.ownedBy.some((o) => o !== owner && row[o] === accountId)) {
            for (const column of columns) withheld.add(column);
          }
        }
        for (const [column, info] of Object.entries(entry.columns)) {
          if (!(column in row) || info.category === "none" || withheld.has(column)) continue;
          const category: DataCategory =
            nonPublic && info.category === "public_content" ? "nonpublic_content" : info.category;
          const fields = split.get(category) ?? {};
          fields[column] = column.endsWith("_hash")
            ? HASH_NOTE
            : column.endsWith("_secret")
              ? SECRET_NOTE
              : info.sealed && typeof row[column] === "string"
                ? this.#box.open(row[column] as string, `${entry.table}.${column}:${String(row.id)}`)
                : toCell(row[column]);
          split.set(category, fields);
        }
        for (const [category, fields] of split) add(category, { table: entry.table, fields });
      }
    }

    return {
      accountId,
      handle: String(account.handle),
      categories: CATEGORIES.filter((c) => wanted.has(c.id)).map((category) => {
        const records = byCategory.get(category.id) ?? [];
        return {
          category,
          state: category.notCollected ? "not_collected" : records.length ? "held" : "none",
          records: category.notCollected ? [] : records,
        };
      }),
    };
  }

  async #rowsFor(
    db: Kysely<any>,
    entry: TableEntry,
    accountId: string,
    ownStatusIds: string[],
  ): Promise<Record<string, unknown>[]> {
    const columns = Object.keys(entry.columns).filter((c) => !(entry.table === "statuses" && c === "search_vector"));
    let q = db.selectFrom(entry.table).select(columns);
    if (entry.ownedBy.length) {
      q = q.where((eb) => eb.or(entry.ownedBy.map((col) => eb(col, "=", accountId))));
    } else if (entry.table === "status_edits" || entry.table === "status_tags") {
      if (ownStatusIds.length === 0) return [];
      q = q.where("status_id", "in", ownStatusIds);
    } else if (entry.table === "tags") {
      if (ownStatusIds.length === 0) return [];
      q = q.where("id", "in", db.selectFrom("status_tags").select("tag_id").where("status_id", "in", ownStatusIds));
    } else if (entry.table === "push_deliveries") {
      q = q.where(
        "subscription_id",
        "in",
        db.selectFrom("push_subscriptions").select("id").where("account_id", "=", accountId),
      );
    } else if (entry.table === "list_accounts") {
      // The members of one's own lists (being on another's list is that person's data).
      q = q.where("list_id", "in", db.selectFrom("lists").select("id").where("account_id", "=", accountId));
    } else if (entry.table === "oauth_apps") {
      q = q.where("id", "in", db.selectFrom("oauth_tokens").select("app_id").where("account_id", "=", accountId));
    } else if (entry.table === "legal_demands") {
      q = q.where(
        "id",
        "in",
        db.selectFrom("legal_demand_targets").select("demand_id").where("account_id", "=", accountId),
      );
    } else {
      return [];
    }
    if (entry.gatedByNotice) {
      const told = db
        .selectFrom("legal_notices")
        .select("demand_id")
        .where("account_id", "=", accountId)
        .where("state", "=", "sent");
      q = q.where(entry.table === "legal_demands" ? "id" : "demand_id", "in", told);
    }
    const order = columns.includes("id") ? "id" : columns[0];
    return (await q.orderBy(sql.ref(order as string)).execute()) as Record<string, unknown>[];
  }
}

function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint") return Number(value);
  return String(value);
}
