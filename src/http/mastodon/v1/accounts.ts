// /api/v1/accounts/* (docs: Methods > accounts): registration, own credentials, profiles, posts,
// followers/following, relationships, follow/block/mute, lookup and search.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../../../context.ts";
import type { Account, Viewer } from "../../../domain/account.ts";
import { notFound, PubliusError, unprocessable } from "../../../domain/errors.ts";
import { hasScope } from "../../../domain/scopes.ts";
import { accountToApi, credentialAccountToApi } from "../../../present/mastodon/account.ts";
import { tokenToApi } from "../../../present/mastodon/app.ts";
import { relationshipToApi, statusToApi } from "../../../present/mastodon/status.ts";
import type { OwnAccount } from "../../../services/accounts/preferences.ts";
import { limitSignUps } from "../../rate-limit.ts";
import { bool, file, int, type Params, type ParamValue, pageParams, paramsOf, str, strings } from "../params.ts";
import { optionalUser, requireToken, requireUser, setLinkHeader } from "../plugin.ts";

const ID = /^\d{1,20}$/;

/** One of Mastodon's validation error codes for POST /api/v1/accounts. */
type ErrorCode =
  | "ERR_BLANK"
  | "ERR_INVALID"
  | "ERR_TAKEN"
  | "ERR_RESERVED"
  | "ERR_ACCEPTED"
  | "ERR_TOO_LONG"
  | "ERR_TOO_SHORT";
type Details = Record<string, { error: ErrorCode; description: string }[]>;

/** verify_credentials: the `profile` scope or `read:accounts` (Mastodon 4.3). */
function requireProfileReader(request: FastifyRequest): Viewer {
  const api = request.api;
  if (api && hasScope(api.token.scopes, "profile")) {
    if (!api.viewer) throw new PubliusError(422, "This method requires an authenticated user");
    return api.viewer;
  }
  return requireUser(request, "read:accounts");
}

/** `source[privacy]` arrives flat (form, multipart) or nested (JSON). */
function sourceParams(p: Params): Params {
  const nested = p.source;
  const inner =
    nested && typeof nested === "object" && !Array.isArray(nested) && !("kind" in nested)
      ? (nested as Record<string, ParamValue>)
      : {};
  const pick = (k: string) => p[`source[${k}]`] ?? inner[k];
  return { privacy: pick("privacy"), sensitive: pick("sensitive"), language: pick("language") };
}

