// A thread -> Mastodon Context JSON (docs: Entities > Context).
import type { Status } from "../../domain/status.ts";
import { statusToApi } from "./status.ts";

export function contextToApi(origin: string, thread: { ancestors: readonly Status[]; descendants: readonly Status[] }) {
  return {
    ancestors: thread.ancestors.map((s) => statusToApi(origin, s)),
    descendants: thread.descendants.map((s) => statusToApi(origin, s)),
  };
}
