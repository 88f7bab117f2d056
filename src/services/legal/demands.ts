// Legal demands: intake, the dashboard, the review screen, and every decision on the way to a
// production or a refusal. Every method checks the actor (legal role, second factor) first.
import { type Account, HANDLE_PATTERN } from "../../domain/account.ts";
import { dayOf } from "../../domain/clock.ts";
import { PubliusError, unprocessable } from "../../domain/errors.ts";
import { randomId } from "../../domain/ids.ts";
import { categoriesMentioned, type DemandCategory, isIdentifying } from "../../domain/legal/categories.ts";
import { type GateState, isProngId, PRONGS, type ProngId } from "../../domain/legal/gate.ts";
import type { DemandInput } from "../../domain/legal/intake.ts";
import { isDay } from "../../domain/legal/intake.ts";
import { type Assessment, assess } from "../../domain/legal/matrix.ts";
import { processWithArticle } from "../../domain/legal/process.ts";
import {
  canMove,
  type DemandState,
  deriveApprovedScope,
  deriveRequestedScope,
  isOpen,
  nextStates,
  type Scope,
  STATE_TITLES,
} from "../../domain/legal/states.ts";
import { findAccountByHandle } from "../../store/repos/accounts.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { HoldingsService } from "../privacy/holdings.ts";
import { type LegalActor, requireLegal } from "./access.ts";
import type { AuditLog } from "./audit.ts";
import type { LegalFiles } from "./files.ts";
import { type HeldSummary, summarize } from "./holdings-summary.ts";
import type { NoticeService } from "./notices.ts";
import { appendEvent, type Demand, eventsOf, gateOf, loadDemand, ordersInForce } from "./records.ts";

export interface DashboardRow {
  id: string;
  process: string;
  agency: string;
  reference: string;
  dueDay: string | null;
  overdue: boolean;
  state: DemandState;
  targets: string[];
}

export interface TargetReview {
  handle: string;
  accountId: string | null;
  account: Account | undefined;
  /** Per requested category: what Publius holds, from the holdings service. */
  held: Map<DemandCategory, HeldSummary>;
  notice: { state: string; sendAfter: string | null; sentAt: string | null } | undefined;
}

export interface DemandReview {
  demand: Demand;
  requested: Scope;
  approved: Scope | undefined;
  assessment: Assessment;
  /** Categories the request's words mention that the mapping left out. */
  unmapped: DemandCategory[];
  targets: TargetReview[];
  gate: GateState;
  /** True when the requested scope includes an identifying category (the gate applies). */
  identifying: boolean;
  ordersInForce: number;
  /** An order without an end date: to be challenged. */
  openEndedOrder: boolean;
  next: DemandState[];
  responses: { account: string; body: string; createdDay: string }[];
  actors: Map<string, string>;
}

export interface TransitionInput {
  to: string;
  reason: string;
  /** For "approved" and "narrowed": account ids and categories. */
  targets?: string[] | undefined;
  categories?: string[] | undefined;
}

export class DemandService {
  readonly #deps: ServiceDeps;
  readonly #audit: AuditLog;
  readonly #files: LegalFiles;
  readonly #notices: NoticeService;
  readonly #holdings: HoldingsService;

  constructor(
    deps: ServiceDeps,
    audit: AuditLog,
    files: LegalFiles,
    notices: NoticeService,
    holdings: HoldingsService,
  ) {
    this.#deps = deps;
    this.#audit = audit;
    this.#files = files;
    this.#notices = notices;
    this.#holdings = holdings;
  }

