// The unmasking gate. Identifying data about a pseudonymous speaker is released only when a
// legal-role reviewer has recorded, with reasons, every prong of the standard U.S. courts apply to
// unmasking (Dendrite v. Doe No. 3, N.J. App. Div. 2001; Doe v. Cahill, Del. 2005; Highfields
// Capital v. Doe, N.D. Cal. 2005), or a court order compelling disclosure is recorded with its
// docket and the document.
//
// No one opens it alone (issue 9, finding 20). The notice prong counts only when the notice has
// actually gone out to every named account on the server, or a court order excusing notice is
// recorded (court, docket). A court order counts only with its details (court, docket, judge, the
// day it was signed, what it compels, the document) and once a second legal reviewer, not the one
// who recorded it, confirms it; the prongs count only once a reviewer who recorded none of them
// confirms the gate. Any later prong or order record needs a new confirmation. The gate is derived
// again at approval, at preparation and at release of a production.
import type { DemandEvent } from "./states.ts";

export type ProngId = "statements" | "prima_facie" | "least_restrictive" | "not_suppression" | "notice" | "balance";

export interface Prong {
  id: ProngId;
  title: string;
  source: string;
}

export const PRONGS: readonly Prong[] = [
  {
    id: "statements",
    title: "The exact statements alleged to be actionable are identified",
    source: "Dendrite (2)",
  },
  {
    id: "prima_facie",
    title: "A prima facie showing, with evidence for each element, that an offense or claim exists",
    source: "Dendrite (3)-(4); Cahill (summary-judgment standard); Highfields (real evidentiary basis)",
  },
  {
    id: "least_restrictive",
    title: "Unmasking is the least restrictive means of pursuing it",
    source: "Twitter v. CBP (N.D. Cal. 3:17-cv-01916), complaint",
  },
  {
    id: "not_suppression",
    title: "The demand is not aimed at suppressing speech",
    source: "Twitter v. CBP, complaint; First Amendment",
  },
  {
    id: "notice",
    title: "The speaker was notified and had a reasonable time to respond (or a court excused notice)",
    source: "Dendrite (1); Cahill",
  },
  {
    id: "balance",
    title: "The need for disclosure outweighs the speaker's First-Amendment interest in anonymity",
    source: "Dendrite (5); Highfields (balancing of harms)",
  },
];

export function isProngId(value: unknown): value is ProngId {
  return typeof value === "string" && PRONGS.some((p) => p.id === value);
}

export interface ProngRecord {
  id: ProngId;
  met: boolean;
  reason: string;
  actorId: string | null;
  at: string;
}

export interface CourtOrderRecord {
  court: string;
  docket: string;
  judge: string;
  signedDay: string;
  compels: string;
  documentSha256: string;
  actorId: string | null;
  at: string;
  /** The second reviewer who confirmed it, when one did. */
  confirmedBy: string | null;
}

export interface GateState {
  open: boolean;
  via: "prongs" | "court_order" | undefined;
  /** The latest record for each prong, when there is one. */
  prongs: Map<ProngId, ProngRecord>;
  courtOrder: CourtOrderRecord | undefined;
  /** Prongs not (yet) recorded as met (the notice prong also while the notice has not gone out). */
  missing: Prong[];
  /** The notice prong is recorded as met, but notice has not gone out and no order excuses it. */
  noticeNotSent: boolean;
  /** A court order excusing notice, when one is recorded. */
  noticeExcused: { court: string; docket: string } | undefined;
  /** Every prong is met; a reviewer who recorded none of them must still confirm. */
  awaitingConfirmation: boolean;
  /** Who confirmed the prongs, when someone did. */
  confirmedBy: string | null;
  /** Who may not confirm the prongs (they recorded one). */
  recorders: string[];
}

export interface GateFacts {
  /** Account ids of the named accounts on the server, and those whose notice has been sent. */
  targets: readonly string[];
  noticesSent: readonly string[];
}

/** What an order must state before it can open the gate. */
export function courtOrderComplete(o: CourtOrderRecord): boolean {
  return [o.court, o.docket, o.judge, o.signedDay, o.compels, o.documentSha256].every((v) => v.trim() !== "");
}

export function deriveGate(events: readonly DemandEvent[], facts: GateFacts): GateState {
  const prongs = new Map<ProngId, ProngRecord>();
  let courtOrder: CourtOrderRecord | undefined;
  let noticeExcused: { court: string; docket: string } | undefined;
  let confirmedBy: string | null = null;
  for (const e of events) {
    if (e.kind === "prong" && isProngId(e.data.prong)) {
      prongs.set(e.data.prong, {
        id: e.data.prong,
        met: e.data.met === true,
        reason: e.reason,
        actorId: e.actorId,
        at: e.createdAt,
      });
      confirmedBy = null;
    }
    if (e.kind === "notice_excused") {
      noticeExcused = { court: String(e.data.court ?? ""), docket: String(e.data.docket ?? "") };
      confirmedBy = null;
    }
    if (e.kind === "court_order") {
      courtOrder = {
        court: String(e.data.court ?? ""),
        docket: String(e.data.docket ?? ""),
        judge: String(e.data.judge ?? ""),
        signedDay: String(e.data.signed_day ?? ""),
        compels: String(e.data.compels ?? ""),
        documentSha256: String(e.data.document_sha256 ?? ""),
        actorId: e.actorId,
        at: e.createdAt,
        confirmedBy: null,
      };
    }
    if (
      e.kind === "court_order_confirmed" &&
      courtOrder &&
      e.data.document_sha256 === courtOrder.documentSha256 &&
      e.actorId !== null &&
      e.actorId !== courtOrder.actorId
    ) {
      courtOrder.confirmedBy = e.actorId;
    }
    if (e.kind === "gate_confirmed") {
      const recorders = new Set([...prongs.values()].map((p) => p.actorId));
      if (e.actorId !== null && !recorders.has(e.actorId)) confirmedBy = e.actorId;
    }
  }
  const everyNoticeSent = facts.targets.every((t) => facts.noticesSent.includes(t));
  const noticeRecorded = prongs.get("notice");
  const noticeNotSent =
    noticeRecorded?.met === true && !everyNoticeSent && !(noticeExcused && noticeExcused.docket !== "");
  const missing = PRONGS.filter((p) => {
    const r = prongs.get(p.id);
    if (!r?.met || r.reason.trim() === "") return true;
    return p.id === "notice" && noticeNotSent;
  });
  const viaOrder = courtOrder !== undefined && courtOrderComplete(courtOrder) && courtOrder.confirmedBy !== null;
  const prongsMet = missing.length === 0;
  const viaProngs = prongsMet && confirmedBy !== null;
  return {
    open: viaOrder || viaProngs,
    via: viaOrder ? "court_order" : viaProngs ? "prongs" : undefined,
    prongs,
    courtOrder,
    missing,
    noticeNotSent,
    noticeExcused,
    awaitingConfirmation: prongsMet && confirmedBy === null,
    confirmedBy,
    recorders: [...new Set([...prongs.values()].map((p) => p.actorId).filter((a): a is string => a !== null))],
  };
}
