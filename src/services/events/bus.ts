// Things that happened, for whoever listens (streaming, later delivery). One process for now; a
// Redis pub/sub implementation can replace this behind the same interface.
import type { NotificationType } from "../../domain/notification.ts";

export type PubliusEvent =
  | { type: "status.created"; statusId: string; authorId: string }
  | { type: "status.updated"; statusId: string; authorId: string }
  | { type: "status.deleted"; statusId: string; authorId: string }
  | { type: "notification.created"; notificationId: string; accountId: string; kind: NotificationType }
  /**
   * Every session of the account but `keptSessionId` (and its OAuth tokens, after a password
   * change) was ended: in-memory per-session state (second-factor marks) for them must go.
   */
  | { type: "account.sessions-ended"; accountId: string; keptSessionId: string | null }
  /** The account and everything hanging from it are gone (its media files are swept on this). */
  | { type: "account.deleted"; accountId: string }
  /** A hashtag was unfollowed or unfeatured: it may be unused now (the forgetting service sweeps). */
  | { type: "tag.released" };

export interface EventBus {
  publish(event: PubliusEvent): void;
  subscribe(listener: (event: PubliusEvent) => void): () => void;
}

export class InProcessEventBus implements EventBus {
  readonly #listeners = new Set<(event: PubliusEvent) => void>();
  publish(event: PubliusEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not undo the action that was already committed.
      }
    }
  }
  subscribe(listener: (event: PubliusEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
