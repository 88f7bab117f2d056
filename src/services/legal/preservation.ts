// Preservation (18 U.S.C. § 2703(f)): a snapshot of what Publius holds about each named account —
// existing records only, computed by the holdings service — kept 90 days, extendable once by 90 on
// a renewed request, and destroyed by itself at expiry (an event records it). The account holder
// learns of it through the demand's notice, which an order may delay.
import { DAY, dayOf } from "../../domain/clock.ts";
import { PubliusError, unprocessable } from "../../domain/errors.ts";
import { randomId } from "../../domain/ids.ts";
import { canonicalJson } from "../../domain/legal/canonical.ts";
import { isOpen } from "../../domain/legal/states.ts";
import type { ServiceDeps } from "../deps.ts";
import type { HoldingsService } from "../privacy/holdings.ts";
import { type LegalActor, requireLegal } from "./access.ts";
import type { AuditLog } from "./audit.ts";
import { type LegalFiles, randomName, sha256 } from "./files.ts";
import { appendEvent, loadDemand } from "./records.ts";

export const PRESERVATION_DAYS = 90;

export interface Preservation {
  id: string;
  demandId: string;
  accountId: string;
  sha256: string;
  createdDay: string;
  expiresDay: string;
  extended: boolean;
  destroyedDay: string | null;
}

function plusDays(day: string, days: number): string {
  return dayOf(new Date(new Date(`${day}T00:00:00Z`).getTime() + days * DAY));
}

export class PreservationService {
  readonly #deps: ServiceDeps;
  readonly #audit: AuditLog;
  readonly #files: LegalFiles;
  readonly #holdings: HoldingsService;

  constructor(deps: ServiceDeps, audit: AuditLog, files: LegalFiles, holdings: HoldingsService) {
    this.#deps = deps;
    this.#audit = audit;
    this.#files = files;
    this.#holdings = holdings;
  }

