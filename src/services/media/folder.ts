// The media folder: <dataDir>/media, readable by the server's user only. Files get random names and
// appear whole or not at all (written to a temporary name in the same folder, synced, renamed).
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { MEDIA_FILE_PATTERN } from "../../domain/media.ts";

const TEMP_PREFIX = ".tmp-";

export class MediaFolder {
  readonly path: string;
  /** Temporary files this process is writing right now (never swept). */
  readonly #writing = new Set<string>();
  #ready: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  #ensure(): Promise<void> {
    this.#ready ??= mkdir(this.path, { recursive: true, mode: 0o700 }).then(
      () => undefined,
      (e: unknown) => {
        this.#ready = undefined;
        throw e;
      },
    );
    return this.#ready;
  }

  /** A fresh random name: 128 bits, so names can be neither guessed nor told apart by age. */
  static newName(extension: string): string {
    return `${randomBytes(16).toString("hex")}.${extension}`;
  }

  /** Writes `data` under `name` atomically. */
  async write(name: string, data: Buffer): Promise<void> {
    if (!MEDIA_FILE_PATTERN.test(name)) throw new Error("not a media file name");
    await this.#ensure();
    const tempName = `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`;
    const temp = join(this.path, tempName);
    this.#writing.add(tempName);
    try {
      await this.#writeVia(temp, name, data);
    } finally {
      this.#writing.delete(tempName);
    }
  }

  async #writeVia(temp: string, name: string, data: Buffer): Promise<void> {
    const fh = await open(temp, "wx", 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await unlink(temp).catch(() => {});
      throw e;
    }
    await fh.close();
    try {
      await rename(temp, join(this.path, name));
    } catch (e) {
      await unlink(temp).catch(() => {});
      throw e;
    }
    // The rename is in the folder's entry list: synced too, or a power loss may forget the file
    // the database row (committed next) names.
    const dir = await open(this.path, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Removes files; a file already gone is not an error. */
  async remove(names: readonly string[]): Promise<void> {
    for (const name of names) {
      if (!MEDIA_FILE_PATTERN.test(name)) continue;
      await unlink(join(this.path, name)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
    }
  }

  /** Media files and leftover temporary files (from a crash mid-write). */
  async list(): Promise<{ media: string[]; temporary: string[] }> {
    let names: string[];
    try {
      names = await readdir(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { media: [], temporary: [] };
      throw e;
    }
    return {
      media: names.filter((n) => MEDIA_FILE_PATTERN.test(n)),
      temporary: names.filter((n) => n.startsWith(TEMP_PREFIX) && !this.#writing.has(n)),
    };
  }

  async removeTemporary(name: string): Promise<void> {
    if (!name.startsWith(TEMP_PREFIX) || name.includes("/")) return;
    await unlink(join(this.path, name)).catch(() => {});
  }

  /** The path and size of a stored file, or undefined (bad name, missing file). */
  async locate(name: string): Promise<{ path: string; size: number } | undefined> {
    if (!MEDIA_FILE_PATTERN.test(name)) return undefined;
    const path = join(this.path, name);
    try {
      const s = await stat(path);
      return s.isFile() ? { path, size: s.size } : undefined;
    } catch {
      return undefined;
    }
  }
}
