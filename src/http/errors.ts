// The one error handler: the safe message goes to the client, the cause to the log (without any
// request details). JSON for the API, a page for the web.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PubliusError } from "../domain/errors.ts";
import { isDatabaseUnavailable, isDiskFull } from "../store/faults.ts";
import type { Logger } from "./logging.ts";

export const DATABASE_UNAVAILABLE = "The database is unavailable. Try again in a moment.";
export const DISK_FULL = "The server has run out of storage space; nothing was saved. Try again later.";

export function isApiRequest(request: FastifyRequest): boolean {
  // /oauth/authorize is the consent page: people see its errors as pages.
  if (request.url.startsWith("/oauth/authorize")) return false;
  return (
    request.url.startsWith("/api/") || request.url.startsWith("/oauth/") || request.url.startsWith("/.well-known/")
  );
}

/** Maps any thrown value to a status and a message that is safe to show. */
export function toPublicError(error: unknown): {
  status: number;
  message: string;
  fields?: Record<string, string> | undefined;
} {
  if (error instanceof PubliusError)
    return { status: error.status, message: error.publicMessage, fields: error.fields };
  // Faults of the moment, not bugs: the client may try again (the database lost or stalled, the disk full).
  if (isDatabaseUnavailable(error)) return { status: 503, message: DATABASE_UNAVAILABLE };
  if (isDiskFull(error)) return { status: 507, message: DISK_FULL };
  const e = error as FastifyError;
  if (e?.code === "FST_ERR_CTP_BODY_TOO_LARGE") return { status: 413, message: "That request is too large." };
  if (e?.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
    return { status: 415, message: "That content type is not supported." };
  if (e?.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || e?.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    return { status: 400, message: "The request body is not valid JSON." };
  }
  if (e?.validation) return { status: 400, message: `Invalid request: ${e.message}` };
  if (typeof e?.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, message: e.statusCode === 413 ? "That request is too large." : "Bad request." };
  }
  return { status: 500, message: "Something went wrong on our side." };
}

export type ErrorPageRenderer = (
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  status: number,
  message: string,
) => Promise<unknown>;

export function installErrorHandler(app: FastifyInstance, logger: Logger, renderPage: ErrorPageRenderer): void {
  // A fault answers every request while it lasts: the operator gets one line per minute, not one per request.
  const lastSaid = new Map<string, number>();
  const sayOnce = (key: string, line: string, error: unknown) => {
    const now = Date.now();
    if (now - (lastSaid.get(key) ?? 0) < 60_000) return;
    lastSaid.set(key, now);
    logger.error(line, { name: (error as Error)?.name, message: (error as Error)?.message });
  };
  app.setErrorHandler(async (error, request, reply) => {
    const { status, message } = toPublicError(error);
    if (message === DATABASE_UNAVAILABLE) {
      sayOnce("db", "the database is unavailable: requests answer 503 until it is back", error);
      reply.header("retry-after", "5");
    } else if (message === DISK_FULL) {
      sayOnce("disk", "the disk is full: writes answer 507 until space is freed (reads still work)", error);
    } else if (status >= 500) logger.error("request failed", error);
    if (error instanceof PubliusError && error.headers) reply.headers(error.headers);
    if (isApiRequest(request)) return reply.status(status).send({ error: message });
    return renderPage(request, reply, error, status, message);
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (isApiRequest(request)) return reply.status(404).send({ error: "Record not found" });
    return renderPage(request, reply, undefined, 404, "There is no page at this address.");
  });
}
