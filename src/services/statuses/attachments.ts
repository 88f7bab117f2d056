// Images on posts: which uploads a post may take (the author's own, unattached, at most MAX_MEDIA)
// and attaching or swapping them inside the post's own transaction.
import { unprocessable } from "../../domain/errors.ts";
import type { Tx } from "../../store/store.ts";
import type { MediaPublication } from "../media/publication.ts";

/** Images per post, as Mastodon allows. */
export const MAX_MEDIA = 4;

/** Distinct ids, at most MAX_MEDIA of them. */
export function checkMediaIds(ids: readonly string[] | undefined): string[] {
  const unique = [...new Set((ids ?? []).map((id) => String(id).trim()).filter(Boolean))];
  if (unique.length > MAX_MEDIA) {
    const message = `A post has at most ${MAX_MEDIA} images.`;
    throw unprocessable(message, { media_ids: message });
  }
  return unique;
}

/**
 * Attaches the author's own unattached uploads to a post, inside the post's transaction. One
 * conditional update: two posts racing for the same upload cannot both get it. Images still
 * pending reach the media folder here, through `publication`, at the time of publishing.
 */
export async function attachMedia(
  tx: Tx,
  accountId: string,
  statusId: string,
  ids: readonly string[],
  publication?: MediaPublication,
): Promise<void> {
  if (ids.length === 0) return;
  const r = await tx
    .updateTable("media_attachments")
    .set({ status_id: statusId })
    .where("id", "in", [...ids])
    .where("account_id", "=", accountId)
    .where("status_id", "is", null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== ids.length) {
    const message = "An image was not found or is already attached to another post.";
    throw unprocessable(message, { media_ids: message });
  }
  await publication?.publish(tx, ids);
  await orderMedia(tx, statusId, ids);
}

/** Images show in the order the author listed them. */
async function orderMedia(tx: Tx, statusId: string, ids: readonly string[]): Promise<void> {
  for (const [position, id] of ids.entries()) {
    await tx
      .updateTable("media_attachments")
      .set({ position })
      .where("id", "=", id)
      .where("status_id", "=", statusId)
      .execute();
  }
}

/**
 * Makes the post's images exactly `wanted`: those taken off go back to the author's unattached
 * uploads, new ones are attached as attachMedia() does.
 */
export async function replaceMedia(
  tx: Tx,
  accountId: string,
  statusId: string,
  attached: readonly string[],
  wanted: readonly string[],
  publication?: MediaPublication,
): Promise<void> {
  const keep = new Set(wanted);
  const dropped = attached.filter((m) => !keep.has(m));
  if (dropped.length) {
    await tx
      .updateTable("media_attachments")
      .set({ status_id: null })
      .where("status_id", "=", statusId)
      .where("id", "in", dropped)
      .execute();
  }
  const had = new Set(attached);
  await attachMedia(
    tx,
    accountId,
    statusId,
    wanted.filter((m) => !had.has(m)),
    publication,
  );
  await orderMedia(tx, statusId, wanted);
}
