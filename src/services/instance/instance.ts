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
