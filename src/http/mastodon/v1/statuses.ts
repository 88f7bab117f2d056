// /api/v1/statuses/* (docs: Methods > statuses): posting, reading, editing and deleting posts, the
// thread around one, and what a person does to one (repost, like, bookmark, pin).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../../../context.ts";
import { notFound, PubliusError, unprocessable } from "../../../domain/errors.ts";
import { accountToApi } from "../../../present/mastodon/account.ts";
import { contextToApi } from "../../../present/mastodon/context.ts";
import { scheduledStatusToApi } from "../../../present/mastodon/scheduled.ts";
import { statusEditToApi, statusSourceToApi, statusToApi } from "../../../present/mastodon/status.ts";
import type { MediaAttributeChange } from "../../../services/statuses/posting.ts";
import { bool, type Params, type ParamValue, pageParams, paramsOf, str, strings } from "../params.ts";
import { optionalUser, requireToken, requireUser, setLinkHeader } from "../plugin.ts";
import { scheduledMedia } from "./scheduled.ts";

type ById = { Params: { id: string } };

/** Mastodon's DEFAULT_STATUSES_LIMIT: the most ids GET /api/v1/statuses takes at once. */
const MAX_IDS = 20;
/** What an anonymous reader gets of a thread below a post (Mastodon 4: 60 descendants). */
const ANONYMOUS_DESCENDANTS = 60;
const MAX_TEXT = 10_000;

/** Polls are not available: say so rather than posting without the poll. */
function refusePoll(p: Params): void {
  if (Object.keys(p).some((k) => k === "poll" || k.startsWith("poll["))) {
    throw unprocessable("Polls are not available on this server");
  }
}

/** Someone else's post answers 404 to edit and delete, as in Mastodon (never 403: it says nothing). */
async function ownOnly<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof PubliusError && e.status === 403) throw notFound();
    throw e;
  }
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const h = request.headers["idempotency-key"];
  return typeof h === "string" && h.trim() !== "" ? h : undefined;
}

/**
 * media_attributes[]: [{id, description, focus}] as JSON, or as form fields
 * `media_attributes[][id]=…&media_attributes[][description]=…` (which arrive as parallel objects).
 */
function mediaAttributes(p: Params): MediaAttributeChange[] | undefined {
  let raw = p.media_attributes;
  if (raw === undefined) raw = formMediaAttributes(p);
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) ? raw : typeof raw === "object" && !("kind" in raw) ? Object.values(raw) : [raw];
  if (list.length > 4) throw unprocessable("media_attributes: at most 4 images");
  return list.map((item) => {
    if (!item || typeof item !== "object" || Array.isArray(item) || "kind" in item) {
      throw unprocessable("media_attributes must be a list of objects with an id");
    }
    const entry = item as Params;
    const id = str(entry, "id", { max: 30 });
    if (!id) throw unprocessable("media_attributes: each entry needs an id");
    const description = entry.description === null ? null : str(entry, "description", { max: 10_000 });
    return { id, description, focus: str(entry, "focus", { max: 50 }) };
  });
}

/** Form fields media_attributes[][id] / media_attributes[0][id] … gathered into a list of objects. */
function formMediaAttributes(p: Params): ParamValue | undefined {
  const entries = new Map<string, Record<string, ParamValue>>();
  for (const [key, value] of Object.entries(p)) {
    const m = /^media_attributes\[(\d*)\]\[(id|description|focus)\]$/.exec(key);
    if (!m || value === undefined) continue;
    const values = m[1] === "" && Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      const slot = m[1] === "" ? String(i) : (m[1] as string);
      const entry = entries.get(slot) ?? {};
      entry[m[2] as string] = v;
      entries.set(slot, entry);
    });
  }
  if (entries.size === 0) return undefined;
  return [...entries.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, e]) => e);
}

