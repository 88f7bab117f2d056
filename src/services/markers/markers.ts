// Read markers (Mastodon's /api/v1/markers): where a person stopped reading their home timeline and
// their notifications, so another app can pick up there. Kept to the hour, like other activity that
// is not itself public. Moving the notifications marker also marks those notifications read.
import { sql } from "kysely";
import type { Viewer } from "../../domain/account.ts";
import { hourOf } from "../../domain/clock.ts";
import { unprocessable } from "../../domain/errors.ts";
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
    const updatedAt = hourOf(this.#deps.clock.now());
    await this.#deps.db.transaction().execute(async (tx) => {
      for (const c of changes) {
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

function toMarker(row: { timeline: string; last_read_id: string; version: number; updated_at: string }): Marker {
  return {
    timeline: row.timeline as MarkerTimeline,
    lastReadId: row.last_read_id,
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}
