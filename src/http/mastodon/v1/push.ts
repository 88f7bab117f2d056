// POST/GET/PUT/DELETE /api/v1/push/subscription (docs: Methods > push). User token + `push`; the
// subscription belongs to the token that made it, so another app of the same person sees its own.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../../../context.ts";
import { PubliusError, unprocessable } from "../../../domain/errors.ts";
import { webPushSubscriptionToApi } from "../../../present/mastodon/push.ts";
import type { PushData } from "../../../services/push/push.ts";
import { type Params, type ParamValue, paramsOf } from "../params.ts";
import { requireUser } from "../plugin.ts";

type Tree = { [k: string]: Tree | ParamValue };

/**
 * `subscription[keys][p256dh]` arrives flat (form, multipart) or nested (JSON), or half of each:
 * both become one tree.
 */
export function paramTree(p: Params): Tree {
  const root: Tree = {};
  const put = (path: string[], value: ParamValue) => {
    let node = root;
    for (const [i, key] of path.entries()) {
      if (i === path.length - 1) {
        const existing = node[key];
        if (isTree(existing) && isTree(value)) node[key] = { ...existing, ...value };
        else node[key] = value;
      } else {
        const next = node[key];
        if (!isTree(next)) node[key] = {};
        node = node[key] as Tree;
      }
    }
  };
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m?.[1]) continue;
    const path = [m[1], ...[...(m[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] ?? "")];
    put(path, value);
  }
  return root;
}

function isTree(v: unknown): v is Tree {
  return typeof v === "object" && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind !== "file";
}

function child(tree: Tree, key: string, name: string): Tree | undefined {
  const v = tree[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (!isTree(v)) throw unprocessable(`${name} must be an object`);
  return v;
}

function text(tree: Tree | undefined, key: string, name: string): string {
  const v = tree?.[key];
  if (typeof v !== "string" || v.trim() === "") throw unprocessable(`${name} is required`, { [key]: "required" });
  if (v.length > 4000) throw unprocessable(`${name} is too long`);
  return v;
}

function dataOf(tree: Tree): PushData {
  const data = child(tree, "data", "data");
  // PUT is documented with a top-level `policy`; POST with data[policy]. Both are read.
  return { alerts: data ? child(data, "alerts", "data[alerts]") : undefined, policy: data?.policy ?? tree.policy };
}

function tokenOf(request: FastifyRequest): string {
  const id = request.api?.token.id;
  if (!id) throw new PubliusError(401, "The access token is invalid");
  return id;
}

export function pushRoutes(api: FastifyInstance, ctx: AppContext): void {
  const { push } = ctx.services;
  const present = (sub: Parameters<typeof webPushSubscriptionToApi>[0]) =>
    webPushSubscriptionToApi(sub, push.serverKey());

  api.post("/api/v1/push/subscription", async (request) => {
    const viewer = requireUser(request, "push");
    const tree = paramTree(paramsOf(request));
    const subscription = child(tree, "subscription", "subscription");
    if (!subscription) throw unprocessable("subscription is required", { subscription: "required" });
    const keys = child(subscription, "keys", "subscription[keys]");
    const standard = subscription.standard;
    const sub = await push.subscribe(viewer, tokenOf(request), {
      endpoint: text(subscription, "endpoint", "subscription[endpoint]"),
      p256dh: text(keys, "p256dh", "subscription[keys][p256dh]"),
      auth: text(keys, "auth", "subscription[keys][auth]"),
      standard: standard === true || standard === "true" || standard === "1",
      data: dataOf(tree),
    });
    return present(sub);
  });

  api.get("/api/v1/push/subscription", async (request) => {
    requireUser(request, "push");
    return present(await push.get(tokenOf(request)));
  });

  api.put("/api/v1/push/subscription", async (request) => {
    requireUser(request, "push");
    return present(await push.update(tokenOf(request), dataOf(paramTree(paramsOf(request)))));
  });

  api.delete("/api/v1/push/subscription", async (request) => {
    requireUser(request, "push");
    await push.unsubscribe(tokenOf(request));
    return {};
  });
}
