// Search results -> Mastodon Search JSON (docs: Entities > Search).
import type { SearchResults } from "../../services/search/search.ts";
import { accountToApi } from "./account.ts";
import { statusToApi } from "./status.ts";
import { tagToApi } from "./tag.ts";

export function searchToApi(origin: string, results: SearchResults, options: { signedIn?: boolean } = {}) {
  return {
    accounts: results.accounts.map((a) => accountToApi(origin, a)),
    statuses: results.statuses.map((s) => statusToApi(origin, s)),
    hashtags: results.hashtags.map((t) => tagToApi(origin, t.name, options)),
  };
}
