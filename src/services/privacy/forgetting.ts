// After something is deleted, the database files must stop holding it (issue 9, finding 4). Each
// deletion (a post, an account, an edit's replaced text, an upload, the pending bytes of published
// images, an unfollowed or unfeatured hashtag) asks for a run soon; runs are coalesced, one at a
// time. A run deletes hashtags nothing refers to any more, checkpoints SQLite's WAL
// with TRUNCATE; after an account deletion on PostgreSQL it VACUUMs the big tables. Housekeeping
// calls regularly(): the full-text index is merged when anything was deleted since, then the WAL is
// checkpointed again (a checkpoint that a reader in another process held up is retried there).

import { DAY } from "../../domain/clock.ts";
import { checkpointWal, forgetUnusedTags, optimizeSearchIndex, vacuumAfterDeletion } from "../../store/forget.ts";
import type { ServiceDeps } from "../deps.ts";

/** Deletions within this many milliseconds share one run. */
const COALESCE_MS = 250;

export class ForgettingService {
  readonly #deps: ServiceDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #vacuum = false;
  #deletedSinceOptimize = false;
  #lastOptimize = Number.NEGATIVE_INFINITY;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
    deps.events.subscribe((event) => {
      if (event.type === "status.deleted" || event.type === "status.updated" || event.type === "tag.released")
        this.soon();
      else if (event.type === "account.deleted") this.soon({ big: true });
    });
  }

  /** Something was deleted: make the files forget it shortly. */
  soon(options: { big?: boolean } = {}): void {
    this.#deletedSinceOptimize = true;
    if (options.big) this.#vacuum = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#start();
    }, COALESCE_MS);
    this.#timer.unref();
  }

  /** Runs what is asked for now and resolves when no run is left (for tests and shutdown). */
  async settled(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#start();
    }
    while (this.#running) await this.#running;
  }

  /** Housekeeping: merge the search index (daily, if anything was deleted), then checkpoint. */
  async regularly(): Promise<void> {
    await this.settled();
    const { db, dialect, clock } = this.#deps;
    const now = clock.now().getTime();
    if (this.#deletedSinceOptimize && now - this.#lastOptimize >= DAY) {
      this.#deletedSinceOptimize = false;
      this.#lastOptimize = now;
      await optimizeSearchIndex(db, dialect);
    }
    await checkpointWal(db, dialect);
  }

  #start(): void {
    const previous = this.#running ?? Promise.resolve();
    const run: Promise<void> = previous
      .then(() => this.#once())
      // A failed run is repeated by the next deletion or by housekeeping; it must not throw here.
      .catch(() => {})
      .finally(() => {
        if (this.#running === run) this.#running = undefined;
      });
    this.#running = run;
  }

  async #once(): Promise<void> {
    const { db, dialect } = this.#deps;
    // Hashtags the deletion left unused go first, so the checkpoint below takes them along.
    await forgetUnusedTags(db, dialect);
    if (this.#vacuum) {
      this.#vacuum = false;
      await vacuumAfterDeletion(db, dialect);
    }
    await checkpointWal(db, dialect);
  }
}
