// /api/v2/media, /api/v1/media, /api/v1/media/:id (docs: Methods > media). Images are processed
// while the request waits, so v2 answers 200 with the finished attachment (never 202 with url null).
// As in Mastodon, an upload can be read, described or deleted here only until a post uses it.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../../../context.ts";
import { unprocessable } from "../../../domain/errors.ts";
import { mediaToApi } from "../../../present/mastodon/status.ts";
import { requestOrigin } from "../../origin.ts";
import { file, type Params, paramsOf, str } from "../params.ts";
import { requireUser } from "../plugin.ts";

export function mediaRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { media } = ctx.services;
  const origin = (request: FastifyRequest) => requestOrigin(ctx.config, request);

  const details = (p: Params) => {
    const description = p.description === null ? null : str(p, "description");
    return { description, focus: str(p, "focus") };
  };

  const create = async (request: FastifyRequest) => {
    const viewer = requireUser(request, "write:media");
    const p = paramsOf(request);
    const upload = file(p, "file");
    if (!upload) throw unprocessable("Attach an image as the file parameter.", { file: "Attach an image." });
    // The file name and declared type are ignored: the content decides, and neither is kept.
    return mediaToApi(origin(request), await media.upload(viewer, upload, details(p)));
  };
  const upload = { config: { upload: { scope: "write:media", files: 1 } } };
  api.post("/api/v2/media", upload, create);
  // Deprecated in Mastodon in favour of v2; the same here, since processing is synchronous anyway.
  api.post("/api/v1/media", upload, create);

  api.get<{ Params: { id: string } }>("/api/v1/media/:id", async (request) => {
    const viewer = requireUser(request, "write:media");
    return mediaToApi(origin(request), await media.get(viewer, request.params.id));
  });

  api.put<{ Params: { id: string } }>("/api/v1/media/:id", async (request) => {
    const viewer = requireUser(request, "write:media");
    return mediaToApi(origin(request), await media.update(viewer, request.params.id, details(paramsOf(request))));
  });

  api.delete<{ Params: { id: string } }>("/api/v1/media/:id", async (request) => {
    const viewer = requireUser(request, "write:media");
    await media.delete(viewer, request.params.id);
    return {};
  });
}
