// Composing, reading and acting on posts.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import { notFound, PubliusError } from "../../domain/errors.ts";
import { composePage, defaultCompose, editPage } from "../../present/web/compose.ts";
import { withoutBidiControls } from "../../present/web/format.ts";
import { bookmarksPage, permalink, statusCard } from "../../present/web/status.ts";
import { confirmDeletePage, historyPage, reportPage, threadPage } from "../../present/web/thread.ts";
import { field, pageFrom, safeBack, sendPage, signedIn, withNotice } from "./request.ts";

type IdParams = { Params: { id: string } };

export function statusRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { timelines, posting, interactions, moderation } = ctx.services;

  app.get("/compose", async (request, reply) => {
    const { viewer } = signedIn(request);
    const replyToId = (request.query as Record<string, unknown>).in_reply_to;
    const replyTo = typeof replyToId === "string" && replyToId ? await timelines.status(viewer, replyToId) : undefined;
    const values = defaultCompose();
    if (replyTo) {
      const target = replyTo.reblog ?? replyTo;
      values.inReplyToId = target.id;
      values.visibility = target.visibility;
      const me = request.auth?.account.handle;
      const handles = [target.account.handle, ...target.mentions.map((m) => m.handle)].filter(
        (h, i, all) => h !== me && all.indexOf(h) === i,
      );
      values.text = handles.length ? `${handles.map((h) => `@${h}`).join(" ")} ` : "";
    }
    return sendPage(ctx, request, reply, replyTo ? "Reply" : "New post", (pc) => composePage(pc, { values, replyTo }));
  });

  // A post's own address is under its author; /statuses/:id finds it.
  app.get<IdParams>("/statuses/:id", async (request, reply) => {
    const status = await timelines.status(request.auth?.viewer ?? null, request.params.id);
    return reply.redirect(permalink(status.reblog ?? status), 303);
  });

  app.get<{ Params: { handle: string; id: string } }>("/@:handle/:id", async (request, reply) => {
    const viewer = request.auth?.viewer ?? null;
    const status = await timelines.status(viewer, request.params.id);
    if (status.account.handle.toLowerCase() !== request.params.handle.toLowerCase()) throw notFound();
    if (status.reblog) return reply.redirect(permalink(status.reblog), 303);
    const { ancestors, descendants } = await timelines.context(viewer, status.id);
    const title = `${withoutBidiControls(status.account.displayName) || status.account.handle}: “${status.spoilerText || status.text.slice(0, 40)}”`;
    return sendPage(ctx, request, reply, title, (pc) => threadPage(pc, { status, ancestors, descendants }));
  });

  app.get<{ Params: { handle: string; id: string } }>("/@:handle/:id/history", async (request, reply) => {
    const viewer = request.auth?.viewer ?? null;
    const status = await timelines.status(viewer, request.params.id);
    if (status.reblog || status.account.handle.toLowerCase() !== request.params.handle.toLowerCase()) throw notFound();
    const edits = await posting.history(viewer, status.id);
    return sendPage(ctx, request, reply, "Edit history", (pc) => historyPage(pc, { status, edits }));
  });

  app.get<IdParams>("/statuses/:id/edit", async (request, reply) => {
    const { viewer } = signedIn(request);
    const status = await timelines.status(viewer, request.params.id);
    if (status.account.id !== viewer.accountId || status.reblog)
      throw new PubliusError(403, "You can only edit your own posts.");
    return sendPage(ctx, request, reply, "Edit post", (pc) =>
      editPage(pc, { status, text: status.text, spoilerText: status.spoilerText }),
    );
  });

  app.post<IdParams>("/statuses/:id/edit", async (request, reply) => {
    const { viewer } = signedIn(request);
    const text = field(request.body, "text");
    const spoilerText = field(request.body, "spoiler_text");
    try {
      const status = await posting.edit(viewer, request.params.id, { text, spoilerText });
      return reply.redirect(withNotice(permalink(status), "edited"), 303);
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      const status = await timelines.status(viewer, request.params.id);
      return sendPage(
        ctx,
        request,
        reply,
        "Edit post",
        (pc) => editPage(pc, { status, text, spoilerText, error: e.publicMessage, fields: e.fields }),
        422,
      );
    }
  });

  app.get<IdParams>("/statuses/:id/delete", async (request, reply) => {
    const { viewer } = signedIn(request);
    const status = await timelines.status(viewer, request.params.id);
    if (status.account.id !== viewer.accountId || status.reblog)
      throw new PubliusError(403, "You can only delete your own posts.");
    return sendPage(ctx, request, reply, "Delete post", (pc) => confirmDeletePage(pc, status));
  });

  app.post<IdParams>("/statuses/:id/delete", async (request, reply) => {
    const { viewer, account } = signedIn(request);
    await posting.delete(viewer, request.params.id);
    return reply.redirect(withNotice(`/@${account.handle}`, "deleted"), 303);
  });

  const act = (
    path: string,
    run: (viewer: Parameters<typeof interactions.reblog>[0], id: string) => Promise<unknown>,
  ) =>
    app.post<IdParams>(`/statuses/:id/${path}`, async (request, reply) => {
      const { viewer } = signedIn(request);
      await run(viewer, request.params.id);
      return reply.redirect(safeBack(field(request.body, "back"), `/statuses/${request.params.id}`), 303);
    });
  act("reblog", (v, id) => interactions.reblog(v, id));
  act("unreblog", (v, id) => interactions.unreblog(v, id));
  act("favourite", (v, id) => interactions.favourite(v, id));
  act("unfavourite", (v, id) => interactions.unfavourite(v, id));
  act("bookmark", (v, id) => ctx.services.collections.bookmark(v, id));
  act("unbookmark", (v, id) => ctx.services.collections.unbookmark(v, id));

  app.get("/bookmarks", async (request, reply) => {
    const { viewer } = signedIn(request);
    const page = pageFrom(request.query);
    const found = await ctx.services.collections.bookmarks(viewer, page);
    // One more look past the last: "Older" only when there is something older.
    const older =
      found.oldestId !== undefined &&
      (await ctx.services.collections.bookmarks(viewer, { maxId: found.oldestId, limit: 1 })).statuses.length > 0;
    const newer =
      page.maxId !== undefined ||
      (page.minId !== undefined &&
        found.newestId !== undefined &&
        (await ctx.services.collections.bookmarks(viewer, { minId: found.newestId, limit: 1 })).statuses.length > 0);
    return sendPage(ctx, request, reply, "Bookmarks", (pc) =>
      bookmarksPage(pc, { statuses: found.statuses, newestId: found.newestId, oldestId: found.oldestId, older, newer }),
    );
  });

  app.get<IdParams>("/statuses/:id/report", async (request, reply) => {
    const { viewer } = signedIn(request);
    const status = await timelines.status(viewer, request.params.id);
    return sendPage(ctx, request, reply, "Report a post", (pc) =>
      reportPage(pc, { action: `/statuses/${status.id}/report`, what: statusCard(pc, status, { quoted: true }) }),
    );
  });

  app.post<IdParams>("/statuses/:id/report", async (request, reply) => {
    const { viewer } = signedIn(request);
    const status = await timelines.status(viewer, request.params.id);
    const reason = field(request.body, "reason");
    try {
      await moderation.report(viewer, { statusId: (status.reblog ?? status).id, reason });
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      return sendPage(
        ctx,
        request,
        reply,
        "Report a post",
        (pc) =>
          reportPage(pc, {
            action: `/statuses/${status.id}/report`,
            what: statusCard(pc, status, { quoted: true }),
            error: e.publicMessage,
            reason,
          }),
        422,
      );
    }
    return reply.redirect(withNotice(permalink(status.reblog ?? status), "reported"), 303);
  });
}
