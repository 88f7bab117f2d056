import type { Selectable } from "kysely";
import type { Account, StaffRole } from "../../domain/account.ts";
import type { AccountsTable } from "../schema/accounts.ts";
import type { Queryable } from "../store.ts";

export type AccountRow = Selectable<AccountsTable>;

export const ACCOUNT_COLUMNS = [
  "accounts.id",
  "accounts.handle",
  "accounts.display_name",
  "accounts.note",
  "accounts.locked",
  "accounts.state",
  "accounts.suspended",
  "accounts.created_day",
  "accounts.followers_count",
  "accounts.following_count",
  "accounts.statuses_count",
  "accounts.last_status_day",
  "accounts.avatar_file",
  "accounts.header_file",
  "accounts.discoverable",
] as const;

export type PublicAccountRow = Pick<
  AccountRow,
  | "id"
  | "handle"
  | "display_name"
  | "note"
  | "locked"
  | "state"
  | "suspended"
  | "created_day"
  | "followers_count"
  | "following_count"
  | "statuses_count"
  | "last_status_day"
  | "avatar_file"
  | "header_file"
  | "discoverable"
>;

export function toAccount(row: PublicAccountRow): Account {
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.display_name,
    note: row.note,
    locked: row.locked === 1,
    state: row.state === "pending" ? "pending" : "active",
    suspended: row.suspended === 1,
    createdDay: row.created_day,
    followersCount: row.followers_count,
    followingCount: row.following_count,
    statusesCount: row.statuses_count,
    lastStatusDay: row.last_status_day,
    avatarFile: row.avatar_file,
    headerFile: row.header_file,
    discoverable: row.discoverable === 1,
  };
}

export async function findAccountById(db: Queryable, id: string): Promise<Account | undefined> {
  const row = await db
    .selectFrom("accounts")
    .select(ACCOUNT_COLUMNS)
    .where("id", "=", id)
    // An account being deleted (its posts purged in batches) is gone already.
    .where("state", "!=", "deleting")
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findAccountByHandle(db: Queryable, handle: string): Promise<Account | undefined> {
  const row = await db
    .selectFrom("accounts")
    .select(ACCOUNT_COLUMNS)
    .where("handle_lower", "=", handle.toLowerCase())
    .where("state", "!=", "deleting")
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findAccountsByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, Account>> {
  const out = new Map<string, Account>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom("accounts")
    .select(ACCOUNT_COLUMNS)
    .where("id", "in", [...new Set(ids)])
    .execute();
  for (const row of rows) out.set(row.id, toAccount(row));
  return out;
}

export async function rolesOf(db: Queryable, accountId: string): Promise<StaffRole[]> {
  const rows = await db.selectFrom("staff_roles").select("role").where("account_id", "=", accountId).execute();
  return rows.map((r) => r.role as StaffRole).sort();
}

/**
 * The profile directory: active, unsuspended accounts that chose to be listed, in the order of
 * their handles — never by when they joined or last posted, which would tell activity times.
 */
export async function directoryPage(db: Queryable, offset: number, limit: number): Promise<Account[]> {
  const rows = await db
    .selectFrom("accounts")
    .select(ACCOUNT_COLUMNS)
    .where("discoverable", "=", 1)
    .where("state", "=", "active")
    .where("suspended", "=", 0)
    .orderBy("handle_lower")
    .offset(offset)
    .limit(limit)
    .execute();
  return rows.map(toAccount);
}
