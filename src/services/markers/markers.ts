// Read markers (Mastodon's /api/v1/markers): where a person stopped reading their home timeline and
// their notifications, so another app can pick up there. Moving the notifications marker also marks
// those notifications read.
//
// What a marker can tell about reading time (issue 9, finding 5): the id read is itself a lower bound
// (one read at or after that post or notification was made), which keeping the id cannot avoid. A
// save time would add an upper bound, and the two together narrowed the reading to minutes (a post
// at 14:52, saved "in the 14:00 hour"). So `updated_at` is not the time of the save: it is the hour
// of the item read (a post's time is public; a notification's key holds its hour), never later than
// the save's hour, and the day of the save for an id Publius cannot date. The marker then says
// nothing about when one read beyond what its id says. `version` counts saves (Mastodon's), no time.
import { sql } from "kysely";
import type { Viewer } from "../../domain/account.ts";
import { dayOf, hourOf } from "../../domain/clock.ts";
import { unprocessable } from "../../domain/errors.ts";
import { hourOfSerial, timeOfId } from "../../domain/ids.ts";
import type { ServiceDeps } from "../deps.ts";
import type { NotificationService } from "../notifications/notifications.ts";

export type MarkerTimeline = "home" | "notifications";
export const MARKER_TIMELINES: readonly MarkerTimeline[] = ["home", "notifications"];

export interface Marker {
  timeline: MarkerTimeline;
  lastReadId: string;
  /** Goes up by one on every save (Mastodon's optimistic-lock version). */
  version: number;
  /** The hour of the last save. */
  updatedAt: string;
}

const ID = /^\d{1,20}$/;

export class MarkerService {
  readonly #deps: ServiceDeps;
  readonly #notifications: NotificationService;
  constructor(deps: ServiceDeps, notifications: NotificationService) {
    this.#deps = deps;
    this.#notifications = notifications;
  }

  /** The viewer's markers for the named timelines (unknown names are ignored). */
  async get(viewer: Viewer, timelines: readonly string[]): Promise<Marker[]> {
    const wanted = MARKER_TIMELINES.filter((t) => timelines.includes(t));
    if (wanted.length === 0) return [];
    const rows = await this.#deps.db
      .selectFrom("markers")
      .select(["timeline", "last_read_id", "version", "updated_at"])
      .where("account_id", "=", viewer.accountId)
      .where("timeline", "in", wanted)
      .execute();
    return rows.map(toMarker);
  }

  /** Saves one or both positions and returns the markers saved. */
  async save(viewer: Viewer, positions: Partial<Record<MarkerTimeline, string>>): Promise<Marker[]> {
    const changes = MARKER_TIMELINES.flatMap((timeline) => {
      const id = positions[timeline];
      if (id === undefined) return [];
      if (!ID.test(id)) throw unprocessable(`${timeline}[last_read_id] must be an id`);
      return [{ timeline, id }];
    });
    if (changes.length === 0) return [];
    const now = this.#deps.clock.now();
    await this.#deps.db.transaction().execute(async (tx) => {
      for (const c of changes) {
        const updatedAt = markerTime(c.timeline, c.id, now);
        await tx
          .insertInto("markers")
          .values({
            account_id: viewer.accountId,
            timeline: c.timeline,
            last_read_id: c.id,
            version: 0,
            updated_at: updatedAt,
          })
          .onConflict((oc) =>
            oc.columns(["account_id", "timeline"]).doUpdateSet({
              last_read_id: c.id,
              version: sql<number>`markers.version + 1`,
              updated_at: updatedAt,
            }),
          )
          .execute();
      }
    });
    const notifications = positions.notifications;
    if (notifications !== undefined) await this.#notifications.markReadUpTo(viewer, notifications);
    return this.get(
      viewer,
      changes.map((c) => c.timeline),
    );
  }
}

/** The hour of the item read, capped at the save's hour; the day of the save when it cannot be dated. */
export function markerTime(timeline: MarkerTimeline, id: string, now: Date): string {
  const ms = timeline === "home" ? timeOfId(id) : /^\d{15}$/.test(id) ? hourOfSerial(Number(id)).getTime() : undefined;
  if (ms === undefined) return `${dayOf(now)}T00:00:00.000Z`;
  return hourOf(new Date(Math.min(ms, now.getTime())));
}

function toMarker(row: { timeline: string; last_read_id: string; version: number; updated_at: string }): Marker {
  return {
    timeline: row.timeline as MarkerTimeline,
    lastReadId: row.last_read_id,
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}
