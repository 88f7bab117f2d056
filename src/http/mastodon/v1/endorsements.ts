// Endorsements (docs: Methods > endorsements; accounts pin/unpin, 4.4's endorse/unendorse and
// /accounts/:id/endorsements) and familiar followers (Methods > accounts).
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../../context.ts";
import type { Account } from "../../../domain/account.ts";
import { notFound, PubliusError } from "../../../domain/errors.ts";
import { accountToApi } from "../../../present/mastodon/account.ts";
import { relationshipToApi } from "../../../present/mastodon/status.ts";
import { pageParams, paramsOf, strings } from "../params.ts";
import { optionalUser, requireUser, setLinkHeader } from "../plugin.ts";

type ById = { Params: { id: string } };

const ID = /^\d{1,20}$/;
const ACCOUNT_PAGE = { limit: 40, max: 80 };

export function endorsementRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { accounts, endorsements, relationships } = ctx.services;
  const origin = ctx.config.publicUrl;

  async function visible(id: string): Promise<Account> {
    if (!ID.test(id)) throw notFound();
    return accounts.visibleById(id).catch((e) => {
      throw e instanceof PubliusError && e.status === 404 ? notFound() : e;
    });
  }

  // Mastodon 4.4 names them endorse/unendorse and keeps pin/unpin; both answer a Relationship.
  for (const name of ["pin", "endorse"]) {
    api.post<ById>(`/api/v1/accounts/:id/${name}`, async (request) => {
      const viewer = requireUser(request, "write:accounts");
      const account = await visible(request.params.id);
      await endorsements.endorse(viewer, account.id);
      return relationshipToApi(await relationships.relationship(viewer, account.id));
    });
  }
  for (const name of ["unpin", "unendorse"]) {
    api.post<ById>(`/api/v1/accounts/:id/${name}`, async (request) => {
      const viewer = requireUser(request, "write:accounts");
      const account = await visible(request.params.id);
      await endorsements.unendorse(viewer, account.id);
      return relationshipToApi(await relationships.relationship(viewer, account.id));
    });
  }

  api.get("/api/v1/endorsements", async (request, reply) => {
    const viewer = requireUser(request, "read:accounts");
    const result = await endorsements.endorsed(viewer.accountId, pageParams(paramsOf(request), ACCOUNT_PAGE));
    setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
    return result.accounts.map((a) => accountToApi(origin, a));
  });

  // Public, as the profile that shows them.
  api.get<ById>("/api/v1/accounts/:id/endorsements", async (request, reply) => {
    optionalUser(request, "read:accounts");
    const account = await visible(request.params.id);
    const result = await endorsements.endorsed(account.id, pageParams(paramsOf(request), ACCOUNT_PAGE));
    setLinkHeader(ctx, request, reply, { newest: result.newestId, oldest: result.oldestId });
    return result.accounts.map((a) => accountToApi(origin, a));
  });

  api.get("/api/v1/accounts/familiar_followers", async (request) => {
    const viewer = requireUser(request, "read:follows");
    const ids = [...new Set((strings(paramsOf(request), "id") ?? []).filter((id) => ID.test(id)))];
    const found = await endorsements.familiarFollowers(viewer, ids);
    return found.map((f) => ({ id: f.id, accounts: f.accounts.map((a) => accountToApi(origin, a)) }));
  });
}
