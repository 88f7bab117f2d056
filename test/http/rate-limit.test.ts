// Per-address limits on sign-up (web and API together) and sign-in, and what a bucket is keyed by:
// an HMAC of the address under an in-memory key replaced every hour — never the address itself.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.ts";
import { HOUR, MINUTE } from "../../src/domain/clock.ts";
import { createLogger } from "../../src/http/logging.ts";
import { API_LIMIT } from "../../src/http/mastodon/plugin.ts";
import { MemoryRateLimitStore, RateLimiter, SIGN_IN_LIMIT, SIGN_UP_LIMIT } from "../../src/http/rate-limit.ts";
import { PASSWORD, person } from "../fixtures/accounts.ts";
import { appToken } from "../helpers/api.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { rowCount } from "../helpers/db.ts";
import { pageText } from "../helpers/pages.ts";
import { formToken } from "../helpers/web.ts";

const A = "192.0.2.7";
const B = "192.0.2.8";
const V6 = "2001:db8::7";

interface Harness {
  ctx: TestContext;
  app: FastifyInstance;
  store: MemoryRateLimitStore;
  limiter: RateLimiter;
}

async function open(env: Record<string, string> = {}): Promise<Harness> {
  const ctx = await createTestContext({ env });
  const store = new MemoryRateLimitStore();
  const limiter = new RateLimiter(ctx.clock, store);
  const app = await buildApp(ctx, { limiter, logger: createLogger("silent") });
  return { ctx, app, store, limiter };
}

/**
 * A form post from a browser at `address`, with the pre-session cookie and the token a sign-in page
 * gave it (the token is bound to the cookie, see csrf.ts).
 */
async function form(
  h: Harness,
  address: string,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const page = await h.app.inject({ method: "GET", url: "/signin", remoteAddress: address, headers });
  const cookie = (page.cookies as { name: string; value: string }[]).find((c) => c.name === "publius_csrf");
  const csrf = formToken(page) ?? "";
  return h.app.inject({
    method: "POST",
    url,
    remoteAddress: address,
    cookies: { publius_csrf: cookie?.value ?? "" },
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    payload: new URLSearchParams({ csrf, ...fields }).toString(),
  });
}

/** POST /api/v1/accounts from `address` with an app token. */
function apiSignUp(h: Harness, address: string, token: string, username: string): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: "POST",
    url: "/api/v1/accounts",
    remoteAddress: address,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    payload: JSON.stringify({ username, password: PASSWORD, agreement: true, email: `${username}@example.com` }),
  });
}

function assertLimitHeaders(res: LightMyRequestResponse, limit: number, remaining: number): void {
  assert.equal(res.headers["x-ratelimit-limit"], String(limit));
  assert.equal(res.headers["x-ratelimit-remaining"], String(remaining));
  assert.ok(!Number.isNaN(Date.parse(String(res.headers["x-ratelimit-reset"]))), "X-RateLimit-Reset is a time");
}

