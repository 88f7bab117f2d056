// What the server says about itself (Instance v1/v2, NodeInfo): counts only, from what is public
// anyway, and rounded by the one rule in domain/coarse-count.ts so that watching them does not tell
// when one account joined or posted. Publius records no logins, so "active" means "posted".
import { DAY, dayOf } from "../../domain/clock.ts";
import { coarseCount } from "../../domain/coarse-count.ts";
import { databaseAnswers, serverCounts } from "../../store/repos/instance.ts";
import type { ServiceDeps } from "../deps.ts";

export interface InstanceStats {
  /** Active, unsuspended accounts (rounded). */
  userCount: number;
  /** Their posts and reposts (rounded). */
  statusCount: number;
  /** Accounts that posted in the last 28 days (rounded). */
  activeMonth: number;
  /** Accounts that posted in the last 180 days (rounded). */
  activeHalfyear: number;
}

export class InstanceService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Whether the database answers a trivial query within `withinMs` (health checks: a stalled
   * database must not look healthy, nor hold the check for the whole statement timeout).
   */
  async databaseAnswers(withinMs = 2000): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), withinMs);
    });
    const query = this.#deps.db
      .selectFrom("accounts")
      .select((eb) => eb.lit(1).as("one"))
      .limit(1)
      .execute()
      .then(
        () => true,
        () => false,
      );
    try {
      return await Promise.race([query, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stats(): Promise<InstanceStats> {
    const now = this.#deps.clock.now().getTime();
    const days = [28, 180].map((n) => dayOf(new Date(now - n * DAY)));
    const c = await serverCounts(this.#deps.db, days);
    return {
      userCount: coarseCount(c.users),
      statusCount: coarseCount(c.statuses),
      activeMonth: coarseCount(c.activeSince[0] ?? 0),
      activeHalfyear: coarseCount(c.activeSince[1] ?? 0),
    };
  }

  /** Whether the database answers (GET /health). */
  async healthy(): Promise<boolean> {
    return databaseAnswers(this.#deps.db);
  }
}
