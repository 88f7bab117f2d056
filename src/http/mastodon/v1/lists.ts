// /api/v1/lists/* and /api/v1/accounts/:id/lists (docs: Methods > lists). A user token only; every
// list is its owner's alone, and another's list id answers 404 like a missing one.
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import { notFound, PubliusError, unprocessable } from "../../../domain/errors.ts";
import { accountToApi } from "../../../present/mastodon/account.ts";
import { listToApi } from "../../../present/mastodon/list.ts";
import { bool, type Params, pageParams, paramsOf, str, strings } from "../params.ts";
import { requireUser, setLinkHeader } from "../plugin.ts";

type ById = { Params: { id: string } };

const ID = /^\d{1,20}$/;

/** account_ids[]: ids of accounts; anything else is a 422 (a missing id is the service's 422). */
function accountIds(p: Params): string[] {
  const ids = strings(p, "account_ids") ?? [];
  if (ids.length > 250) throw unprocessable("At most 250 account_ids at once");
  for (const id of ids) if (!ID.test(id)) throw unprocessable("account_ids must be account ids");
  return ids;
}

function change(p: Params) {
  return {
    title: str(p, "title", { max: 1000 }),
    repliesPolicy: str(p, "replies_policy", { max: 50 }),
    exclusive: bool(p, "exclusive"),
  };
}

export function listRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { lists, accounts } = ctx.services;
  const origin = ctx.config.publicUrl;

  api.get("/api/v1/lists", async (request) => {
    const viewer = requireUser(request, "read:lists");
    return (await lists.all(viewer)).map(listToApi);
  });

  api.post("/api/v1/lists", async (request) => {
    const viewer = requireUser(request, "write:lists");
    return listToApi(await lists.create(viewer, change(paramsOf(request))));
  });

  api.get<ById>("/api/v1/lists/:id", async (request) => {
    const viewer = requireUser(request, "read:lists");
    return listToApi(await lists.get(viewer, request.params.id));
  });

  api.put<ById>("/api/v1/lists/:id", async (request) => {
    const viewer = requireUser(request, "write:lists");
    return listToApi(await lists.update(viewer, request.params.id, change(paramsOf(request))));
  });

  api.delete<ById>("/api/v1/lists/:id", async (request) => {
    const viewer = requireUser(request, "write:lists");
    await lists.remove(viewer, request.params.id);
    return {};
  });

  // limit=0 gives every member at once (as Mastodon); otherwise 40 by default, 80 at most.
  api.get<ById>("/api/v1/lists/:id/accounts", async (request, reply) => {
    const viewer = requireUser(request, "read:lists");
    const p = paramsOf(request);
    const page = p.limit === "0" || p.limit === 0 ? { limit: 0 } : pageParams(p, { limit: 40, max: 80 });
    const result = await lists.members(viewer, request.params.id, page);
    setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
    return result.accounts.map((a) => accountToApi(origin, a));
  });

  api.post<ById>("/api/v1/lists/:id/accounts", async (request) => {
    const viewer = requireUser(request, "write:lists");
    await lists.addMembers(viewer, request.params.id, accountIds(paramsOf(request)));
    return {};
  });

  api.delete<ById>("/api/v1/lists/:id/accounts", async (request) => {
    const viewer = requireUser(request, "write:lists");
    await lists.removeMembers(viewer, request.params.id, accountIds(paramsOf(request)));
    return {};
  });

  api.get<ById>("/api/v1/accounts/:id/lists", async (request) => {
    const viewer = requireUser(request, "read:lists");
    if (!ID.test(request.params.id)) throw notFound();
    await accounts.visibleById(request.params.id).catch((e) => {
      throw e instanceof PubliusError && e.status === 404 ? notFound() : e;
    });
    return (await lists.listsWith(viewer, request.params.id)).map(listToApi);
  });
}
