// Sign-in sessions. The cookie carries a random token; the database keeps only its SHA-256, the
// day it began and the day it ends. No address, no agent, no "last seen".
import { createHash } from "node:crypto";
import type { Account, Viewer } from "../../domain/account.ts";
import { DAY, dayOf } from "../../domain/clock.ts";
import { notFound, PubliusError } from "../../domain/errors.ts";
import { randomId, randomToken } from "../../domain/ids.ts";
import { ACCOUNT_COLUMNS, rolesOf, toAccount } from "../../store/repos/accounts.ts";
import type { ServiceDeps } from "../deps.ts";
import type { PasswordHasher } from "./passwords.ts";
import { SignInThrottle } from "./sign-in-throttle.ts";

export const SESSION_DAYS = 30;

export interface SessionInfo {
  id: string;
  createdDay: string;
  expiresDay: string;
  current: boolean;
}

export interface SignedIn {
  account: Account;
  viewer: Viewer;
  sessionId: string;
  /** The account still has the one-time password `publius staff create` printed. */
  mustChangePassword?: boolean;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A well-formed hash to verify against when the handle is unknown, so timing does not tell. */
let dummyHash: Promise<string> | undefined;

export class SessionService {
  readonly #deps: ServiceDeps;
  readonly #passwords: PasswordHasher;
  readonly #throttle: SignInThrottle;
  constructor(deps: ServiceDeps, passwords: PasswordHasher) {
    this.#deps = deps;
    this.#passwords = passwords;
    this.#throttle = new SignInThrottle(deps.clock);
  }

  /**
   * Checks handle and password; returns the new session's token (for the cookie) and the account.
   *
   * The right password always gets in: the throttle is consulted only once a password has been found
   * wrong, so failed guesses cannot lock the owner out. Wrong guesses for one handle beyond a few are
   * refused with 429 until a wait that doubles, and an unknown handle is throttled and answered
   * exactly like a real one (same statuses, same texts, the same hashing work), so the answers do not
   * tell which accounts exist.
   */
  async signIn(handle: string, password: string): Promise<{ token: string; account: Account; approvedNow: boolean }> {
    const key = handle.trim().toLowerCase();
    const row = await this.#deps.db
      .selectFrom("accounts")
      .select([...ACCOUNT_COLUMNS, "accounts.password_hash", "accounts.approval_unseen"])
      .where("handle_lower", "=", key)
      .executeTakeFirst();
    let right = false;
    if (row) right = await this.#passwords.verify(row.password_hash, password);
    else {
      dummyHash ??= this.#passwords.hash("publius-timing-equaliser");
      await this.#passwords.verify(await dummyHash, password);
    }
    if (!row || !right) {
      const wait = this.#throttle.waitFor(key);
      if (wait > 0) {
        const minutes = Math.max(1, Math.ceil(wait / 60_000));
        throw new PubliusError(
          429,
          `Too many failed sign-ins with this handle. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
        );
      }
      this.#throttle.failed(key);
      throw new PubliusError(401, "That handle and password do not match.");
    }
    this.#throttle.succeeded(key);
    if (row.state === "pending") {
      throw new PubliusError(
        403,
        `Your application has been waiting for the staff since ${longDay(row.created_day)}. You can sign in once they approve it.`,
      );
    }
    if (row.suspended === 1) throw new PubliusError(403, "This account is suspended.");
    const token = await this.create(row.id);
    // Told once: the first sign-in after the approval says so, and the mark goes.
    const approvedNow = row.approval_unseen === 1;
    if (approvedNow) {
      await this.#deps.db.updateTable("accounts").set({ approval_unseen: 0 }).where("id", "=", row.id).execute();
    }
    return { token, account: toAccount(row), approvedNow };
  }

  /** Makes a session for an account and returns its token. */
  async create(accountId: string): Promise<string> {
    const token = randomToken();
    const now = this.#deps.clock.now();
    await this.#deps.db
      .insertInto("sessions")
      .values({
        id: randomId(),
        token_hash: hashToken(token),
        account_id: accountId,
        created_day: dayOf(now),
        expires_day: dayOf(new Date(now.getTime() + SESSION_DAYS * DAY)),
      })
      .execute();
    return token;
  }

  /** The signed-in account for a cookie token, or undefined (expired, unknown, suspended). */
  async resolve(token: string | undefined): Promise<SignedIn | undefined> {
    if (!token || token.length > 200) return undefined;
    const today = dayOf(this.#deps.clock.now());
    const row = await this.#deps.db
      .selectFrom("sessions")
      .innerJoin("accounts", "accounts.id", "sessions.account_id")
      .select([
        ...ACCOUNT_COLUMNS,
        "sessions.id as session_id",
        "sessions.expires_day",
        "accounts.password_change_required",
      ])
      .where("sessions.token_hash", "=", hashToken(token))
      .executeTakeFirst();
    if (!row || row.expires_day < today || row.suspended === 1 || row.state !== "active") return undefined;
    const roles = await rolesOf(this.#deps.db, row.id);
    return {
      account: toAccount(row),
      viewer: { accountId: row.id, roles },
      sessionId: row.session_id,
      mustChangePassword: row.password_change_required === 1,
    };
  }

  async signOut(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.#deps.db.deleteFrom("sessions").where("token_hash", "=", hashToken(token)).execute();
  }

  async list(viewer: Viewer, currentSessionId?: string): Promise<SessionInfo[]> {
    const rows = await this.#deps.db
      .selectFrom("sessions")
      .select(["id", "created_day", "expires_day"])
      .where("account_id", "=", viewer.accountId)
      .orderBy("created_day", "desc")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      createdDay: r.created_day,
      expiresDay: r.expires_day,
      current: r.id === currentSessionId,
    }));
  }

  async revoke(viewer: Viewer, sessionId: string): Promise<void> {
    const result = await this.#deps.db
      .deleteFrom("sessions")
      .where("id", "=", sessionId)
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound("No such session.");
  }

  /** "Sign out everywhere else": ends every session of the account but this one. Returns how many. */
  async endOthers(viewer: Viewer, currentSessionId: string): Promise<number> {
    const result = await this.#deps.db
      .deleteFrom("sessions")
      .where("account_id", "=", viewer.accountId)
      .where("id", "!=", currentSessionId)
      .executeTakeFirst();
    this.#deps.events.publish({
      type: "account.sessions-ended",
      accountId: viewer.accountId,
      keptSessionId: currentSessionId,
    });
    return Number(result.numDeletedRows);
  }

  /** Removes expired sessions; run at start and daily. */
  async purgeExpired(): Promise<number> {
    const result = await this.#deps.db
      .deleteFrom("sessions")
      .where("expires_day", "<", dayOf(this.#deps.clock.now()))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** "2 December 2026" from "2026-12-02". */
function longDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}
