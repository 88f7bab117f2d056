// Who may act in the legal console: staff holding the legal role who have passed their TOTP
// second factor. A LegalActor can only be made here — for a web session that passed the second
// factor within SECOND_FACTOR_HOURS, or for the command line with a current code — and every legal
// service checks it again (role and origin), so no route or command can skip the check.
//
// Which sessions passed the second factor is kept in memory only: a restart asks again, and no
// table records when a staff member signed in. A six-digit code has a million values and three are
// valid at any moment, so wrong codes are counted: per account in the database (every process and
// the command line add to the same count; LOCK_AFTER in a row lock the factor until the operator
// unlocks it, and the lock is written to the audit log), per session in memory (SESSION_FAILURES
// end the session), with a growing wait after SLOW_AFTER. Accepted codes are remembered in the
// database by their 30-second step only, for about a minute and a half, so a code works once in
// every process. The secrets themselves are sealed at rest (secret-box.ts).
import type { StaffRole, Viewer } from "../../domain/account.ts";
import { dayOf, HOUR } from "../../domain/clock.ts";
import { forbidden, notFound, PubliusError, unprocessable } from "../../domain/errors.ts";
import { matchTotp, newTotpSecret, otpauthUri, totpStep } from "../../domain/legal/totp.ts";
import { findAccountByHandle, rolesOf } from "../../store/repos/accounts.ts";
import { requireRole } from "../accounts/accounts.ts";
import type { SignedIn } from "../accounts/sessions.ts";
import type { ServiceDeps } from "../deps.ts";
import type { AuditLog } from "./audit.ts";
import { isSealed, type SecretBox } from "./secret-box.ts";

export const SECOND_FACTOR_HOURS = 12;
/** Wrong codes in a row (per account, every process together) before each try must wait. */
export const SLOW_AFTER = 3;
/** Wrong codes in a row that lock the factor until the operator unlocks it. */
export const LOCK_AFTER = 10;
/** Wrong codes in one session that end the session. */
export const SESSION_FAILURES = 5;
/** The longest wait between tries. */
const MAX_WAIT_MS = 5 * 60_000;

export interface LegalActor {
  readonly accountId: string;
  readonly handle: string;
  readonly roles: readonly StaffRole[];
  readonly via: "console" | "cli";
}

const issued = new WeakSet<LegalActor>();

/** Throws unless the actor came from this module and holds the legal role. Services call it first. */
export function requireLegal(actor: LegalActor | null | undefined): asserts actor is LegalActor {
  if (!actor || !issued.has(actor)) throw new SecondFactorRequired();
  if (!actor.roles.includes("legal")) throw forbidden("Your role does not allow this.");
}

/** The legal console needs the second factor first (routes redirect to its page). */
export class SecondFactorRequired extends PubliusError {
  constructor() {
    super(403, "The legal console needs your second factor (a code from your authenticator app).");
  }
}

/** Too many wrong codes: the factor is locked until the operator unlocks it. */
export class SecondFactorLocked extends PubliusError {
  constructor() {
    const message =
      "Your second factor is locked after too many wrong codes. Ask the operator to unlock it (publius second-factor unlock <handle>).";
    super(423, message, { fields: { code: message } });
  }
}

/** Several wrong codes: the next try must wait. */
export class SecondFactorWait extends PubliusError {
  constructor(ms: number) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    const message = `Too many wrong codes: wait ${seconds} seconds before trying again.`;
    super(429, message, { fields: { code: message }, headers: { "retry-after": String(seconds) } });
  }
}

/** Too many wrong codes in one session: it was signed out. */
export class SecondFactorSessionEnded extends PubliusError {
  constructor() {
    super(401, "Too many wrong codes: you were signed out. Sign in again.");
  }
}

export type SecondFactorStatus = "none" | "unconfirmed" | "enrolled";

/** What the additional authenticated data of a sealed TOTP secret names. */
const sealContext = (accountId: string) => `staff_second_factors.totp_secret:${accountId}`;

export class LegalAccess {
  readonly #deps: ServiceDeps;
  readonly #audit: AuditLog;
  readonly #box: SecretBox;
  /** Session id -> when its second factor lapses (ms). */
  readonly #verified = new Map<string, number>();
  /** Account id -> no try before this time (ms). In memory: the count that locks is in the database. */
  readonly #notBefore = new Map<string, number>();
  /** Session id -> wrong codes in this session. */
  readonly #sessionFailures = new Map<string, number>();

