// Sign-up, profiles, account deletion. Nothing beyond a handle and a password is ever asked.
import { sql } from "kysely";
import {
  type Account,
  HANDLE_PATTERN,
  MAX_DISPLAY_NAME,
  MAX_NOTE,
  MAX_PASSWORD,
  MIN_PASSWORD,
  type Viewer,
} from "../../domain/account.ts";
import { dayOf } from "../../domain/clock.ts";
import { isCommonPassword } from "../../domain/common-passwords.ts";
import { forbidden, notFound, PubliusError, unprocessable } from "../../domain/errors.ts";
import { randomId } from "../../domain/ids.ts";
import { graphemeLength } from "../../domain/text.ts";
import { directoryPage, findAccountByHandle, findAccountById } from "../../store/repos/accounts.ts";
import { isUniqueViolation, type Tx } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import { subtractStatuses } from "../statuses/removal.ts";
import type { InviteService } from "./invites.ts";
import type { PasswordHasher } from "./passwords.ts";

export interface RegistrationInput {
  handle: string;
  password: string;
  /** Approval mode: why the applicant wants to join. */
  reason?: string | undefined;
  inviteCode?: string | undefined;
}

export interface ProfileInput {
  displayName?: string | undefined;
  note?: string | undefined;
  locked?: boolean | undefined;
  /** Listed in the profile directory. */
  discoverable?: boolean | undefined;
  /** The web compose form may publish images without a description. */
  altTextOptional?: boolean | undefined;
}

/** Handles that would confuse people or collide with pages. */
const RESERVED_HANDLES = new Set([
  "admin",
  "administrator",
  "root",
  "staff",
  "legal",
  "moderator",
  "publius",
  "support",
  "security",
  "abuse",
  "api",
  "about",
  "settings",
  "notifications",
  "search",
  "tags",
  "local",
  "home",
  "login",
  "signup",
  "signin",
  "signout",
  "logout",
  "transparency",
  "canary",
  "privacy",
  "oauth",
  "well_known",
]);

export class AccountService {
  readonly #deps: ServiceDeps;
  readonly #passwords: PasswordHasher;
  readonly #invites: InviteService;

  constructor(deps: ServiceDeps, passwords: PasswordHasher, invites: InviteService) {
    this.#deps = deps;
    this.#passwords = passwords;
    this.#invites = invites;
  }

  /** Validates a handle's form; returns a message or undefined. */
  handleProblem(handle: string): string | undefined {
    if (!HANDLE_PATTERN.test(handle)) return "A handle is 1 to 30 letters, digits or underscores.";
    if (RESERVED_HANDLES.has(handle.toLowerCase())) return "That handle is reserved.";
    return undefined;
  }

  passwordProblem(password: string, handle?: string): string | undefined {
    if (graphemeLength(password) < MIN_PASSWORD) return `A password needs at least ${MIN_PASSWORD} characters.`;
    if (password.length > MAX_PASSWORD) return `A password may have at most ${MAX_PASSWORD} characters.`;
    if (isCommonPassword(password)) return "That password is one of the most common; choose another.";
    if (handle && password.toLowerCase().includes(handle.toLowerCase()) && handle.length >= 4) {
      return "A password must not contain the handle.";
    }
    return undefined;
  }

