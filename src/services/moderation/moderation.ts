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

export class ModerationService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Any signed-in person may report a post or an account. */
  async report(
    viewer: Viewer,
    input: { accountId?: string | undefined; statusId?: string | undefined; reason: string },
  ): Promise<string> {
    const reason = input.reason.trim();
    if (reason === "") throw unprocessable("Say what is wrong.", { reason: "Say what is wrong." });
    if (reason.length > MAX_REASON) throw unprocessable(`At most ${MAX_REASON} characters.`, { reason: "Too long." });
    let targetAccountId = input.accountId;
    let statusId: string | null = null;
    if (input.statusId) {
      // Only a post the reporter may see: a hidden post and a missing one must answer alike.
      const s = await statusSource(this.#deps.db)
        .select(["s.account_id"])
        .where("s.id", "=", input.statusId)
        .where(visibleTo(viewer.accountId))
        .executeTakeFirst();
      if (!s) throw notFound("No such post.");
      targetAccountId = s.account_id;
      statusId = input.statusId;
    }
    if (!targetAccountId) throw unprocessable("Report a post or an account.");
    if (targetAccountId === viewer.accountId) throw unprocessable("You cannot report yourself.");
    const target = await this.#deps.db
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", targetAccountId)
      .executeTakeFirst();
    if (!target) throw notFound("No such account.");
    const row = await this.#deps.db
      .insertInto("reports")
      .values({
        account_id: viewer.accountId,
        target_account_id: targetAccountId,
        status_id: statusId,
        reason,
        state: "open",
        created_day: dayOf(this.#deps.clock.now()),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return String(row.id);
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
    return rows.map((r) => ({
      id: String(r.id),
      reporter: accounts.get(r.account_id),
      target: accounts.get(r.target_account_id),
      status: r.status_id ? statuses.get(r.status_id) : undefined,
      reason: r.reason,
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