export function accountRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { accounts, media, oauth, preferences, relationships, timelines, search } = ctx.services;
  const origin = ctx.config.publicUrl;
  const host = new URL(origin).host.toLowerCase();

  const credentials = (own: OwnAccount) =>
    credentialAccountToApi(origin, own.account, own.preferences, own.followRequestsCount);

  /** An active, unsuspended account, or Mastodon's 404. */
  async function visible(id: string): Promise<Account> {
    if (!ID.test(id)) throw notFound();
    try {
      return await accounts.visibleById(id);
    } catch (e) {
      if (e instanceof PubliusError && e.status === 404) throw notFound();
      throw e;
    }
  }

  // --- Registration -------------------------------------------------------------------------------

  // An app token with write:accounts. `email`, which Mastodon requires and apps always send, is never
  // read: Publius keeps no e-mail address (nor `locale`, which only chose the confirmation e-mail).
  api.post("/api/v1/accounts", { preHandler: limitSignUps }, async (request, reply) => {
    const { token } = requireToken(request);
    if (!hasScope(token.scopes, "write:accounts")) {
      throw new PubliusError(403, "This action is outside the authorized scopes");
    }
    const p = paramsOf(request);
    const details: Details = {};
    const add = (field: string, error: ErrorCode, description: string) => {
      const list = details[field] ?? [];
      list.push({ error, description });
      details[field] = list;
    };
    // An app cannot solve the sign-up page's proof of work: with it on, open registration through the
    // API is the page's fallback — an invite code admits, otherwise the staff approve.
    const mode =
      ctx.config.registration === "open" && ctx.config.signupPowBits > 0 ? "approval" : ctx.config.registration;
    const username = (str(p, "username", { max: 200 }) ?? "").trim();
    const password = str(p, "password", { max: 1000 }) ?? "";
    const reason = (str(p, "reason", { max: 5000 }) ?? "").trim();
    const inviteCode = (str(p, "invite_code", { max: 200 }) ?? "").trim();
    let agreement: boolean | undefined;
    try {
      agreement = bool(p, "agreement");
    } catch {
      agreement = false;
    }

    if (!username) add("username", "ERR_BLANK", "can't be blank");
    else {
      const problem = accounts.handleProblem(username);
      if (problem) {
        add(
          "username",
          /reserved/i.test(problem) ? "ERR_RESERVED" : username.length > 30 ? "ERR_TOO_LONG" : "ERR_INVALID",
          problem,
        );
      }
    }
    if (!password) add("password", "ERR_BLANK", "can't be blank");
    else {
      const problem = accounts.passwordProblem(password, username);
      if (problem) {
        add(
          "password",
          /at least/.test(problem) ? "ERR_TOO_SHORT" : /at most/.test(problem) ? "ERR_TOO_LONG" : "ERR_INVALID",
          problem,
        );
      }
    }
    if (agreement !== true) add("agreement", "ERR_ACCEPTED", "must be accepted");
    if (mode === "approval" && !inviteCode) {
      if (!reason) add("reason", "ERR_BLANK", "Tell the staff briefly why you would like to join.");
      else if (reason.length > 1000) add("reason", "ERR_TOO_LONG", "At most 1,000 characters, please.");
    }
    if (mode === "invite" && !inviteCode)
      add("invite_code", "ERR_BLANK", "An invite code is needed to join this server.");

    let account: Account | undefined;
    if (Object.keys(details).length === 0) {
      try {
        account = await accounts.register({ handle: username, password, reason, inviteCode }, { mode });
      } catch (e) {
        if (!(e instanceof PubliusError) || e.status !== 422) throw e;
        const fields = e.fields ?? {};
        if (fields.handle) add("username", /taken/i.test(fields.handle) ? "ERR_TAKEN" : "ERR_INVALID", fields.handle);
        if (fields.invite) add("invite_code", "ERR_INVALID", fields.invite);
        if (fields.password) add("password", "ERR_INVALID", fields.password);
        if (fields.reason) add("reason", "ERR_INVALID", fields.reason);
        if (Object.keys(details).length === 0) add("base", "ERR_INVALID", e.publicMessage);
      }
    }
    if (!account) {
      const summary = Object.entries(details)
        .flatMap(([field, list]) => list.map((d) => `${field} ${d.description}`))
        .join(", ");
      return reply.status(422).send({ error: `Validation failed: ${summary}`, details });
    }
    // As in Mastodon, a pending account gets its token now; it works once the staff approve.
    const app = await oauth.appById(token.appId);
    const issued = await oauth.issue(token.appId, account.id, app?.scopes.length ? app.scopes : token.scopes);
    return tokenToApi(issued.token, issued.record);
  });

  // --- Own account -------------------------------------------------------------------------------

  api.get("/api/v1/accounts/verify_credentials", async (request) => {
    const viewer = requireProfileReader(request);
    return credentials(await preferences.ownAccount(viewer));
  });

  const pictures = { config: { upload: { scope: "write:accounts", files: 2 } } };
  api.patch("/api/v1/accounts/update_credentials", pictures, async (request) => {
    const viewer = requireUser(request, "write:accounts");
    const p = paramsOf(request);
    const source = sourceParams(p);
    const avatar = file(p, "avatar");
    const header = file(p, "header");
    // bot, hide_collections, indexable and fields_attributes do not exist in Publius and are
    // ignored. discoverable lists the account in the directory (GET /api/v1/directory). Avatar and header are re-encoded by the media service (no metadata kept).
    const own = await preferences.updateOwnAccount(
      viewer,
      {
        displayName: str(p, "display_name", { max: 1000 }),
        note: str(p, "note", { max: 5000 }),
        locked: bool(p, "locked"),
        discoverable: bool(p, "discoverable"),
      },
      {
        visibility: str(source, "privacy", { max: 50 }),
        sensitive: bool(source, "sensitive"),
        language: str(source, "language", { max: 50 }),
      },
      avatar || header
        ? async () => {
            if (avatar) await media.processProfileImage(viewer, avatar.data, "avatar");
            if (header) await media.processProfileImage(viewer, header.data, "header");
          }
        : undefined,
    );
    return credentials(own);
  });

  // Back to the default pictures (Mastodon 4.2: DELETE /api/v1/profile/avatar|header).
  for (const kind of ["avatar", "header"] as const) {
    api.delete(`/api/v1/profile/${kind}`, async (request) => {
      const viewer = requireUser(request, "write:accounts");
      await media.removeProfileImage(viewer, kind);
      return credentials(await preferences.ownAccount(viewer));
    });
  }

  // --- Relationships, lookup, search (static paths before /:id) ------------------------------------

  api.get("/api/v1/accounts/relationships", async (request) => {
    const viewer = requireUser(request, "read:follows");
    const p = paramsOf(request);
    const ids = [...new Set((strings(p, "id") ?? []).filter((id) => ID.test(id)))].slice(0, 100);
    if (ids.length === 0) return [];
    // Only accounts that exist and are visible, in the order asked (with_suspended is ignored).
    const found = new Set<string>();
    for (const id of ids) {
      try {
        await visible(id);
        found.add(id);
      } catch (e) {
        if (!(e instanceof PubliusError) || e.status !== 404) throw e;
      }
    }
    const list = await relationships.relationships(
      viewer,
      ids.filter((id) => found.has(id)),
    );
    return list.map(relationshipToApi);
  });

  api.get("/api/v1/accounts/lookup", async (request) => {
    optionalUser(request, "read:accounts");
    const acct = (str(paramsOf(request), "acct", { max: 300 }) ?? "").trim().replace(/^@/, "");
    const [handle, domain] = acct.split("@");
    if (!handle || (domain !== undefined && domain.toLowerCase() !== host)) throw notFound();
    try {
      return accountToApi(origin, await accounts.visibleByHandle(handle));
    } catch (e) {
      if (e instanceof PubliusError && e.status === 404) throw notFound();
      throw e;
    }
  });

  api.get("/api/v1/accounts/search", async (request) => {
    const viewer = requireUser(request, "read:accounts");
    const p = paramsOf(request);
    // resolve is accepted and ignored: there is no federation to resolve against.
    const q = (str(p, "q", { max: 300 }) ?? "")
      .trim()
      .replace(new RegExp(`@${host.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "i"), "");
    if (!q) return [];
    const limit = int(p, "limit", { min: 1, max: 80 }) ?? 40;
    const offset = int(p, "offset", { min: 0 }) ?? 0;
    const found = await search.accounts(viewer, q, limit, offset, { following: bool(p, "following") ?? false });
    return found.map((a) => accountToApi(origin, a));
  });

  // --- Other accounts ----------------------------------------------------------------------------

  // Several accounts at once (Mastodon 4.3, masto's accounts.fetch); those missing, pending or
  // suspended are left out.
  api.get("/api/v1/accounts", async (request) => {
    optionalUser(request, "read:accounts");
    const ids = [...new Set((strings(paramsOf(request), "id") ?? []).filter((id) => ID.test(id)))];
    if (ids.length > 40) throw unprocessable("At most 40 ids at once");
    const found: Account[] = [];
    for (const id of ids) {
      try {
        found.push(await visible(id));
      } catch (e) {
        if (!(e instanceof PubliusError) || e.status !== 404) throw e;
      }
    }
    return found.map((a) => accountToApi(origin, a));
  });

  api.get<{ Params: { id: string } }>("/api/v1/accounts/:id", async (request) => {
    optionalUser(request, "read:accounts");
    return accountToApi(origin, await visible(request.params.id));
  });

  api.get<{ Params: { id: string } }>("/api/v1/accounts/:id/statuses", async (request, reply) => {
    const viewer = optionalUser(request, "read:statuses");
    const account = await visible(request.params.id);
    const p = paramsOf(request);
    const statuses = await timelines.profile(viewer, account.id, pageParams(p, { limit: 20, max: 40 }), {
      onlyMedia: bool(p, "only_media"),
      excludeReplies: bool(p, "exclude_replies"),
      excludeReblogs: bool(p, "exclude_reblogs"),
      pinned: bool(p, "pinned"),
      tagged: str(p, "tagged", { max: 100 }) || undefined,
    });
    setLinkHeader(ctx, request, reply, { newest: statuses[0]?.id, oldest: statuses.at(-1)?.id });
    return statuses.map((s) => statusToApi(origin, s));
  });

  for (const which of ["followers", "following"] as const) {
    api.get<{ Params: { id: string } }>(`/api/v1/accounts/:id/${which}`, async (request, reply) => {
      optionalUser(request, "read:accounts");
      const account = await visible(request.params.id);
      const page = pageParams(paramsOf(request), { limit: 40, max: 80 });
      const result =
        which === "followers"
          ? await relationships.followers(account.id, page)
          : await relationships.following(account.id, page);
      // Paging runs on the follow's own id, which only the Link header carries.
      setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
      return result.accounts.map((a) => accountToApi(origin, a));
    });
  }

  // Features Publius does not have: their empty answers.
  api.get<{ Params: { id: string } }>("/api/v1/accounts/:id/identity_proofs", async (request) => {
    await visible(request.params.id);
    return [];
  });

  // --- Follow, block, mute -----------------------------------------------------------------------

  const actions = [
    // reblogs, notify and languages are accepted and ignored: Publius has no per-follow settings.
    ["follow", "write:follows", (v: Viewer, id: string) => relationships.follow(v, id)],
    ["unfollow", "write:follows", (v: Viewer, id: string) => relationships.unfollow(v, id)],
    ["block", "write:blocks", (v: Viewer, id: string) => relationships.block(v, id)],
    ["unblock", "write:blocks", (v: Viewer, id: string) => relationships.unblock(v, id)],
    ["mute", "write:mutes", (v: Viewer, id: string) => relationships.mute(v, id)],
    ["unmute", "write:mutes", (v: Viewer, id: string) => relationships.unmute(v, id)],
  ] as const;
  for (const [name, scope, run] of actions) {
    api.post<{ Params: { id: string } }>(`/api/v1/accounts/:id/${name}`, async (request) => {
      const viewer = requireUser(request, scope);
      const account = await visible(request.params.id);
      if (name === "mute") {
        // A Publius mute always covers notifications too and never expires.
        const duration = int(paramsOf(request), "duration", { min: 0 });
        if (duration) throw unprocessable("Mutes on this server do not expire; send duration 0 or leave it out.");
      }
      return relationshipToApi(await run(viewer, account.id));
    });
  }

  // A private note about an account, shown only to its writer (Relationship.note). "" deletes it.
  api.post<{ Params: { id: string } }>("/api/v1/accounts/:id/note", async (request) => {
    const viewer = requireUser(request, "write:accounts");
    const account = await visible(request.params.id);
    const comment = str(paramsOf(request), "comment", { max: 100_000 }) ?? "";
    return relationshipToApi(await relationships.setNote(viewer, account.id, comment));
  });
}
