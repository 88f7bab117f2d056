// Uploads: images re-encoded in memory (see images.ts) and stored under random names; their alt
// text and focal point; profile images; and the clean-up that keeps the media folder holding
// exactly what the database refers to.
//
// An upload for a post waits in the database (media_pending) and reaches the media folder only
// when its post is published (publication.ts), so no file time tells when a delayed post was
// written. Until then its names are served from the database, to its author's client.
//
// Deleting a post, an account or an upload deletes rows, often by cascade (a post's attachments go
// with it), so no code path is trusted to remember the files. Instead the folder is swept: a file no
// row names is removed. Sweeps run right after a post or account is deleted (skipped cheaply when
// the folder holds no more files than the rows name) and in full at housekeeping. Files this process
// is writing are never swept: they are named before their row exists.
import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Account, Viewer } from "../../domain/account.ts";
import { dayOf, HOUR } from "../../domain/clock.ts";
import { notFound, PubliusError, unprocessable } from "../../domain/errors.ts";
import { randomId } from "../../domain/ids.ts";
import { contentTypeOf, extensionFor, MAX_DESCRIPTION, type ProfileImageKind, parseFocus } from "../../domain/media.ts";
import type { MediaAttachment } from "../../domain/status.ts";
import { findAccountById } from "../../store/repos/accounts.ts";
import { insertPending, pendingFileByName } from "../../store/repos/media-pending.ts";
import type { ServiceDeps } from "../deps.ts";
import { toMediaAttachment } from "../statuses/hydrate.ts";
import { MediaFolder } from "./folder.ts";
import { DEFAULT_LIMITS, type ImageLimits, processAttachment, processProfileImage } from "./images.ts";
import { MediaPublication } from "./publication.ts";

/** Largest upload the service takes (the HTTP layer refuses larger bodies before this). */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Unattached uploads are kept at least this long, then purged by housekeeping. */
const UNATTACHED_HOURS = 24;

export interface MediaDetails {
  /** Alt text; empty or null clears it. */
  description?: string | null | undefined;
  /** "x,y", both in [-1, 1]. */
  focus?: string | undefined;
}

export interface MediaOptions {
  /** Defaults to <dataDir>/media. */
  folder?: string;
  limits?: Partial<ImageLimits>;
  /** Images processed at the same time; more wait their turn (bounds memory and CPU). */
  concurrency?: number;
  /** Called when image bytes left the database (so its files can be made to forget them). */
  afterRemoval?: () => void;
}

export interface StoredFile {
  path: string;
  size: number;
  contentType: string;
}

export interface OpenedFile {
  stream: Readable;
  size: number;
  contentType: string;
}

type ImageInput = Buffer | { data: Buffer };

export class MediaService {
  readonly #deps: ServiceDeps;
  readonly folder: MediaFolder;
  readonly #limits: ImageLimits;
  readonly #slots: Slots;
  /** Files written but whose row may not be committed yet. */
  readonly #inFlight = new Set<string>();
  #sweeping: Promise<number> | undefined;
  #queued: Promise<number> | undefined;
  #queuedFull = false;
  readonly #afterRemoval: () => void;

  constructor(deps: ServiceDeps, options: MediaOptions = {}) {
    this.#deps = deps;
    this.#afterRemoval = options.afterRemoval ?? (() => {});
    this.folder = new MediaFolder(options.folder ?? join(deps.config.dataDir, "media"));
    this.#limits = { maxBytes: DEFAULT_MAX_BYTES, ...DEFAULT_LIMITS, ...options.limits };
    this.#slots = new Slots(options.concurrency ?? 2);
    deps.events.subscribe((event) => {
      if (event.type === "status.deleted" || event.type === "account.deleted") {
        // Errors are left for the next sweep: the housekeeping sweep is complete and retried hourly.
        this.#sweep(true).catch(() => {});
      }
    });
  }

