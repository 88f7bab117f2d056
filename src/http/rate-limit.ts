// Rate limits without identity. An anonymous client's bucket is keyed by an HMAC of its address
// under a random key that lives only in memory and is replaced every hour, so no bucket can be tied
// back to an address afterwards; signed-in clients are keyed by their token or session instead.
// Nothing here is ever written anywhere.
import { createHmac, randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../domain/clock.ts";
import { HOUR, MINUTE } from "../domain/clock.ts";
import { PubliusError } from "../domain/errors.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** The app's one limiter (made in buildApp), for the per-address limits routes add. */
    rateLimiter: RateLimiter;
  }
}

export interface Limit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export interface LimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the window ends. */
  resetAt: Date;
  /** Whole seconds until then (at least 1), for Retry-After. */
  retryAfter: number;
}

/** The store behind the limiter; a Redis implementation must keep the same property (keys expire). */
export interface RateLimitStore {
  hit(key: string, windowMs: number, now: number): { count: number; resetAt: number };
}

export class MemoryRateLimitStore implements RateLimitStore {
  readonly #buckets = new Map<string, { count: number; resetAt: number }>();
  #sweptAt = 0;
  hit(key: string, windowMs: number, now: number) {
    if (now - this.#sweptAt > 60_000) {
      for (const [k, b] of this.#buckets) if (b.resetAt <= now) this.#buckets.delete(k);
      this.#sweptAt = now;
    }
    let b = this.#buckets.get(key);
    if (!b || b.resetAt <= now) {
      b = { count: 0, resetAt: now + windowMs };
      this.#buckets.set(key, b);
    }
    b.count += 1;
    return { ...b };
  }
  /** For tests: how many buckets exist. */
  get size(): number {
    return this.#buckets.size;
  }
  /** For tests: the bucket names (so they can show no address is among them). */
  keys(): string[] {
    return [...this.#buckets.keys()];
  }
}

/** The bucket of requests that arrive without a usable address. */
export const NO_ADDRESS_BUCKET = "no-address";

export class RateLimiter {
  readonly #clock: Clock;
  readonly #store: RateLimitStore;
  #key: Buffer = randomBytes(32);
  #keyBorn: number;

  constructor(clock: Clock, store: RateLimitStore = new MemoryRateLimitStore()) {
    this.#clock = clock;
    this.#store = store;
    this.#keyBorn = clock.now().getTime();
  }

  /**
   * An opaque bucket name for a client address; the address itself is not kept. A request whose
   * socket is already gone (a reset right after the request) has no address: it shares one fixed
   * bucket rather than throwing.
   */
  addressKey(address: string | undefined): string {
    if (typeof address !== "string" || address === "") return NO_ADDRESS_BUCKET;
    const now = this.#clock.now().getTime();
    if (now - this.#keyBorn >= HOUR) {
      this.#key = randomBytes(32);
      this.#keyBorn = now;
    }
    return createHmac("sha256", this.#key).update(address).digest("base64url");
  }

  hit(bucket: string, limit: Limit): LimitResult {
    const now = this.#clock.now().getTime();
    const { count, resetAt } = this.#store.hit(bucket, limit.windowMs, now);
    return {
      allowed: count <= limit.max,
      limit: limit.max,
      remaining: Math.max(0, limit.max - count),
      resetAt: new Date(resetAt),
      retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)),
    };
  }
}

/** Account creation from one address, web form and API together. */
export const SIGN_UP_LIMIT: Limit = { max: 10, windowMs: HOUR };
/** Sign-in attempts from one address (failures also slow down per account: sign-in-throttle.ts). */
export const SIGN_IN_LIMIT: Limit = { max: 30, windowMs: 5 * MINUTE };

/** X-RateLimit-Limit / -Remaining / -Reset as Mastodon sends them. */
export function setRateLimitHeaders(reply: FastifyReply, r: LimitResult): void {
  reply.header("x-ratelimit-limit", String(r.limit));
  reply.header("x-ratelimit-remaining", String(r.remaining));
  reply.header("x-ratelimit-reset", r.resetAt.toISOString());
}

/**
 * A preHandler counting each request against the client address's bucket for `name` (an HMAC of the
 * address, see addressKey), with the X-RateLimit headers; over the limit it answers 429 with
 * Retry-After and `message(minutes)`, as a page on the web and as JSON on the API.
 */
export function limitPerAddress(
  name: string,
  limit: Limit,
  message: (minutes: number) => string,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const limiter = request.server.rateLimiter;
    const r = limiter.hit(`${name}:${limiter.addressKey(request.ip)}`, limit);
    setRateLimitHeaders(reply, r);
    if (r.allowed) return;
    reply.header("retry-after", String(r.retryAfter));
    throw new PubliusError(429, message(Math.ceil(r.retryAfter / 60)));
  };
}

/** "1 minute", "12 minutes". */
export function minutesText(minutes: number): string {
  return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}

/** POST /signup and POST /api/v1/accounts: one bucket per address for both. */
export const limitSignUps = limitPerAddress(
  "signup",
  SIGN_UP_LIMIT,
  (minutes) => `Too many accounts were requested from your network. Try again in ${minutesText(minutes)}.`,
);

/** POST /signin. */
export const limitSignIns = limitPerAddress(
  "signin",
  SIGN_IN_LIMIT,
  (minutes) => `Too many sign-in attempts from your network. Try again in ${minutesText(minutes)}.`,
);
