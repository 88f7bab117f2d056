// Profiles, followers and following, and the follow / block / mute buttons.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../context.ts";
import type { Viewer } from "../../domain/account.ts";
import { PubliusError } from "../../domain/errors.ts";
import { withoutBidiControls } from "../../present/web/format.ts";
import { html } from "../../present/web/html.ts";
import { connectionsPage, followRequestsPage, profileHeader, profilePage } from "../../present/web/profile.ts";
import { reportPage } from "../../present/web/thread.ts";
import { field, pageFrom, safeBack, sendPage, signedIn, truthfulPage, withNotice } from "./request.ts";

type HandleParams = { Params: { handle: string } };
type IdParams = { Params: { id: string } };

export function profileRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { accounts, relationships, timelines, moderation } = ctx.services;

  app.get<HandleParams>("/@:handle", async (request, reply) => {
    const account = await accounts.visibleByHandle(request.params.handle);
    const viewer = request.auth?.viewer;
    const rel =
      viewer && viewer.accountId !== account.id ? await relationships.relationship(viewer, account.id) : undefined;
    const withReplies = (request.query as Record<string, unknown>).with_replies === "1";
    const hidden = rel?.blockedBy === true;
    const paged = hidden
      ? { items: [], older: false, newer: false }
      : await truthfulPage(pageFrom(request.query), (page) =>
          timelines.profile(viewer ?? null, account.id, page, { excludeReplies: !withReplies }),
        );
    return sendPage(
      ctx,
      request,
      reply,
      `${withoutBidiControls(account.displayName) || account.handle} (@${account.handle})`,
      (pc) => profilePage(pc, { account, rel, statuses: paged.items, paging: paged, hidden, withReplies }),
    );
  });

  for (const which of ["followers", "following"] as const) {
    app.get<HandleParams>(`/@:handle/${which}`, async (request, reply) => {
      const account = await accounts.visibleByHandle(request.params.handle);
      const page = pageFrom(request.query);
      const list =
        which === "followers"
          ? await relationships.followers(account.id, page)
          : await relationships.following(account.id, page);
      return sendPage(ctx, request, reply, which === "followers" ? "Followers" : "Following", (pc) =>
        connectionsPage(pc, {
          account,
          which,
          accounts: list.accounts,
          olderId: list.oldestId,
          newerId: page.maxId || page.minId ? list.newestId : undefined,
        }),
      );
    });
  }

  const act = (path: string, run: (viewer: Viewer, id: string) => Promise<unknown>) =>
    app.post<IdParams>(`/accounts/:id/${path}`, async (request, reply) => {
      const { viewer } = signedIn(request);
      await run(viewer, request.params.id);
      const account = await accounts.byId(request.params.id);
      return reply.redirect(safeBack(field(request.body, "back"), account ? `/@${account.handle}` : "/home"), 303);
    });
  act("follow", (v, id) => relationships.follow(v, id));
  act("unfollow", (v, id) => relationships.unfollow(v, id));
  act("block", (v, id) => relationships.block(v, id));
  act("unblock", (v, id) => relationships.unblock(v, id));
  act("mute", (v, id) => relationships.mute(v, id));
  act("unmute", (v, id) => relationships.unmute(v, id));

  app.get<IdParams>("/accounts/:id/report", async (request, reply) => {
    signedIn(request);
    const account = await accounts.visibleById(request.params.id);
    return sendPage(ctx, request, reply, "Report an account", (pc) =>
      reportPage(pc, { action: `/accounts/${account.id}/report`, what: profileHeader(pc, account, undefined) }),
    );
  });

  app.post<IdParams>("/accounts/:id/report", async (request, reply) => {
    const { viewer } = signedIn(request);
    const account = await accounts.visibleById(request.params.id);
    const reason = field(request.body, "reason");
    try {
      await moderation.report(viewer, { accountId: account.id, reason });
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      return sendPage(
        ctx,
        request,
        reply,
        "Report an account",
        (pc) =>
          reportPage(pc, {
            action: `/accounts/${account.id}/report`,
            what: html`<p>@${account.handle}</p>`,
            error: e.publicMessage,
            reason,
          }),
        422,
      );
    }
    return reply.redirect(withNotice(`/@${account.handle}`, "reported"), 303);
  });

  app.get("/follow-requests", async (request, reply) => {
    const { viewer } = signedIn(request);
    const list = await relationships.followRequests(viewer, pageFrom(request.query));
    return sendPage(ctx, request, reply, "Follow requests", (pc) => followRequestsPage(pc, list.accounts));
  });

  app.post<IdParams>("/follow-requests/:id/authorize", async (request, reply) => {
    const { viewer } = signedIn(request);
    await relationships.authorize(viewer, request.params.id);
    return reply.redirect("/follow-requests", 303);
  });

  app.post<IdParams>("/follow-requests/:id/reject", async (request, reply) => {
    const { viewer } = signedIn(request);
    await relationships.reject(viewer, request.params.id);
    return reply.redirect("/follow-requests", 303);
  });
}
