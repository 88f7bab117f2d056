// Settings: profile, password, sessions, invites, account deletion, authorised apps.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import type { SafeHtml } from "../../present/web/html.ts";
import type { PageContext } from "../../present/web/page.ts";
import {
  appsSettings,
  deleteSettings,
  invitesSettings,
  passwordSettings,
  profileSettings,
  sessionsSettings,
} from "../../present/web/settings.ts";
import { isWebUpload } from "./compose.ts";
import { clearSessionCookie, field, sendPage, signedIn, withNotice } from "./request.ts";

export function settingsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { accounts, sessions, invites } = ctx.services;
  const showInvites = (request: FastifyRequest) =>
    ctx.config.usersMayInvite || (request.auth?.viewer.roles.length ?? 0) > 0;

  /** Runs a form action; a 422 re-renders the form with its messages. */
  async function form(
    request: FastifyRequest,
    reply: FastifyReply,
    run: () => Promise<string>,
    render: (pc: PageContext, error: PubliusError) => SafeHtml,
  ) {
    try {
      return reply.redirect(await run(), 303);
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      return sendPage(ctx, request, reply, "Settings", (pc) => render(pc, e), 422);
    }
  }

  app.get("/settings", async (_request, reply) => reply.redirect("/settings/profile", 303));

  app.get("/settings/profile", async (request, reply) => {
    const { account, viewer } = signedIn(request);
    const altTextOptional = await accounts.altTextOptional(viewer);
    return sendPage(ctx, request, reply, "Settings", (pc) =>
      profileSettings(pc, {
        showInvites: showInvites(request),
        account,
        values: {
          displayName: account.displayName,
          note: account.note,
          locked: account.locked,
          altTextOptional,
        },
      }),
    );
  });

  app.get("/settings/password", async (request, reply) => {
    signedIn(request);
    return sendPage(ctx, request, reply, "Settings", (pc) =>
      passwordSettings(pc, { showInvites: showInvites(request) }),
    );
  });

  app.post("/settings/password", async (request, reply) => {
    const { viewer, sessionId } = signedIn(request);
    return form(
      request,
      reply,
      async () => {
        await accounts.changePassword(
          viewer,
          field(request.body, "current"),
          field(request.body, "password"),
          sessionId,
        );
        return withNotice("/settings/password", "password");
      },
      (pc, e) => passwordSettings(pc, { showInvites: showInvites(request), error: e.publicMessage, fields: e.fields }),
    );
  });

  app.get("/settings/sessions", async (request, reply) => {
    const { viewer, sessionId } = signedIn(request);
    const list = await sessions.list(viewer, sessionId);
    return sendPage(ctx, request, reply, "Settings", (pc) =>
      sessionsSettings(pc, { showInvites: showInvites(request), sessions: list }),
    );
  });

  app.post<{ Params: { id: string } }>("/settings/sessions/:id/revoke", async (request, reply) => {
    const { viewer, sessionId } = signedIn(request);
    await sessions.revoke(viewer, request.params.id);
    if (request.params.id === sessionId) {
      clearSessionCookie(ctx, reply);
      return reply.redirect(withNotice("/signin", "signedout"), 303);
    }
    return reply.redirect(withNotice("/settings/sessions", "revoked"), 303);
  });

  app.post("/settings/sessions/end-others", async (request, reply) => {
    const { viewer, sessionId } = signedIn(request);
    await sessions.endOthers(viewer, sessionId);
    return reply.redirect(withNotice("/settings/sessions", "signedoutothers"), 303);
  });

  app.get("/settings/invites", async (request, reply) => {
    const { viewer } = signedIn(request);
    if (!showInvites(request)) throw new PubliusError(403, "Only staff can create invite codes on this server.");
    const list = await invites.listMine(viewer);
    return sendPage(ctx, request, reply, "Settings", (pc) =>
      invitesSettings(pc, { showInvites: true, invites: list, baseUrl: ctx.config.publicUrl }),
    );
  });

  app.post("/settings/invites", async (request, reply) => {
    const { viewer } = signedIn(request);
    const uses = field(request.body, "max_uses");
    const expires = field(request.body, "expires");
    return form(
      request,
      reply,
      async () => {
        await invites.create(viewer, {
          maxUses: uses === "" ? null : Number(uses),
          expiresInDays: expires === "" ? null : Number(expires),
        });
        return withNotice("/settings/invites", "invite");
      },
      (pc, e) =>
        invitesSettings(pc, { showInvites: true, invites: [], baseUrl: ctx.config.publicUrl, error: e.publicMessage }),
    );
  });

  app.get("/settings/apps", async (request, reply) => {
    const { viewer } = signedIn(request);
    const apps = await ctx.services.oauth.authorizedApps(viewer);
    return sendPage(ctx, request, reply, "Settings", (pc) =>
      appsSettings(pc, { showInvites: showInvites(request), apps }),
    );
  });

  // Revoking signs the app out of this account: every token it holds for it is deleted.
  app.post<{ Params: { id: string } }>("/settings/apps/:id/revoke", async (request, reply) => {
    const { viewer } = signedIn(request);
    await ctx.services.oauth.revokeApp(viewer, request.params.id);
    return reply.redirect(withNotice("/settings/apps", "apprevoked"), 303);
  });

  app.get("/settings/delete", async (request, reply) => {
    const { account } = signedIn(request);
    return sendPage(ctx, request, reply, "Settings", (pc) =>
      deleteSettings(pc, { showInvites: showInvites(request), account }),
    );
  });

  app.post("/settings/delete", async (request, reply) => {
    const { viewer, account } = signedIn(request);
    try {
      await accounts.deleteAccount(viewer, field(request.body, "password"));
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      return sendPage(
        ctx,
        request,
        reply,
        "Settings",
        (pc) =>
          deleteSettings(pc, { showInvites: showInvites(request), account, error: e.publicMessage, fields: e.fields }),
        422,
      );
    }
    clearSessionCookie(ctx, reply);
    return reply.redirect("/", 303);
  });
}

/**
 * Saves Settings → Profile: the text fields, the alt-text choice, and the avatar and header (files,
 * so this route sits in the upload scope, see compose.ts). Text is checked before an image is
 * processed; a refusal re-renders the form with what was typed.
 */
export function profileImageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { accounts, media } = ctx.services;
  app.post("/settings/profile", { config: { upload: { files: 2 } } }, async (request, reply) => {
    const { viewer, account } = signedIn(request);
    const body = request.body;
    const values = {
      displayName: field(body, "display_name"),
      note: field(body, "note"),
      locked: field(body, "locked") === "1",
      altTextOptional: field(body, "alt_text_optional") === "1",
    };
    try {
      accounts.checkProfile(values);
      for (const kind of ["avatar", "header"] as const) {
        const file = (body as Record<string, unknown> | undefined)?.[kind];
        if (isWebUpload(file)) await media.processProfileImage(viewer, file.data, kind);
        else if (field(body, `remove_${kind}`) === "1") await media.removeProfileImage(viewer, kind);
      }
      await accounts.updateProfile(viewer, values);
      return reply.redirect(withNotice("/settings/profile", "saved"), 303);
    } catch (e) {
      if (!(e instanceof PubliusError) || e.status !== 422) throw e;
      const showInvites = ctx.config.usersMayInvite || viewer.roles.length > 0;
      const now = (await accounts.byId(viewer.accountId)) ?? account;
      return sendPage(
        ctx,
        request,
        reply,
        "Settings",
        (pc) => profileSettings(pc, { showInvites, account: now, values, error: e.publicMessage, fields: e.fields }),
        422,
      );
    }
  });
}
