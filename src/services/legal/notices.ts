// Notice to the account holder, by default. When a demand names an account, its holder is told at
// once — banner and notification — unless a recorded non-disclosure order forbids it: an order with
// an end date delays the notice to the day after that date (the queue is a table, so a restart
// loses nothing); an order without one holds it and is flagged for challenge (18 U.S.C. § 2705(b)
// orders are "for such period as the court deems appropriate"; open-ended ones are challenged).
import type { Viewer } from "../../domain/account.ts";
import { DAY, dayOf, hourOf } from "../../domain/clock.ts";
import { notFound, unprocessable } from "../../domain/errors.ts";
import { type Assessment, assess } from "../../domain/legal/matrix.ts";
import { deriveApprovedScope, deriveRequestedScope, STATE_TITLES } from "../../domain/legal/states.ts";
import { insertNotification } from "../../store/repos/notifications.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";
import type { HoldingsService } from "../privacy/holdings.ts";
import type { AuditLog } from "./audit.ts";
import { type HeldSummary, summarize } from "./holdings-summary.ts";
import { appendEvent, type Demand, loadDemand, type NondisclosureOrder, ordersInForce } from "./records.ts";

export interface NoticePlan {
  state: "sent" | "scheduled" | "held";
  sendAfter: string | null;
}

/** What the orders in force on `today` allow for a notice. */
export function planNotice(orders: readonly NondisclosureOrder[], today: string): NoticePlan {
  const inForce = ordersInForce(orders, today);
  if (inForce.length === 0) return { state: "sent", sendAfter: null };
  if (inForce.some((o) => o.endDay === null)) return { state: "held", sendAfter: null };
  const lastDay = inForce.map((o) => o.endDay as string).sort()[inForce.length - 1] as string;
  // The end date is the last day of secrecy: notice goes out at the start of the next day (UTC).
  const sendAfter = new Date(new Date(`${lastDay}T00:00:00Z`).getTime() + DAY).toISOString();
  return { state: "scheduled", sendAfter };
}

export interface NoticeSummary {
  id: string;
  demandId: string;
  agency: string;
  sentAt: string;
  read: boolean;
  state: string;
}

export interface NoticeView {
  id: string;
  demand: Demand;
  sentAt: string;
  /** Who asked, under what authority, what was asked. */
  process: string;
  categories: { id: string; title: string; held: HeldSummary; flag: string | undefined }[];
  assessment: Assessment;
  /** What Publius intends to do, in words. */
  intent: string;
  stateTitle: string;
  respondBy: string;
  preservations: { createdDay: string; expiresDay: string; destroyedDay: string | null }[];
  responses: { body: string; createdDay: string }[];
  help: { name: string; url: string }[];
  handle: string;
}

export class NoticeService {
  readonly #deps: ServiceDeps;
  readonly #audit: AuditLog;
  readonly #holdings: HoldingsService;

  constructor(deps: ServiceDeps, audit: AuditLog, holdings: HoldingsService) {
    this.#deps = deps;
    this.#audit = audit;
    this.#holdings = holdings;
  }

  /** Creates, in the intake transaction, the notice for each named account, sent or scheduled as the orders allow. */
  async planInTx(
    tx: Queryable,
    demandId: string,
    accountIds: readonly string[],
    orders: NondisclosureOrder[],
  ): Promise<void> {
    const now = this.#deps.clock.now();
    const plan = planNotice(orders, dayOf(now));
    for (const accountId of accountIds) {
      const row = await tx
        .insertInto("legal_notices")
        .values({
          demand_id: demandId,
          account_id: accountId,
          state: "scheduled",
          send_after: null,
          sent_at: null,
          read: 0,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.#apply(tx, demandId, Number(row.id), accountId, plan);
    }
  }

  /** After an order changes: every notice not yet sent is planned again (and sent if now allowed). */
  async replanInTx(tx: Queryable, demand: Demand, orders: NondisclosureOrder[]): Promise<void> {
    const plan = planNotice(orders, dayOf(this.#deps.clock.now()));
    const waiting = await tx
      .selectFrom("legal_notices")
      .select(["id", "account_id", "state", "send_after"])
      .where("demand_id", "=", demand.id)
      .where("state", "!=", "sent")
      .execute();
    for (const n of waiting) {
      if (n.state === plan.state && n.send_after === plan.sendAfter) continue;
      await this.#apply(tx, demand.id, Number(n.id), n.account_id, plan);
    }
  }

  async #apply(tx: Queryable, demandId: string, noticeId: number, accountId: string, plan: NoticePlan): Promise<void> {
    const now = this.#deps.clock.now();
    if (plan.state === "sent") {
      await this.#send(tx, demandId, noticeId, accountId);
      return;
    }
    await tx
      .updateTable("legal_notices")
      .set({ state: plan.state, send_after: plan.sendAfter })
      .where("id", "=", noticeId)
      .execute();
    await appendEvent(tx, this.#audit, now, {
      demandId,
      kind: plan.state === "held" ? "notice_held" : "notice_scheduled",
      actorId: null,
      reason:
        plan.state === "held"
          ? "A non-disclosure order without an end date forbids notice: challenge the order."
          : `A non-disclosure order delays notice until ${plan.sendAfter?.slice(0, 10)}.`,
      data: { account: accountId, send_after: plan.sendAfter },
    });
  }

  async #send(tx: Queryable, demandId: string, noticeId: number, accountId: string): Promise<void> {
    const now = this.#deps.clock.now();
    await tx
      .updateTable("legal_notices")
      .set({ state: "sent", send_after: null, sent_at: hourOf(now) })
      .where("id", "=", noticeId)
      .execute();
    const exists = await tx.selectFrom("accounts").select("id").where("id", "=", accountId).executeTakeFirst();
    if (exists) {
      // No other account is behind a legal notice: it comes "from" the holder's own account.
      await insertNotification(
        tx,
        {
          account_id: accountId,
          from_account_id: accountId,
          type: "legal_notice",
          status_id: null,
          read: 0,
          created_at: hourOf(now),
        },
        now,
      );
    }
    await appendEvent(tx, this.#audit, now, {
      demandId,
      kind: "notice_sent",
      actorId: null,
      reason: "The account holder was notified.",
      data: { account: accountId, notice: String(noticeId) },
    });
  }