  /**
   * Creates an account under the configured registration mode. In approval mode it waits, pending,
   * for staff; in invite mode a valid code is required and consumed in the same transaction.
   */
  async register(
    input: RegistrationInput,
    options: { mode?: "open" | "approval" | "invite"; oneTimePassword?: boolean } = {},
  ): Promise<Account> {
    const mode = options.mode ?? this.#deps.config.registration;
    const handle = input.handle.trim();
    const fields: Record<string, string> = {};
    const handleProblem = this.handleProblem(handle);
    if (handleProblem) fields.handle = handleProblem;
    const passwordProblem = this.passwordProblem(input.password, handle);
    if (passwordProblem) fields.password = passwordProblem;
    const reason = input.reason?.trim() ?? "";
    const inviteCode = input.inviteCode?.trim() ?? "";
    if (mode === "approval" && !inviteCode) {
      if (reason.length === 0) fields.reason = "Tell the staff briefly why you would like to join.";
      else if (reason.length > 1000) fields.reason = "At most 1,000 characters, please.";
    }
    if (mode === "invite" && !inviteCode) fields.invite = "An invite code is needed to join this server.";
    if (Object.keys(fields).length > 0) throw unprocessable(Object.values(fields)[0] as string, fields);

    const passwordHash = await this.#passwords.hash(input.password);
    const today = dayOf(this.#deps.clock.now());
    try {
      return await this.#deps.db.transaction().execute(async (tx) => {
        if (await findAccountByHandle(tx, handle)) {
          throw unprocessable("That handle is taken.", { handle: "That handle is taken." });
        }
        // A valid invite admits directly, whatever the mode.
        const invited = inviteCode ? await this.#invites.consume(tx, inviteCode) : false;
        if (inviteCode && !invited) {
          throw unprocessable("That invite code is not valid.", { invite: "That invite code is not valid." });
        }
        const pending = mode === "approval" && !invited;
        const id = randomId();
        await tx
          .insertInto("accounts")
          .values({
            id,
            handle,
            handle_lower: handle.toLowerCase(),
            display_name: "",
            note: "",
            locked: 0,
            password_hash: passwordHash,
            state: pending ? "pending" : "active",
            registration_reason: pending ? reason : null,
            suspended: 0,
            created_day: today,
            followers_count: 0,
            following_count: 0,
            statuses_count: 0,
            last_status_day: null,
            avatar_file: null,
            header_file: null,
            default_language: null,
            password_change_required: options.oneTimePassword ? 1 : 0,
          })
          .execute();
        return (await findAccountById(tx, id)) as Account;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw unprocessable("That handle is taken.", { handle: "That handle is taken." });
      throw e;
    }
  }

  async byId(id: string): Promise<Account | undefined> {
    return findAccountById(this.#deps.db, id);
  }

  /** GET /api/v1/directory: listed accounts, alphabetical by handle (see directoryPage). */
  async directory(offset: number, limit: number): Promise<Account[]> {
    return directoryPage(this.#deps.db, offset, limit);
  }

  async byHandle(handle: string): Promise<Account | undefined> {
    return findAccountByHandle(this.#deps.db, handle);
  }

  /** A profile anyone may look at: active and not suspended, or 404. */
  async visibleByHandle(handle: string): Promise<Account> {
    const account = await findAccountByHandle(this.#deps.db, handle);
    if (!account || account.suspended || account.state !== "active") throw notFound("No such account.");
    return account;
  }

  async visibleById(id: string): Promise<Account> {
    const account = await findAccountById(this.#deps.db, id);
    if (!account || account.suspended || account.state !== "active") throw notFound("No such account.");
    return account;
  }

  async updateProfile(viewer: Viewer, input: ProfileInput): Promise<Account> {
    const update = this.checkProfile(input);
    if (Object.keys(update).length > 0) {
      await this.#deps.db.updateTable("accounts").set(update).where("id", "=", viewer.accountId).execute();
    }
    const account = await findAccountById(this.#deps.db, viewer.accountId);
    if (!account) throw notFound();
    return account;
  }

  /** Whether the viewer chose to post images without a description from the web form. */
  async altTextOptional(viewer: Viewer): Promise<boolean> {
    const row = await this.#deps.db
      .selectFrom("accounts")
      .select("alt_text_optional")
      .where("id", "=", viewer.accountId)
      .executeTakeFirst();
    return row?.alt_text_optional === 1;
  }

  /** Checks a profile change without writing it (422 with field messages); returns the columns to set. */
  checkProfile(input: ProfileInput): {
    display_name?: string;
    note?: string;
    locked?: number;
    discoverable?: number;
    alt_text_optional?: number;
  } {
    const fields: Record<string, string> = {};
    const update: {
      display_name?: string;
      note?: string;
      locked?: number;
      discoverable?: number;
      alt_text_optional?: number;
    } = {};
    if (input.displayName !== undefined) {
      const v = input.displayName.trim();
      if (graphemeLength(v) > MAX_DISPLAY_NAME) fields.displayName = `At most ${MAX_DISPLAY_NAME} characters.`;
      update.display_name = v;
    }
    if (input.note !== undefined) {
      const v = input.note.trim();
      if (graphemeLength(v) > MAX_NOTE) fields.note = `At most ${MAX_NOTE} characters.`;
      update.note = v;
    }
    if (input.locked !== undefined) update.locked = input.locked ? 1 : 0;
    if (input.discoverable !== undefined) update.discoverable = input.discoverable ? 1 : 0;
    if (input.altTextOptional !== undefined) update.alt_text_optional = input.altTextOptional ? 1 : 0;
    if (Object.keys(fields).length > 0) throw unprocessable(Object.values(fields)[0] as string, fields);
    return update;
  }

  /**
   * Changes the password and, in the same transaction, ends every other session of the account and
   * every OAuth token issued to it: whoever knew the old password (or held a session or token got
   * with it) is out. `keepSessionId` is the session that asked, which stays signed in.
   */
  async changePassword(viewer: Viewer, current: string, next: string, keepSessionId?: string): Promise<void> {
    const row = await this.#deps.db
      .selectFrom("accounts")
      .select(["password_hash", "handle"])
      .where("id", "=", viewer.accountId)
      .executeTakeFirst();
    if (!row) throw notFound();
    if (!(await this.#passwords.verify(row.password_hash, current))) {
      throw unprocessable("The current password is not right.", { current: "The current password is not right." });
    }
    const problem = this.passwordProblem(next, row.handle);
    if (problem) throw unprocessable(problem, { password: problem });
    const hashed = await this.#passwords.hash(next);
    await this.#deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable("accounts")
        .set({ password_hash: hashed, password_change_required: 0 })
        .where("id", "=", viewer.accountId)
        .execute();
      let sessions = tx.deleteFrom("sessions").where("account_id", "=", viewer.accountId);
      if (keepSessionId) sessions = sessions.where("id", "!=", keepSessionId);
      await sessions.execute();
      await tx.deleteFrom("oauth_tokens").where("account_id", "=", viewer.accountId).execute();
      await tx.deleteFrom("oauth_codes").where("account_id", "=", viewer.accountId).execute();
    });
    // Whatever keeps per-session state in memory (the legal console's second-factor marks) drops it.
    this.#deps.events.publish({
      type: "account.sessions-ended",
      accountId: viewer.accountId,
      keptSessionId: keepSessionId ?? null,
    });
  }

  /**
   * Deletes an account for real: profile, posts, likes, follows, sessions. Counters on other people's
   * accounts and posts are corrected in the same transaction.
   */
  async deleteAccount(viewer: Viewer, password: string): Promise<void> {
    const row = await this.#deps.db
      .selectFrom("accounts")
      .select("password_hash")
      .where("id", "=", viewer.accountId)
      .executeTakeFirst();
    if (!row) throw notFound();
    if (!(await this.#passwords.verify(row.password_hash, password))) {
      throw unprocessable("The password is not right.", { password: "The password is not right." });
    }
    // First, in one transaction, the account disappears: marked as being deleted, hidden as a
    // suspension hides it (its posts leave every timeline), signed out everywhere. Then its posts go
    // in small batches, each its own transaction, so other requests run in between (on SQLite one
    // big transaction held every request for seconds). A process killed midway leaves a marked,
    // invisible account that the next start finishes purging (resumeDeletions).
    const marked = await this.#deps.db.transaction().execute(async (tx) => {
      // Hold the account (PostgreSQL): a deletion racing this one (a double submit) waits, then finds
      // it already marked instead of purging it twice.
      let held = tx.selectFrom("accounts").select(["id", "state"]).where("id", "=", viewer.accountId);
      if (this.#deps.dialect === "postgres") held = held.forUpdate();
      const row = await held.executeTakeFirst();
      if (!row || row.state === DELETING) return false;
      await tx.updateTable("accounts").set({ state: DELETING, suspended: 1 }).where("id", "=", row.id).execute();
      await tx.deleteFrom("sessions").where("account_id", "=", row.id).execute();
      await tx.deleteFrom("oauth_tokens").where("account_id", "=", row.id).execute();
      await tx.deleteFrom("oauth_codes").where("account_id", "=", row.id).execute();
      return true;
    });
    if (marked) await this.purgeMarked(viewer.accountId);
  }

  /** At start: finishes the deletions a stopped process left half done. Returns how many. */
  async resumeDeletions(): Promise<number> {
    const rows = await this.#deps.db.selectFrom("accounts").select("id").where("state", "=", DELETING).execute();
    for (const r of rows) await this.purgeMarked(r.id);
    return rows.length;
  }

  /** Purges an account marked as being deleted: its posts in batches, then everything else at once. */
  async purgeMarked(accountId: string): Promise<void> {
    for (;;) {
      const batch = await this.#deps.db.transaction().execute(async (tx) => {
        const ids = (await this.#statusIds(tx, accountId, DELETION_BATCH)).sort(repostsFirst);
        await purgeStatuses(tx, accountId, ids);
        return ids;
      });
      for (const { id } of batch) {
        this.#deps.events.publish({ type: "status.deleted", statusId: id, authorId: accountId });
      }
      if (batch.length < DELETION_BATCH) break;
      // Let the requests waiting for the database (SQLite: one connection) go first.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.#deps.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom("accounts").select("state").where("id", "=", accountId).executeTakeFirst();
      if (row?.state === DELETING) await purgeAccount(tx, accountId);
    });
    this.#deps.events.publish({ type: "account.deleted", accountId });
  }

  async #statusIds(tx: Tx, accountId: string, limit: number): Promise<{ id: string; reblog: boolean }[]> {
    const rows = await tx
      .selectFrom("statuses")
      .select(["id", "reblog_of_id"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, reblog: r.reblog_of_id !== null }));
  }

