// Which origin absolute URLs use for this request: the onion origin when the request came to the
// onion host, the public URL otherwise. Rather than thread the origin through every presenter, one
// hook rewrites the public origin in what is sent (bodies, Location and Link headers), so every
// absolute URL — media, profile and post links, OAuth and paging links — follows the request.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";

export function requestOrigin(config: Config, request: FastifyRequest): string {
  if (config.onionUrl) {
    const onionHost = new URL(config.onionUrl).host;
    if (request.headers.host?.toLowerCase() === onionHost) return config.onionUrl;
  }
  return config.publicUrl;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces the public origin (only as a whole origin, not a prefix of another host) in text. */
export function rehomer(publicUrl: string, origin: string): (text: string) => string {
  const pattern = new RegExp(`${escapeRegExp(publicUrl)}(?=[/"'?#<\\s\\\\]|$)`, "g");
  return (text) => text.replace(pattern, origin);
}

export function installOnionRewriting(app: FastifyInstance, config: Config): void {
  const onion = config.onionUrl;
  if (!onion) return;
  const rehome = rehomer(config.publicUrl, onion);
  app.addHook("onSend", async (request, reply, payload) => {
    if (requestOrigin(config, request) !== onion) return payload;
    for (const name of ["location", "link"]) {
      const value = reply.getHeader(name);
      if (typeof value === "string") reply.header(name, rehome(value));
    }
    if (typeof payload !== "string") return payload;
    const out = rehome(payload);
    if (out.length !== payload.length) reply.removeHeader("content-length");
    return out;
  });
}

/** Rewrites absolute links to the public origin in text (stored post HTML, streamed JSON) to `origin`. */
export function rehome(config: Config, origin: string, text: string): string {
  if (origin === config.publicUrl) return text;
  return rehomer(config.publicUrl, origin)(text);
}
