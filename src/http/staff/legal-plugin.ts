// The legal console under /staff/legal: its own encapsulated plugin, so multipart uploads (demand
// and court documents) are parsed only here, and every route but the second-factor pages finds the
// LegalActor ready. The services check the actor again; this only turns "no second factor" into a
// redirect to its page for GET requests.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import { type LegalActor, SecondFactorRequired } from "../../services/legal/access.ts";
import { documentTooLarge } from "../../services/legal/files.ts";
import { installMultipart, type UploadBudget } from "../multipart.ts";
import { sessionCookieName, signedIn } from "../web/request.ts";
import { legalAccessRoutes } from "./legal-access.ts";
import { legalAuditRoutes } from "./legal-audit.ts";
import { legalCanaryRoutes } from "./legal-canary.ts";
import { legalDemandRoutes } from "./legal-demands.ts";
import { legalProductionRoutes } from "./legal-productions.ts";

declare module "fastify" {
  interface FastifyRequest {
    legalActor: LegalActor | undefined;
  }
}

/** An uploaded file, read into memory (documents are size-limited). */
export interface UploadedDocument {
  kind: "document";
  filename: string;
  data: Buffer;
}

export function isUpload(value: unknown): value is UploadedDocument {
  return typeof value === "object" && value !== null && (value as UploadedDocument).kind === "document";
}

/** The actor for a console route (set by the plugin's hook). */
export function actorOf(request: FastifyRequest): LegalActor {
  if (!request.legalActor) throw new SecondFactorRequired();
  return request.legalActor;
}

/** A field that may be given several times (checkboxes): always a list of strings. */
export function listField(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

export async function legalConsole(app: FastifyInstance, ctx: AppContext, uploads: UploadBudget): Promise<void> {
  await app.register(async (legal) => {
    const limit = ctx.config.legal.maxDocumentBytes;
    legal.decorateRequest("legalActor", undefined);

    // Multipart bodies (the intake form and court orders) come only from legal staff with a second
    // factor: the session and the role are checked before a byte of the body is read. The parsed
    // fields are there before the root hook checks the CSRF token, which they carry.
    installMultipart(
      legal,
      uploads,
      async (request) => {
        request.auth = await ctx.services.sessions.resolve(request.cookies[sessionCookieName(ctx)]);
        request.legalActor = ctx.services.legal.access.forSession(signedIn(request));
        return { files: 1, fileBytes: limit, tooLarge: () => documentTooLarge(limit) };
      },
      (f): UploadedDocument => ({ kind: "document", filename: f.filename, data: f.data }),
    );

    legal.addHook("preHandler", async (request, reply) => {
      if (request.url.startsWith("/staff/legal/second-factor")) return;
      const auth = signedIn(request);
      try {
        request.legalActor = ctx.services.legal.access.forSession(auth);
      } catch (e) {
        if (e instanceof SecondFactorRequired && request.method === "GET") {
          return reply.redirect(`/staff/legal/second-factor?next=${encodeURIComponent(request.url)}`, 303);
        }
        throw e;
      }
    });

    legalAccessRoutes(legal, ctx);
    legalDemandRoutes(legal, ctx);
    legalProductionRoutes(legal, ctx);
    legalAuditRoutes(legal, ctx);
    legalCanaryRoutes(legal, ctx);
  });
}