describe("per-address limits", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await open();
  });
  afterEach(async () => {
    await h.app.close();
    await h.ctx.destroy();
  });

  test("web sign-up: attempts count (refused ones too); over the limit a clear 429 page and nothing made", async () => {
    for (let i = 1; i <= SIGN_UP_LIMIT.max; i++) {
      // Passwords that differ: refused (422) cheaply, but still an attempt.
      const res = await form(h, A, "/signup", { handle: `try${i}`, password: PASSWORD, password_confirmation: "x" });
      assert.equal(res.statusCode, 422);
      assertLimitHeaders(res, SIGN_UP_LIMIT.max, SIGN_UP_LIMIT.max - i);
    }
    const over = await form(h, A, "/signup", { handle: "late", password: PASSWORD, password_confirmation: PASSWORD });
    const text = pageText(over, 429);
    assert.match(text, /Too many attempts/);
    assert.match(text, /Too many accounts were requested from your network\. Try again in 60 minutes\./);
    assertLimitHeaders(over, SIGN_UP_LIMIT.max, 0);
    assert.equal(over.headers["retry-after"], String(HOUR / 1000));
    assert.equal(await rowCount(h.ctx, "accounts", { handle: "late" }), 0, "no account is made over the limit");

    // Another address is not affected.
    const other = await form(h, B, "/signup", { handle: "other", password: PASSWORD, password_confirmation: PASSWORD });
    assert.equal(other.statusCode, 303);
    assert.equal(await rowCount(h.ctx, "accounts", { handle: "other" }), 1);

    // The window ends after an hour.
    h.ctx.clock.advance(HOUR);
    const again = await form(h, A, "/signup", { handle: "late", password: PASSWORD, password_confirmation: PASSWORD });
    assert.equal(again.statusCode, 303);
  });

  test("the API's POST /api/v1/accounts shares the sign-up bucket and answers 429 as JSON", async () => {
    const token = await appToken(h.ctx);
    const half = SIGN_UP_LIMIT.max / 2;
    for (let i = 1; i <= half; i++) {
      const res = await form(h, A, "/signup", { handle: `web${i}`, password: PASSWORD, password_confirmation: "x" });
      assert.equal(res.statusCode, 422);
    }
    for (let i = 1; i <= SIGN_UP_LIMIT.max - half; i++) {
      const res = await apiSignUp(h, A, token, `api${i}`);
      assert.equal(res.statusCode, 200, res.body);
      assertLimitHeaders(res, SIGN_UP_LIMIT.max, SIGN_UP_LIMIT.max - half - i);
    }
    const over = await apiSignUp(h, A, token, "late");
    assert.equal(over.statusCode, 429);
    assert.match(over.headers["content-type"] as string, /application\/json/);
    assert.deepEqual(over.json(), {
      error: "Too many accounts were requested from your network. Try again in 60 minutes.",
    });
    assertLimitHeaders(over, SIGN_UP_LIMIT.max, 0);
    assert.ok(Number(over.headers["retry-after"]) > 0);
    assert.equal(await rowCount(h.ctx, "accounts", { handle: "late" }), 0);
    assert.equal((await apiSignUp(h, B, token, "late")).statusCode, 200, "another address may");
  });

  test("web sign-in: attempts per address are limited, whatever the account; the window then ends", async () => {
    await person(h.ctx, "alice");
    for (let i = 1; i <= SIGN_IN_LIMIT.max; i++) {
      // Different unknown handles, so the per-account throttle plays no part.
      const res = await form(h, A, "/signin", { handle: `nobody${i}`, password: "wrong password" });
      assert.equal(res.statusCode, 401);
      assertLimitHeaders(res, SIGN_IN_LIMIT.max, SIGN_IN_LIMIT.max - i);
    }
    const over = await form(h, A, "/signin", { handle: "alice", password: PASSWORD });
    assert.match(pageText(over, 429), /Too many sign-in attempts from your network\. Try again in 5 minutes\./);
    assert.equal(over.headers["retry-after"], String((5 * MINUTE) / 1000));
    assert.ok(!String(over.headers["set-cookie"] ?? "").includes("publius_session="), "no session cookie");
    assert.equal(await rowCount(h.ctx, "sessions"), 0);

    assert.equal((await form(h, B, "/signin", { handle: "alice", password: PASSWORD })).statusCode, 303);
    h.ctx.clock.advance(5 * MINUTE);
    assert.equal((await form(h, A, "/signin", { handle: "alice", password: PASSWORD })).statusCode, 303);
  });

  test("a refused CSRF token is not an attempt; the limit comes before any password is checked", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/signin",
      remoteAddress: A,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "handle=alice&password=x",
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.headers["x-ratelimit-limit"], undefined);
    assert.equal(h.store.size, 0);
  });
});

