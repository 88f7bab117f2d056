// GET /media/:file — the stored, re-encoded images, for the web pages and for API clients on other
// origins. Names are 32 random hex digits and an extension (nothing else is looked up, so no path
// can leave the media folder); a name is a capability, as in Mastodon: clients load images
// without credentials. Outside the API plugin on purpose: images are not API calls and must not use
// up a client's rate limit.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";
import { identiconSvg } from "../present/web/media.ts";

/**
 * Files never change (a new image gets a new name), so browsers may keep them; shared caches may
 * not, so that a deleted image stops being served when Publius stops serving it.
 */
const CACHE = "private, max-age=604800, immutable";

export function mediaFileRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { file: string } }>("/media/:file", async (request, reply) => {
    reply
      .header("content-security-policy", "default-src 'none'; sandbox")
      .header("x-content-type-options", "nosniff")
      .header("cross-origin-resource-policy", "cross-origin")
      .header("access-control-allow-origin", "*");
    const opened = await ctx.services.media.openFile(request.params.file);
    if (!opened) {
      return reply.status(404).header("cache-control", "no-store").type("text/plain; charset=utf-8").send("Not found");
    }
    return reply
      .header("cache-control", CACHE)
      .header("content-length", String(opened.size))
      .type(opened.contentType)
      .send(opened.stream);
  });

  // The default avatar: a pattern drawn from the 16 hex digits in its name (a hash of the handle),
  // so it needs no lookup and tells nothing but the handle already shown beside it.
  app.get<{ Params: { seed: string } }>("/static/identicon/:seed", async (request, reply) => {
    reply.header("content-security-policy", "default-src 'none'; sandbox").header("x-content-type-options", "nosniff");
    const m = /^([0-9a-f]{16})\.svg$/.exec(request.params.seed);
    if (!m) return reply.status(404).type("text/plain; charset=utf-8").send("Not found");
    return reply
      .header("cache-control", "public, max-age=31536000, immutable")
      .type("image/svg+xml")
      .send(identiconSvg(m[1] as string));
  });
}
