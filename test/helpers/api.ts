// Calls the Mastodon client API through app.inject(), the way a client app would: a bearer token and
// JSON bodies. Shared by the API tests (test/api/*); keep this module's API stable.
//
//   const site = useApiSite();                       // fresh context + app per test
//   const alice = await site.user("alice");          // fixture account + token with every scope
//   const res = await alice.api.get("/api/v1/accounts/verify_credentials");
//   assert.equal(res.statusCode, 200); res.json()
import { createHash, randomBytes } from "node:crypto";
import { afterEach, beforeEach } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.ts";
import { createLogger } from "../../src/http/logging.ts";
import { type FixtureName, type Person, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext, type TestContextOptions } from "./context.ts";

/** Every scope a user token can hold (what a full-featured client asks for). */
export const ALL_SCOPES = "read write follow push profile";

type Body = Record<string, unknown> | unknown[] | string | Buffer | undefined;

export interface ApiRequestOptions {
  /** Extra headers (e.g. Idempotency-Key, content-type for a raw body). */
  headers?: Record<string, string>;
  /** Overrides the client's token for this call; `null` sends no Authorization header. */
  token?: string | null;
}

/** A client with an optional bearer token. Objects are sent as JSON; strings/Buffers as given. */
export interface ApiClient {
  readonly app: FastifyInstance;
  readonly token: string | undefined;
  get(url: string, options?: ApiRequestOptions): Promise<LightMyRequestResponse>;
  post(url: string, body?: Body, options?: ApiRequestOptions): Promise<LightMyRequestResponse>;
  put(url: string, body?: Body, options?: ApiRequestOptions): Promise<LightMyRequestResponse>;
  patch(url: string, body?: Body, options?: ApiRequestOptions): Promise<LightMyRequestResponse>;
  delete(url: string, options?: ApiRequestOptions): Promise<LightMyRequestResponse>;
  /** A copy of this client that sends another token (or none). */
  withToken(token: string | undefined): ApiClient;
}

export function apiClient(app: FastifyInstance, token?: string): ApiClient {
  const send = async (
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    body: Body,
    options: ApiRequestOptions = {},
  ): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = {};
    const bearer = options.token === undefined ? token : options.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      if (typeof body === "string" || Buffer.isBuffer(body)) payload = body;
      else {
        payload = JSON.stringify(body);
        headers["content-type"] = "application/json";
      }
    }
    Object.assign(headers, options.headers);
    return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  };
  return {
    app,
    token,
    get: (url, options) => send("GET", url, undefined, options),
    post: (url, body, options) => send("POST", url, body, options),
    put: (url, body, options) => send("PUT", url, body, options),
    patch: (url, body, options) => send("PATCH", url, body, options),
    delete: (url, options) => send("DELETE", url, undefined, options),
    withToken: (other) => apiClient(app, other),
  };
}

/** A multipart/form-data body for inject(): fields and files (for media uploads, avatars). */
export function multipart(fields: Record<string, string | { filename: string; contentType: string; data: Buffer }>): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = `----publius${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\n` +
            `Content-Type: ${value.contentType}\r\n\r\n`,
        ),
        value.data,
        Buffer.from("\r\n"),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A form-encoded body and its content type, for OAuth endpoints that clients call with forms. */
export function formBody(fields: Record<string, string>): { payload: string; headers: Record<string, string> } {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}

export interface RegisteredApp {
  id: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** Registers an OAuth app through the service (no HTTP), with the given scopes. */
export async function registerTestApp(
  ctx: TestContext,
  options: { name?: string; scopes?: string; redirectUri?: string } = {},
): Promise<RegisteredApp> {
  const redirectUri = options.redirectUri ?? "https://client.example/callback";
  const { app, clientSecret } = await ctx.services.oauth.registerApp({
    clientName: options.name ?? "Test client",
    redirectUris: redirectUri,
    scopes: options.scopes ?? ALL_SCOPES,
  });
  return { id: app.id, clientId: app.clientId, clientSecret, redirectUri };
}

/** A user token for an existing account (as if the user had approved the app). */
export async function userToken(
  ctx: TestContext,
  accountId: string,
  options: { scopes?: string; app?: RegisteredApp } = {},
): Promise<string> {
  const app = options.app ?? (await registerTestApp(ctx));
  const scopes = (options.scopes ?? ALL_SCOPES).split(/\s+/).filter(Boolean);
  return (await ctx.services.oauth.issue(app.id, accountId, scopes)).token;
}

/** An app-only token (client credentials), e.g. for POST /api/v1/accounts. */
export async function appToken(
  ctx: TestContext,
  options: { scopes?: string; app?: RegisteredApp } = {},
): Promise<string> {
  const app = options.app ?? (await registerTestApp(ctx));
  const scopes = (options.scopes ?? "read write:accounts").split(/\s+/).filter(Boolean);
  return (await ctx.services.oauth.issue(app.id, null, scopes)).token;
}

/** A named fixture with an API client holding a user token. */
export interface ApiUser extends Person {
  token: string;
  api: ApiClient;
}

export interface ApiSite {
  ctx: TestContext;
  app: FastifyInstance;
  /** Everything the server logged, one JSON record per line. */
  log: string[];
  /** A client without a token. */
  anonymous: ApiClient;
  /** Creates the named fixture account and gives it a token (ALL_SCOPES unless `scopes` is given). */
  user(name: FixtureName, options?: { scopes?: string; locked?: boolean; roles?: string[] }): Promise<ApiUser>;
}

export async function openApiSite(options: TestContextOptions = {}): Promise<ApiSite & { close(): Promise<void> }> {
  const ctx = await createTestContext(options);
  const log: string[] = [];
  const app = await buildApp(ctx, { logger: createLogger("info", (line) => log.push(line)) });
  let shared: RegisteredApp | undefined;
  return {
    ctx,
    app,
    log,
    anonymous: apiClient(app),
    async user(name, userOptions = {}) {
      const p = await person(ctx, name, {
        ...(userOptions.locked === undefined ? {} : { locked: userOptions.locked }),
        ...(userOptions.roles === undefined ? {} : { roles: userOptions.roles }),
      });
      shared ??= await registerTestApp(ctx);
      const token = await userToken(ctx, p.account.id, {
        app: shared,
        ...(userOptions.scopes === undefined ? {} : { scopes: userOptions.scopes }),
      });
      return { ...p, token, api: apiClient(app, token) };
    },
    async close() {
      await app.close();
      await ctx.destroy();
    },
  };
}

/** beforeEach/afterEach hooks giving every test its own API site; read it inside tests. */
export function useApiSite(options: TestContextOptions = {}): ApiSite {
  let current: (ApiSite & { close(): Promise<void> }) | undefined;
  beforeEach(async () => {
    current = await openApiSite(options);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const need = () => {
    if (!current) throw new Error("the API site is only open inside a test");
    return current;
  };
  return {
    get ctx() {
      return need().ctx;
    },
    get app() {
      return need().app;
    },
    get log() {
      return need().log;
    },
    get anonymous() {
      return need().anonymous;
    },
    user: (name, userOptions) => need().user(name, userOptions),
  };
}
