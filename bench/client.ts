// A browser-like client for the web pages: keeps cookies, reads the CSRF token from forms, signs in
// and posts exactly as the HTML forms do.

export const SESSION_COOKIE = "publius_session";
export const CSRF_COOKIE = "publius_csrf";
const REQUEST_TIMEOUT_MS = 30_000;

export interface PageResponse {
  status: number;
  location: string | null;
  body: string;
  ms: number;
}

export class WebClient {
  readonly base: string;
  readonly #cookies = new Map<string, string>();
  csrf = "";

  constructor(base: string) {
    this.base = base;
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(path: string): Promise<PageResponse> {
    return this.#send("GET", path);
  }

  async postForm(path: string, fields: Record<string, string>): Promise<PageResponse> {
    return this.#send("POST", path, new URLSearchParams(fields).toString());
  }

  /** GET /signin for the CSRF cookie and field, then POST /signin; the session cookie is kept. */
  async signIn(handle: string, password: string): Promise<void> {
    const form = await this.get("/signin");
    if (form.status !== 200) throw new Error(`GET /signin answered ${form.status}`);
    this.csrf = csrfFrom(form.body) ?? this.cookie(CSRF_COOKIE) ?? "";
    const res = await this.postForm("/signin", { csrf: this.csrf, handle, password, next: "/home" });
    if (res.status !== 303 || !this.cookie(SESSION_COOKIE)) {
      throw new Error(`signing in as @${handle} failed: ${res.status} ${res.body.slice(0, 300)}`);
    }
  }

  /** Loads /home (as signed in) and takes the compose form's CSRF token. */
  async home(): Promise<PageResponse> {
    const res = await this.get("/home");
    if (res.status === 200) this.csrf = csrfFrom(res.body) ?? this.csrf;
    return res;
  }

  async #send(method: string, path: string, body?: string): Promise<PageResponse> {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), accept: "text/html" };
    if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers.origin = this.base;
    }
    const started = performance.now();
    const res = await fetch(this.base + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get("location"), body: text, ms };
  }
}

/** The value of the first hidden `csrf` input in a page. */
export function csrfFrom(html: string): string | undefined {
  for (const m of html.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    if (!/\bname="csrf"/.test(tag)) continue;
    const value = /\bvalue="([^"]*)"/.exec(tag)?.[1];
    if (value !== undefined) return decodeEntities(value);
  }
  return undefined;
}

/** How many posts a timeline page shows. */
export function countPosts(html: string): number {
  return html.match(/<article class="status/g)?.length ?? 0;
}

/** Whether a page shows the post with this id. */
export function showsPost(html: string, statusId: string): boolean {
  return html.includes(`s${statusId}-author`) || html.includes(`/${statusId}"`);
}

/** The status id at the end of a post's permalink (/@handle/123…?notice=posted). */
export function statusIdFromLocation(location: string | null): string | undefined {
  return location ? /\/(\d{18})(?:[?#]|$)/.exec(location)?.[1] : undefined;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