  /**
   * Records a demand. The document is checked before anything is written; the demand, its targets,
   * categories, order, notices and events go in one transaction; if that fails the stored document
   * is removed again. Nothing is half-written.
   */
  async add(actor: LegalActor, input: DemandInput, document: Buffer | null): Promise<Demand> {
    requireLegal(actor);
    if (document) this.#files.checkDocument(document);
    const found: { handle: string; account: Account | undefined }[] = [];
    const host = new URL(this.#deps.config.publicUrl).host.toLowerCase();
    for (const handle of input.targets) {
      // "name@this.server" names a local account; any other form is kept as written, unknown.
      const at = handle.lastIndexOf("@");
      const local = at > 0 && handle.slice(at + 1).toLowerCase() === host ? handle.slice(0, at) : handle;
      found.push({
        handle,
        account: HANDLE_PATTERN.test(local) ? await findAccountByHandle(this.#deps.db, local) : undefined,
      });
    }
    const stored = document ? this.#files.storeDocument(document) : undefined;
    const id = randomId();
    const now = this.#deps.clock.now();
    const today = dayOf(now);
    try {
      await this.#deps.db.transaction().execute(async (tx) => {
        await tx
          .insertInto("legal_demands")
          .values({
            id,
            process_type: input.process,
            agency: input.agency,
            country: input.country,
            requester: input.requester,
            requester_contact: input.requesterContact,
            authority: input.authority,
            reference: input.reference,
            received_day: input.receivedDay,
            due_day: input.dueDay,
            requested_verbatim: input.verbatim,
            secrecy_requested: input.secrecyRequested ? 1 : 0,
            good_faith_statement: input.goodFaithStatement,
            document_file: stored?.file ?? null,
            document_sha256: stored?.sha256 ?? null,
            document_type: stored?.contentType ?? null,
            document_size: stored?.size ?? null,
            recorded_day: today,
          })
          .execute();
        for (const t of found) {
          await tx
            .insertInto("legal_demand_targets")
            .values({ demand_id: id, handle_given: t.handle, account_id: t.account?.id ?? null })
            .execute();
        }
        for (const category of input.categories) {
          await tx.insertInto("legal_demand_categories").values({ demand_id: id, category }).execute();
        }
        const unknown = found.filter((t) => !t.account).map((t) => t.handle);
        await appendEvent(tx, this.#audit, now, {
          demandId: id,
          kind: "received",
          actorId: actor.accountId,
          reason: `Recorded by @${actor.handle}${actor.via === "cli" ? " (command line)" : ""}.`,
          data: {
            process: input.process,
            targets: found.map((t) => t.handle),
            unknown_targets: unknown,
            categories: input.categories,
            document_sha256: stored?.sha256 ?? null,
          },
        });
        if (input.nondisclosureOrder) {
          await this.#insertOrder(tx, actor, id, input.nondisclosureOrder, today);
        }
        const demand = await loadDemand(tx, id);
        const accountIds = [...new Set(found.map((t) => t.account?.id).filter((a): a is string => !!a))];
        await this.#notices.planInTx(tx, id, accountIds, demand.orders);
      });
    } catch (e) {
      if (stored) this.#files.remove("documents", stored.file);
      throw e;
    }
    return loadDemand(this.#deps.db, id);
  }

