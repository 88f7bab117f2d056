// FiledReport -> Mastodon Report JSON (docs: Entities > Report), as its reporter sees it. Times are
// the day (Publius keeps no finer one); forwarding does not exist until federation does.
import type { FiledReport } from "../../services/moderation/moderation.ts";
import { accountToApi } from "./account.ts";

export function reportToApi(origin: string, r: FiledReport) {
  return {
    id: r.id,
    action_taken: r.state === "resolved",
    action_taken_at: null,
    category: r.category,
    comment: r.comment,
    forwarded: false,
    created_at: `${r.createdDay}T00:00:00.000Z`,
    status_ids: r.statusIds.length ? r.statusIds : null,
    // The server has no rules to cite.
    rule_ids: null,
    target_account: accountToApi(origin, r.target),
  };
}
