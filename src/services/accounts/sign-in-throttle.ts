// Failed sign-ins slow down per handle, not per address: Publius never looks at addresses for this
// (behind Tor every visitor shares one). After a few failures, further WRONG passwords for the handle
// are refused until a wait that doubles up to a ceiling; the right password is never asked to wait
// (sessions.ts checks it first), so failures cannot lock the owner out. Handles that belong to no
// account are throttled the same way, so the answers do not tell which accounts exist. Kept in
// memory only; a restart forgets it, which costs an attacker nothing they did not already have.
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
  waitFor(key: string): number {
    const s = this.#state.get(key);
    if (!s) return 0;
    const now = this.#clock.now().getTime();
    if (now - s.lastAt > HOUR && now >= s.blockedUntil) {
      this.#state.delete(key);
      return 0;
    }
    return Math.max(0, s.blockedUntil - now);
  }

  failed(key: string): void {
    const now = this.#clock.now().getTime();
    const s = this.#state.get(key) ?? { failures: 0, blockedUntil: 0, lastAt: now };
    s.failures += 1;
    s.lastAt = now;
    if (s.failures >= FREE_FAILURES) {
      const wait = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (s.failures - FREE_FAILURES));
      s.blockedUntil = now + wait;
    }
    this.#state.set(key, s);
    if (this.#state.size > 100_000) this.#sweep(now);
  }

  succeeded(key: string): void {
    this.#state.delete(key);
  }

  #sweep(now: number): void {
    for (const [id, s] of this.#state) if (now - s.lastAt > HOUR && now >= s.blockedUntil) this.#state.delete(id);
  }
}
