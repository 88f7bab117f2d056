// What the server says about itself (GET /api/v1/instance, /api/v2/instance): counts only, from
// what is public anyway. Publius records no logins, so "active" means "posted in the last 4 weeks".
import { DAY, dayOf } from "../../domain/clock.ts";
import type { ServiceDeps } from "../deps.ts";

export interface InstanceStats {
  /** Active, unsuspended accounts. */
  userCount: number;
  /** Their posts and reposts. */
  statusCount: number;
  /** Accounts that posted in the last 28 days. */
  activeMonth: number;
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
    const since = dayOf(new Date(this.#deps.clock.now().getTime() - 28 * DAY));
    const row = await this.#deps.db
      .selectFrom("accounts")
      .select((eb) => [
        eb.fn.countAll<number>().as("users"),
        eb.fn.sum<number>("statuses_count").as("statuses"),
        eb.fn.sum<number>(eb.case().when("last_status_day", ">=", since).then(1).else(0).end()).as("active"),
      ])
      .where("state", "=", "active")
      .where("suspended", "=", 0)
      .executeTakeFirst();
    return {
      userCount: Number(row?.users ?? 0),
      statusCount: Number(row?.statuses ?? 0),
      activeMonth: Number(row?.active ?? 0),
    };
  }
}
