// Proof of work for open registration. A challenge is stateless: a random nonce, an expiry and the
// difficulty, signed with an HMAC key that lives only in this process's memory (never written
// anywhere; a restart simply invalidates outstanding challenges). The browser finds a counter such
// that SHA-256(challenge + ":" + counter) starts with `bits` zero bits. A solved challenge is
// remembered, in memory and only until it expires, so that each one admits a single account.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { type Clock, MINUTE } from "../../domain/clock.ts";

/** How long a challenge stays valid after the sign-up page was served. */
export const CHALLENGE_LIFETIME = 10 * MINUTE;

export class SignUpChallenges {
  readonly #clock: Clock;
  readonly #key = randomBytes(32);
  /** Solved challenges (by signature) with their expiry. */
  readonly #used = new Map<string, number>();
  readonly bits: number;

  constructor(clock: Clock, bits: number) {
    this.#clock = clock;
    this.bits = bits;
  }

  /** A fresh challenge: "nonce.expiresMs.bits.signature", all URL-safe. */
  issue(): string {
    const body = `${randomBytes(16).toString("base64url")}.${this.#clock.now().getTime() + CHALLENGE_LIFETIME}.${this.bits}`;
    return `${body}.${this.#sign(body)}`;
  }

  /**
   * Whether `counter` solves `challenge`, a challenge this process issued, unexpired, at the current
   * difficulty and not used before. A true answer uses the challenge up.
   */
  redeem(challenge: string, counter: string): boolean {
    const parts = challenge.split(".");
    if (parts.length !== 4 || !/^\d{1,12}$/.test(counter)) return false;
    const [nonce, expires, bits, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.#sign(`${nonce}.${expires}.${bits}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const now = this.#clock.now().getTime();
    if (!(Number(expires) > now) || Number(bits) !== this.bits) return false;
    this.#sweep(now);
    if (this.#used.has(signature)) return false;
    if (!hasLeadingZeroBits(createHash("sha256").update(`${challenge}:${counter}`).digest(), this.bits)) return false;
    this.#used.set(signature, Number(expires));
    return true;
  }

  /** For tests: how many used challenges are remembered. */
  get remembered(): number {
    return this.#used.size;
  }

  #sign(body: string): string {
    return createHmac("sha256", this.#key).update(body).digest("base64url");
  }

  #sweep(now: number): void {
    for (const [signature, expires] of this.#used) if (expires <= now) this.#used.delete(signature);
  }
}

export function hasLeadingZeroBits(digest: Uint8Array, bits: number): boolean {
  let i = 0;
  let left = bits;
  while (left >= 8) {
    if (digest[i] !== 0) return false;
    i += 1;
    left -= 8;
  }
  return left === 0 || (digest[i] ?? 0xff) >> (8 - left) === 0;
}

/** Solves a challenge in Node (for tests and tools); the browser does the same in public/pow.js. */
export function solveChallenge(challenge: string, bits: number): string {
  for (let counter = 0; ; counter++) {
    if (hasLeadingZeroBits(createHash("sha256").update(`${challenge}:${counter}`).digest(), bits)) {
      return String(counter);
    }
  }
}
