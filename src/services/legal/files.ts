// Files the legal office keeps under <dataDir>/legal: demand and court documents (stored exactly as
// received, never re-encoded — they are evidence), preserved snapshots and production packages.
// Every name is random; folders are 0700 and files 0600.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PubliusError, unprocessable } from "../../domain/errors.ts";

export type LegalFolder = "documents" | "preservations" | "productions";

export interface StoredDocument {
  file: string;
  sha256: string;
  size: number;
  contentType: string;
}

/** What a document may be, recognised by its first bytes (the sender's claimed type is ignored). */
const SIGNATURES: readonly { type: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { type: "application/pdf", ext: "pdf", test: (b) => b.subarray(0, 5).toString("latin1") === "%PDF-" },
  { type: "image/png", ext: "png", test: (b) => b.subarray(0, 8).equals(Buffer.from("89504e470d0a1a0a", "hex")) },
  { type: "image/jpeg", ext: "jpg", test: (b) => b.subarray(0, 3).equals(Buffer.from("ffd8ff", "hex")) },
  { type: "image/gif", ext: "gif", test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString("latin1")) },
  {
    type: "image/webp",
    ext: "webp",
    test: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  },
  // Faxes arrive as TIFF.
  {
    type: "image/tiff",
    ext: "tif",
    test: (b) =>
      b.subarray(0, 4).equals(Buffer.from("49492a00", "hex")) ||
      b.subarray(0, 4).equals(Buffer.from("4d4d002a", "hex")),
  },
];

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function randomName(): string {
  return randomBytes(16).toString("hex");
}

export class LegalFiles {
  readonly root: string;
  readonly maxDocumentBytes: number;

  constructor(dataDir: string, maxDocumentBytes: number) {
    this.root = join(dataDir, "legal");
    this.maxDocumentBytes = maxDocumentBytes;
  }

  folder(kind: LegalFolder): string {
    const dir = join(this.root, kind);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /** Checks a document without writing it: size and type. Returns its type and extension. */
  checkDocument(data: Buffer, field = "document"): { type: string; ext: string } {
    if (data.length > this.maxDocumentBytes) throw documentTooLarge(this.maxDocumentBytes);
    if (data.length === 0) throw unprocessable("The document is empty.", { [field]: "The document is empty." });
    const kind = SIGNATURES.find((s) => s.test(data));
    if (!kind) {
      const message = "The document must be a PDF or an image (PNG, JPEG, GIF, WebP or TIFF).";
      throw unprocessable(message, { [field]: message });
    }
    return kind;
  }

  /** Writes a document as received; returns where and its SHA-256. The caller removes it if its transaction fails. */
  storeDocument(data: Buffer, field = "document"): StoredDocument {
    const kind = this.checkDocument(data, field);
    const file = `${randomName()}.${kind.ext}`;
    this.#writeAtomically(join(this.folder("documents"), file), data);
    return { file, sha256: sha256(data), size: data.length, contentType: kind.type };
  }

  readDocument(file: string): Buffer {
    return readFileSync(join(this.folder("documents"), safeName(file)));
  }

  /** Writes a file under a folder, via a temporary name, so a crash leaves no half-written file. */
  write(kind: LegalFolder, name: string, data: Buffer | string): void {
    this.#writeAtomically(join(this.folder(kind), name), data);
  }

  read(kind: LegalFolder, name: string): Buffer {
    return readFileSync(join(this.folder(kind), name));
  }

  remove(kind: LegalFolder, name: string): void {
    rmSync(join(this.folder(kind), safeName(name)), { force: true, recursive: true });
  }

  #writeAtomically(path: string, data: Buffer | string): void {
    const partial = `${path}.partial-${randomName()}`;
    try {
      writeFileSync(partial, data, { mode: 0o600, flag: "wx" });
      renameSync(partial, path);
    } finally {
      rmSync(partial, { force: true });
    }
  }
}

/** "20 MB", "10 KB". */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function documentTooLarge(limit: number): PubliusError {
  const size = formatSize(limit);
  return new PubliusError(413, `The document is larger than ${size}, the most this server accepts.`, {
    fields: { document: `At most ${size}.` },
  });
}

function safeName(name: string): string {
  if (!/^[a-f0-9]{32}(\.[a-z]{3,4})?$/.test(name)) throw new PubliusError(404, "No such file.");
  return name;
}
