// Endorsements (featured accounts on a profile, Mastodon's "pin" of an account) and familiar
// followers. One can endorse only an account one follows (as Mastodon), and unfollowing or blocking
// ends the endorsement (relationships.ts). Endorsements are public, like the profile that shows them.
import type { Account, Viewer } from "../../domain/account.ts";
import { unprocessable } from "../../domain/errors.ts";
import { randomSerial } from "../../domain/ids.ts";
import { type Page, pageLimit } from "../../domain/status.ts";
import { findAccountsByIds } from "../../store/repos/accounts.ts";
import { runSerialPage } from "../../store/repos/paging.ts";
import { isUniqueViolation } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { AccountPage } from "./relationships.ts";

/** Followers shown per account asked about, and accounts asked about at once. */
export const MAX_FAMILIAR = 80;
export const MAX_FAMILIAR_IDS = 40;

export class EndorsementService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  async endorse(viewer: Viewer, targetId: string): Promise<void> {
    const db = this.#deps.db;
    const follows = await db
      .selectFrom("follows")
      .select("id")
      .where("account_id", "=", viewer.accountId)
      .where("target_account_id", "=", targetId)
      .executeTakeFirst();
    if (!follows)
      throw unprocessable("Validation failed: You must be already following the person you want to endorse");
    try {
      await db
        .insertInto("endorsements")
        .values({ id: randomSerial(), account_id: viewer.accountId, target_account_id: targetId })
        .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
        .execute();
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }

  async unendorse(viewer: Viewer, targetId: string): Promise<void> {
    await this.#deps.db
      .deleteFrom("endorsements")
      .where("account_id", "=", viewer.accountId)
      .where("target_account_id", "=", targetId)
      .execute();
  }

  /** The accounts an account endorses, the latest first. */
  async endorsed(accountId: string, page: Page = {}): Promise<AccountPage> {
    const q = this.#deps.db
      .selectFrom("endorsements as e")
      .innerJoin("accounts as a", "a.id", "e.target_account_id")
      .select(["e.id", "e.target_account_id as other"])
      .where("e.account_id", "=", accountId)
      .where("a.suspended", "=", 0)
      .where("a.state", "=", "active");
    const rows = await runSerialPage(q, "e.id", page, pageLimit(page, 40, 80));
    const accounts = await findAccountsByIds(
      this.#deps.db,
      rows.map((r) => r.other),
    );
    return {
      accounts: rows.map((r) => accounts.get(r.other)).filter((a): a is Account => a !== undefined),
      newestId: rows.length ? String(rows[0]?.id) : undefined,
      oldestId: rows.length ? String(rows[rows.length - 1]?.id) : undefined,
    };
  }

  /**
   * For each account asked about: the accounts the viewer follows that follow it. Nothing across a
   * block between the viewer and the account asked about, or with the follower; suspended and
   * pending accounts are left out. An unknown id gets an empty list, as in Mastodon.
   */
  async familiarFollowers(
    viewer: Viewer,
    targetIds: readonly string[],
  ): Promise<{ id: string; accounts: Account[] }[]> {
    const db = this.#deps.db;
    const v = viewer.accountId;
    const ids = [...new Set(targetIds)];
    if (ids.length > MAX_FAMILIAR_IDS) throw unprocessable(`At most ${MAX_FAMILIAR_IDS} ids at once`);
    const blockedWith = db
      .selectFrom("blocks")
      .select("target_account_id as other")
      .where("account_id", "=", v)
      .union(db.selectFrom("blocks").select("account_id as other").where("target_account_id", "=", v));
    const out: { id: string; accounts: Account[] }[] = [];
    const blocked = new Set(ids.length ? (await blockedWith.execute()).map((r) => r.other) : []);
    for (const id of ids) {
      if (blocked.has(id)) {
        out.push({ id, accounts: [] });
        continue;
      }
      const rows = await db
        .selectFrom("follows as f")
        .innerJoin("follows as mine", "mine.target_account_id", "f.account_id")
        .innerJoin("accounts as a", "a.id", "f.account_id")
        .select("f.account_id")
        .where("f.target_account_id", "=", id)
        .where("mine.account_id", "=", v)
        .where("a.suspended", "=", 0)
        .where("a.state", "=", "active")
        .where("f.account_id", "not in", blockedWith)
        .orderBy("f.id", "desc")
        .limit(MAX_FAMILIAR)
        .execute();
      const accounts = await findAccountsByIds(
        db,
        rows.map((r) => r.account_id),
      );
      out.push({
        id,
        accounts: rows.map((r) => accounts.get(r.account_id)).filter((a): a is Account => a !== undefined),
      });
    }
    return out;
  }
}
