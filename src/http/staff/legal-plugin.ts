// The legal console under /staff/legal: its own encapsulated plugin, so multipart uploads (demand
// and court documents) are parsed only here, and every route but the second-factor pages finds the
// LegalActor ready. The services check the actor again; this only turns "no second factor" into a
// redirect to its page for GET requests.
import fastifyMultipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import { type LegalActor, SecondFactorRequired } from "../../services/legal/access.ts";
import { documentTooLarge } from "../../services/legal/files.ts";
import { signedIn } from "../web/request.ts";
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

export async function legalConsole(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (legal) => {
    const limit = ctx.config.legal.maxDocumentBytes;
    await legal.register(fastifyMultipart, {
      limits: { fileSize: limit, files: 1, fields: 100, fieldSize: 64 * 1024, parts: 101 },
    });
    legal.decorateRequest("legalActor", undefined);

    // Before the root hook checks the CSRF token, which multipart bodies carry as a field.
    legal.addHook("preValidation", async (request) => {
      if (!request.isMultipart()) return;
      const body: Record<string, unknown> = Object.create(null);
      const put = (key: string, value: unknown) => {
        const prev = body[key];
        if (prev === undefined) body[key] = value;
        else body[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
      };
      try {
        for await (const part of request.parts()) {
          if (part.type === "file") {
            const data = await part.toBuffer();
            // An empty file input still sends a part: treat it as no file.
            if (data.length > 0 || part.filename) {
              if (data.length > 0)
                put(part.fieldname, { kind: "document", filename: part.filename, data } satisfies UploadedDocument);
            }
          } else {
            const value = typeof part.value === "string" ? part.value : String(part.value);
            if (value.includes("\0"))
              throw new PubliusError(400, "The form could not be read: it is not correctly encoded.");
            put(part.fieldname, value);
          }
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "FST_REQ_FILE_TOO_LARGE") throw documentTooLarge(limit);
        if (code?.startsWith("FST_")) throw new PubliusError(422, "The form is malformed or has too many parts.");
        throw e;
      }
      request.body = body;
    });

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
