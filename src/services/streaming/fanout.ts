// From things that happened (the event bus) to what each listening viewer may see (the hub).
//
// A post reaches a stream exactly when it would appear at the top of the matching timeline for
// that viewer: membership is asked of the timeline service itself, for a one-post window around
// the post's id, so visibility, blocks, mutes and the home timeline's reply rules are written once.
// The cost is one small query per listening viewer and timeline; for the public timelines an
// anonymous look first rules out, in one query, every post that no one may see there (a viewer's
// own rules only ever remove posts from a public timeline).
//
// Events are handled one at a time, in order, so a `delete` never overtakes its `update`.
import type { Viewer } from "../../domain/account.ts";
import type { Page, Status } from "../../domain/status.ts";
import type { ServiceDeps } from "../deps.ts";
import type { PubliusEvent } from "../events/bus.ts";
import type { NotificationService } from "../notifications/notifications.ts";
import type { TimelineService } from "../timelines/timelines.ts";
import { type Channel, channelName, InProcessStreamHub, parseChannel, type StreamHub } from "./hub.ts";

/** Posts whose recipients are remembered, so their deletion reaches everyone who was sent them. */
const REMEMBERED_POSTS = 5000;

export class StreamingService {
  readonly hub: StreamHub;
  readonly #deps: ServiceDeps;
  readonly #timelines: TimelineService;
  readonly #notifications: NotificationService;
  #queue: Promise<void> = Promise.resolve();
  /** post id -> channels it was sent on (most recent last; bounded). */
  readonly #sent = new Map<string, Set<string>>();

  constructor(
    deps: ServiceDeps,
    timelines: TimelineService,
    notifications: NotificationService,
    hub: StreamHub = new InProcessStreamHub(),
  ) {
    this.#deps = deps;
    this.#timelines = timelines;
    this.#notifications = notifications;
    this.hub = hub;
    deps.events.subscribe((event) => {
      this.#queue = this.#queue
        .then(() => this.#handle(event))
        .catch(() => {
          // A failed fan-out loses live updates only; the timelines still show everything.
        });
    });
  }

  /** Resolves once every event published so far has been fanned out (tests, shutdown). */
  settled(): Promise<void> {
    return this.#queue;
  }

  async #handle(event: PubliusEvent): Promise<void> {
    switch (event.type) {
      case "status.created":
        return this.#status("update", event.statusId);
      case "status.updated":
        return this.#status("status.update", event.statusId);
      case "status.deleted":
        return this.#deleted(event.statusId, event.authorId);
      case "notification.created":
        return this.#notification(event.accountId, event.notificationId);
      default:
        return;
    }
  }

  async #active(): Promise<Channel[]> {
    return (await this.hub.activeChannels()).map(parseChannel).filter((c): c is Channel => c !== undefined);
  }

  async #status(event: "update" | "status.update", statusId: string): Promise<void> {
    const active = await this.#active();
    if (active.length === 0) return;
    const window = around(statusId);
    if (!window) return;
    const send = (channel: string, status: Status) => {
      this.hub.publish(channel, { event, status });
      this.#remember(statusId, channel);
    };

    for (const c of active) {
      if (c.kind !== "home") continue;
      const [s] = await this.#timelines.home(viewer(c.accountId), window);
      if (s) send(c.name, s);
    }

    // A list stream carries what the list timeline would show its owner (a deleted list: nothing).
    for (const c of active) {
      if (c.kind !== "list") continue;
      const [s] = await this.#timelines.list(viewer(c.accountId), c.listId, window).catch(() => []);
      if (s) send(c.name, s);
    }

    const locals = active.filter((c) => c.kind === "local");
    if (locals.length) {
      const [seen] = await this.#timelines.local(null, window);
      if (seen) {
        for (const c of locals) {
          const s = c.viewerId === null ? seen : (await this.#timelines.local(viewer(c.viewerId), window))[0];
          if (s) send(c.name, s);
        }
      }
    }

    const tagged = active.filter((c) => c.kind === "hashtag");
    if (tagged.length) {
      // Only public posts are in hashtag timelines: a post hidden from everyone is in none of them.
      const seen = await this.#timelines.status(null, statusId).catch(() => undefined);
      const tags = new Set(seen?.tags ?? []);
      for (const c of tagged) {
        if (!tags.has(c.tag)) continue;
        const [s] = await this.#timelines.hashtag(c.viewerId === null ? null : viewer(c.viewerId), c.tag, window);
        if (s) send(c.name, s);
      }
    }
  }

  /**
   * A deleted post's id goes to everyone it was streamed to, and to the home streams of its author
   * and the author's followers (who may have it from the timeline). The post is gone by now, so its
   * audience cannot be asked of the database any more; no one else learns that it existed.
   */
  async #deleted(statusId: string, authorId: string): Promise<void> {
    const active = await this.#active();
    const targets = new Set(this.#sent.get(statusId) ?? []);
    this.#sent.delete(statusId);
    const homes = active.filter((c): c is Extract<Channel, { kind: "home" }> => c.kind === "home");
    if (homes.length) {
      const ids = homes.map((c) => c.accountId);
      const followers = await this.#deps.db
        .selectFrom("follows")
        .select("account_id")
        .where("target_account_id", "=", authorId)
        .where("account_id", "in", ids)
        .execute();
      const audience = new Set([authorId, ...followers.map((f) => f.account_id)]);
      for (const c of homes) if (audience.has(c.accountId)) targets.add(c.name);
    }
    const listening = new Set(active.map((c) => c.name));
    for (const channel of targets) {
      if (listening.has(channel)) this.hub.publish(channel, { event: "delete", statusId });
    }
  }

  async #notification(accountId: string, notificationId: string): Promise<void> {
    const channel = channelName.notifications(accountId);
    if (!(await this.hub.activeChannels()).includes(channel)) return;
    // Read as the recipient: blocks, mutes and the post's visibility apply as in the list.
    const n = await this.#notifications.get(viewer(accountId), notificationId).catch(() => undefined);
    if (!n) return;
    this.hub.publish(channel, { event: "notification", notification: n });
    if (n.status) this.#remember(n.status.id, channel);
  }

  #remember(statusId: string, channel: string): void {
    let set = this.#sent.get(statusId);
    if (!set) {
      set = new Set();
      this.#sent.set(statusId, set);
      if (this.#sent.size > REMEMBERED_POSTS) {
        const oldest = this.#sent.keys().next().value;
        if (oldest !== undefined) this.#sent.delete(oldest);
      }
    }
    set.add(channel);
  }
}

function viewer(accountId: string): Viewer {
  return { accountId, roles: [] };
}

/** A page holding only the post with this id (ids are fixed-width digits, compared as text). */
function around(id: string): Page | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  const n = BigInt(id);
  const pad = (v: bigint) => v.toString().padStart(id.length, "0");
  return { sinceId: pad(n - 1n), maxId: pad(n + 1n), limit: 1 };
}
