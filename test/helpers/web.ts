// A tiny browser over app.inject(): keeps cookies, reads the CSRF token, submits forms.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.ts";
import { createLogger } from "../../src/http/logging.ts";
import { PASSWORD } from "../fixtures/accounts.ts";
import type { TestContext } from "./context.ts";

export class WebClient {
  readonly app: FastifyInstance;
  readonly cookies = new Map<string, string>();
  constructor(app: FastifyInstance) {
    this.app = app;
  }

  #remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now()) || c.value === "";
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  get csrf(): string {
    return this.cookies.get("publius_csrf") ?? "";
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
    options: { csrf?: string } = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.cookies.has("publius_csrf")) await this.get("/signin");
    const body = new URLSearchParams({ csrf: options.csrf ?? this.csrf, ...form }).toString();
    const res = await this.app.inject({
      method: "POST",
      url,
      cookies: Object.fromEntries(this.cookies),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: body,
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

/** The text of an HTML page without tags, for "page says …" assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}
