// List -> Mastodon List JSON (docs: Entities > List).
import type { List } from "../../domain/list.ts";

export function listToApi(list: List) {
  return {
    id: list.id,
    title: list.title,
    replies_policy: list.repliesPolicy,
    exclusive: list.exclusive,
  };
}