export function statusRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { posting, interactions, collections, timelines, scheduling } = ctx.services;
  const origin = ctx.config.publicUrl;

  api.post("/api/v1/statuses", async (request) => {
    const viewer = requireUser(request, "write:statuses");
    const p = paramsOf(request);
    const scheduledAt = str(p, "scheduled_at");
    let publishAt: Date | undefined;
    if (scheduledAt !== undefined && scheduledAt !== "") {
      publishAt = new Date(scheduledAt);
      if (Number.isNaN(publishAt.getTime())) throw unprocessable("scheduled_at must be an ISO 8601 date-time");
    }
    refusePoll(p);
    let inReplyToId = str(p, "in_reply_to_id") || undefined;
    if (inReplyToId) {
      const parent = await timelines.status(viewer, inReplyToId).catch((e: unknown) => {
        if (e instanceof PubliusError && e.status === 404) {
          throw new PubliusError(404, "The post you are trying to reply to does not appear to exist.");
        }
        throw e;
      });
      // A reply to a repost answers the post it reposts.
      inReplyToId = parent.reblog?.id ?? parent.id;
    }
    // With scheduled_at, or a publishing delay set on the account, the post waits in the queue and
    // the answer is a ScheduledStatus, as Mastodon answers scheduled posts.
    const submitted = await scheduling.submit(
      viewer,
      {
        text: str(p, "status", { max: MAX_TEXT }) ?? "",
        spoilerText: str(p, "spoiler_text", { max: MAX_TEXT }),
        sensitive: bool(p, "sensitive"),
        visibility: str(p, "visibility") || undefined,
        language: str(p, "language") || undefined,
        inReplyToId,
        mediaIds: strings(p, "media_ids"),
        idempotencyKey: idempotencyKey(request),
      },
      publishAt,
    );
    if (submitted.kind === "published") return statusToApi(origin, submitted.status);
    const media = await scheduledMedia(ctx, viewer.accountId, submitted.scheduled.params.mediaIds);
    return scheduledStatusToApi(origin, submitted.scheduled, media);
  });

  // Several posts at once (Mastodon 4.3); those missing or hidden are left out.
  api.get("/api/v1/statuses", async (request) => {
    const viewer = optionalUser(request, "read:statuses");
    const ids = [...new Set(strings(paramsOf(request), "id") ?? [])];
    if (ids.length > MAX_IDS) throw unprocessable(`At most ${MAX_IDS} ids at once`);
    const statuses = await timelines.statuses(viewer, ids);
    return statuses.map((s) => statusToApi(origin, s));
  });

  api.get<ById>("/api/v1/statuses/:id", async (request) => {
    const viewer = optionalUser(request, "read:statuses");
    return statusToApi(origin, await timelines.status(viewer, request.params.id));
  });

  // Answers with the post and its source text, for delete-and-redraft. Its images are kept
  // (detached) for a redraft unless delete_media is true.
  api.delete<ById>("/api/v1/statuses/:id", async (request) => {
    const viewer = requireUser(request, "write:statuses");
    const keepMedia = bool(paramsOf(request), "delete_media") !== true;
    const status = await ownOnly(posting.delete(viewer, request.params.id, { keepMedia }));
    return statusToApi(origin, status, { withSource: true });
  });

  api.put<ById>("/api/v1/statuses/:id", async (request) => {
    const viewer = requireUser(request, "write:statuses");
    const p = paramsOf(request);
    refusePoll(p);
    const status = await ownOnly(
      posting.edit(viewer, request.params.id, {
        text: str(p, "status", { max: MAX_TEXT }) ?? "",
        spoilerText: str(p, "spoiler_text", { max: MAX_TEXT }),
        sensitive: bool(p, "sensitive"),
        language: str(p, "language") || undefined,
        mediaIds: strings(p, "media_ids"),
        mediaAttributes: mediaAttributes(p),
      }),
    );
    return statusToApi(origin, status);
  });

  // Every version, oldest first, each with its images and their descriptions as they were then
  // (versions kept before media edits existed show today's images).
  api.get<ById>("/api/v1/statuses/:id/history", async (request) => {
    const viewer = optionalUser(request, "read:statuses");
    const edits = await posting.history(viewer, request.params.id);
    const status = await timelines.status(viewer, request.params.id);
    return edits.map((e) => statusEditToApi(origin, e, status.media));
  });

  // Any token with read:statuses (app tokens too), for a post the caller may see.
  api.get<ById>("/api/v1/statuses/:id/source", async (request) => {
    requireToken(request);
    const viewer = optionalUser(request, "read:statuses");
    return statusSourceToApi(await timelines.status(viewer, request.params.id));
  });

  api.get<ById>("/api/v1/statuses/:id/context", async (request) => {
    const viewer = optionalUser(request, "read:statuses");
    const thread = await timelines.context(viewer, request.params.id);
    return contextToApi(origin, {
      ancestors: thread.ancestors,
      descendants: viewer ? thread.descendants : thread.descendants.slice(0, ANONYMOUS_DESCENDANTS),
    });
  });

  api.post<ById>("/api/v1/statuses/:id/reblog", async (request) => {
    const viewer = requireUser(request, "write:statuses");
    const visibility = str(paramsOf(request), "visibility") || undefined;
    return statusToApi(origin, await interactions.reblog(viewer, request.params.id, { visibility }));
  });

  const action = (
    path: string,
    scope: string,
    run: (viewer: ReturnType<typeof requireUser>, id: string) => Promise<Parameters<typeof statusToApi>[1]>,
  ) => {
    api.post<ById>(`/api/v1/statuses/:id/${path}`, async (request) => {
      const viewer = requireUser(request, scope);
      return statusToApi(origin, await run(viewer, request.params.id));
    });
  };
  action("unreblog", "write:statuses", (v, id) => interactions.unreblog(v, id));
  action("favourite", "write:favourites", (v, id) => interactions.favourite(v, id));
  action("unfavourite", "write:favourites", (v, id) => interactions.unfavourite(v, id));
  action("bookmark", "write:bookmarks", (v, id) => collections.bookmark(v, id));
  action("unbookmark", "write:bookmarks", (v, id) => collections.unbookmark(v, id));
  action("pin", "write:accounts", (v, id) => collections.pin(v, id));
  action("unpin", "write:accounts", (v, id) => collections.unpin(v, id));

  api.get<ById>("/api/v1/statuses/:id/reblogged_by", async (request, reply) => {
    const viewer = optionalUser(request, "read:statuses");
    const page = pageParams(paramsOf(request), { limit: 40, max: 80 });
    const result = await collections.rebloggedBy(viewer, request.params.id, page);
    setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
    return result.accounts.map((a) => accountToApi(origin, a));
  });

  api.get<ById>("/api/v1/statuses/:id/favourited_by", async (request, reply) => {
    const viewer = optionalUser(request, "read:statuses");
    const page = pageParams(paramsOf(request), { limit: 40, max: 80 });
    const result = await collections.favouritedBy(viewer, request.params.id, page);
    setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
    return result.accounts.map((a) => accountToApi(origin, a));
  });
}