describe("buckets are keyed without the address", () => {
  test("store keys hold no address; the same address maps to the same bucket within the hour only", async () => {
    const h = await open();
    try {
      const token = await appToken(h.ctx);
      for (const address of [A, V6, `::ffff:${B}`]) {
        await form(h, address, "/signin", { handle: "nobody", password: "x" });
        await form(h, address, "/signup", { handle: "x", password: "x", password_confirmation: "y" });
        await apiSignUp(h, address, token, "someone");
        await h.app.inject({ method: "GET", url: "/api/v1/instance", remoteAddress: address });
      }
      const keys = h.store.keys();
      assert.ok(keys.length >= 9, `buckets were made: ${keys.join(" ")}`);
      for (const key of keys) {
        for (const needle of [A, B, V6, "192.0.2", "2001:db8", Buffer.from(A).toString("base64url")]) {
          assert.ok(!key.includes(needle), `bucket ${key} contains ${needle}`);
        }
        // Buckets: per-address ones (an HMAC), an account's (u:), an app's (app:) — never an address.
        assert.match(key, /^(signin|signup|apps|a|u|app):[A-Za-z0-9_-]+$/);
      }

      const before = h.limiter.addressKey(A);
      assert.equal(h.limiter.addressKey(A), before, "stable within the hour");
      assert.notEqual(h.limiter.addressKey(B), before);
      h.ctx.clock.advance(HOUR - 1);
      assert.equal(h.limiter.addressKey(A), before);
      h.ctx.clock.advance(1);
      const after = h.limiter.addressKey(A);
      assert.notEqual(after, before, "a new key after an hour: old buckets cannot be matched to an address");
      assert.equal(h.limiter.addressKey(A), after);
      // Two limiters (two processes, or one restarted) never agree: the key is random and unwritten.
      assert.notEqual(new RateLimiter(h.ctx.clock).addressKey(A), after);
    } finally {
      await h.app.close();
      await h.ctx.destroy();
    }
  });

  test("behind a trusted proxy each X-Forwarded-For address has its own bucket; otherwise the header is ignored", async () => {
    const trusting = await open({ PUBLIUS_TRUSTED_PROXIES: "127.0.0.1" });
    const plain = await open();
    try {
      for (const h of [trusting, plain]) {
        for (let i = 0; i < SIGN_UP_LIMIT.max; i++) {
          const res = await form(
            h,
            "127.0.0.1",
            "/signup",
            { handle: "x", password: "x", password_confirmation: "y" },
            { "x-forwarded-for": "198.51.100.1" },
          );
          assert.equal(res.statusCode, 422);
        }
      }
      const next = (h: Harness, forwarded: string) =>
        form(
          h,
          "127.0.0.1",
          "/signup",
          { handle: "x", password: "x", password_confirmation: "y" },
          { "x-forwarded-for": forwarded },
        );
      assert.equal((await next(trusting, "198.51.100.1")).statusCode, 429);
      assert.equal((await next(trusting, "198.51.100.2")).statusCode, 422, "another client behind the proxy");
      assert.equal((await next(plain, "198.51.100.2")).statusCode, 429, "an untrusted header changes nothing");
    } finally {
      for (const h of [trusting, plain]) {
        await h.app.close();
        await h.ctx.destroy();
      }
    }
  });

  test("the API limit: per address when anonymous, per token otherwise, with Retry-After over it", async () => {
    const h = await open();
    try {
      for (let i = 0; i < API_LIMIT.max; i++) {
        await h.app.inject({ method: "GET", url: "/api/v1/instance", remoteAddress: A });
      }
      const over = await h.app.inject({ method: "GET", url: "/api/v1/instance", remoteAddress: A });
      assert.equal(over.statusCode, 429);
      assert.deepEqual(over.json(), { error: "Too many requests" });
      assert.ok(Number(over.headers["retry-after"]) > 0);
      const other = await h.app.inject({ method: "GET", url: "/api/v1/instance", remoteAddress: B });
      assert.equal(other.statusCode, 200);
      const token = await appToken(h.ctx);
      const withToken = await h.app.inject({
        method: "GET",
        url: "/api/v1/instance",
        remoteAddress: A,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(withToken.statusCode, 200, "a token counts against its app's bucket, not the address's");
    } finally {
      await h.app.close();
      await h.ctx.destroy();
    }
  });
});

describe("a request without an address (finding 10.8)", () => {
  test("addressKey gives one fixed bucket for a missing address instead of throwing", async () => {
    const ctx = await createTestContext();
    try {
      const limiter = new RateLimiter(ctx.clock, new MemoryRateLimitStore());
      const none = limiter.addressKey(undefined);
      assert.equal(typeof none, "string");
      assert.equal(limiter.addressKey(undefined), none, "the same bucket each time");
      assert.equal(limiter.addressKey(""), none);
      assert.notEqual(limiter.addressKey(A), none);
      // As a reset socket leaves it: the API answers normally, no 500.
      const app = await buildApp(ctx, { limiter, logger: createLogger("silent") });
      app.addHook("onRequest", async (request) => {
        Object.defineProperty(request, "ip", { value: undefined });
      });
      const res = await app.inject({ method: "GET", url: "/api/v1/instance" });
      assert.equal(res.statusCode, 200);
      await app.close();
    } finally {
      await ctx.destroy();
    }
  });
});
