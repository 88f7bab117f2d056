// POST /api/v1/reports (docs: Methods > reports): into the same moderation queue as the web's
// Report links (services/moderation). `forward` and `forward_to_domains[]` are accepted and
// ignored: without federation there is no other server to forward to. The server has no rules, so
// `rule_ids[]` must be empty.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { notFound, PubliusError, unprocessable } from "../../../domain/errors.ts";
import { reportToApi } from "../../../present/mastodon/report.ts";
import { isReportCategory, REPORT_CATEGORIES } from "../../../services/moderation/moderation.ts";
import { paramsOf, str, strings } from "../params.ts";
import { requireUser } from "../plugin.ts";

const ID = /^\d{1,20}$/;

export function reportRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { moderation } = ctx.services;

  api.post("/api/v1/reports", async (request) => {
    const viewer = requireUser(request, "write:reports");
    const p = paramsOf(request);
    const accountId = str(p, "account_id", { max: 30 });
    if (!accountId) throw unprocessable("account_id is required");
    if (!ID.test(accountId)) throw notFound();
    const category = str(p, "category", { max: 20 }) ?? "other";
    if (!isReportCategory(category)) {
      throw unprocessable(`category must be one of ${REPORT_CATEGORIES.join(", ")}`);
    }
    const ruleIds = strings(p, "rule_ids") ?? [];
    if (ruleIds.length > 0) throw unprocessable("This server has no rules to cite; leave rule_ids out");
    const statusIds = strings(p, "status_ids") ?? [];
    if (statusIds.some((id) => !ID.test(id))) throw notFound("No such post.");
    const comment = str(p, "comment", { max: 5000 }) ?? "";
    let id: string;
    try {
      id = await moderation.report(viewer, { accountId, statusIds, category, reason: comment });
    } catch (e) {
      // Mastodon's wording for an unknown (or hidden) account or post.
      if (e instanceof PubliusError && e.status === 404) throw notFound();
      throw e;
    }
    return reportToApi(ctx.config.publicUrl, await moderation.ownReport(viewer, id));
  });
}
