// Rate limits without identity. An anonymous client's bucket is keyed by an HMAC of its address
// under a random key that lives only in memory and is replaced every hour, so no bucket can be tied
// back to an address afterwards; signed-in clients are keyed by their token or session instead.
// Nothing here is ever written anywhere.
import { createHmac, randomBytes } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";
import type { Clock } from "../domain/clock.ts";
import { HOUR, MINUTE } from "../domain/clock.ts";
import { PubliusError } from "../domain/errors.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** The app's one limiter (made in buildApp), for the per-address limits routes add. */
    rateLimiter: RateLimiter;
    /** Whether this request's address is shared by everyone (onion, a proxy's own address): see sharedAddressRule. */
    sharedAddress: (request: FastifyRequest) => boolean;
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

/**
 * When a request's address tells visitors apart, and when it does not. Everyone who comes through
 * the onion service arrives from the Tor daemon's address, and a request that reaches us from a
 * proxy's own address (a configured proxy that forwarded no client address, or one whose header is
 * not believed) carries the proxy's: for those, a per-address bucket would be one bucket for every
 * visitor, so the limits that lock out (failed sign-ins) do not use it and cost per account or by a
 * proof of work instead. A request without an address counts as shared too.
 */
export function sharedAddressRule(config: Config): (request: FastifyRequest) => boolean {
  const onionHost = config.onionUrl ? new URL(config.onionUrl).host : undefined;
  const proxies = new BlockList();
  for (const item of config.trustedProxies) {
    if (item === "loopback") {
      proxies.addSubnet("127.0.0.0", 8, "ipv4");
      proxies.addAddress("::1", "ipv6");
      continue;
    }
    const [address = "", bits] = item.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) proxies.addAddress(address, type);
    else proxies.addSubnet(address, Number(bits), type);
  }
  return (request) => {
    if (onionHost && request.headers.host?.toLowerCase() === onionHost) return true;
    const ip = (request.ip ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
    if (!ip) return true;
    const family = isIP(ip);
    return family !== 0 && proxies.check(ip, family === 6 ? "ipv6" : "ipv4");
  };
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

const limitSignInsPerAddress = limitPerAddress(
  "signin",
  SIGN_IN_LIMIT,
  (minutes) => `Too many sign-in attempts from your network. Try again in ${minutesText(minutes)}.`,
);

/**
 * POST /signin: per address where the address tells visitors apart. Where it does not (onion, a
 * proxy's own address) one visitor's 30 failures would lock out every other visitor, so there the
 * only cost is the per-handle back-off (sign-in-throttle.ts), which never keeps the right password
 * out.
 */
export async function limitSignIns(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.server.sharedAddress(request)) return;
  await limitSignInsPerAddress(request, reply);
}

/** Apps registered from one address an hour (POST /api/v1/apps). */
export const APP_REGISTRATION_LIMIT: Limit = { max: 30, windowMs: HOUR };

export const limitAppRegistrations = limitPerAddress(
  "apps",
  APP_REGISTRATION_LIMIT,
  (minutes) => `Too many apps were registered from your network. Try again in ${minutesText(minutes)}.`,
);
