// Posting from the web form, with up to four images, and the profile pictures from Settings →
// Profile. These routes take multipart bodies (files), parsed by the one parser (http/multipart.ts)
// in a scope of their own: only a signed-in person's body is read, and only on these routes.
//
// Images go through the same media service as the API (re-encoded, metadata removed, held in
// media_pending until the post is published). Nothing typed is lost: every refusal re-renders the
// form with the text, and images already received are kept (by id) so they need not be chosen again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import type { Viewer } from "../../domain/account.ts";
import { PubliusError } from "../../domain/errors.ts";
import { type ComposeValues, composePage, type KeptImage, MAX_IMAGES } from "../../present/web/compose.ts";
import { permalink } from "../../present/web/status.ts";
import { MAX_UPLOAD_BYTES } from "../mastodon/plugin.ts";
import { installMultipart, type UploadBudget } from "../multipart.ts";
import { field, sendPage, sessionCookieName, signedIn, withNotice } from "./request.ts";
import { profileImageRoutes } from "./settings.ts";

/** A file from a web form, as the multipart parser hands it to the handler. */
export interface WebUpload {
  kind: "web-file";
  filename: string;
  data: Buffer;
}

export function isWebUpload(value: unknown): value is WebUpload {
  return typeof value === "object" && value !== null && (value as WebUpload).kind === "web-file";
}

/** Every value of a field given any number of times. */
export function fieldList(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

const megabytes = (n: number) => Math.floor(n / (1024 * 1024));

export async function webUploadRoutes(app: FastifyInstance, ctx: AppContext, budget: UploadBudget): Promise<void> {
  await app.register(async (scope) => {
    installMultipart(
      scope,
      budget,
      async (request) => {
        const rule = request.routeOptions.config.upload;
        if (!rule) return { files: 0, fileBytes: 0 };
        // Who is asking is known before a byte of the body is read; the CSRF token in the body is
        // checked by the web hook once it is parsed.
        request.auth = await ctx.services.sessions.resolve(request.cookies[sessionCookieName(ctx)]);
        signedIn(request);
        return {
          files: rule.files,
          fileBytes: MAX_UPLOAD_BYTES,
          tooLarge: (limit) =>
            new PubliusError(413, `An image is larger than ${megabytes(limit)} MB. Go back and choose a smaller one.`),
        };
      },
      (f): WebUpload => ({ kind: "web-file", filename: f.filename, data: f.data }),
    );
    composeRoute(scope, ctx);
    profileImageRoutes(scope, ctx);
  });
}

function composeRoute(app: FastifyInstance, ctx: AppContext): void {
  const { accounts, scheduling } = ctx.services;

  // An expired form (a tab left open overnight): the text comes back with a fresh token; files are
  // not kept (nothing from a request that failed its token is processed).
  const refill = async (request: FastifyRequest, reply: FastifyReply, message: string) => {
    const body = request.body;
    const values: ComposeValues = {
      text: field(body, "text"),
      spoilerText: field(body, "spoiler_text"),
      visibility: field(body, "visibility") || "public",
      inReplyToId: field(body, "in_reply_to_id"),
      idempotency: field(body, "idempotency"),
      publishAt: field(body, "publish_at"),
      sensitive: field(body, "sensitive") === "1",
      alts: [1, 2, 3, 4].map((n) => field(body, `alt${n}`)).filter((a) => a !== ""),
    };
    const hadFiles =
      Object.values((body as Record<string, unknown>) ?? {}).some(isWebUpload) ||
      fieldList(body, "media_id").length > 0;
    const error = `This form has expired or did not come from this site. Nothing was published; your text is below: publish it again${hadFiles ? " (and choose the images again)" : ""}.`;
    void message;
    return sendPage(ctx, request, reply, "New post", (pc) => composePage(pc, { values, error }), 403);
  };

  app.post("/statuses", { config: { upload: { files: MAX_IMAGES }, refill } }, async (request, reply) => {
    const { viewer } = signedIn(request);
    const body = request.body;
    const values: ComposeValues = {
      text: field(body, "text"),
      spoilerText: field(body, "spoiler_text"),
      visibility: field(body, "visibility") || "public",
      inReplyToId: field(body, "in_reply_to_id"),
      idempotency: field(body, "idempotency"),
      publishAt: field(body, "publish_at"),
      sensitive: field(body, "sensitive") === "1",
      kept: [],
      alts: [],
    };
    const altRequired = !(await accounts.altTextOptional(viewer));
    const refuse = (message: string, fields?: Record<string, string>, status = 422) =>
      sendPage(
        ctx,
        request,
        reply,
        "New post",
        (pc) => composePage(pc, { values, error: message, fields, altRequired }),
        status,
      );
    try {
      const problems = await receiveImages(ctx, viewer, body, values);
      if (problems.length) return await refuse(problems.join(" "), { media: problems.join(" ") });
      const kept = values.kept ?? [];
      if (altRequired && kept.some((k) => k.description.trim() === "")) {
        const n = kept.filter((k) => k.description.trim() === "").length;
        return await refuse(
          `Describe ${n === 1 ? "the image" : `the ${n} images`} without a description: what it shows, for people who cannot see it. (Settings → Profile lets you post without.)`,
          { media: "Every image needs a description." },
        );
      }
      const publishAt = parsePublishAt(values.publishAt ?? "");
      const submitted = await scheduling.submit(
        viewer,
        {
          text: values.text,
          spoilerText: values.spoilerText,
          visibility: values.visibility,
          inReplyToId: values.inReplyToId || undefined,
          idempotencyKey: values.idempotency || undefined,
          mediaIds: kept.map((k) => k.id),
          sensitive: values.sensitive,
        },
        publishAt,
      );
      if (submitted.kind === "scheduled") return reply.redirect(withNotice("/scheduled", "queued"), 303);
      return reply.redirect(withNotice(permalink(submitted.status), "posted"), 303);
    } catch (e) {
      // 429 (the posting limit) is a refusal like any other: the text stays.
      if (!(e instanceof PubliusError) || (e.status !== 422 && e.status !== 429)) throw e;
      if (e.status === 429 && e.headers?.["retry-after"]) reply.header("retry-after", e.headers["retry-after"]);
      return refuse(e.publicMessage, e.fields, e.status);
    }
  });
}

function parsePublishAt(raw: string): Date | undefined {
  if (raw.trim() === "") return undefined;
  // datetime-local has no zone; the form says UTC.
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(raw.trim());
  const at = m ? new Date(`${m[1]}T${m[2]}${m[3] ?? ":00"}Z`) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw new PubliusError(422, "Give the time to publish as a date and a time.", {
      fields: { scheduled_at: "A date and a time, e.g. 2026-12-01T09:30." },
    });
  }
  return at;
}