  constructor(deps: ServiceDeps, audit: AuditLog, box: SecretBox) {
    this.#deps = deps;
    this.#audit = audit;
    this.#box = box;
  }

  async status(viewer: Viewer): Promise<SecondFactorStatus> {
    requireRole(viewer, "legal");
    const row = await this.#deps.db
      .selectFrom("staff_second_factors")
      .select("confirmed")
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    return !row ? "none" : row.confirmed === 1 ? "enrolled" : "unconfirmed";
  }

  /**
   * Starts (or restarts, while unconfirmed) enrolment: a new secret, shown once as text and as an
   * otpauth:// URI. A confirmed factor is replaced only by the operator (`publius second-factor
   * reset`), never from a session, so a stolen session cannot enrol its own device.
   */
  async beginEnrolment(viewer: Viewer, handle: string): Promise<{ secret: string; uri: string }> {
    if ((await this.status(viewer)) === "enrolled") {
      throw new PubliusError(409, "Your second factor is already set up. The operator can reset it.");
    }
    const secret = newTotpSecret();
    await this.#deps.db.deleteFrom("staff_second_factors").where("account_id", "=", viewer.accountId).execute();
    await this.#deps.db
      .insertInto("staff_second_factors")
      .values({
        account_id: viewer.accountId,
        totp_secret: this.#box.seal(secret, sealContext(viewer.accountId)),
        confirmed: 0,
        created_day: dayOf(this.#deps.clock.now()),
      })
      .execute();
    return { secret, uri: otpauthUri(this.#deps.config.instanceName, `@${handle}`, secret) };
  }

  /** The secret of an unconfirmed enrolment, to show again until it is confirmed. */
  async pendingEnrolment(viewer: Viewer, handle: string): Promise<{ secret: string; uri: string } | undefined> {
    requireRole(viewer, "legal");
    const row = await this.#factor(viewer.accountId);
    if (!row || row.confirmed === 1) return undefined;
    return { secret: row.secret, uri: otpauthUri(this.#deps.config.instanceName, `@${handle}`, row.secret) };
  }

  /** The factor of an account, its secret opened (and sealed in place if it was stored before sealing). */
  async #factor(
    accountId: string,
  ): Promise<{ secret: string; confirmed: number; failed: number; locked: boolean } | undefined> {
    const row = await this.#deps.db
      .selectFrom("staff_second_factors")
      .select(["totp_secret", "confirmed", "failed_codes", "locked"])
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    if (!row) return undefined;
    if (!isSealed(row.totp_secret)) await this.#sealRow(accountId, row.totp_secret);
    return {
      secret: this.#box.open(row.totp_secret, sealContext(accountId)),
      confirmed: row.confirmed,
      failed: Number(row.failed_codes),
      locked: row.locked === 1,
    };
  }

  async #sealRow(accountId: string, plain: string): Promise<void> {
    await this.#deps.db
      .updateTable("staff_second_factors")
      .set({ totp_secret: this.#box.seal(plain, sealContext(accountId)) })
      .where("account_id", "=", accountId)
      .where("totp_secret", "=", plain)
      .execute();
  }

  /** Seals every secret still stored in clear (written before sealing existed). Run at start. */
  async sealStoredSecrets(): Promise<number> {
    const rows = await this.#deps.db
      .selectFrom("staff_second_factors")
      .select(["account_id", "totp_secret"])
      .where("totp_secret", "not like", "aes256gcm:%")
      .execute();
    for (const r of rows) await this.#sealRow(r.account_id, r.totp_secret);
    return rows.length;
  }

  /** Checks a code for this session: confirms enrolment if needed and opens the console. */
  async verifySession(auth: SignedIn, code: string): Promise<void> {
    requireRole(auth.viewer, "legal");
    const row = await this.#factor(auth.viewer.accountId);
    if (!row) throw unprocessable("Set up your second factor first.", { code: "Set up your second factor first." });
    await this.#check(auth.viewer.accountId, row, code, { sessionId: auth.sessionId, via: "console" });
    if (row.confirmed !== 1) {
      await this.#deps.db
        .updateTable("staff_second_factors")
        .set({ confirmed: 1 })
        .where("account_id", "=", auth.viewer.accountId)
        .execute();
    }
    this.#verified.set(auth.sessionId, this.#deps.clock.now().getTime() + SECOND_FACTOR_HOURS * HOUR);
  }

  /**
   * One try of a code. Refused without looking at the code while the factor is locked or the wait
   * after wrong codes has not passed. A wrong code adds to the account's count (in the database)
   * and the session's; a right one that was used before, in any process, is refused; a right new
   * one clears the count and is remembered by its step.
   */
  async #check(
    accountId: string,
    factor: { secret: string; locked: boolean; failed: number },
    code: string,
    where: { sessionId?: string; via: "console" | "cli" },
  ): Promise<void> {
    if (factor.locked) throw new SecondFactorLocked();
    const now = this.#deps.clock.now();
    // The count is in the database: once it went back to zero (a right code in another process, or
    // the operator's unlock), the wait this process remembers no longer applies.
    if (factor.failed < SLOW_AFTER) this.#notBefore.delete(accountId);
    const wait = (this.#notBefore.get(accountId) ?? 0) - now.getTime();
    if (wait > 0) throw new SecondFactorWait(wait);
    const step = matchTotp(factor.secret, code, now);
    if (step === undefined) return this.#failed(accountId, where);
    const current = totpStep(now);
    const accepted = await this.#deps.db.transaction().execute(async (tx) => {
      // Steps are remembered only while their codes could still be accepted (one step of drift).
      await tx
        .deleteFrom("staff_used_codes")
        .where("step", "<", current - 2)
        .execute();
      const later = await tx
        .selectFrom("staff_used_codes")
        .select("step")
        .where("account_id", "=", accountId)
        .where("step", ">=", step)
        .limit(1)
        .executeTakeFirst();
      if (later) return false;
      const inserted = await tx
        .insertInto("staff_used_codes")
        .values({ account_id: accountId, step })
        .onConflict((oc) => oc.columns(["account_id", "step"]).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
      // Locked meanwhile by another process: the lock wins.
      const row = await tx
        .selectFrom("staff_second_factors")
        .select("locked")
        .where("account_id", "=", accountId)
        .executeTakeFirst();
      if (row?.locked === 1) return "locked" as const;
      await tx
        .updateTable("staff_second_factors")
        .set({ failed_codes: 0 })
        .where("account_id", "=", accountId)
        .execute();
      return true;
    });
    if (accepted === "locked") throw new SecondFactorLocked();
    if (!accepted) {
      throw unprocessable("That code is not right (or was used already). Wait for the next one.", {
        code: "That code is not right (or was used already).",
      });
    }
    this.#notBefore.delete(accountId);
    if (where.sessionId) this.#sessionFailures.delete(where.sessionId);
  }

  async #failed(accountId: string, where: { sessionId?: string; via: "console" | "cli" }): Promise<never> {
    const now = this.#deps.clock.now();
    const failures = await this.#deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable("staff_second_factors")
        .set((eb) => ({ failed_codes: eb("failed_codes", "+", 1) }))
        .where("account_id", "=", accountId)
        .execute();
      const row = await tx
        .selectFrom("staff_second_factors")
        .select(["failed_codes", "locked"])
        .where("account_id", "=", accountId)
        .executeTakeFirst();
      const n = Number(row?.failed_codes ?? 0);
      if (n >= LOCK_AFTER && row?.locked !== 1) {
        await tx.updateTable("staff_second_factors").set({ locked: 1 }).where("account_id", "=", accountId).execute();
        await this.#audit.append(tx, {
          actorId: null,
          action: "second_factor.locked",
          subject: accountId,
          detail: { failures: n, via: where.via },
        });
      }
      return n;
    });
    if (failures >= SLOW_AFTER) {
      const wait = Math.min(MAX_WAIT_MS, 1000 * 2 ** (failures - SLOW_AFTER + 1));
      this.#notBefore.set(accountId, now.getTime() + wait);
    }
    if (where.sessionId) {
      const inSession = (this.#sessionFailures.get(where.sessionId) ?? 0) + 1;
      this.#sessionFailures.set(where.sessionId, inSession);
      if (inSession >= SESSION_FAILURES) {
        this.#sessionFailures.delete(where.sessionId);
        this.#verified.delete(where.sessionId);
        await this.#deps.db.transaction().execute(async (tx) => {
          await tx
            .deleteFrom("sessions")
            .where("id", "=", where.sessionId as string)
            .execute();
          await this.#audit.append(tx, {
            actorId: null,
            action: "second_factor.session_ended",
            subject: accountId,
            detail: { failures: inSession, via: where.via },
          });
        });
        throw new SecondFactorSessionEnded();
      }
    }
    if (failures >= LOCK_AFTER) throw new SecondFactorLocked();
    throw unprocessable("That code is not right (or was used already). Wait for the next one.", {
      code: "That code is not right (or was used already).",
    });
  }

  /** True when this session passed the second factor and it has not lapsed. */
  sessionVerified(auth: SignedIn): boolean {
    const until = this.#verified.get(auth.sessionId);
    if (until === undefined) return false;
    if (until <= this.#deps.clock.now().getTime()) {
      this.#verified.delete(auth.sessionId);
      return false;
    }
    return true;
  }

  /** Ends the console for this session (sign-out of the console, not of the site). */
  forget(auth: SignedIn): void {
    this.#verified.delete(auth.sessionId);
  }

  /** The actor for a console request: legal role (403 otherwise), then the second factor. */
  forSession(auth: SignedIn): LegalActor {
    requireRole(auth.viewer, "legal");
    if (!this.sessionVerified(auth)) throw new SecondFactorRequired();
    return this.#issue(auth.viewer.accountId, auth.account.handle, auth.viewer.roles, "console");
  }

  /** The actor for the command line: a legal-role handle and a current code from its authenticator. */
  async forCode(handle: string, code: string): Promise<LegalActor> {
    const account = await findAccountByHandle(this.#deps.db, handle.replace(/^@/, ""));
    if (!account) throw notFound(`No account @${handle.replace(/^@/, "")}.`);
    const roles = await rolesOf(this.#deps.db, account.id);
    requireRole({ accountId: account.id, roles }, "legal");
    const row = await this.#factor(account.id);
    if (row?.confirmed !== 1) {
      throw forbidden(`@${account.handle} has no second factor yet: set it up in the legal console first.`);
    }
    await this.#check(account.id, row, code, { via: "cli" });
    return this.#issue(account.id, account.handle, roles, "cli");
  }

  /** The operator (viewer null) or an admin removes a staff member's second factor. */
  async reset(viewer: Viewer | null, handle: string): Promise<void> {
    if (viewer) requireRole(viewer, "admin");
    const account = await findAccountByHandle(this.#deps.db, handle.replace(/^@/, ""));
    if (!account) throw notFound(`No account @${handle.replace(/^@/, "")}.`);
    await this.#deps.db.transaction().execute(async (tx) => {
      await tx.deleteFrom("staff_second_factors").where("account_id", "=", account.id).execute();
      await tx.deleteFrom("staff_used_codes").where("account_id", "=", account.id).execute();
      await this.#audit.append(tx, {
        actorId: viewer?.accountId ?? null,
        action: "second_factor.reset",
        subject: account.id,
        detail: { by: viewer ? "admin" : "operator" },
      });
    });
    this.#notBefore.delete(account.id);
  }

  /**
   * The operator (viewer null) or an admin unlocks a factor locked by wrong codes: the count starts
   * again at zero. Written to the audit log. The secret is unchanged (reset replaces it).
   */
  async unlock(viewer: Viewer | null, handle: string): Promise<{ wasLocked: boolean }> {
    if (viewer) requireRole(viewer, "admin");
    const account = await findAccountByHandle(this.#deps.db, handle.replace(/^@/, ""));
    if (!account) throw notFound(`No account @${handle.replace(/^@/, "")}.`);
    const wasLocked = await this.#deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom("staff_second_factors")
        .select(["locked", "failed_codes"])
        .where("account_id", "=", account.id)
        .executeTakeFirst();
      if (!row) throw notFound(`@${account.handle} has no second factor.`);
      await tx
        .updateTable("staff_second_factors")
        .set({ locked: 0, failed_codes: 0 })
        .where("account_id", "=", account.id)
        .execute();
      await this.#audit.append(tx, {
        actorId: viewer?.accountId ?? null,
        action: "second_factor.unlocked",
        subject: account.id,
        detail: { was_locked: row.locked === 1, failures: Number(row.failed_codes), by: viewer ? "admin" : "operator" },
      });
      return row.locked === 1;
    });
    this.#notBefore.delete(account.id);
    return { wasLocked };
  }

  #issue(accountId: string, handle: string, roles: readonly StaffRole[], via: LegalActor["via"]): LegalActor {
    const actor: LegalActor = Object.freeze({ accountId, handle, roles: [...roles], via });
    issued.add(actor);
    return actor;
  }
}
