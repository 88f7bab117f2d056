// Reading a demand with everything recorded about it, and writing its events. Every event is
// written together with its audit-log entry, in the caller's transaction.
import type { Account } from "../../domain/account.ts";
import { notFound } from "../../domain/errors.ts";
import { DEMAND_CATEGORIES, type DemandCategory } from "../../domain/legal/categories.ts";
import { deriveGate, type GateState } from "../../domain/legal/gate.ts";
import type { ProcessType } from "../../domain/legal/process.ts";
import { type DemandEvent, type DemandState, deriveState, type EventKind } from "../../domain/legal/states.ts";
import { findAccountsByIds } from "../../store/repos/accounts.ts";
import type { Queryable } from "../../store/store.ts";
import type { AuditLog } from "./audit.ts";

export interface DemandTarget {
  id: number;
  /** As the demand wrote it. */
  handle: string;
  accountId: string | null;
  /** The account now (undefined when unknown or since deleted). */
  account: Account | undefined;
}

export interface NondisclosureOrder {
  id: number;
  court: string;
  docket: string;
  endDay: string | null;
  liftedDay: string | null;
  recordedDay: string;
}

export interface Demand {
  id: string;
  process: ProcessType;
  agency: string;
  country: string;
  requester: string;
  requesterContact: string;
  authority: string;
  reference: string;
  receivedDay: string;
  dueDay: string | null;
  verbatim: string;
  secrecyRequested: boolean;
  goodFaithStatement: string | null;
  document: { file: string; sha256: string; type: string; size: number } | null;
  recordedDay: string;
  targets: DemandTarget[];
  categories: DemandCategory[];
  orders: NondisclosureOrder[];
  events: DemandEvent[];
  state: DemandState;
}

export async function loadDemand(db: Queryable, id: string): Promise<Demand> {
  if (!/^[0-9]{18}$/.test(id)) throw notFound("No such demand.");
  const row = await db.selectFrom("legal_demands").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("No such demand.");
  const targetRows = await db
    .selectFrom("legal_demand_targets")
    .selectAll()
    .where("demand_id", "=", id)
    .orderBy("id")
    .execute();
  const accounts = await findAccountsByIds(
    db,
    targetRows.map((t) => t.account_id).filter((a): a is string => a !== null),
  );
  const categories = await db
    .selectFrom("legal_demand_categories")
    .select("category")
    .where("demand_id", "=", id)
    .execute();
  const orders = await db
    .selectFrom("legal_nondisclosure_orders")
    .selectAll()
    .where("demand_id", "=", id)
    .orderBy("id")
    .execute();
  const events = await eventsOf(db, id);
  return {
    id: row.id,
    process: row.process_type as ProcessType,
    agency: row.agency,
    country: row.country,
    requester: row.requester,
    requesterContact: row.requester_contact,
    authority: row.authority,
    reference: row.reference,
    receivedDay: row.received_day,
    dueDay: row.due_day,
    verbatim: row.requested_verbatim,
    secrecyRequested: row.secrecy_requested === 1,
    goodFaithStatement: row.good_faith_statement,
    document:
      row.document_file && row.document_sha256
        ? {
            file: row.document_file,
            sha256: row.document_sha256,
            type: row.document_type ?? "",
            size: Number(row.document_size ?? 0),
          }
        : null,
    recordedDay: row.recorded_day,
    targets: targetRows.map((t) => ({
      id: Number(t.id),
      handle: t.handle_given,
      accountId: t.account_id,
      account: t.account_id ? accounts.get(t.account_id) : undefined,
    })),
    // In the inventory's order, as every page lists categories.
    categories: DEMAND_CATEGORIES.filter((c) => categories.some((r) => r.category === c)),
    orders: orders.map((o) => ({
      id: Number(o.id),
      court: o.court,
      docket: o.docket,
      endDay: o.end_day,
      liftedDay: o.lifted_day,
      recordedDay: o.recorded_day,
    })),
    events,
    state: deriveState(events),
  };
}

export async function eventsOf(db: Queryable, demandId: string): Promise<DemandEvent[]> {
  const rows = await db
    .selectFrom("legal_events")
    .selectAll()
    .where("demand_id", "=", demandId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind as EventKind,
    actorId: r.actor_account_id,
    reason: r.reason,
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
}

export interface EventInput {
  demandId: string;
  kind: EventKind;
  actorId: string | null;
  reason: string;
  data?: Record<string, unknown>;
}

/** Appends a demand event and its audit entry (same transaction). */
export async function appendEvent(tx: Queryable, audit: AuditLog, at: Date, e: EventInput): Promise<void> {
  const data = e.data ?? {};
  await tx
    .insertInto("legal_events")
    .values({
      demand_id: e.demandId,
      kind: e.kind,
      actor_account_id: e.actorId,
      reason: e.reason,
      data: JSON.stringify(data),
      created_at: at.toISOString(),
    })
    .execute();
  await audit.append(tx, {
    actorId: e.actorId,
    action: `demand.${e.kind}`,
    demandId: e.demandId,
    at,
    detail: { reason: e.reason, ...data },
  });
}

/** Orders still in force on a day: not lifted, and with no end or an end not yet passed. */
export function ordersInForce(orders: readonly NondisclosureOrder[], today: string): NondisclosureOrder[] {
  return orders.filter((o) => o.liftedDay === null && (o.endDay === null || o.endDay >= today));
}

/** The unmasking gate of a demand, with the facts it needs: who is named, and whose notice went out. */
export function gateOf(demand: Demand): GateState {
  const targets = [
    ...new Set(demand.targets.filter((t) => t.accountId && t.account).map((t) => t.accountId as string)),
  ];
  const noticesSent = demand.events
    .filter((e) => e.kind === "notice_sent" && typeof e.data.account === "string")
    .map((e) => e.data.account as string);
  return deriveGate(demand.events, { targets, noticesSent });
}
