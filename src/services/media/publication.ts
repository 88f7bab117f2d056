// Images reach the media folder when their post is published, not when they are uploaded: a file
// keeps its modification and change times (the change time cannot be set back), so a file written
// at upload would tell when the author really wrote a post the delay holds back. Until then the
// re-encoded bytes wait in the database (media_pending); at publishing they are written under
// fresh random names, inside the post's transaction, so the times they carry are the post's.
import { markPublished, pendingFilesOf } from "../../store/repos/media-pending.ts";
import type { Tx } from "../../store/store.ts";
import { MediaFolder } from "./folder.ts";

/** One post's publication of its images. Use once: publish() in the transaction, then finish(). */
export class MediaPublication {
  readonly #folder: MediaFolder;
  readonly #inFlight: Set<string>;
  readonly #afterPublish: () => void;
  readonly #written: string[] = [];

  constructor(folder: MediaFolder, inFlight: Set<string>, afterPublish: () => void) {
    this.#folder = folder;
    this.#inFlight = inFlight;
    this.#afterPublish = afterPublish;
  }

  /** Writes the files of these uploads that are still pending and points their rows at them. */
  async publish(tx: Tx, mediaIds: readonly string[]): Promise<void> {
    for (const pending of await pendingFilesOf(tx, mediaIds)) {
      // Fresh names, with the extensions the upload's names had: nothing links them to the upload.
      const file = MediaFolder.newName(extensionOf(pending.file_name));
      const preview = MediaFolder.newName(extensionOf(pending.preview_file_name));
      // Named before they exist, so a sweep running meanwhile leaves them alone.
      this.#inFlight.add(file);
      this.#inFlight.add(preview);
      this.#written.push(file, preview);
      await this.#folder.write(file, pending.original);
      await this.#folder.write(preview, pending.preview);
      await markPublished(tx, pending.id, file, preview);
    }
  }

  /** After the transaction: kept when it committed, removed when it did not. */
  async finish(committed: boolean): Promise<void> {
    try {
      if (!committed) await this.#folder.remove(this.#written).catch(() => {});
      else if (this.#written.length) this.#afterPublish();
    } finally {
      for (const n of this.#written) this.#inFlight.delete(n);
    }
  }
}

/** Settles a transaction's files with its outcome. */
export async function withPublication<T>(publication: MediaPublication | undefined, work: Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work;
  } catch (e) {
    await publication?.finish(false);
    throw e;
  }
  await publication?.finish(true);
  return result;
}

function extensionOf(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}
