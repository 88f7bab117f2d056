// Rate limits without identity. An anonymous client's bucket is keyed by an HMAC of its address
// under a random key that lives only in memory and is replaced every hour, so no bucket can be tied
// back to an address afterwards; signed-in clients are keyed by their token or session instead.
// Nothing here is ever written anywhere.
import { createHmac, randomBytes } from "node:crypto";
import type { Clock } from "../domain/clock.ts";
import { HOUR } from "../domain/clock.ts";

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
}

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

  /** An opaque bucket name for a client address; the address itself is not kept. */
  addressKey(address: string): string {
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
    };
  }
}
