// A push service of our own on 127.0.0.1 for the Web Push tests: it records what arrives, answers
// with the statuses it is told, and — like a browser — DECRYPTS the message (RFC 8291 aes128gcm, or
// the older aesgcm draft) with the subscriber's keys, and checks the VAPID JWT (RFC 8292).
import assert from "node:assert/strict";
import { createDecipheriv, createECDH, createPublicKey, type ECDH, hkdfSync, randomBytes, verify } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface PushReceiver {
  origin: string;
  /** An endpoint URL at this receiver (distinct paths for distinct subscriptions). */
  endpoint(path?: string): string;
  received: Received[];
  /** Statuses for the next requests, in order; 201 once they run out. */
  answers: number[];
  close(): Promise<void>;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = answers.shift() ?? 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    endpoint: (path = "/push/1") => `${origin}${path}`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A subscriber's keys, as a browser makes them for PushManager.subscribe(). */
export interface SubscriberKeys {
  ecdh: ECDH;
  p256dh: string;
  auth: string;
  authBytes: Buffer;
}

export function subscriberKeys(): SubscriberKeys {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const authBytes = randomBytes(16);
  return {
    ecdh,
    p256dh: ecdh.getPublicKey().toString("base64url"),
    auth: authBytes.toString("base64url"),
    authBytes,
  };
}

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number) =>
  Buffer.from(hkdfSync("sha256", ikm, salt, info, length));

/** RFC 8291 §3.4 and RFC 8188: decrypts an aes128gcm message (one record). */
export function decryptAes128gcm(body: Buffer, keys: SubscriberKeys): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] as number;
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  assert.equal(idlen, 65, "the key id is the application server's public key");
  assert.ok(record.length <= rs, "a single record");
  const uaPublic = keys.ecdh.getPublicKey();
  const ecdhSecret = keys.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic]);
  const ikm = hkdf(ecdhSecret, keys.authBytes, keyInfo, 32);
  const cek = hkdf(ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02 and zero padding.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end -= 1;
  assert.equal(plain[end], 2, "the last record's padding delimiter");
  return plain.subarray(0, end).toString("utf8");
}

function headerParam(value: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(value) ? value.join(";") : (value ?? "");
  for (const part of text.split(/[;,]/)) {
    const [k, v] = part.trim().split("=");
    if (k === name) return v;
  }
  return undefined;
}

/** draft-ietf-webpush-encryption-04 (Content-Encoding: aesgcm): salt and dh in the headers. */
export function decryptAesgcm(received: Received, keys: SubscriberKeys): string {
  const salt = Buffer.from(headerParam(received.headers.encryption, "salt") ?? "", "base64url");
  const asPublic = Buffer.from(headerParam(received.headers["crypto-key"], "dh") ?? "", "base64url");
  assert.equal(salt.length, 16);
  assert.equal(asPublic.length, 65);
  const uaPublic = keys.ecdh.getPublicKey();
  const ecdhSecret = keys.ecdh.computeSecret(asPublic);
  const ikm = hkdf(ecdhSecret, keys.authBytes, Buffer.from("Content-Encoding: auth\0"), 32);
  const len = (b: Buffer) => {
    const out = Buffer.alloc(2);
    out.writeUInt16BE(b.length);
    return out;
  };
  const context = Buffer.concat([Buffer.from("P-256\0"), len(uaPublic), uaPublic, len(asPublic), asPublic]);
  const cek = hkdf(ikm, salt, Buffer.concat([Buffer.from("Content-Encoding: aesgcm\0"), context]), 16);
  const nonce = hkdf(ikm, salt, Buffer.concat([Buffer.from("Content-Encoding: nonce\0"), context]), 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(received.body.subarray(received.body.length - 16));
  const plain = Buffer.concat([
    decipher.update(received.body.subarray(0, received.body.length - 16)),
    decipher.final(),
  ]);
  const pad = plain.readUInt16BE(0);
  return plain.subarray(2 + pad).toString("utf8");
}

/**
 * Checks the VAPID JWT (ES256) against the key the server advertises; returns its claims. Both
 * header forms: `vapid t=…, k=…` (aes128gcm) and `WebPush <jwt>` + Crypto-Key p256ecdsa (aesgcm).
 */
export function verifyVapid(received: Received, serverKey: string): { aud: string; exp: number; sub: string } {
  const authorization = String(received.headers.authorization ?? "");
  let jwt: string;
  let key: string;
  if (authorization.startsWith("vapid ")) {
    jwt = /t=([^,\s]+)/.exec(authorization)?.[1] ?? "";
    key = /k=([^,\s]+)/.exec(authorization)?.[1] ?? "";
  } else {
    assert.match(authorization, /^WebPush /);
    jwt = authorization.slice("WebPush ".length);
    key = headerParam(received.headers["crypto-key"], "p256ecdsa") ?? "";
  }
  assert.equal(key, serverKey, "the push is signed with the advertised VAPID key");
  const [header, claims, signature] = jwt.split(".") as [string, string, string];
  assert.deepEqual(JSON.parse(Buffer.from(header, "base64url").toString()), { typ: "JWT", alg: "ES256" });
  const point = Buffer.from(key, "base64url");
  const publicKey = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33, 65).toString("base64url"),
    },
    format: "jwk",
  });
  const ok = verify(
    "sha256",
    Buffer.from(`${header}.${claims}`),
    { key: publicKey, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  assert.ok(ok, "the VAPID JWT signature verifies");
  return JSON.parse(Buffer.from(claims, "base64url").toString());
}
