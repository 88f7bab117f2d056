// Failed sign-ins slow down per account, not per address: Publius never looks at addresses for
// this. After a few failures the account's sign-in waits, doubling up to a ceiling. Kept in memory
// only; a restart forgets it, which costs an attacker nothing they did not already have.
import type { Clock } from "../../domain/clock.ts";
import { HOUR, MINUTE } from "../../domain/clock.ts";

export const FREE_FAILURES = 5;
const FIRST_WAIT_MS = 30_000;
const MAX_WAIT_MS = 15 * MINUTE;

export class SignInThrottle {
  readonly #clock: Clock;
  readonly #state = new Map<string, { failures: number; blockedUntil: number; lastAt: number }>();
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Milliseconds the account must still wait before a sign-in is checked; 0 when it may try. */
  waitFor(accountId: string): number {
    const s = this.#state.get(accountId);
    if (!s) return 0;
    const now = this.#clock.now().getTime();
    if (now - s.lastAt > HOUR && now >= s.blockedUntil) {
      this.#state.delete(accountId);
      return 0;
    }
    return Math.max(0, s.blockedUntil - now);
  }

  failed(accountId: string): void {
    const now = this.#clock.now().getTime();
    const s = this.#state.get(accountId) ?? { failures: 0, blockedUntil: 0, lastAt: now };
    s.failures += 1;
    s.lastAt = now;
    if (s.failures >= FREE_FAILURES) {
      const wait = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (s.failures - FREE_FAILURES));
      s.blockedUntil = now + wait;
    }
    this.#state.set(accountId, s);
    if (this.#state.size > 100_000) this.#sweep(now);
  }

  succeeded(accountId: string): void {
    this.#state.delete(accountId);
  }

  #sweep(now: number): void {
    for (const [id, s] of this.#state) if (now - s.lastAt > HOUR && now >= s.blockedUntil) this.#state.delete(id);
  }
}
