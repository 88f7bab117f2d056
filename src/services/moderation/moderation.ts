// Reports and moderation. Every decision is an appended record with its actor, reason and time.
import type { Account, Viewer } from "../../domain/account.ts";
import { dayOf } from "../../domain/clock.ts";
import { notFound, unprocessable } from "../../domain/errors.ts";
import { parseSerial } from "../../domain/ids.ts";
import type { Status } from "../../domain/status.ts";
import { findAccountsByIds } from "../../store/repos/accounts.ts";
import { STATUS_COLUMNS, statusSource } from "../../store/repos/statuses.ts";
import { visibleTo } from "../../store/repos/visibility.ts";
import type { Tx } from "../../store/store.ts";
import { requireRole } from "../accounts/accounts.ts";
import type { ServiceDeps } from "../deps.ts";
import { hydrateStatuses } from "../statuses/hydrate.ts";
import { removeStatus } from "../statuses/removal.ts";

export interface Report {
  id: string;
  reporter: Account | undefined;
  target: Account | undefined;
  status: Status | undefined;
  reason: string;
  category: ReportCategory;
  /** Posts named beyond the one shown (an app's report may name several). */
  morePosts: number;
  state: "open" | "resolved";
  createdDay: string;
}

export interface ModerationAction {
  id: string;
  actor: Account | undefined;
  action: string;
  targetAccount: Account | undefined;
  targetStatusId: string | null;
  reportId: string | null;
  reason: string;
  createdAt: string;
}

const MAX_REASON = 1000;
const MAX_REPORTED_POSTS = 50;

/** Mastodon's report categories. */
export const REPORT_CATEGORIES = ["spam", "legal", "violation", "other"] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];
export function isReportCategory(value: string): value is ReportCategory {
  return (REPORT_CATEGORIES as readonly string[]).includes(value);
}

export interface FiledReport {
  id: string;
  category: ReportCategory;
  comment: string;
  statusIds: string[];
  state: "open" | "resolved";
  createdDay: string;
  target: Account;
}

