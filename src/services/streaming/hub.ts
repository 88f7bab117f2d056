// The streaming hub: named channels carrying messages already filtered for one viewer. The fan-out
// (fanout.ts) publishes; streaming connections subscribe. In one process the hub is a map of
// listeners; a Redis pub/sub hub can replace it behind the same interface (channels map to Redis
// channels, activeChannels() to PUBSUB CHANNELS), with messages serialised as JSON — they hold only
// plain domain values.
import type { Notification } from "../../domain/notification.ts";
import type { Status } from "../../domain/status.ts";

export type StreamMessage =
  | { event: "update" | "status.update"; status: Status }
  | { event: "notification"; notification: Notification }
  | { event: "delete"; statusId: string };

export type StreamListener = (message: StreamMessage) => void;

export interface StreamHub {
  publish(channel: string, message: StreamMessage): void;
  subscribe(channel: string, listener: StreamListener): void;
  unsubscribe(channel: string, listener: StreamListener): void;
  /** Channels someone listens on, so the fan-out renders only for those listening. */
  activeChannels(): Promise<string[]>;
}

export class InProcessStreamHub implements StreamHub {
  readonly #channels = new Map<string, Set<StreamListener>>();

  publish(channel: string, message: StreamMessage): void {
    for (const listener of this.#channels.get(channel) ?? []) {
      try {
        listener(message);
      } catch {
        // One connection's failure must not keep the message from the others.
      }
    }
  }

  subscribe(channel: string, listener: StreamListener): void {
    let set = this.#channels.get(channel);
    if (!set) {
      set = new Set();
      this.#channels.set(channel, set);
    }
    set.add(listener);
  }

  unsubscribe(channel: string, listener: StreamListener): void {
    const set = this.#channels.get(channel);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) this.#channels.delete(channel);
  }

  async activeChannels(): Promise<string[]> {
    return [...this.#channels.keys()];
  }
}

/** The viewer key of public channels for connections with an app token (no user). */
export const ANONYMOUS = "anonymous";

/**
 * Channel names. Each carries what one viewer may see: `home:<account>` (the home timeline),
 * `notifications:<account>`, `local:<viewer>` (public posts of this server) and
 * `hashtag:<viewer>:<tag>` and `list:<owner>:<list id>`; <viewer> is an account id or ANONYMOUS.
 */
export const channelName = {
  home: (accountId: string) => `home:${accountId}`,
  notifications: (accountId: string) => `notifications:${accountId}`,
  local: (viewerId: string | null) => `local:${viewerId ?? ANONYMOUS}`,
  hashtag: (viewerId: string | null, tag: string) => `hashtag:${viewerId ?? ANONYMOUS}:${tag}`,
  list: (accountId: string, listId: string) => `list:${accountId}:${listId}`,
};

export type Channel =
  | { name: string; kind: "home"; accountId: string }
  | { name: string; kind: "notifications"; accountId: string }
  | { name: string; kind: "local"; viewerId: string | null }
  | { name: string; kind: "hashtag"; viewerId: string | null; tag: string }
  | { name: string; kind: "list"; accountId: string; listId: string };

export function parseChannel(name: string): Channel | undefined {
  const first = name.indexOf(":");
  if (first < 0) return undefined;
  const kind = name.slice(0, first);
  const rest = name.slice(first + 1);
  if (kind === "home") return { name, kind, accountId: rest };
  if (kind === "notifications") return { name, kind, accountId: rest };
  if (kind === "local") return { name, kind, viewerId: rest === ANONYMOUS ? null : rest };
  if (kind === "hashtag") {
    const second = rest.indexOf(":");
    if (second < 0) return undefined;
    const viewer = rest.slice(0, second);
    return { name, kind, viewerId: viewer === ANONYMOUS ? null : viewer, tag: rest.slice(second + 1) };
  }
  if (kind === "list") {
    const second = rest.indexOf(":");
    if (second < 0) return undefined;
    return { name, kind, accountId: rest.slice(0, second), listId: rest.slice(second + 1) };
  }
  return undefined;
}
