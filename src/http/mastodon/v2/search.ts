// GET /api/v2/search (docs: Methods > search). Public without `resolve` or `offset`, as in Mastodon 4;
// with a user token it needs read:search. There is nothing remote to resolve: `resolve` only decides
// whether a token is needed. /api/v1/search was removed in Mastodon 3.0 and is not offered.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { PubliusError } from "../../../domain/errors.ts";
import { searchToApi } from "../../../present/mastodon/search.ts";
import type { SearchOptions, SearchResults } from "../../../services/search/search.ts";
import { bool, int, paramsOf, str } from "../params.ts";
import { optionalUser } from "../plugin.ts";

const TYPES = new Set(["accounts", "statuses", "hashtags"]);

export function searchRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { search, timelines } = ctx.services;
  const origin = ctx.config.publicUrl;

  api.get("/api/v2/search", async (request) => {
    const viewer = optionalUser(request, "read:search");
    const p = paramsOf(request);
    const q = str(p, "q", { max: 1000 });
    if (q === undefined) throw new PubliusError(400, "Missing parameter: q");
    const resolve = bool(p, "resolve");
    const offset = int(p, "offset", { min: 0 });
    if (!viewer && offset !== undefined) {
      throw new PubliusError(401, "Search queries pagination is not supported without authentication");
    }
    if (!viewer && resolve) {
      throw new PubliusError(
        401,
        "Search queries that resolve remote resources are not supported without authentication",
      );
    }
    const type = str(p, "type") || undefined;
    const empty = { accounts: [], statuses: [], hashtags: [] };
    // An unknown type matches nothing, as in Mastodon.
    if (type !== undefined && !TYPES.has(type)) return empty;
    const signedIn = { signedIn: viewer !== null };

    // With resolve, a link to a post or profile here is looked up (there is nowhere else to look).
    const local = resolve && viewer ? localLink(ctx.config.publicUrl, q.trim()) : undefined;
    if (local) {
      const results: SearchResults = { accounts: [], statuses: [], hashtags: [] };
      if (local.statusId && (!type || type === "statuses")) {
        const status = await timelines.status(viewer, local.statusId).catch(() => undefined);
        if (status && !status.reblog && status.account.handle.toLowerCase() === local.handle)
          results.statuses.push(status);
      } else if (!local.statusId && (!type || type === "accounts")) {
        const [account] = await search.accounts(viewer, local.handle, 1);
        if (account && account.handle.toLowerCase() === local.handle) results.accounts.push(account);
      }
      return searchToApi(origin, results, signedIn);
    }

    const results = await search.search(viewer, localAcct(ctx.config.publicUrl, q), {
      type: type as SearchOptions["type"],
      limit: int(p, "limit", { min: 1, max: 40 }) ?? 20,
      offset: offset ?? 0,
      following: bool(p, "following"),
      accountId: str(p, "account_id") || undefined,
    });
    return searchToApi(origin, results, signedIn);
  });
}

/** `@handle@this-host` (as apps write a full address) is the local `handle`. */
function localAcct(publicUrl: string, q: string): string {
  const m = q.trim().match(/^@?([A-Za-z0-9_]{1,30})@([^@\s]+)$/);
  if (m && m[2]?.toLowerCase() === new URL(publicUrl).host.toLowerCase()) return m[1] as string;
  return q;
}

/** A profile (/@handle, /users/handle) or post (/@handle/id, /users/handle/statuses/id) URL here. */
function localLink(publicUrl: string, q: string): { handle: string; statusId?: string } | undefined {
  let url: URL;
  try {
    url = new URL(q);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(publicUrl).origin) return undefined;
  const m =
    url.pathname.match(/^\/@([A-Za-z0-9_]{1,30})(?:\/(\d{1,20}))?\/?$/) ??
    url.pathname.match(/^\/users\/([A-Za-z0-9_]{1,30})(?:\/statuses\/(\d{1,20}))?\/?$/);
  if (!m) return undefined;
  const handle = (m[1] as string).toLowerCase();
  return m[2] ? { handle, statusId: m[2] } : { handle };
}