/**
 * The images of a compose form: those received before (described anew, or removed) and the new
 * files, each uploaded through the media service. Fills `values.kept` (and, for files that could not
 * be read, `values.alts` so their descriptions stay); returns what went wrong, one sentence each.
 */
async function receiveImages(ctx: AppContext, viewer: Viewer, body: unknown, values: ComposeValues): Promise<string[]> {
  const { media } = ctx.services;
  const problems: string[] = [];
  const kept: KeptImage[] = [];
  const removed = new Set(fieldList(body, "media_remove"));
  const earlier = [...new Set(fieldList(body, "media_id"))].slice(0, MAX_IMAGES);
  for (const id of earlier) {
    if (removed.has(id)) {
      await media.delete(viewer, id).catch(() => {});
      continue;
    }
    try {
      const m = await media.update(viewer, id, { description: field(body, `media_alt_${id}`).trim() || null });
      kept.push(keptOf(m));
    } catch (e) {
      if (!(e instanceof PubliusError) || (e.status !== 404 && e.status !== 422)) throw e;
      if (e.status === 422) problems.push(e.publicMessage);
      // 404: an upload left for a day is purged; the person is told to choose it again.
      else problems.push("An image received earlier is no longer here; choose it again.");
    }
  }
  const files: { slot: number; file: WebUpload; alt: string }[] = [];
  for (let slot = 1; slot <= MAX_IMAGES; slot++) {
    const v = (body as Record<string, unknown> | undefined)?.[`image${slot}`];
    const alt = field(body, `alt${slot}`);
    if (isWebUpload(v)) files.push({ slot, file: v, alt });
    else if (alt.trim() !== "") values.alts?.push(alt);
  }
  if (kept.length + files.length > MAX_IMAGES) {
    problems.push(`A post has at most ${MAX_IMAGES} images.`);
  } else {
    for (const { slot, file, alt } of files) {
      try {
        const m = await media.upload(viewer, file.data, { description: alt.trim() || null });
        kept.push(keptOf(m));
      } catch (e) {
        if (!(e instanceof PubliusError) || (e.status !== 422 && e.status !== 413)) throw e;
        problems.push(`Image ${slot} could not be used: ${e.publicMessage}`);
        values.alts?.push(alt);
      }
    }
  }
  values.kept = kept;
  return problems;
}

function keptOf(m: { id: string; previewFileName: string; width: number; height: number; description: string | null }) {
  return {
    id: m.id,
    previewFileName: m.previewFileName,
    width: m.width,
    height: m.height,
    description: m.description ?? "",
  };
}