export class ModerationService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Any signed-in person may report a post or an account: from the web (one post or an account, a
   * reason) or from an app (POST /api/v1/reports: an account, any of its posts, a category). Both
   * land in the one queue. A report must say what is wrong: a reason, or a category other than
   * "other". Posts must be ones the reporter may see (hidden and missing answer alike, 404).
   */
  async report(
    viewer: Viewer,
    input: {
      accountId?: string | undefined;
      statusId?: string | undefined;
      statusIds?: readonly string[] | undefined;
      category?: ReportCategory | undefined;
      reason: string;
    },
  ): Promise<string> {
    const reason = input.reason.trim();
    const category = input.category ?? "other";
    if (reason === "" && category === "other") {
      throw unprocessable("Say what is wrong.", { reason: "Say what is wrong." });
    }
    if (reason.length > MAX_REASON) throw unprocessable(`At most ${MAX_REASON} characters.`, { reason: "Too long." });
    let targetAccountId = input.accountId;
    const statusIds = [...new Set([...(input.statusId ? [input.statusId] : []), ...(input.statusIds ?? [])])];
    if (statusIds.length > MAX_REPORTED_POSTS)
      throw unprocessable(`Report at most ${MAX_REPORTED_POSTS} posts at once.`);
    for (const id of statusIds) {
      // Only a post the reporter may see: a hidden post and a missing one must answer alike.
      const s = await statusSource(this.#deps.db)
        .select(["s.account_id"])
        .where("s.id", "=", id)
        .where(visibleTo(viewer.accountId))
        .executeTakeFirst();
      if (!s) throw notFound("No such post.");
      if (targetAccountId && s.account_id !== targetAccountId) {
        throw unprocessable("Every reported post must be by the reported account.");
      }
      targetAccountId = s.account_id;
    }
    if (!targetAccountId) throw unprocessable("Report a post or an account.");
    if (targetAccountId === viewer.accountId) throw unprocessable("You cannot report yourself.");
    const target = await this.#deps.db
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", targetAccountId)
      .executeTakeFirst();
    if (!target) throw notFound("No such account.");
    const accountId = targetAccountId;
    return this.#deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto("reports")
        .values({
          account_id: viewer.accountId,
          target_account_id: accountId,
          status_id: statusIds[0] ?? null,
          reason,
          category,
          state: "open",
          created_day: dayOf(this.#deps.clock.now()),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (statusIds.length) {
        await tx
          .insertInto("report_statuses")
          .values(statusIds.map((status_id) => ({ report_id: Number(row.id), status_id })))
          .execute();
      }
      return String(row.id);
    });
  }

  /** A report as its reporter may see it again (the API's Report entity): never anyone else's. */
  async ownReport(viewer: Viewer, id: string): Promise<FiledReport> {
    const serial = parseSerial(id);
    const r =
      serial === undefined
        ? undefined
        : await this.#deps.db
            .selectFrom("reports")
            .selectAll()
            .where("id", "=", serial)
            .where("account_id", "=", viewer.accountId)
            .executeTakeFirst();
    if (!r) throw notFound("No such report.");
    const statuses = await this.#deps.db
      .selectFrom("report_statuses")
      .select("status_id")
      .where("report_id", "=", r.id)
      .orderBy("status_id")
      .execute();
    const target = (await findAccountsByIds(this.#deps.db, [r.target_account_id])).get(r.target_account_id);
    if (!target) throw notFound("No such report.");
    return {
      id: String(r.id),
      category: isReportCategory(r.category) ? r.category : "other",
      comment: r.reason,
      statusIds: statuses.map((s) => s.status_id),
      state: r.state === "resolved" ? "resolved" : "open",
      createdDay: r.created_day,
      target,
    };
  }

  /** Staff: how many reports are open (the count on the Staff link). */
  async openCount(viewer: Viewer): Promise<number> {
    requireRole(viewer, "moderator", "admin");
    const row = await this.#deps.db
      .selectFrom("reports")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("state", "=", "open")
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The moderation queue: open reports, oldest first. */
  async queue(viewer: Viewer, state: "open" | "resolved" = "open"): Promise<Report[]> {
    requireRole(viewer, "moderator", "admin");
    const rows = await this.#deps.db
      .selectFrom("reports")
      .selectAll()
      .where("state", "=", state)
      .orderBy("id", state === "open" ? "asc" : "desc")
      .limit(200)
      .execute();
    const accounts = await findAccountsByIds(
      this.#deps.db,
      rows.flatMap((r) => [r.account_id, r.target_account_id]),
    );
    const statusIds = rows.map((r) => r.status_id).filter((s): s is string => s !== null);
    const statusRows = statusIds.length
      ? await statusSource(this.#deps.db).select(STATUS_COLUMNS).where("s.id", "in", statusIds).execute()
      : [];
    // Moderators see the reported post whatever its visibility: that is what they are asked to judge.
    const statuses = new Map((await hydrateStatuses(this.#deps.db, statusRows, null)).map((s) => [s.id, s]));
    const named = rows.length
      ? await this.#deps.db
          .selectFrom("report_statuses")
          .select((eb) => ["report_id", eb.fn.countAll<number>().as("n")])
          .where(
            "report_id",
            "in",
            rows.map((r) => r.id),
          )
          .groupBy("report_id")
          .execute()
      : [];
    const namedCount = new Map(named.map((n) => [Number(n.report_id), Number(n.n)]));
    return rows.map((r) => ({
      id: String(r.id),
      reporter: accounts.get(r.account_id),
      target: accounts.get(r.target_account_id),
      status: r.status_id ? statuses.get(r.status_id) : undefined,
      reason: r.reason,
      category: isReportCategory(r.category) ? r.category : "other",
      morePosts: Math.max(0, (namedCount.get(Number(r.id)) ?? 0) - 1),
      state: r.state === "resolved" ? "resolved" : "open",
      createdDay: r.created_day,
    }));
  }

  async #record(
    tx: Tx,
    viewer: Viewer,
    action: string,
    fields: {
      targetAccountId?: string | null;
      targetStatusId?: string | null;
      reportId?: string | null;
      reason: string;
    },
  ) {
    // A decision names only a report that exists: a stale or made-up number would mislead the log.
    let reportId: number | undefined;
    if (fields.reportId) {
      reportId = parseSerial(fields.reportId);
      const report =
        reportId === undefined
          ? undefined
          : await tx.selectFrom("reports").select("id").where("id", "=", reportId).executeTakeFirst();
      if (!report) throw notFound("No such report.");
    }
    await tx
      .insertInto("moderation_actions")
      .values({
        actor_account_id: viewer.accountId,
        action,
        target_account_id: fields.targetAccountId ?? null,
        target_status_id: fields.targetStatusId ?? null,
        report_id: reportId ?? null,
        reason: fields.reason,
        created_at: this.#deps.clock.now().toISOString(),
      })
      .execute();
    if (reportId !== undefined) {
      await tx.updateTable("reports").set({ state: "resolved" }).where("id", "=", reportId).execute();
    }
  }

  #reason(reason: string): string {
    const r = reason.trim();
    if (r === "") throw unprocessable("Record a reason for this decision.", { reason: "A reason is required." });
    if (r.length > MAX_REASON) throw unprocessable(`At most ${MAX_REASON} characters.`);
    return r;
  }

  async removeStatus(viewer: Viewer, statusId: string, reason: string, reportId?: string): Promise<void> {
    requireRole(viewer, "moderator", "admin");
    const why = this.#reason(reason);
    let authorId = "";
    await this.#deps.db.transaction().execute(async (tx) => {
      const s = await tx.selectFrom("statuses").select("account_id").where("id", "=", statusId).executeTakeFirst();
      if (!s) throw notFound("No such post.");
      authorId = s.account_id;
      await removeStatus(tx, statusId);
      await this.#record(tx, viewer, "remove_status", {
        targetAccountId: s.account_id,
        targetStatusId: statusId,
        reportId: reportId ?? null,
        reason: why,
      });
    });
    this.#deps.events.publish({ type: "status.deleted", statusId, authorId });
  }

  /** Suspends an account: it cannot sign in, its sessions end, its posts vanish from every view. */
  async suspend(viewer: Viewer, accountId: string, reason: string, reportId?: string): Promise<void> {
    requireRole(viewer, "moderator", "admin");
    const why = this.#reason(reason);
    if (accountId === viewer.accountId) throw unprocessable("You cannot suspend yourself.");
    await this.#deps.db.transaction().execute(async (tx) => {
      const r = await tx.updateTable("accounts").set({ suspended: 1 }).where("id", "=", accountId).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound("No such account.");
      await tx.deleteFrom("sessions").where("account_id", "=", accountId).execute();
      await this.#record(tx, viewer, "suspend", {
        targetAccountId: accountId,
        reportId: reportId ?? null,
        reason: why,
      });
    });
  }

  async unsuspend(viewer: Viewer, accountId: string, reason: string): Promise<void> {
    requireRole(viewer, "moderator", "admin");
    const why = this.#reason(reason);
    await this.#deps.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable("accounts")
        .set({ suspended: 0 })
        .where("id", "=", accountId)
        // An account being deleted stays hidden until it is gone.
        .where("state", "!=", "deleting")
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound("No such account.");
      await this.#record(tx, viewer, "unsuspend", { targetAccountId: accountId, reason: why });
    });
  }

  /** Closes a report without action. */
  async resolveReport(viewer: Viewer, reportId: string, reason: string): Promise<void> {
    requireRole(viewer, "moderator", "admin");
    const why = this.#reason(reason);
    await this.#deps.db.transaction().execute(async (tx) => {
      await this.#record(tx, viewer, "resolve_report", { reportId, reason: why });
    });
  }

  async actions(viewer: Viewer, limit = 100): Promise<ModerationAction[]> {
    requireRole(viewer, "moderator", "admin");
    const rows = await this.#deps.db
      .selectFrom("moderation_actions")
      .selectAll()
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    const accounts = await findAccountsByIds(
      this.#deps.db,
      rows.flatMap((r) => [r.actor_account_id, r.target_account_id]).filter((x): x is string => x !== null),
    );
    return rows.map((r) => ({
      id: String(r.id),
      actor: r.actor_account_id ? accounts.get(r.actor_account_id) : undefined,
      action: r.action,
      targetAccount: r.target_account_id ? accounts.get(r.target_account_id) : undefined,
      targetStatusId: r.target_status_id,
      reportId: r.report_id === null ? null : String(r.report_id),
      reason: r.reason,
      createdAt: r.created_at,
    }));
  }
}
