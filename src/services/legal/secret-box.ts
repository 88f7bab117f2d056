// Secrets kept at rest in the database (the staff's TOTP secrets), sealed with AES-256-GCM under a
// key that lives in <dataDir>/secrets.key (mode 0600), beside the instance signing key and never in
// the database. A database dump or backup alone therefore holds no usable secret: whoever wants
// the second factor needs the data folder's key file too. Each sealed value is bound to its row
// (the additional authenticated data names the table and the account), so a sealed secret copied
// onto another account's row does not open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SECRETS_KEY_FILE = "secrets.key";
const PREFIX = "aes256gcm:v1:";

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export class SecretBox {
  readonly #file: string;
  #key: Buffer | undefined;

  constructor(dataDir: string) {
    this.#file = join(dataDir, SECRETS_KEY_FILE);
  }

  /** Loads the key, making it first when there is none (another process's key wins a race). */
  #load(): Buffer {
    if (this.#key) return this.#key;
    let text: string | undefined;
    try {
      text = readFileSync(this.#file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (text === undefined) {
      mkdirSync(join(this.#file, ".."), { recursive: true, mode: 0o700 });
      try {
        writeFileSync(this.#file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
        chmodSync(this.#file, 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      text = readFileSync(this.#file, "utf8");
    }
    const key = Buffer.from(text.trim(), "base64");
    if (key.length !== 32) throw new Error(`${this.#file} does not hold a 256-bit key`);
    this.#key = key;
    return key;
  }

  /**
   * A 256-bit key for one purpose (e.g. signing the web forms' tokens), derived from the key file
   * with HKDF, so every process sharing the data folder derives the same key and no second file is
   * needed; a key derived for one purpose says nothing about the key for another.
   */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.#load(), Buffer.alloc(0), Buffer.from(purpose, "utf8"), 32));
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#load(), iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `${PREFIX}${iv.toString("base64")}:${body.toString("base64")}:${cipher.getAuthTag().toString("base64")}`;
  }

  /** The plain value; a value from before sealing (no prefix) is returned as it is. */
  open(stored: string, context: string): string {
    if (!isSealed(stored)) return stored;
    const [iv, body, tag] = stored.slice(PREFIX.length).split(":");
    if (!iv || body === undefined || !tag) throw new Error("a sealed secret is malformed");
    const decipher = createDecipheriv("aes-256-gcm", this.#load(), Buffer.from(iv, "base64"));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  }
}
