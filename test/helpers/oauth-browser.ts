// The person's browser in an app's OAuth flow: plain fetch with a cookie jar, signing in through the
// web form and approving on the consent page, returning the code the app gets back. For the
// client-library suites (test/api/megalodon.test.ts) against a real listening server.
import assert from "node:assert/strict";

export class Browser {
  readonly #cookies = new Map<string, string>();
  readonly #origin: string;
  constructor(origin: string) {
    this.#origin = origin;
  }
  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }
  /** One request; redirects are not followed (the caller reads each Location). */
  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const url = new URL(path, this.#origin);
    assert.equal(url.origin, this.#origin, `the browser stays on the server (${url})`);
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      redirect: "manual",
      ...(body === undefined ? {} : { body }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return res;
  }
}

export interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
  buttons: { name: string; value: string }[];
}

function unescapeHtml(s: string): string {
  return s
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&#x27;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

function attributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of source.matchAll(/([a-zA-Z_:-]+)(?:="([^"]*)")?/g))
    out[(a[1] ?? "").toLowerCase()] = unescapeHtml(a[2] ?? "");
  return out;
}

/** The page's forms as a browser sees them. */
export function formsOf(page: string): Form[] {
  const forms: Form[] = [];
  for (const m of page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = attributes(m[1] ?? "");
    const form: Form = {
      action: attrs.action ?? "",
      method: (attrs.method ?? "get").toLowerCase(),
      fields: {},
      buttons: [],
    };
    for (const tag of (m[2] ?? "").matchAll(/<(input|button|textarea)\b([^>]*)>/g)) {
      const a = attributes(tag[2] ?? "");
      if (!a.name) continue;
      if (tag[1] === "button") form.buttons.push({ name: a.name, value: a.value ?? "" });
      else form.fields[a.name] = a.value ?? "";
    }
    forms.push(form);
  }
  return forms;
}

/**
 * Opens an app's authorization URL in the browser, signs in as `handle` when asked, approves, and
 * returns the redirect the app receives.
 */
export async function approveInBrowser(
  browser: Browser,
  authorizeUrl: string,
  handle: string,
  password: string,
): Promise<URL> {
  const authorize = new URL(authorizeUrl);
  let page = await browser.request(authorize.pathname + authorize.search);
  if (page.status === 303) {
    const toSignIn = page.headers.get("location") ?? "";
    assert.match(toSignIn, /^\/signin\?next=/, "not signed in: to the sign-in page");
    const signInPage = await browser.request(toSignIn);
    const signInForm = formsOf(await signInPage.text()).find((f) => "password" in f.fields);
    assert.ok(signInForm, "the sign-in form");
    const signedIn = await browser.request(signInForm.action, {
      method: "POST",
      form: { ...signInForm.fields, handle, password },
    });
    assert.equal(signedIn.status, 303, "signed in");
    page = await browser.request(signedIn.headers.get("location") ?? "");
  }
  assert.equal(page.status, 200, "the consent page");
  const consentForm = formsOf(await page.text()).find((f) => f.buttons.some((b) => b.value === "approve"));
  assert.ok(consentForm, "the consent form");
  const approved = await browser.request(consentForm.action, {
    method: "POST",
    form: { ...consentForm.fields, decision: "approve" },
  });
  assert.equal(approved.status, 303, "approved: back to the app");
  return new URL(approved.headers.get("location") ?? "");
}
