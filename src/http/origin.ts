// Which origin absolute URLs use for this request: the onion origin when the request came to the
// onion host, the public URL otherwise. No page ever references another origin.
import type { FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";

export function requestOrigin(config: Config, request: FastifyRequest): string {
  if (config.onionUrl) {
    const onionHost = new URL(config.onionUrl).host;
    if (request.headers.host?.toLowerCase() === onionHost) return config.onionUrl;
  }
  return config.publicUrl;
}

/** Rewrites absolute links Publius stored (mentions, hashtags in post HTML) to the request's origin. */
export function rehome(config: Config, origin: string, text: string): string {
  if (origin === config.publicUrl) return text;
  return text.split(`${config.publicUrl}/`).join(`${origin}/`);
}