  async #insertOrder(
    tx: Queryable,
    actor: LegalActor,
    demandId: string,
    order: { court: string; docket: string; endDay: string | null },
    today: string,
  ): Promise<void> {
    await tx
      .insertInto("legal_nondisclosure_orders")
      .values({
        demand_id: demandId,
        court: order.court,
        docket: order.docket,
        end_day: order.endDay,
        lifted_day: null,
        recorded_day: today,
      })
      .execute();
    await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
      demandId,
      kind: "ndo_recorded",
      actorId: actor.accountId,
      reason: order.endDay
        ? `Non-disclosure order (${order.court}, ${order.docket}) until ${order.endDay}.`
        : `Non-disclosure order (${order.court}, ${order.docket}) with no end date: flagged for challenge.`,
      data: { court: order.court, docket: order.docket, end_day: order.endDay },
    });
  }

  /** Open demands by due date, overdue first; then those without a due date. */
  async dashboard(actor: LegalActor, options: { all?: boolean } = {}): Promise<DashboardRow[]> {
    requireLegal(actor);
    const today = dayOf(this.#deps.clock.now());
    const rows = await this.#deps.db
      .selectFrom("legal_demands")
      .select(["id", "process_type", "agency", "reference", "due_day"])
      .execute();
    const out: DashboardRow[] = [];
    for (const r of rows) {
      const d = await loadDemand(this.#deps.db, r.id);
      if (!options.all && !isOpen(d.state)) continue;
      out.push({
        id: d.id,
        process: d.process,
        agency: d.agency,
        reference: d.reference,
        dueDay: d.dueDay,
        overdue: isOpen(d.state) && d.dueDay !== null && d.dueDay < today,
        state: d.state,
        targets: d.targets.map((t) => t.handle),
      });
    }
    return out.sort((a, b) => {
      if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
      if (a.dueDay === b.dueDay) return a.id < b.id ? -1 : 1;
      if (a.dueDay === null) return 1;
      if (b.dueDay === null) return -1;
      return a.dueDay < b.dueDay ? -1 : 1;
    });
  }

  /** The review screen: the matrix's flags and, per target and category, what Publius holds. Audited. */
  async review(actor: LegalActor, demandId: string): Promise<DemandReview> {
    requireLegal(actor);
    const demand = await loadDemand(this.#deps.db, demandId);
    const initial: Scope = {
      targets: demand.targets.map((t) => t.accountId).filter((a): a is string => a !== null),
      categories: demand.categories,
    };
    const requested = deriveRequestedScope(initial, demand.events);
    const assessment = assess(this.#deps.config.legal.matrix, demand.process, requested.categories);
    const notices = await this.#deps.db
      .selectFrom("legal_notices")
      .select(["account_id", "state", "send_after", "sent_at"])
      .where("demand_id", "=", demandId)
      .execute();
    const targets: TargetReview[] = [];
    for (const t of demand.targets) {
      const held = new Map<DemandCategory, HeldSummary>();
      if (t.account) {
        const h = await this.#holdings.forAccount(t.account.id, { categories: requested.categories });
        for (const c of h.categories) held.set(c.category.id as DemandCategory, summarize(c));
      }
      const n = notices.find((x) => x.account_id === t.accountId);
      targets.push({
        handle: t.handle,
        accountId: t.accountId,
        account: t.account,
        held,
        notice: n ? { state: n.state, sendAfter: n.send_after, sentAt: n.sent_at } : undefined,
      });
    }
    const today = dayOf(this.#deps.clock.now());
    const inForce = ordersInForce(demand.orders, today);
    const responses = await this.#deps.db
      .selectFrom("legal_responses")
      .innerJoin("legal_demand_targets as t", (j) =>
        j
          .onRef("t.account_id", "=", "legal_responses.account_id")
          .onRef("t.demand_id", "=", "legal_responses.demand_id"),
      )
      .select(["t.handle_given", "legal_responses.body", "legal_responses.created_day"])
      .where("legal_responses.demand_id", "=", demandId)
      .orderBy("legal_responses.id")
      .execute();
    const actorIds = [...new Set(demand.events.map((e) => e.actorId).filter((a): a is string => !!a))];
    const actors = new Map<string, string>();
    if (actorIds.length) {
      const rows = await this.#deps.db
        .selectFrom("accounts")
        .select(["id", "handle"])
        .where("id", "in", actorIds)
        .execute();
      for (const r of rows) actors.set(r.id, r.handle);
    }
    await this.#audit.record({
      actorId: actor.accountId,
      action: "view.demand",
      demandId,
      subject: targets.map((t) => t.accountId ?? `unknown:${t.handle}`).join(","),
      detail: { categories: requested.categories, via: actor.via },
    });
    return {
      demand,
      requested,
      approved: deriveApprovedScope(demand.events),
      assessment,
      unmapped: categoriesMentioned(demand.verbatim).filter((c) => !demand.categories.includes(c)),
      targets,
      gate: gateOf(demand),
      identifying: requested.categories.some(isIdentifying),
      ordersInForce: inForce.length,
      openEndedOrder: inForce.some((o) => o.endDay === null),
      next: nextStates(demand.state).filter((s) => s !== "produced"),
      responses: responses.map((r) => ({ account: r.handle_given, body: r.body, createdDay: r.created_day })),
      actors,
    };
  }

  /** The document as received. Audited. */
  async document(actor: LegalActor, demandId: string): Promise<{ data: Buffer; type: string; sha256: string }> {
    requireLegal(actor);
    const demand = await loadDemand(this.#deps.db, demandId);
    if (!demand.document) throw new PubliusError(404, "No document is on file for this demand.");
    const data = this.#files.readDocument(demand.document.file);
    await this.#audit.record({
      actorId: actor.accountId,
      action: "view.document",
      demandId,
      subject: demand.document.sha256,
      detail: { via: actor.via },
    });
    return { data, type: demand.document.type, sha256: demand.document.sha256 };
  }

  /**
   * Moves a demand to another state, with a reason. Approval names the targets and categories to
   * produce and is refused when a category is beyond what the process can compel, or is identifying
   * while the unmasking gate is closed. "produced" comes only from the two-person release.
   */
  async transition(actor: LegalActor, demandId: string, input: TransitionInput): Promise<Demand> {
    requireLegal(actor);
    const reason = input.reason.trim();
    if (!reason) throw unprocessable("Give the reason for this step.", { reason: "Required." });
    if (reason.length > 10_000) throw unprocessable("At most 10,000 characters.", { reason: "Too long." });
    return this.#deps.db.transaction().execute(async (tx) => {
      const demand = await loadDemand(tx, demandId);
      const to = input.to as DemandState;
      if (to === "produced") {
        throw new PubliusError(409, "A demand becomes produced only when two legal staff approve its package.");
      }
      if (!canMove(demand.state, to)) {
        throw new PubliusError(
          409,
          `A demand that is ${STATE_TITLES[demand.state]} cannot become ${STATE_TITLES[to] ?? input.to}.`,
        );
      }
      let data: Record<string, unknown> = { from: demand.state };
      if (to === "approved" || to === "narrowed") {
        const initial: Scope = {
          targets: demand.targets.map((t) => t.accountId).filter((a): a is string => a !== null),
          categories: demand.categories,
        };
        const requested = deriveRequestedScope(initial, demand.events);
        const scope = this.#checkScope(demand, requested, input, to);
        data = { ...data, targets: scope.targets, categories: scope.categories };
      }
      await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
        demandId,
        kind: to,
        actorId: actor.accountId,
        reason,
        data,
      });
      return loadDemand(tx, demandId);
    });
  }

  #checkScope(demand: Demand, requested: Scope, input: TransitionInput, to: "approved" | "narrowed"): Scope {
    const targets = [...new Set(input.targets ?? [])];
    const categories = [...new Set(input.categories ?? [])] as DemandCategory[];
    const fields: Record<string, string> = {};
    if (targets.length === 0) fields.targets = "Choose at least one named account.";
    if (categories.length === 0) fields.categories = "Choose at least one category.";
    const strayTargets = targets.filter((t) => !requested.targets.includes(t));
    if (strayTargets.length) fields.targets = "Only accounts the demand names (and that exist) can be in scope.";
    const strayCategories = categories.filter((c) => !requested.categories.includes(c));
    if (strayCategories.length) {
      fields.categories = `Not requested (or narrowed away): ${strayCategories.join(", ")}.`;
    }
    if (Object.keys(fields).length) throw unprocessable(Object.values(fields)[0] as string, fields);
    if (to === "approved") {
      const assessment = assess(this.#deps.config.legal.matrix, demand.process, categories);
      const beyond = assessment.categories.filter((c) => !c.compellable && !c.voluntary);
      if (beyond.length) {
        throw unprocessable(`Cannot approve: ${beyond.map((c) => c.flag).join(" ")}`, {
          categories: "Beyond what this process can compel.",
        });
      }
      if (assessment.categories.some((c) => c.voluntary)) {
        const statement =
          demand.goodFaithStatement ?? [...demand.events].reverse().find((e) => e.kind === "good_faith")?.reason;
        if (!statement) {
          throw unprocessable("A voluntary emergency disclosure needs the good-faith statement recorded first.", {
            categories: "Record the good-faith statement first.",
          });
        }
      }
      const identifying = categories.filter(isIdentifying);
      const gate = gateOf(demand);
      if (identifying.length && !gate.open) {
        const why = gate.missing.length
          ? `Record every prong with reasons (missing: ${gate.missing.map((p) => p.title.toLowerCase()).join("; ")}${gate.noticeNotSent ? " — the notice has not gone out and no court order excusing it is recorded" : ""})`
          : "Every prong is recorded: a second legal reviewer, who recorded none of them, must confirm the gate";
        throw new PubliusError(
          409,
          `The unmasking gate is closed: ${identifying.join(", ")} would identify the speaker. ${why}, or record a court order compelling disclosure with its details and have a second legal reviewer confirm it.`,
        );
      }
    }
    return { targets, categories };
  }

  /** Counsel's concern about the authority cited (e.g. "§ 1509 reaches import records only"). */
  async concern(actor: LegalActor, demandId: string, text: string): Promise<void> {
    await this.#note(actor, demandId, "authority_concern", text);
  }

  /** What Publius intends to do, as the account holder's notice will say it. */
  async intent(actor: LegalActor, demandId: string, text: string): Promise<void> {
    await this.#note(actor, demandId, "intent", text);
  }

  async note(actor: LegalActor, demandId: string, text: string): Promise<void> {
    await this.#note(actor, demandId, "note", text);
  }

  /** An emergency request's good-faith statement, when it was not given at intake. */
  async goodFaith(actor: LegalActor, demandId: string, text: string): Promise<void> {
    await this.#note(actor, demandId, "good_faith", text);
  }

  async #note(
    actor: LegalActor,
    demandId: string,
    kind: "authority_concern" | "intent" | "note" | "good_faith",
    text: string,
  ) {
    requireLegal(actor);
    const reason = text.trim();
    if (!reason) throw unprocessable("Write it first.", { text: "Required." });
    if (reason.length > 10_000) throw unprocessable("At most 10,000 characters.", { text: "Too long." });
    await this.#deps.db.transaction().execute(async (tx) => {
      const demand = await loadDemand(tx, demandId);
      if (!isOpen(demand.state)) throw new PubliusError(409, "This demand is closed.");
      await appendEvent(tx, this.#audit, this.#deps.clock.now(), { demandId, kind, actorId: actor.accountId, reason });
    });
  }

  /** Records one prong of the unmasking standard, met or not, with the reviewer's reasons. */
  async prong(actor: LegalActor, demandId: string, prong: string, met: boolean, reason: string): Promise<void> {
    requireLegal(actor);
    if (!isProngId(prong)) throw unprocessable("Not a prong of the standard.", { prong: "Unknown prong." });
    const text = reason.trim();
    if (!text) throw unprocessable("Every prong needs its reasons.", { reason: "Required." });
    await this.#deps.db.transaction().execute(async (tx) => {
      const demand = await loadDemand(tx, demandId);
      if (!isOpen(demand.state)) throw new PubliusError(409, "This demand is closed.");
      await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
        demandId,
        kind: "prong",
        actorId: actor.accountId,
        reason: text,
        data: { prong, met, title: PRONGS.find((p) => p.id === (prong as ProngId))?.title },
      });
    });
  }

  /**
   * A court order compelling disclosure: its details and the order itself (stored, hashed). It opens
   * the gate only once a second legal reviewer confirms it (confirmCourtOrder): a file that merely
   * looks like a PDF proves nothing by itself.
   */
  async courtOrder(
    actor: LegalActor,
    demandId: string,
    input: { court: string; docket: string; judge?: string; signedDay?: string; compels?: string },
    document: Buffer | null,
  ) {
    requireLegal(actor);
    const fields: Record<string, string> = {};
    const court = input.court.trim();
    const docket = input.docket.trim();
    const judge = (input.judge ?? "").trim();
    const signedDay = (input.signedDay ?? "").trim();
    const compels = (input.compels ?? "").trim();
    if (!court) fields.court = "Required.";
    if (!docket) fields.docket = "Required.";
    if (!judge) fields.judge = "The judge who signed the order.";
    if (!isDay(signedDay)) fields.signed_day = "The day it was signed, as YYYY-MM-DD.";
    if (!compels) fields.compels = "What the order compels, in its own words.";
    if (!document) fields.document = "Attach the order itself (PDF or image).";
    if (Object.keys(fields).length) throw unprocessable(Object.values(fields)[0] as string, fields);
    const stored = this.#files.storeDocument(document as Buffer);
    try {
      await this.#deps.db.transaction().execute(async (tx) => {
        const demand = await loadDemand(tx, demandId);
        if (!isOpen(demand.state)) throw new PubliusError(409, "This demand is closed.");
        await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
          demandId,
          kind: "court_order",
          actorId: actor.accountId,
          reason: `Court order compelling disclosure: ${court}, ${docket} (signed by ${judge} on ${signedDay}). It needs a second legal reviewer's confirmation.`,
          data: {
            court,
            docket,
            judge,
            signed_day: signedDay,
            compels,
            document_file: stored.file,
            document_sha256: stored.sha256,
          },
        });
      });
    } catch (e) {
      this.#files.remove("documents", stored.file);
      throw e;
    }
  }

  /** A second legal reviewer, not the one who recorded it, confirms the recorded court order (having read it). */
  async confirmCourtOrder(actor: LegalActor, demandId: string, documentSha256: string, reason: string): Promise<void> {
    requireLegal(actor);
    const text = reason.trim();
    if (!text)
      throw unprocessable("Say what you checked (e.g. the docket on the court's records).", { reason: "Required." });
    await this.#deps.db.transaction().execute(async (tx) => {
      const demand = await loadDemand(tx, demandId);
      if (!isOpen(demand.state)) throw new PubliusError(409, "This demand is closed.");
      const order = gateOf(demand).courtOrder;
      if (!order) throw new PubliusError(409, "No court order is recorded for this demand.");
      if (documentSha256.trim().toLowerCase() !== order.documentSha256) {
        throw new PubliusError(409, "The recorded order changed since you looked at it: look at it again.");
      }
      if (order.actorId === actor.accountId) {
        throw new PubliusError(409, "You recorded this order: a second, different legal reviewer must confirm it.");
      }
      await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
        demandId,
        kind: "court_order_confirmed",
        actorId: actor.accountId,
        reason: text,
        data: { document_sha256: order.documentSha256, docket: order.docket },
      });
    });
  }

  /** A court order excusing notice to the speaker (the notice prong's alternative to an actual notice). */
  async excuseNotice(
    actor: LegalActor,
    demandId: string,
    input: { court: string; docket: string },
    reason: string,
  ): Promise<void> {
    requireLegal(actor);
    const fields: Record<string, string> = {};
    const court = input.court.trim();
    const docket = input.docket.trim();
    const text = reason.trim();
    if (!court) fields.court = "Required.";
    if (!docket) fields.docket = "Required.";
    if (!text) fields.reason = "What the order says about notice.";
    if (Object.keys(fields).length) throw unprocessable(Object.values(fields)[0] as string, fields);
    await this.#deps.db.transaction().execute(async (tx) => {
      const demand = await loadDemand(tx, demandId);
      if (!isOpen(demand.state)) throw new PubliusError(409, "This demand is closed.");
      await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
        demandId,
        kind: "notice_excused",
        actorId: actor.accountId,
        reason: text,
        data: { court, docket },
      });
    });
  }

  /**
   * A second legal reviewer, who recorded none of the prongs, confirms that every prong is met:
   * only then do the prongs open the gate. A later prong record needs a new confirmation.
   */
  async confirmGate(actor: LegalActor, demandId: string, reason: string): Promise<void> {
    requireLegal(actor);
    const text = reason.trim();
    if (!text) throw unprocessable("Give your reasons for confirming.", { reason: "Required." });
    await this.#deps.db.transaction().execute(async (tx) => {
      const demand = await loadDemand(tx, demandId);
      if (!isOpen(demand.state)) throw new PubliusError(409, "This demand is closed.");
      const gate = gateOf(demand);
      if (gate.missing.length) {
        throw new PubliusError(
          409,
          `Not every prong is met yet (missing: ${gate.missing.map((p) => p.title.toLowerCase()).join("; ")}${gate.noticeNotSent ? " — the notice has not gone out and no court order excusing it is recorded" : ""}).`,
        );
      }
      if (gate.recorders.includes(actor.accountId)) {
        throw new PubliusError(
          409,
          "You recorded a prong of this gate: a second legal reviewer, who recorded none of them, must confirm it.",
        );
      }
      await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
        demandId,
        kind: "gate_confirmed",
        actorId: actor.accountId,
        reason: text,
        data: { prongs: [...gate.prongs.keys()] },
      });
    });
  }

  /** Records a non-disclosure order that arrived after the demand. Notices not yet sent are re-planned. */
  async addOrder(actor: LegalActor, demandId: string, order: { court: string; docket: string; endDay: string | null }) {
    requireLegal(actor);
    const fields: Record<string, string> = {};
    if (!order.court.trim()) fields.court = "Required.";
    if (!order.docket.trim()) fields.docket = "Required.";
    if (order.endDay !== null && !isDay(order.endDay)) fields.end_date = "A date as YYYY-MM-DD, or empty.";
    if (Object.keys(fields).length) throw unprocessable(Object.values(fields)[0] as string, fields);
    const today = dayOf(this.#deps.clock.now());
    await this.#deps.db.transaction().execute(async (tx) => {
      await loadDemand(tx, demandId);
      await this.#insertOrder(
        tx,
        actor,
        demandId,
        { court: order.court.trim(), docket: order.docket.trim(), endDay: order.endDay },
        today,
      );
      const demand = await loadDemand(tx, demandId);
      await this.#notices.replanInTx(tx, demand, demand.orders);
    });
  }

  /** A court set an end date, changed it, or lifted the order. Notices are re-planned (and may go out now). */
  async changeOrder(
    actor: LegalActor,
    demandId: string,
    orderId: string,
    change: { endDay?: string | null; lifted?: boolean },
    reason: string,
  ): Promise<void> {
    requireLegal(actor);
    const text = reason.trim();
    if (!text) throw unprocessable("Give the reason (e.g. the court's ruling).", { reason: "Required." });
    if (change.endDay !== undefined && change.endDay !== null && !isDay(change.endDay)) {
      throw unprocessable("A date as YYYY-MM-DD.", { end_date: "A date as YYYY-MM-DD." });
    }
    const today = dayOf(this.#deps.clock.now());
    await this.#deps.db.transaction().execute(async (tx) => {
      const before = await loadDemand(tx, demandId);
      const order = before.orders.find((o) => String(o.id) === orderId);
      if (!order) throw new PubliusError(404, "No such order.");
      await tx
        .updateTable("legal_nondisclosure_orders")
        .set({
          ...(change.endDay !== undefined ? { end_day: change.endDay } : {}),
          ...(change.lifted ? { lifted_day: today } : {}),
        })
        .where("id", "=", order.id)
        .execute();
      await appendEvent(tx, this.#audit, this.#deps.clock.now(), {
        demandId,
        kind: "ndo_changed",
        actorId: actor.accountId,
        reason: text,
        data: { order: order.id, end_day: change.endDay ?? order.endDay, lifted: change.lifted === true },
      });
      const demand = await loadDemand(tx, demandId);
      await this.#notices.replanInTx(tx, demand, demand.orders);
    });
  }

  /** The events of a demand (for the CLI's show). */
  async events(actor: LegalActor, demandId: string) {
    requireLegal(actor);
    return eventsOf(this.#deps.db, demandId);
  }

  /** Sentence for the dashboard and CLI. */
  static describe(d: { process: string; agency: string }): string {
    return `${processWithArticle(d.process as never, true)} from ${d.agency}`;
  }
}