  /**
   * Sends every scheduled notice whose order has ended. Run by the server's worker every minute
   * and at start, so a notice due while the server was down goes out when it comes back.
   */
  async sendDue(): Promise<number> {
    const now = this.#deps.clock.now();
    const due = await this.#deps.db
      .selectFrom("legal_notices")
      .select(["id", "demand_id", "account_id"])
      .where("state", "=", "scheduled")
      .where("send_after", "<=", now.toISOString())
      .orderBy("send_after")
      .limit(500)
      .execute();
    let sent = 0;
    for (const n of due) {
      await this.#deps.db.transaction().execute(async (tx) => {
        const demand = await loadDemand(tx, n.demand_id);
        // Checked again: an order recorded since may have extended the secrecy.
        const plan = planNotice(demand.orders, dayOf(now));
        const current = await tx.selectFrom("legal_notices").select("state").where("id", "=", n.id).executeTakeFirst();
        if (current?.state !== "scheduled") return;
        await this.#apply(tx, n.demand_id, Number(n.id), n.account_id, plan);
        if (plan.state === "sent") sent += 1;
      });
    }
    return sent;
  }

  /** Notices sent to the viewer and not yet opened (the banner). */
  async unreadCount(viewer: Viewer): Promise<number> {
    const row = await this.#deps.db
      .selectFrom("legal_notices")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", viewer.accountId)
      .where("state", "=", "sent")
      .where("read", "=", 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async list(viewer: Viewer): Promise<NoticeSummary[]> {
    const rows = await this.#deps.db
      .selectFrom("legal_notices as n")
      .innerJoin("legal_demands as d", "d.id", "n.demand_id")
      .select(["n.id", "n.demand_id", "n.sent_at", "n.read", "d.agency"])
      .where("n.account_id", "=", viewer.accountId)
      .where("n.state", "=", "sent")
      .orderBy("n.id", "desc")
      .execute();
    const out: NoticeSummary[] = [];
    for (const r of rows) {
      const demand = await loadDemand(this.#deps.db, r.demand_id);
      out.push({
        id: String(r.id),
        demandId: r.demand_id,
        agency: r.agency,
        sentAt: r.sent_at ?? "",
        read: r.read === 1,
        state: STATE_TITLES[demand.state],
      });
    }
    return out;
  }

  /** The notice as its holder reads it (marks it read). Only sent notices exist for the holder. */
  async view(viewer: Viewer, noticeId: string): Promise<NoticeView> {
    const n = await this.#ownSent(viewer, noticeId);
    if (n.read === 0) {
      await this.#deps.db.updateTable("legal_notices").set({ read: 1 }).where("id", "=", n.id).execute();
    }
    const demand = await loadDemand(this.#deps.db, n.demand_id);
    const matrix = this.#deps.config.legal.matrix;
    const requested = deriveRequestedScope({ targets: [], categories: demand.categories }, demand.events);
    const assessment = assess(matrix, demand.process, requested.categories);
    const holdings = await this.#holdings.forAccount(viewer.accountId, { categories: requested.categories });
    const flags = new Map(assessment.categories.map((c) => [c.category, c.flag]));
    const preservations = await this.#deps.db
      .selectFrom("legal_preservations")
      .select(["created_day", "expires_day", "destroyed_day"])
      .where("demand_id", "=", demand.id)
      .where("account_id", "=", viewer.accountId)
      .execute();
    const responses = await this.#deps.db
      .selectFrom("legal_responses")
      .select(["body", "created_day"])
      .where("demand_id", "=", demand.id)
      .where("account_id", "=", viewer.accountId)
      .orderBy("id")
      .execute();
    const sentDay = (n.sent_at ?? hourOf(this.#deps.clock.now())).slice(0, 10);
    const respondBy = dayOf(
      new Date(new Date(`${sentDay}T00:00:00Z`).getTime() + this.#deps.config.legal.responseDays * DAY),
    );
    return {
      id: String(n.id),
      demand,
      sentAt: n.sent_at ?? "",
      process: demand.process,
      categories: holdings.categories.map((c) => ({
        id: c.category.id,
        title: c.category.title,
        held: summarize(c),
        flag: flags.get(c.category.id as never),
      })),
      assessment,
      intent: intentText(demand, assessment, respondBy),
      stateTitle: STATE_TITLES[demand.state],
      respondBy,
      preservations: preservations.map((p) => ({
        createdDay: p.created_day,
        expiresDay: p.expires_day,
        destroyedDay: p.destroyed_day,
      })),
      responses: responses.map((r) => ({ body: r.body, createdDay: r.created_day })),
      help: this.#deps.config.legal.help,
      handle: holdings.handle,
    };
  }

  /** The holder's response or objection, attached to the demand record. */
  async respond(viewer: Viewer, noticeId: string, body: string): Promise<void> {
    const n = await this.#ownSent(viewer, noticeId);
    const text = body.trim();
    if (text === "") throw unprocessable("Write your response first.", { body: "Write your response first." });
    if (text.length > 20_000) throw unprocessable("At most 20,000 characters.", { body: "At most 20,000 characters." });
    const now = this.#deps.clock.now();
    await this.#deps.db.transaction().execute(async (tx) => {
      await tx
        .insertInto("legal_responses")
        .values({ demand_id: n.demand_id, account_id: viewer.accountId, body: text, created_day: dayOf(now) })
        .execute();
      await appendEvent(tx, this.#audit, now, {
        demandId: n.demand_id,
        kind: "response",
        actorId: viewer.accountId,
        reason: "The account holder responded.",
        data: { account: viewer.accountId },
      });
    });
  }

  async #ownSent(viewer: Viewer, noticeId: string) {
    const id = /^\d{1,15}$/.test(noticeId) ? Number(noticeId) : -1;
    const n = await this.#deps.db
      .selectFrom("legal_notices")
      .selectAll()
      .where("id", "=", id)
      .where("account_id", "=", viewer.accountId)
      .where("state", "=", "sent")
      .executeTakeFirst();
    if (!n) throw notFound("No such notice.");
    return n;
  }
}

/** What Publius intends, in plain words: the latest recorded intent, or what the state implies. */
export function intentText(demand: Demand, assessment: Assessment, respondByDay: string): string {
  const respondBy = new Date(`${respondByDay}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  const recorded = [...demand.events].reverse().find((e) => e.kind === "intent");
  if (recorded) return recorded.reason;
  const objections = assessment.categories.filter((c) => c.flag && !c.voluntary).length;
  switch (demand.state) {
    case "received":
    case "in_review":
    case "narrowed":
      return `Publius is reviewing this demand. It will hand over nothing before ${respondBy}, nothing that identifies you unless the legal standard for unmasking an anonymous speaker is met or a court orders it, and it will object to ${objections ? `the ${objections} requested ${objections === 1 ? "category" : "categories"} this kind of process cannot compel` : "anything the process cannot compel"}.`;
    case "challenged":
      return "Publius is challenging this demand and hands over nothing while the challenge lasts.";
    case "awaiting_court":
      return "Publius is waiting for a court's decision and hands over nothing until then.";
    case "rejected":
      return "Publius has refused this demand. Nothing was handed over.";
    case "approved": {
      const scope = deriveApprovedScope(demand.events);
      return `Publius has decided to produce only: ${(scope?.categories ?? []).join(", ").replaceAll("_", " ") || "nothing"}.`;
    }
    case "produced": {
      const scope = deriveApprovedScope(demand.events);
      return `Publius produced only: ${(scope?.categories ?? []).join(", ").replaceAll("_", " ") || "nothing"}.`;
    }
    case "withdrawn":
      return "The demand was withdrawn. Nothing was handed over.";
    case "closed":
      return "This demand is closed.";
  }
}
