// Legal demands (issue 5). A demand's intake record is never updated; what happens to it is the
// append-only event list, from which its state is derived. See docs/legal-process.md.
import type { Generated } from "kysely";

export interface LegalDemandsTable {
  /** Random, says nothing about time. */
  id: string;
  /** A ProcessType (domain/legal/process.ts). */
  process_type: string;
  agency: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** The official who signed or sent it, and how to reach them, as the demand gives them. */
  requester: string;
  requester_contact: string;
  authority: string;
  reference: string;
  received_day: string;
  due_day: string | null;
  requested_verbatim: string;
  secrecy_requested: number;
  /** Emergencies: the requester's good-faith statement (18 U.S.C. § 2702(b)(8)). */
  good_faith_statement: string | null;
  /** The document as received, never re-encoded: a random name under <dataDir>/legal/documents. */
  document_file: string | null;
  document_sha256: string | null;
  document_type: string | null;
  document_size: number | null;
  /** The day it was recorded. */
  recorded_day: string;
}

/** Every handle the demand names, found or not: unknown handles are kept and reported. */
export interface LegalDemandTargetsTable {
  id: Generated<number>;
  demand_id: string;
  handle_given: string;
  account_id: string | null;
}

/** The data requested, mapped to inventory categories. */
export interface LegalDemandCategoriesTable {
  demand_id: string;
  category: string;
}

/** Append-only: every step, with its actor, reason and time. */
export interface LegalEventsTable {
  id: Generated<number>;
  demand_id: string;
  /** A DemandState or a NoteKind (domain/legal/states.ts). */
  kind: string;
  /** Staff member; null for Publius itself (scheduled notices, expiries). */
  actor_account_id: string | null;
  reason: string;
  /** JSON. */
  data: string;
  created_at: string;
}

export interface LegalNondisclosureOrdersTable {
  id: Generated<number>;
  demand_id: string;
  court: string;
  docket: string;
  /** The last day of secrecy; null when the order states no end (flagged for challenge). */
  end_day: string | null;
  /** Set when the order was vacated or lifted. */
  lifted_day: string | null;
  recorded_day: string;
}

/** The notice to each named account: sent, scheduled for when an order ends, or held. */
export interface LegalNoticesTable {
  id: Generated<number>;
  demand_id: string;
  account_id: string;
  /** "scheduled" | "held" | "sent" */
  state: string;
  /** When a scheduled notice goes out (the day after the order's end date, 00:00 UTC). */
  send_after: string | null;
  /** To the hour. */
  sent_at: string | null;
  read: number;
}

/** The account holder's response or objection, attached to the demand. */
export interface LegalResponsesTable {
  id: Generated<number>;
  demand_id: string;
  account_id: string;
  body: string;
  created_day: string;
}

/** A preserved copy of what Publius held about a named account (18 U.S.C. § 2703(f)). */
export interface LegalPreservationsTable {
  id: string;
  demand_id: string;
  account_id: string;
  /** Random file name under <dataDir>/legal/preservations; null once destroyed. */
  snapshot_file: string | null;
  snapshot_sha256: string;
  created_day: string;
  expires_day: string;
  extended: number;
  destroyed_day: string | null;
}

/** A signed production package: files under <dataDir>/legal/productions/<folder>. */
export interface LegalProductionsTable {
  id: string;
  demand_id: string;
  folder: string;
  manifest_sha256: string;
  created_at: string;
  released_at: string | null;
}

/** The hash-chained audit log: each entry commits to the one before it. */
export interface LegalAuditLogTable {
  seq: number;
  at: string;
  actor_account_id: string | null;
  action: string;
  demand_id: string | null;
  subject: string;
  /** Canonical JSON. */
  detail: string;
  prev_hash: string;
  hash: string;
}

/** TOTP second factor for the legal console. */
export interface StaffSecondFactorsTable {
  account_id: string;
  /**
   * The shared secret, sealed with AES-256-GCM under the key in <dataDir>/secrets.key (TOTP needs
   * the secret itself; it is never shown after enrolment). See services/legal/secret-box.ts.
   */
  totp_secret: string;
  confirmed: number;
  created_day: string;
  /** Wrong codes in a row; reset by a right one. */
  failed_codes: Generated<number>;
  /** Set after too many wrong codes: only the operator unlocks it. */
  locked: Generated<number>;
}

/** Steps of accepted codes, so that no process accepts a code twice. Kept about 90 seconds. */
export interface StaffUsedCodesTable {
  account_id: string;
  step: number;
}

/** Signed heads of the audit log, as published with each canary, report period or on request. */
export interface LegalAuditHeadsTable {
  id: Generated<number>;
  seq: number;
  hash: string;
  day: string | null;
  /** "canary" | "transparency" | "published" */
  occasion: string;
  /** The canonical JSON that was signed. */
  statement: string;
  signature: string;
  key_fingerprint: string;
}
