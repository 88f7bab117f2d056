// A tiny browser over app.inject(): keeps cookies, reads the CSRF token, submits forms.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.ts";
import { createLogger } from "../../src/http/logging.ts";
import { type FixtureName, PASSWORD, type Person, person } from "../fixtures/accounts.ts";
import { createTestContext, type TestContext, type TestContextOptions } from "./context.ts";
import { freshContexts } from "./fresh.ts";

export class WebClient {
  readonly app: FastifyInstance;
  readonly cookies = new Map<string, string>();
  /** The CSRF token of the last form seen; forgotten when the session changes (csrf.ts binds it). */
  #token: string | undefined;
  constructor(app: FastifyInstance) {
    this.app = app;
  }

  #remember(res: LightMyRequestResponse): void {
    const sessionBefore = this.cookies.get("publius_session");
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now()) || c.value === "";
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    if (this.cookies.get("publius_session") !== sessionBefore) this.#token = undefined;
    const token = formToken(res);
    if (token !== undefined) this.#token = token;
  }

  /** The token the server's forms carry for this browser (read from the last page with a form). */
  get csrf(): string {
    return this.#token ?? "";
  }

  /** Makes sure `csrf` holds the current token, loading a page with a form if need be. */
  async ensureCsrf(): Promise<string> {
    if (this.#token === undefined && this.cookies.has("publius_session")) await this.get("/settings/profile");
    if (this.#token === undefined) await this.get("/signin");
    return this.csrf;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: "GET", url, cookies: Object.fromEntries(this.cookies), headers });
    this.#remember(res);
    return res;
  }

  /** Posts a form. The CSRF token is added unless `csrf` is given (use "" to send none). */
  async post(
    url: string,
    form: Record<string, string> = {},
    options: { csrf?: string; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    if (options.csrf === undefined) await this.ensureCsrf();
    const body = new URLSearchParams({ csrf: options.csrf ?? this.csrf, ...form }).toString();
    const res = await this.send("POST", url, body, {
      "content-type": "application/x-www-form-urlencoded",
      ...options.headers,
    });
    // A new session means a new token: read it now, so `csrf` is ready for the next form.
    if (this.#token === undefined) await this.ensureCsrf();
    return res;
  }

  /** Posts a multipart form (files as { name, filename, data }), as a browser sends a form with files. */
  async postMultipart(
    url: string,
    fields: Record<string, string | string[]> = {},
    files: { name: string; filename: string; type?: string; data: Buffer }[] = [],
    options: { csrf?: string } = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.cookies.has("publius_csrf")) await this.get("/signin");
    const boundary = `----publius${randomUUID().replaceAll("-", "")}`;
    const parts: Buffer[] = [];
    const all: [string, string][] = [["csrf", options.csrf ?? this.csrf]];
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) all.push([k, one]);
    for (const [k, v] of all) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    for (const f of files) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type ?? "application/octet-stream"}\r\n\r\n`,
        ),
        f.data,
        Buffer.from("\r\n"),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return this.send("POST", url, Buffer.concat(parts), {
      "content-type": `multipart/form-data; boundary=${boundary}`,
    });
  }

  /** Sends a request with this client's cookies and a body exactly as given (for malformed input). */
  async send(
    method: "GET" | "POST",
    url: string,
    payload: string | Buffer | undefined,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      cookies: Object.fromEntries(this.cookies),
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    this.#remember(res);
    return res;
  }

  async signUp(
    handle: string,
    password = PASSWORD,
    extra: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.post("/signup", { handle, password, password_confirmation: password, ...extra });
  }

  async signIn(handle: string, password = PASSWORD): Promise<LightMyRequestResponse> {
    return this.post("/signin", { handle, password });
  }

  /** Publishes a post through the compose form and returns its id (throws unless it was published). */
  async publish(text: string, extra: Record<string, string> = {}): Promise<string> {
    const res = await this.post("/statuses", { text, visibility: "public", idempotency: randomUUID(), ...extra });
    const location = String(res.headers.location ?? "");
    const id = /^\/@\w+\/(\d+)\?notice=posted$/.exec(location)?.[1];
    if (res.statusCode !== 303 || !id) {
      throw new Error(`publishing failed: ${res.statusCode} ${location} ${textOf(res.body).slice(0, 300)}`);
    }
    return id;
  }
}

export interface WebHarness {
  app: FastifyInstance;
  /** Everything the server logged, one JSON record per line. */
  log: string[];
  client(): WebClient;
}

export async function buildWeb(ctx: TestContext): Promise<WebHarness> {
  const log: string[] = [];
  const app = await buildApp(ctx, { logger: createLogger("info", (line) => log.push(line)) });
  return { app, log, client: () => new WebClient(app) };
}

/** A named fixture, created through the services, with a browser signed in as them. */
export interface Member extends Person {
  client: WebClient;
}

/** A fresh context and app for each test of the file: `site.ctx`, `site.web`, `site.member(...)`. */
export interface Site {
  ctx: TestContext;
  web: WebHarness;
  member(name: FixtureName, options?: { locked?: boolean; roles?: string[] }): Promise<Member>;
}

export async function openSite(options: TestContextOptions = {}): Promise<Site & { close(): Promise<void> }> {
  return siteOn(await createTestContext(options), true);
}

async function siteOn(ctx: TestContext, ownsContext: boolean): Promise<Site & { close(): Promise<void> }> {
  const web = await buildWeb(ctx);
  return {
    ctx,
    web,
    async member(name, memberOptions = {}) {
      const p = await person(ctx, name, memberOptions);
      const client = web.client();
      const res = await client.signIn(p.account.handle);
      if (res.statusCode !== 303) throw new Error(`${name} could not sign in: ${res.statusCode}`);
      return { ...p, client };
    },
    async close() {
      await web.app.close();
      if (ownsContext) await ctx.destroy();
    },
  };
}

/**
 * Registers hooks that give every test its own site; read it inside tests. Each test gets a context
 * of its own over a clean database (see fresh.ts: a new one in memory on SQLite, the file's schema
 * emptied on PostgreSQL) and an app of its own.
 */
export function useSite(options: TestContextOptions = {}): Site {
  const fresh = freshContexts(options);
  let current: (Site & { close(): Promise<void> }) | undefined;
  beforeEach(async () => {
    // The context belongs to freshContexts(), which destroys it.
    current = await siteOn(await fresh(), false);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const need = () => {
    if (!current) throw new Error("the site is only open inside a test");
    return current;
  };
  return {
    get ctx() {
      return need().ctx;
    },
    get web() {
      return need().web;
    },
    member: (name, memberOptions) => need().member(name, memberOptions),
  };
}

/** The `csrf` field of the first form in an HTML answer, if it has one. */
export function formToken(res: { headers: Record<string, unknown>; body: string }): string | undefined {
  if (!String(res.headers["content-type"] ?? "").startsWith("text/html")) return undefined;
  return /<input type="hidden" name="csrf" value="([^"]*)">/.exec(res.body)?.[1];
}

/** The text of an HTML page without tags, for "page says …" assertions. */
export function textOf(html: string): string {
  return (
    html
      .replace(/<script[\s\S]*?<\/script>/g, "")
      // Inline elements do not break words ("#<span>tag</span>" reads "#tag"); other tags do.
      .replace(/<\/?(?:a|span|strong|em|b|i|code|time|small|abbr)\b[^>]*>/g, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      // Last, so "&amp;lt;" reads as the "&lt;" someone typed, not as "<".
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ")
      .trim()
  );
}
