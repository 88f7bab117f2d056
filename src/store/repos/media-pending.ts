// The files of uploads whose post is not published yet (see migration 010): kept in the database,
// so that no file in the media folder records when the author wrote a delayed post.
import type { Queryable, Tx } from "../store.ts";

export async function insertPending(db: Queryable, mediaId: string, original: Buffer, preview: Buffer): Promise<void> {
  await db.insertInto("media_pending").values({ media_id: mediaId, original, preview }).execute();
}

/** The bytes behind a pending upload's file or preview name, or undefined. */
export async function pendingFileByName(db: Queryable, name: string): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom("media_attachments as m")
    .innerJoin("media_pending as p", "p.media_id", "m.id")
    .select(["m.file_name", "m.preview_file_name", "p.original", "p.preview"])
    .where((eb) => eb.or([eb("m.file_name", "=", name), eb("m.preview_file_name", "=", name)]))
    .executeTakeFirst();
  if (!row) return undefined;
  return Buffer.from(row.file_name === name ? row.original : row.preview);
}

export interface PendingFiles {
  id: string;
  file_name: string;
  preview_file_name: string;
  original: Buffer;
  preview: Buffer;
}

/** The pending files of these uploads (those that have any). */
export async function pendingFilesOf(tx: Tx, ids: readonly string[]): Promise<PendingFiles[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .selectFrom("media_attachments as m")
    .innerJoin("media_pending as p", "p.media_id", "m.id")
    .select(["m.id", "m.file_name", "m.preview_file_name", "p.original", "p.preview"])
    .where("m.id", "in", [...ids])
    .execute();
  return rows.map((r) => ({ ...r, original: Buffer.from(r.original), preview: Buffer.from(r.preview) }));
}

/** The upload now has files in the media folder: its row names them, its pending bytes go. */
export async function markPublished(tx: Tx, mediaId: string, fileName: string, previewFileName: string): Promise<void> {
  await tx
    .updateTable("media_attachments")
    .set({ file_name: fileName, preview_file_name: previewFileName })
    .where("id", "=", mediaId)
    .execute();
  await tx.deleteFrom("media_pending").where("media_id", "=", mediaId).execute();
}
