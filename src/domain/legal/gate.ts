// The unmasking gate. Identifying data about a pseudonymous speaker is released only when a
// legal-role reviewer has recorded, with reasons, every prong of the standard U.S. courts apply to
// unmasking (Dendrite v. Doe No. 3, N.J. App. Div. 2001; Doe v. Cahill, Del. 2005; Highfields
// Capital v. Doe, N.D. Cal. 2005), or a court order compelling disclosure is recorded with its
// docket and the document.
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
  documentSha256: string;
  actorId: string | null;
  at: string;
}

export interface GateState {
  open: boolean;
  via: "prongs" | "court_order" | undefined;
  /** The latest record for each prong, when there is one. */
  prongs: Map<ProngId, ProngRecord>;
  courtOrder: CourtOrderRecord | undefined;
  /** Prongs not (yet) recorded as met. */
  missing: Prong[];
}

export function deriveGate(events: readonly DemandEvent[]): GateState {
  const prongs = new Map<ProngId, ProngRecord>();
  let courtOrder: CourtOrderRecord | undefined;
  for (const e of events) {
    if (e.kind === "prong" && isProngId(e.data.prong)) {
      prongs.set(e.data.prong, {
        id: e.data.prong,
        met: e.data.met === true,
        reason: e.reason,
        actorId: e.actorId,
        at: e.createdAt,
      });
    }
    if (e.kind === "court_order") {
      courtOrder = {
        court: String(e.data.court ?? ""),
        docket: String(e.data.docket ?? ""),
        documentSha256: String(e.data.document_sha256 ?? ""),
        actorId: e.actorId,
        at: e.createdAt,
      };
    }
  }
  const missing = PRONGS.filter((p) => {
    const r = prongs.get(p.id);
    return !r?.met || r.reason.trim() === "";
  });
  const viaOrder = courtOrder !== undefined && courtOrder.docket !== "" && courtOrder.documentSha256 !== "";
  const viaProngs = missing.length === 0;
  return {
    open: viaOrder || viaProngs,
    via: viaOrder ? "court_order" : viaProngs ? "prongs" : undefined,
    prongs,
    courtOrder,
    missing,
  };
}