  /**
   * Re-encodes an upload and records it, unattached, for the viewer. Its files wait in the database
   * until a post using it is published (see publication.ts).
   */
  async upload(viewer: Viewer, file: ImageInput, details: MediaDetails = {}): Promise<MediaAttachment> {
    const description = checkDescription(details.description);
    const focus = checkFocus(details.focus) ?? { x: 0, y: 0 };
    const data = Buffer.isBuffer(file) ? file : file.data;
    const image = await this.#slots.run(() => processAttachment(data, this.#limits));
    const fileName = MediaFolder.newName(extensionFor(image.original.contentType));
    const previewName = MediaFolder.newName(extensionFor(image.preview.contentType));
    const row = {
      id: randomId(),
      account_id: viewer.accountId,
      status_id: null,
      type: "image",
      file_name: fileName,
      preview_file_name: previewName,
      content_type: image.original.contentType,
      width: image.original.width,
      height: image.original.height,
      size: image.original.data.length,
      description: description ?? null,
      focus_x: focus.x,
      focus_y: focus.y,
      created_day: dayOf(this.#deps.clock.now()),
      position: 0,
    };
    await this.#deps.db.transaction().execute(async (tx) => {
      await tx.insertInto("media_attachments").values(row).execute();
      await insertPending(tx, row.id, image.original.data, image.preview.data);
    });
    return toMediaAttachment(row);
  }

  /** For the publishing of one post: writes its pending images when the post is written. */
  publication(): MediaPublication {
    return new MediaPublication(this.folder, this.#inFlight, this.#afterRemoval);
  }

  /** One of the viewer's uploads that is not attached yet (Mastodon: 404 otherwise). */
  async get(viewer: Viewer, id: string): Promise<MediaAttachment> {
    return toMediaAttachment(await this.#unattached(viewer, id));
  }

  /** Changes the alt text or focal point of an upload not yet attached. */
  async update(viewer: Viewer, id: string, details: MediaDetails): Promise<MediaAttachment> {
    const description = checkDescription(details.description);
    const focus = checkFocus(details.focus);
    await this.#unattached(viewer, id);
    const set: { description?: string | null; focus_x?: number; focus_y?: number } = {};
    if (description !== undefined) set.description = description;
    if (focus) {
      set.focus_x = focus.x;
      set.focus_y = focus.y;
    }
    if (Object.keys(set).length) {
      await this.#deps.db
        .updateTable("media_attachments")
        .set(set)
        .where("id", "=", id)
        .where("account_id", "=", viewer.accountId)
        .where("status_id", "is", null)
        .execute();
    }
    return this.get(viewer, id);
  }

  /** Deletes an upload not yet attached, files and all. */
  async delete(viewer: Viewer, id: string): Promise<void> {
    const row = await this.#unattached(viewer, id);
    const r = await this.#deps.db
      .deleteFrom("media_attachments")
      .where("id", "=", id)
      .where("account_id", "=", viewer.accountId)
      .where("status_id", "is", null)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound();
    this.#afterRemoval();
    await this.folder.remove([row.file_name, row.preview_file_name]).catch(() => {});
  }

  async #unattached(viewer: Viewer, id: string) {
    const row = await this.#deps.db
      .selectFrom("media_attachments")
      .selectAll()
      .where("id", "=", id)
      .where("account_id", "=", viewer.accountId)
      .where("status_id", "is", null)
      .executeTakeFirst();
    if (!row) throw notFound();
    return row;
  }

  /**
   * Sets the viewer's avatar or header from an upload (same checks and re-encoding as attachments,
   * cropped to 400 x 400 or 1500 x 500) and deletes the one it replaces. For the accounts API.
   */
  async processProfileImage(viewer: Viewer, file: ImageInput, kind: ProfileImageKind): Promise<Account> {
    const data = Buffer.isBuffer(file) ? file : file.data;
    const image = await this.#slots.run(() => processProfileImage(data, kind, this.#limits));
    const name = MediaFolder.newName(extensionFor(image.contentType));
    const column = kind === "avatar" ? "avatar_file" : "header_file";
    let previous: string | null = null;
    await this.#writeThen([name], [image.data], async () => {
      await this.#deps.db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom("accounts")
          .select(column)
          .where("id", "=", viewer.accountId)
          .executeTakeFirst();
        if (!row) throw notFound();
        previous = row[column];
        await tx
          .updateTable("accounts")
          .set({ [column]: name })
          .where("id", "=", viewer.accountId)
          .execute();
      });
    });
    if (previous) await this.folder.remove([previous]).catch(() => {});
    return this.#account(viewer);
  }

  /** Goes back to the default avatar or header; the file is deleted. */
  async removeProfileImage(viewer: Viewer, kind: ProfileImageKind): Promise<Account> {
    const column = kind === "avatar" ? "avatar_file" : "header_file";
    const previous = await this.#deps.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom("accounts").select(column).where("id", "=", viewer.accountId).executeTakeFirst();
      if (!row) throw notFound();
      await tx
        .updateTable("accounts")
        .set({ [column]: null })
        .where("id", "=", viewer.accountId)
        .execute();
      return row[column];
    });
    if (previous) await this.folder.remove([previous]).catch(() => {});
    return this.#account(viewer);
  }

  async #account(viewer: Viewer): Promise<Account> {
    const account = await findAccountById(this.#deps.db, viewer.accountId);
    if (!account) throw notFound();
    return account;
  }

  /** The bytes of a stored or pending file, or undefined (for the export and tests). */
  async read(name: string): Promise<Buffer | undefined> {
    const opened = await this.openFile(name);
    if (!opened) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  /** Where a stored file is, or undefined for a name that is not one (or no longer exists). */
  async file(name: string): Promise<StoredFile | undefined> {
    const contentType = contentTypeOf(name);
    if (!contentType) return undefined;
    const found = await this.folder.locate(name);
    return found ? { ...found, contentType } : undefined;
  }

  /**
   * Opens a stored file to serve it, or undefined for a name that is not one or no longer exists.
   * The file is opened before its size is read, so a file deleted meanwhile is still whole.
   */
  async openFile(name: string): Promise<OpenedFile | undefined> {
    const contentType = contentTypeOf(name);
    if (!contentType) return undefined;
    const found = await this.folder.locate(name);
    if (!found) {
      // An upload whose post is not published yet: only its author's client knows the name.
      const pending = await pendingFileByName(this.#deps.db, name);
      return pending ? { stream: Readable.from([pending]), size: pending.length, contentType } : undefined;
    }
    let fh: FileHandle;
    try {
      fh = await open(found.path, "r");
    } catch {
      return undefined;
    }
    const { size } = await fh.stat();
    return { stream: fh.createReadStream(), size, contentType };
  }

  /** Housekeeping: deletes uploads left unattached for a day, then sweeps the folder in full. */
  async purgeUnattached(): Promise<{ purged: number; filesRemoved: number }> {
    const before = dayOf(new Date(this.#deps.clock.now().getTime() - UNATTACHED_HOURS * HOUR));
    // Images of posts waiting in the publishing queue are not abandoned, however long they wait.
    const queued = await this.#deps.db.selectFrom("scheduled_statuses").select("params").execute();
    const waiting = queued.flatMap((q) => (JSON.parse(q.params) as { mediaIds?: string[] }).mediaIds ?? []);
    let purge = this.#deps.db
      .deleteFrom("media_attachments")
      .where("status_id", "is", null)
      // created_day is a day; "before the day 24 hours ago" means at least 24 hours old.
      .where("created_day", "<", before);
    if (waiting.length) purge = purge.where("id", "not in", waiting);
    const r = await purge.executeTakeFirst();
    if (Number(r.numDeletedRows) > 0) this.#afterRemoval();
    const filesRemoved = await this.sweep();
    return { purged: Number(r.numDeletedRows), filesRemoved };
  }

  /** Removes every file in the media folder that no row refers to. Returns how many. */
  sweep(): Promise<number> {
    return this.#sweep(false);
  }

  /** Resolves when no sweep is running or queued (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.#sweeping || this.#queued) await (this.#queued ?? this.#sweeping)?.catch(() => 0);
  }

  /** One sweep at a time; requests during a sweep share the one queued after it. */
  #sweep(quick: boolean): Promise<number> {
    if (!this.#sweeping) {
      const run = this.#sweepOnce(quick).finally(() => {
        if (this.#sweeping === run) this.#sweeping = undefined;
      });
      this.#sweeping = run;
      return run;
    }
    // The queued sweep is a full one if anyone waiting for it asked for a full one.
    if (!quick) this.#queuedFull = true;
    if (!this.#queued) {
      const queued: Promise<number> = this.#sweeping
        .catch(() => 0)
        .then(() => {
          const full = this.#queuedFull;
          this.#queued = undefined;
          this.#queuedFull = false;
          return this.#sweep(!full);
        });
      this.#queued = queued;
    }
    return this.#queued;
  }

  async #sweepOnce(quick: boolean): Promise<number> {
    const listed = await this.folder.list();
    for (const temp of listed.temporary) await this.folder.removeTemporary(temp);
    const files = listed.media.filter((n) => !this.#inFlight.has(n));
    if (files.length === 0) return 0;
    const db = this.#deps.db;
    if (quick) {
      // Uploads still pending have no files: they are not counted.
      const media = await db
        .selectFrom("media_attachments")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("id", "not in", db.selectFrom("media_pending").select("media_id"))
        .executeTakeFirstOrThrow();
      const profile = await db
        .selectFrom("accounts")
        .select((eb) => [eb.fn.count<number>("avatar_file").as("a"), eb.fn.count<number>("header_file").as("h")])
        .executeTakeFirstOrThrow();
      if (files.length <= Number(media.n) * 2 + Number(profile.a) + Number(profile.h)) return 0;
    }
    const referenced = new Set<string>();
    for (const r of await db.selectFrom("media_attachments").select(["file_name", "preview_file_name"]).execute()) {
      referenced.add(r.file_name);
      referenced.add(r.preview_file_name);
    }
    const profiles = await db
      .selectFrom("accounts")
      .select(["avatar_file", "header_file"])
      .where((eb) => eb.or([eb("avatar_file", "is not", null), eb("header_file", "is not", null)]))
      .execute();
    for (const r of profiles) {
      if (r.avatar_file) referenced.add(r.avatar_file);
      if (r.header_file) referenced.add(r.header_file);
    }
    const orphans = files.filter((n) => !referenced.has(n) && !this.#inFlight.has(n));
    await this.folder.remove(orphans);
    return orphans.length;
  }

  /** Writes files, then runs `commit` (which makes rows name them); on failure removes the files. */
  async #writeThen(names: string[], data: Buffer[], commit: () => Promise<void>): Promise<void> {
    for (const n of names) this.#inFlight.add(n);
    try {
      for (let i = 0; i < names.length; i++) await this.folder.write(names[i] as string, data[i] as Buffer);
      await commit();
    } catch (e) {
      await this.folder.remove(names).catch(() => {});
      throw e;
    } finally {
      for (const n of names) this.#inFlight.delete(n);
    }
  }
}

export function checkDescription(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === "") return null;
  if ([...value].length > MAX_DESCRIPTION) {
    const message = `The description is too long (at most ${MAX_DESCRIPTION} characters).`;
    throw unprocessable(message, { description: message });
  }
  return value;
}

export function checkFocus(value: string | undefined): { x: number; y: number } | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const focus = parseFocus(value);
  if (!focus) {
    const message = "The focus must be two numbers from -1.0 to 1.0, written x,y.";
    throw unprocessable(message, { focus: message });
  }
  return focus;
}

/** Uploads that may wait for a turn; beyond that the server says it is busy. */
const MAX_WAITING = 16;

/** A counting semaphore with a bounded queue. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = Math.max(1, size);
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else if (this.#waiting.length >= MAX_WAITING) {
      throw new PubliusError(503, "Publius is busy with other images. Try again in a moment.");
    } else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
