// The instance's Ed25519 signing key. It signs production manifests (and, later, the warrant
// canary). The private key lives in <dataDir>/instance-key.pem (mode 0600), not in the database:
// database dumps and backups travel further (to a developer debugging, to a hosting provider)
// than the data folder's key file, and whoever holds the key can forge a production. The operator
// backs the file up separately (docs/operating.md, docs/legal-process.md). It is made at first start.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const KEY_FILE = "instance-key.pem";
/** Where the public key is served (see http/staff/public.ts). */
export const SIGNING_KEY_PATH = "/.well-known/publius-signing-key";

export interface PublicKeyInfo {
  algorithm: "Ed25519";
  publicKeyPem: string;
  /** "sha256:" and the hex SHA-256 of the raw 32-byte public key. */
  fingerprint: string;
}

export function fingerprintOf(publicKey: KeyObject): string {
  const der = publicKey.export({ format: "der", type: "spki" });
  // The raw key is the last 32 bytes of the SubjectPublicKeyInfo DER for Ed25519.
  return `sha256:${createHash("sha256")
    .update(der.subarray(der.length - 32))
    .digest("hex")}`;
}

export function publicKeyInfo(publicKeyPem: string): PublicKeyInfo {
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== "ed25519") throw new Error("not an Ed25519 public key");
  return {
    algorithm: "Ed25519",
    publicKeyPem: key.export({ format: "pem", type: "spki" }).toString(),
    fingerprint: fingerprintOf(key),
  };
}

export function verifySignature(publicKeyPem: string, data: Buffer, signatureBase64: string): boolean {
  try {
    return verify(null, data, createPublicKey(publicKeyPem), Buffer.from(signatureBase64.trim(), "base64"));
  } catch {
    return false;
  }
}

export class InstanceKey {
  readonly #file: string;
  #private: KeyObject | undefined;

  constructor(dataDir: string) {
    this.#file = join(dataDir, KEY_FILE);
  }

  /** Loads the key, making it first when there is none. Returns whether it was made now. */
  ensure(): { created: boolean } {
    if (this.#private) return { created: false };
    let pem: string | undefined;
    try {
      pem = readFileSync(this.#file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (pem !== undefined) {
      this.#private = createPrivateKey(pem);
      return { created: false };
    }
    const { privateKey } = generateKeyPairSync("ed25519");
    const out = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    mkdirSync(join(this.#file, ".."), { recursive: true, mode: 0o700 });
    try {
      // "wx": if another process made one a moment ago, use theirs rather than replace it.
      writeFileSync(this.#file, out, { mode: 0o600, flag: "wx" });
      chmodSync(this.#file, 0o600);
      this.#private = privateKey;
      return { created: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      this.#private = createPrivateKey(readFileSync(this.#file, "utf8"));
      return { created: false };
    }
  }

  #key(): KeyObject {
    this.ensure();
    return this.#private as KeyObject;
  }

  info(): PublicKeyInfo {
    const pub = createPublicKey(this.#key());
    return publicKeyInfo(pub.export({ format: "pem", type: "spki" }).toString());
  }

  /** Base64 Ed25519 signature over the exact bytes. */
  sign(data: Buffer): string {
    return sign(null, data, this.#key()).toString("base64");
  }
}
