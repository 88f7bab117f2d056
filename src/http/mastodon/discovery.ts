// Discovery documents, inside the API plugin (its rate limit and CORS apply):
//   GET /.well-known/nodeinfo           links to the NodeInfo documents (nodeinfo.diaspora.software)
//   GET /nodeinfo/2.0, /nodeinfo/2.1    software "publius", metadata.upstream "mastodon": megalodon's
//                                       detector() (Whalebird's first call) reads that as Mastodon
//   GET /.well-known/webfinger          RFC 7033, local accounts only
//   GET /.well-known/host-meta[.json]   RFC 6415, the WebFinger template (XRD, or JRD on request)
// Counts are the rounded ones of the instance service (domain/coarse-count.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import pkg from "../../../package.json" with { type: "json" };
import type { AppContext } from "../../context.ts";
import { PubliusError } from "../../domain/errors.ts";
import { escapeHtml } from "../../domain/text.ts";
import { instanceDescription, MASTODON_COMPAT_VERSION } from "../../present/mastodon/instance.ts";

const SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/";

/** Where the resource names this server: the public host, and the onion host when there is one. */
function localHosts(ctx: AppContext): Set<string> {
  const hosts = new Set([new URL(ctx.config.publicUrl).host.toLowerCase()]);
  if (ctx.config.onionUrl) hosts.add(new URL(ctx.config.onionUrl).host.toLowerCase());
  return hosts;
}

/**
 * The handle a WebFinger resource names on this server, null when it names another server, or
 * undefined when it is not a resource at all. `acct:alice@host`, `alice@host`, and the profile's
 * own URLs (`https://host/@alice`, `https://host/users/alice`) are understood, as Mastodon does.
 */
export function webfingerHandle(resource: string, hosts: Set<string>): string | null | undefined {
  const r = resource.trim();
  if (r === "" || r.length > 300) return undefined;
  if (/^https?:\/\//i.test(r)) {
    let url: URL;
    try {
      url = new URL(r);
    } catch {
      return undefined;
    }
    if (!hosts.has(url.host.toLowerCase())) return null;
    const m = /^\/(?:@|users\/)([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    return m ? (m[1] as string) : null;
  }
  const m = /^(?:acct:)?@?([^@\s]+)@([^@\s]+)$/i.exec(r);
  if (!m) return undefined;
  const [, user, host] = m as unknown as [string, string, string];
  if (!hosts.has(host.toLowerCase())) return null;
  return /^[A-Za-z0-9_]+$/.test(user) ? user : null;
}

function nodeinfo(
  ctx: AppContext,
  version: "2.0" | "2.1",
  stats: Awaited<ReturnType<AppContext["services"]["instance"]["stats"]>>,
) {
  const software: Record<string, string> = { name: "publius", version: pkg.version };
  if (version === "2.1") {
    software.repository = ctx.config.sourceUrl;
    software.homepage = ctx.config.sourceUrl;
  }
  return {
    version,
    software,
    // No federation yet: no protocol is spoken with other servers.
    protocols: [] as string[],
    services: { outbound: [] as string[], inbound: [] as string[] },
    usage: {
      users: { total: stats.userCount, activeMonth: stats.activeMonth, activeHalfyear: stats.activeHalfyear },
      localPosts: stats.statusCount,
    },
    openRegistrations: ctx.config.registration === "open",
    metadata: {
      nodeName: ctx.config.instanceName,
      nodeDescription: instanceDescription(ctx.config),
      // Publius speaks the Mastodon client API: clients that detect software by NodeInfo (megalodon) read this.
      upstream: { name: "mastodon", version: MASTODON_COMPAT_VERSION },
    },
  };
}

function wantsJson(request: FastifyRequest): boolean {
  const q = request.query as Record<string, unknown>;
  if (q.format === "json") return true;
  const accept = String(request.headers.accept ?? "");
  return /application\/(jrd\+)?json/.test(accept) && !/application\/xrd\+xml/.test(accept);
}

export function discoveryRoutes(api: FastifyInstance, ctx: AppContext): void {
  const origin = ctx.config.publicUrl;
  const hosts = localHosts(ctx);

  api.get("/.well-known/nodeinfo", async () => ({
    links: ["2.0", "2.1"].map((v) => ({ rel: `${SCHEMA}${v}`, href: `${origin}/nodeinfo/${v}` })),
  }));
  for (const version of ["2.0", "2.1"] as const) {
    api.get(`/nodeinfo/${version}`, async (_request, reply) => {
      const body = nodeinfo(ctx, version, await ctx.services.instance.stats());
      return reply.type(`application/json; profile="${SCHEMA}${version}#"`).send(body);
    });
  }

  api.get("/.well-known/webfinger", async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const resource = typeof q.resource === "string" ? q.resource : "";
    const handle = webfingerHandle(resource, hosts);
    if (handle === undefined)
      throw new PubliusError(400, "The resource parameter must be acct:user@domain or a profile URL");
    if (handle === null) throw new PubliusError(404, "Record not found");
    const account = await ctx.services.accounts.byHandle(handle);
    if (!account || account.suspended || account.state !== "active") throw new PubliusError(404, "Record not found");
    const url = `${origin}/@${account.handle}`;
    return reply.type("application/jrd+json; charset=utf-8").send({
      subject: `acct:${account.handle}@${new URL(origin).host}`,
      aliases: [url],
      // No ActivityPub actor yet (no federation): only the profile page is linked.
      links: [{ rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: url }],
    });
  });

  const template = `${origin}/.well-known/webfinger?resource={uri}`;
  const hostMetaJson = (reply: FastifyReply) =>
    reply.type("application/json; charset=utf-8").send({ links: [{ rel: "lrdd", template }] });
  api.get("/.well-known/host-meta", async (request, reply) => {
    if (wantsJson(request)) return hostMetaJson(reply);
    return reply
      .type("application/xrd+xml; charset=utf-8")
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${escapeHtml(template)}"/>\n</XRD>\n`,
      );
  });
  api.get("/.well-known/host-meta.json", async (_request, reply) => hostMetaJson(reply));
}
