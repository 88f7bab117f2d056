// The instance's VAPID key pair (RFC 8292), made once and kept in <dataDir>/vapid.key (mode 0600),
// beside secrets.key and never in the database: with it anyone could push to every subscriber.
// Losing it only means subscribers must subscribe again (push services refuse a new key).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import webpush from "web-push";

export const VAPID_KEY_FILE = "vapid.key";

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url: what clients pass as applicationServerKey. */
  publicKey: string;
  privateKey: string;
}

export class VapidKeyFile {
  readonly #file: string;
  #keys: VapidKeys | undefined;

  constructor(dataDir: string) {
    this.#file = join(dataDir, VAPID_KEY_FILE);
  }

  /** The key pair, made on first use (another process's pair wins a race). */
  keys(): VapidKeys {
    if (this.#keys) return this.#keys;
    let text: string | undefined;
    try {
      text = readFileSync(this.#file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (text === undefined) {
      mkdirSync(join(this.#file, ".."), { recursive: true, mode: 0o700 });
      const made = webpush.generateVAPIDKeys();
      try {
        writeFileSync(this.#file, `${JSON.stringify({ publicKey: made.publicKey, privateKey: made.privateKey })}\n`, {
          mode: 0o600,
          flag: "wx",
        });
        chmodSync(this.#file, 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      text = readFileSync(this.#file, "utf8");
    }
    const parsed = JSON.parse(text) as Partial<VapidKeys>;
    if (typeof parsed.publicKey !== "string" || typeof parsed.privateKey !== "string") {
      throw new Error(`${this.#file} does not hold a VAPID key pair`);
    }
    this.#keys = { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
    return this.#keys;
  }

  publicKey(): string {
    return this.keys().publicKey;
  }
}
