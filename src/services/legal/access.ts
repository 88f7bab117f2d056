// Who may act in the legal console: staff holding the legal role who have passed their TOTP
// second factor. A LegalActor can only be made here — for a web session that passed the second
// factor within SECOND_FACTOR_HOURS, or for the command line with a current code — and every legal
// service checks it again (role and origin), so no route or command can skip the check.
//
// Which sessions passed the second factor is kept in memory only: a restart asks again, and no
// table records when a staff member signed in. Used codes are remembered in memory too (a code
// works once), which is what replay protection needs without a "last used" time on disk.
import type { StaffRole, Viewer } from "../../domain/account.ts";
import { dayOf, HOUR } from "../../domain/clock.ts";
import { forbidden, notFound, PubliusError, unprocessable } from "../../domain/errors.ts";
import { matchTotp, newTotpSecret, otpauthUri, totpStep } from "../../domain/legal/totp.ts";
import { findAccountByHandle, rolesOf } from "../../store/repos/accounts.ts";
import { requireRole } from "../accounts/accounts.ts";
import type { SignedIn } from "../accounts/sessions.ts";
import type { ServiceDeps } from "../deps.ts";

export const SECOND_FACTOR_HOURS = 12;

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

export type SecondFactorStatus = "none" | "unconfirmed" | "enrolled";

export class LegalAccess {
  readonly #deps: ServiceDeps;
  /** Session id -> when its second factor lapses (ms). */
  readonly #verified = new Map<string, number>();
  /** Account id -> the last TOTP step accepted. */
  readonly #usedStep = new Map<string, number>();

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
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
   * otpauth:// URI. A confirmed factor is replaced only by the operator (`publius staff
   * reset-second-factor`), never from a session, so a stolen session cannot enrol its own device.
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
        totp_secret: secret,
        confirmed: 0,
        created_day: dayOf(this.#deps.clock.now()),
      })
      .execute();
    return { secret, uri: otpauthUri(this.#deps.config.instanceName, `@${handle}`, secret) };
  }

  /** The secret of an unconfirmed enrolment, to show again until it is confirmed. */
  async pendingEnrolment(viewer: Viewer, handle: string): Promise<{ secret: string; uri: string } | undefined> {
    requireRole(viewer, "legal");
    const row = await this.#deps.db
      .selectFrom("staff_second_factors")
      .select(["totp_secret", "confirmed"])
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    if (!row || row.confirmed === 1) return undefined;
    return { secret: row.totp_secret, uri: otpauthUri(this.#deps.config.instanceName, `@${handle}`, row.totp_secret) };
  }

  /** Checks a code for this session: confirms enrolment if needed and opens the console. */
  async verifySession(auth: SignedIn, code: string): Promise<void> {
    requireRole(auth.viewer, "legal");
    const row = await this.#deps.db
      .selectFrom("staff_second_factors")
      .select(["totp_secret", "confirmed"])
      .where("account_id", "=", auth.viewer.accountId)
      .executeTakeFirst();
    if (!row) throw unprocessable("Set up your second factor first.", { code: "Set up your second factor first." });
    this.#check(auth.viewer.accountId, row.totp_secret, code);
    if (row.confirmed !== 1) {
      await this.#deps.db
        .updateTable("staff_second_factors")
        .set({ confirmed: 1 })
        .where("account_id", "=", auth.viewer.accountId)
        .execute();
    }
    this.#verified.set(auth.sessionId, this.#deps.clock.now().getTime() + SECOND_FACTOR_HOURS * HOUR);
  }

  #check(accountId: string, secret: string, code: string): void {
    const now = this.#deps.clock.now();
    const step = matchTotp(secret, code, now);
    const used = this.#usedStep.get(accountId);
    if (step === undefined || (used !== undefined && step <= used)) {
      throw unprocessable("That code is not right (or was used already). Wait for the next one.", {
        code: "That code is not right (or was used already).",
      });
    }
    this.#usedStep.set(accountId, step);
    // Forget steps far in the past so the map stays small.
    if (this.#usedStep.size > 1000) {
      const floor = totpStep(now) - 2;
      for (const [k, v] of this.#usedStep) if (v < floor) this.#usedStep.delete(k);
    }
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
    const row = await this.#deps.db
      .selectFrom("staff_second_factors")
      .select(["totp_secret", "confirmed"])
      .where("account_id", "=", account.id)
      .executeTakeFirst();
    if (row?.confirmed !== 1) {
      throw forbidden(`@${account.handle} has no second factor yet: set it up in the legal console first.`);
    }
    this.#check(account.id, (row as { totp_secret: string }).totp_secret, code);
    return this.#issue(account.id, account.handle, roles, "cli");
  }

  /** The operator (viewer null) or an admin removes a staff member's second factor. */
  async reset(viewer: Viewer | null, handle: string): Promise<void> {
    if (viewer) requireRole(viewer, "admin");
    const account = await findAccountByHandle(this.#deps.db, handle.replace(/^@/, ""));
    if (!account) throw notFound(`No account @${handle.replace(/^@/, "")}.`);
    await this.#deps.db.deleteFrom("staff_second_factors").where("account_id", "=", account.id).execute();
    for (const key of this.#usedStep.keys()) if (key === account.id) this.#usedStep.delete(key);
  }

  #issue(accountId: string, handle: string, roles: readonly StaffRole[], via: LegalActor["via"]): LegalActor {
    const actor: LegalActor = Object.freeze({ accountId, handle, roles: [...roles], via });
    issued.add(actor);
    return actor;
  }
}
