// Cross-origin access as Mastodon grants it (config/initializers/cors.rb): browser-based clients
// (Elk, Phanpy, the Mastodon web client, any PWA) run on their own origin and call the API with a
// bearer token, so the API answers every origin with `Access-Control-Allow-Origin: *` and never
// with credentials — a cookie is never honoured across origins. The cookie-authenticated web pages
// and forms get no CORS header at all, so another origin can neither read them nor (with the CSRF
// token it cannot read) post to them.
import fastifyCors from "@fastify/cors";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** The paths open to other origins. /oauth/authorize is a signed-in consent page: not listed. */
const OPEN_PREFIXES = ["/api/", "/.well-known/", "/nodeinfo/"] as const;
const OPEN_PATHS = new Set(["/oauth/token", "/oauth/revoke"]);

/** Headers a cross-origin client may read: paging, rate limits and a request id (as Mastodon). */
export const EXPOSED_HEADERS = [
  "Link",
  "X-RateLimit-Reset",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-Request-Id",
];

export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

export function isCorsPath(url: string): boolean {
  const path = (url.split("?")[0] ?? "").replace(/\/+$/, "") || "/";
  if (OPEN_PATHS.has(path)) return true;
  return OPEN_PREFIXES.some((p) => path.startsWith(p) || `${path}/` === p);
}

const OPEN = {
  origin: "*",
  credentials: false,
  methods: ALLOWED_METHODS,
  exposedHeaders: EXPOSED_HEADERS,
  // allowedHeaders left unset: any request header the client names (Authorization, Idempotency-Key,
  // Content-Type …) is echoed back, as rack-cors's `headers: :any`.
  maxAge: 86_400,
  strictPreflight: false,
} as const;

/** Registers @fastify/cors at the root; other paths answer preflights 404 and carry no CORS header. */
export async function installCors(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCors, {
    hideOptionsRoute: true,
    delegator: (request: FastifyRequest, callback) => {
      callback(null, isCorsPath(request.url) ? { ...OPEN } : { origin: false });
    },
  });
}