  /** Staff: the applications waiting in approval mode. */
  async pendingApplications(viewer: Viewer): Promise<{ account: Account; reason: string }[]> {
    requireRole(viewer, "moderator", "admin");
    const rows = await this.#deps.db
      .selectFrom("accounts")
      .select(["id", "registration_reason"])
      .where("state", "=", "pending")
      .orderBy("created_day")
      .orderBy("handle_lower")
      .execute();
    const out: { account: Account; reason: string }[] = [];
    for (const r of rows) {
      const account = await findAccountById(this.#deps.db, r.id);
      if (account) out.push({ account, reason: r.registration_reason ?? "" });
    }
    return out;
  }

  /** Staff: how many applications wait (the count on the Staff link). */
  async pendingCount(viewer: Viewer): Promise<number> {
    requireRole(viewer, "moderator", "admin");
    const row = await this.#deps.db
      .selectFrom("accounts")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("state", "=", "pending")
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Staff: approve or reject an application. A rejected application is deleted, reason and all. */
  async decideApplication(viewer: Viewer, accountId: string, approve: boolean, note = ""): Promise<void> {
    requireRole(viewer, "moderator", "admin");
    await this.#deps.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom("accounts").select("state").where("id", "=", accountId).executeTakeFirst();
      if (row?.state !== "pending") throw notFound("No such application.");
      if (approve) {
        await tx
          .updateTable("accounts")
          .set({ state: "active", registration_reason: null, approval_unseen: 1 })
          .where("id", "=", accountId)
          .execute();
      } else {
        await tx.deleteFrom("accounts").where("id", "=", accountId).execute();
      }
      await tx
        .insertInto("moderation_actions")
        .values({
          actor_account_id: viewer.accountId,
          action: approve ? "approve_registration" : "reject_registration",
          target_account_id: approve ? accountId : null,
          target_status_id: null,
          report_id: null,
          reason: note,
          created_at: this.#deps.clock.now().toISOString(),
        })
        .execute();
    });
  }
}

