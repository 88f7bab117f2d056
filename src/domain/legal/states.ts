// A demand's life as an append-only list of events; its current state, scope and gate are derived
// from them, never stored (after atproto ozone's moderation events).
import type { DemandCategory } from "./categories.ts";

export type DemandState =
  | "received"
  | "in_review"
  | "rejected"
  | "narrowed"
  | "challenged"
  | "awaiting_court"
  | "approved"
  | "produced"
  | "closed"
  | "withdrawn";

export const DEMAND_STATES: readonly DemandState[] = [
  "received",
  "in_review",
  "rejected",
  "narrowed",
  "challenged",
  "awaiting_court",
  "approved",
  "produced",
  "closed",
  "withdrawn",
];

export const STATE_TITLES: Record<DemandState, string> = {
  received: "received",
  in_review: "in review",
  rejected: "rejected",
  narrowed: "narrowed",
  challenged: "challenged",
  awaiting_court: "awaiting court",
  approved: "approved",
  produced: "produced",
  closed: "closed",
  withdrawn: "withdrawn",
};

/** Where each state may go. "withdrawn" is reachable from every open state. */
const NEXT: Record<DemandState, readonly DemandState[]> = {
  received: ["in_review"],
  in_review: ["rejected", "narrowed", "challenged", "awaiting_court", "approved"],
  narrowed: ["in_review", "rejected", "challenged", "awaiting_court", "approved"],
  challenged: ["in_review", "awaiting_court", "rejected", "approved"],
  awaiting_court: ["in_review", "rejected", "approved"],
  approved: ["in_review", "produced"],
  rejected: ["in_review", "closed"],
  produced: ["closed"],
  closed: [],
  withdrawn: [],
};

export function isOpen(state: DemandState): boolean {
  return state !== "closed" && state !== "withdrawn";
}

export function nextStates(state: DemandState): DemandState[] {
  return isOpen(state) ? [...NEXT[state], "withdrawn"] : [];
}

export function canMove(from: DemandState, to: DemandState): boolean {
  return nextStates(from).includes(to);
}

export function isDemandState(value: unknown): value is DemandState {
  return typeof value === "string" && (DEMAND_STATES as readonly string[]).includes(value);
}

/** Event kinds that are not state changes. */
export type NoteKind =
  | "authority_concern"
  | "intent"
  | "note"
  | "prong"
  | "court_order"
  | "court_order_confirmed"
  | "gate_confirmed"
  | "notice_excused"
  | "good_faith"
  | "ndo_recorded"
  | "ndo_changed"
  | "notice_scheduled"
  | "notice_held"
  | "notice_sent"
  | "response"
  | "preserved"
  | "preservation_extended"
  | "preservation_destroyed"
  | "production_prepared"
  | "production_approved"
  | "production_exported";

export type EventKind = DemandState | NoteKind;

export interface DemandEvent {
  id: number;
  kind: EventKind;
  actorId: string | null;
  reason: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface Scope {
  /** Account ids. */
  targets: string[];
  categories: DemandCategory[];
}

export function deriveState(events: readonly DemandEvent[]): DemandState {
  let state: DemandState = "received";
  for (const e of events) if (isDemandState(e.kind)) state = e.kind;
  return state;
}

/** The scope still asked for: the request, as narrowed by "narrowed" events. */
export function deriveRequestedScope(initial: Scope, events: readonly DemandEvent[]): Scope {
  let scope = initial;
  for (const e of events) if (e.kind === "narrowed") scope = scopeOf(e.data, scope);
  return scope;
}

/** The scope of the latest approval, while the demand stands approved or produced. */
export function deriveApprovedScope(events: readonly DemandEvent[]): Scope | undefined {
  const state = deriveState(events);
  if (state !== "approved" && state !== "produced" && state !== "closed") return undefined;
  let scope: Scope | undefined;
  for (const e of events) {
    if (e.kind === "approved") scope = scopeOf(e.data, { targets: [], categories: [] });
    if (e.kind === "in_review" || e.kind === "withdrawn") scope = undefined;
  }
  return scope;
}

function scopeOf(data: Record<string, unknown>, fallback: Scope): Scope {
  const targets = Array.isArray(data.targets) ? (data.targets as string[]) : fallback.targets;
  const categories = Array.isArray(data.categories) ? (data.categories as DemandCategory[]) : fallback.categories;
  return { targets, categories };
}
