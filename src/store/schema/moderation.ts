import type { Generated } from "kysely";

export interface ReportsTable {
  id: Generated<number>;
  account_id: string;
  target_account_id: string;
  status_id: string | null;
  reason: string;
  /** "spam" | "legal" | "violation" | "other" */
  category: Generated<string>;
  /** "open" | "resolved" */
  state: string;
  created_day: string;
}

/** Append-only: every moderation decision with its actor, reason and time. */
export interface ModerationActionsTable {
  id: Generated<number>;
  actor_account_id: string | null;
  /** "remove_status" | "suspend" | "unsuspend" | "resolve_report" | "approve_registration" | "reject_registration" */
  action: string;
  target_account_id: string | null;
  target_status_id: string | null;
  report_id: number | null;
  reason: string;
  created_at: string;
}

/** Every post a report names (reports.status_id keeps the first). */
export interface ReportStatusesTable {
  report_id: number;
  status_id: string;
}