/** Throws 403 unless the viewer holds one of the roles. */
export function requireRole(viewer: Viewer | null | undefined, ...roles: string[]): asserts viewer is Viewer {
  if (!viewer) throw new PubliusError(401, "Sign in first.");
  if (!viewer.roles.some((r) => roles.includes(r))) throw forbidden("Your role does not allow this.");
}

/** accounts.state while an account's posts are purged in batches: hidden, signed out, going. */
export const DELETING = "deleting";
/** Posts removed per transaction when an account is deleted (SQLite: ~30 ms each; other requests run between). */
export const DELETION_BATCH = 100;

const repostsFirst = (a: { reblog: boolean }, b: { reblog: boolean }) => Number(b.reblog) - Number(a.reblog);

/**
 * Removes some of an account's posts, keeping other accounts' counters true: the posts they
 * reposted or replied to, and their own post counts when their reposts of these go too.
 */
export async function purgeStatuses(tx: Tx, accountId: string, batch: readonly { id: string }[]): Promise<void> {
  if (batch.length === 0) return;
  const ids = batch.map((b) => b.id);
  const ownReblogs = await tx
    .selectFrom("statuses")
    .select(["reblog_of_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("id", "in", ids)
    .where("reblog_of_id", "is not", null)
    .groupBy("reblog_of_id")
    .execute();
  for (const r of ownReblogs) {
    await tx
      .updateTable("statuses")
      .set({ reblogs_count: sql`reblogs_count - ${Number(r.n)}` })
      .where("id", "=", r.reblog_of_id as string)
      .where("account_id", "!=", accountId)
      .execute();
  }
  const replyCounts = await tx
    .selectFrom("statuses")
    .select(["in_reply_to_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("id", "in", ids)
    .where("in_reply_to_id", "is not", null)
    .groupBy("in_reply_to_id")
    .execute();
  for (const r of replyCounts) {
    await tx
      .updateTable("statuses")
      .set({ replies_count: sql`replies_count - ${Number(r.n)}` })
      .where("id", "=", r.in_reply_to_id as string)
      .where("account_id", "!=", accountId)
      .execute();
  }
  const reposters = await tx
    .selectFrom("statuses")
    .select(["account_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("reblog_of_id", "in", ids)
    .where("account_id", "!=", accountId)
    .groupBy("account_id")
    .execute();
  await subtractStatuses(tx, reposters);
  await tx.deleteFrom("statuses").where("reblog_of_id", "in", ids).execute();
  await tx.deleteFrom("statuses").where("id", "in", ids).execute();
}

/** Removes an account and everything hanging from it, keeping other accounts' counters true. */
export async function purgeAccount(tx: Tx, accountId: string): Promise<void> {
  // People this account followed lose a follower, and its followers follow one fewer.
  await tx
    .updateTable("accounts")
    .set({ followers_count: sql`followers_count - 1` })
    .where("id", "in", tx.selectFrom("follows").select("target_account_id").where("account_id", "=", accountId))
    .execute();
  await tx
    .updateTable("accounts")
    .set({ following_count: sql`following_count - 1` })
    .where("id", "in", tx.selectFrom("follows").select("account_id").where("target_account_id", "=", accountId))
    .execute();
  // Others' posts lose this account's likes, reposts and replies.
  await tx
    .updateTable("statuses")
    .set({ favourites_count: sql`favourites_count - 1` })
    .where("id", "in", tx.selectFrom("favourites").select("status_id").where("account_id", "=", accountId))
    .execute();
  await tx
    .updateTable("statuses")
    .set({ reblogs_count: sql`reblogs_count - 1` })
    .where(
      "id",
      "in",
      tx
        .selectFrom("statuses as r")
        .select("r.reblog_of_id")
        .where("r.account_id", "=", accountId)
        .where("r.reblog_of_id", "is not", null),
    )
    .where("account_id", "!=", accountId)
    .execute();
  const replyCounts = await tx
    .selectFrom("statuses")
    .select(["in_reply_to_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("account_id", "=", accountId)
    .where("in_reply_to_id", "is not", null)
    .groupBy("in_reply_to_id")
    .execute();
  for (const r of replyCounts) {
    await tx
      .updateTable("statuses")
      .set({ replies_count: sql`replies_count - ${Number(r.n)}` })
      .where("id", "=", r.in_reply_to_id as string)
      .where("account_id", "!=", accountId)
      .execute();
  }
  // Reposts of this account's posts by others go with them (cascade), and their authors' counts too.
  const reposters = await tx
    .selectFrom("statuses as r")
    .innerJoin("statuses as o", "o.id", "r.reblog_of_id")
    .select(["r.account_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("o.account_id", "=", accountId)
    .where("r.account_id", "!=", accountId)
    .groupBy("r.account_id")
    .execute();
  await subtractStatuses(tx, reposters);
  await tx.deleteFrom("reports").where("target_account_id", "=", accountId).execute();
  await tx.deleteFrom("statuses").where("account_id", "=", accountId).where("reblog_of_id", "is not", null).execute();
  await tx.deleteFrom("statuses").where("account_id", "=", accountId).execute();
  await tx.deleteFrom("accounts").where("id", "=", accountId).execute();
}
