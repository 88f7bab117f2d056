import type { Config } from "../config/config.ts";
import type { Clock } from "../domain/clock.ts";
import type { TimeIds } from "../domain/ids.ts";
import type { DialectName } from "../store/migrations/migration.ts";
import type { Db } from "../store/store.ts";
import type { EventBus } from "./events/bus.ts";

/** What every service is built from. Passed down, never imported as a singleton. */
export interface ServiceDeps {
  db: Db;
  dialect: DialectName;
  clock: Clock;
  ids: TimeIds;
  config: Config;
  events: EventBus;
}