  /** Snapshots every named account that exists (and has no live snapshot for this demand yet). */
  async preserve(actor: LegalActor, demandId: string, reason: string): Promise<Preservation[]> {
    requireLegal(actor);
    const text = reason.trim();
    if (!text) throw unprocessable("Give the reason (e.g. the request's reference).", { reason: "Required." });
    const demand = await loadDemand(this.#deps.db, demandId);
    if (!isOpen(demand.state)) throw new PubliusError(409, "This demand is closed.");
    const existing = await this.list(actor, demandId);
    const live = new Set(existing.filter((p) => p.destroyedDay === null).map((p) => p.accountId));
    const accountIds = [
      ...new Set(demand.targets.map((t) => t.account?.id).filter((a): a is string => !!a && !live.has(a))),
    ];
    if (accountIds.length === 0) {
      throw new PubliusError(
        409,
        "Nothing to preserve: every named account that exists is preserved already, or none exists.",
      );
    }
    const now = this.#deps.clock.now();
    const today = dayOf(now);
    const written: string[] = [];
    const made: Preservation[] = [];
    try {
      const snapshots: { accountId: string; file: string; hash: string }[] = [];
      for (const accountId of accountIds) {
        const holdings = await this.#holdings.forAccount(accountId);
        const body = canonicalJson({
          format: "publius-preservation/1",
          demand: demandId,
          made: now.toISOString(),
          holdings,
        });
        const file = `${randomName()}.json`;
        this.#files.write("preservations", file, body);
        written.push(file);
        snapshots.push({ accountId, file, hash: sha256(body) });
      }
      await this.#deps.db.transaction().execute(async (tx) => {
        for (const s of snapshots) {
          const p: Preservation = {
            id: randomId(),
            demandId,
            accountId: s.accountId,
            sha256: s.hash,
            createdDay: today,
            expiresDay: plusDays(today, PRESERVATION_DAYS),
            extended: false,
            destroyedDay: null,
          };
          await tx
            .insertInto("legal_preservations")
            .values({
              id: p.id,
              demand_id: demandId,
              account_id: s.accountId,
              snapshot_file: s.file,
              snapshot_sha256: s.hash,
              created_day: today,
              expires_day: p.expiresDay,
              extended: 0,
              destroyed_day: null,
            })
            .execute();
          await appendEvent(tx, this.#audit, now, {
            demandId,
            kind: "preserved",
            actorId: actor.accountId,
            reason: text,
            data: { preservation: p.id, account: s.accountId, sha256: s.hash, expires_day: p.expiresDay },
          });
          made.push(p);
        }
      });
    } catch (e) {
      for (const file of written) this.#files.remove("preservations", file);
      throw e;
    }
    return made;
  }

  async list(actor: LegalActor, demandId: string): Promise<Preservation[]> {
    requireLegal(actor);
    const rows = await this.#deps.db
      .selectFrom("legal_preservations")
      .selectAll()
      .where("demand_id", "=", demandId)
      .orderBy("created_day")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      demandId: r.demand_id,
      accountId: r.account_id,
      sha256: r.snapshot_sha256,
      createdDay: r.created_day,
      expiresDay: r.expires_day,
      extended: r.extended === 1,
      destroyedDay: r.destroyed_day,
    }));
  }

  /** Extends once, by 90 days, on a renewed request made before expiry. */
  async extend(actor: LegalActor, demandId: string, preservationId: string, reason: string): Promise<Preservation> {
    requireLegal(actor);
    const text = reason.trim();
    if (!text) throw unprocessable("Give the reason (the renewed request).", { reason: "Required." });
    const now = this.#deps.clock.now();
    const today = dayOf(now);
    await this.#deps.db.transaction().execute(async (tx) => {
      const p = await tx
        .selectFrom("legal_preservations")
        .selectAll()
        .where("id", "=", preservationId)
        .where("demand_id", "=", demandId)
        .executeTakeFirst();
      if (!p) throw new PubliusError(404, "No such preservation.");
      if (p.destroyed_day !== null || p.expires_day <= today)
        throw new PubliusError(409, "This preservation has expired.");
      if (p.extended === 1) {
        throw new PubliusError(409, "A preservation can be extended once only (18 U.S.C. § 2703(f)(2)).");
      }
      const expires = plusDays(p.expires_day, PRESERVATION_DAYS);
      await tx
        .updateTable("legal_preservations")
        .set({ extended: 1, expires_day: expires })
        .where("id", "=", p.id)
        .execute();
      await appendEvent(tx, this.#audit, now, {
        demandId,
        kind: "preservation_extended",
        actorId: actor.accountId,
        reason: text,
        data: { preservation: p.id, account: p.account_id, expires_day: expires },
      });
    });
    return (await this.list(actor, demandId)).find((p) => p.id === preservationId) as Preservation;
  }

  /** The preserved copy itself (staff view of non-public data: audited). */
  async snapshot(actor: LegalActor, demandId: string, preservationId: string): Promise<Buffer> {
    requireLegal(actor);
    const p = await this.#deps.db
      .selectFrom("legal_preservations")
      .selectAll()
      .where("id", "=", preservationId)
      .where("demand_id", "=", demandId)
      .executeTakeFirst();
    if (!p?.snapshot_file) throw new PubliusError(404, "No such preserved copy (it may have been destroyed).");
    const data = this.#files.read("preservations", p.snapshot_file);
    await this.#audit.record({
      actorId: actor.accountId,
      action: "view.preservation",
      demandId,
      subject: p.account_id,
      detail: { preservation: p.id, via: actor.via },
    });
    return data;
  }

  /** Destroys every snapshot whose time is up. Run by the server's worker. */
  async expireDue(): Promise<number> {
    const now = this.#deps.clock.now();
    const today = dayOf(now);
    const due = await this.#deps.db
      .selectFrom("legal_preservations")
      .selectAll()
      .where("destroyed_day", "is", null)
      .where("expires_day", "<=", today)
      .execute();
    for (const p of due) {
      // The file goes first: if recording fails, the next run finds the row again and finishes.
      if (p.snapshot_file) this.#files.remove("preservations", p.snapshot_file);
      await this.#deps.db.transaction().execute(async (tx) => {
        await tx
          .updateTable("legal_preservations")
          .set({ destroyed_day: today, snapshot_file: null })
          .where("id", "=", p.id)
          .where("destroyed_day", "is", null)
          .execute();
        await appendEvent(tx, this.#audit, now, {
          demandId: p.demand_id,
          kind: "preservation_destroyed",
          actorId: null,
          reason: `The preserved copy expired on ${p.expires_day} and was destroyed.`,
          data: { preservation: p.id, account: p.account_id, sha256: p.snapshot_sha256 },
        });
      });
    }
    return due.length;
  }
}
