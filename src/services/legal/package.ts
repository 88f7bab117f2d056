// A production package on disk: production.json (the records), report.html (the same, for people),
// manifest.json (every file's SHA-256 and size, the instance, the signing key's fingerprint) and
// manifest.sig (Ed25519 over the manifest's exact bytes). `publius production verify <dir>` and the
// approval step both check it with verifyPackage().
import { createHash, createPublicKey } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CellValue } from "../privacy/holdings.ts";
import { fingerprintOf, verifySignature } from "./signing.ts";

export const MANIFEST_FILE = "manifest.json";
export const SIGNATURE_FILE = "manifest.sig";
export const DATA_FILE = "production.json";
export const REPORT_FILE = "report.html";
export const PACKAGE_FORMAT = "publius-production/1";

export interface ProducedCategory {
  id: string;
  title: string;
  state: "held" | "none" | "not_collected";
  /** "Not collected by design: …", "None held for this account.", or how many records follow. */
  statement: string;
  records: { table: string; fields: Record<string, CellValue> }[];
}

export interface ProductionData {
  format: typeof PACKAGE_FORMAT;
  instance: string;
  generated_at: string;
  demand: {
    id: string;
    process: string;
    agency: string;
    country: string;
    authority: string;
    reference: string;
    received: string;
    requested_verbatim: string;
  };
  targets: { handle: string; account_id: string; categories: ProducedCategory[] }[];
}

export interface Manifest {
  format: typeof PACKAGE_FORMAT;
  instance: string;
  demand_id: string;
  reference: string;
  created_at: string;
  signing_key: { algorithm: "Ed25519"; fingerprint: string; public_key_pem: string; url: string };
  files: { name: string; sha256: string; bytes: number }[];
}

export interface PackageCheck {
  ok: boolean;
  problems: string[];
  fingerprint: string | undefined;
  manifest: Manifest | undefined;
  manifestSha256: string | undefined;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Verifies a package folder: the signature over manifest.json (with `publicKeyPem` when given —
 * e.g. fetched from the instance's well-known URL — else the key the manifest carries, whose
 * fingerprint the reader compares with the published one), every listed file's hash and size, and
 * that no file was added.
 */
export function verifyPackage(dir: string, options: { publicKeyPem?: string | undefined } = {}): PackageCheck {
  const problems: string[] = [];
  const manifestPath = join(dir, MANIFEST_FILE);
  const sigPath = join(dir, SIGNATURE_FILE);
  if (!existsSync(manifestPath)) return fail(`${MANIFEST_FILE} is missing`);
  if (!existsSync(sigPath)) return fail(`${SIGNATURE_FILE} is missing`);
  const manifestBytes = readFileSync(manifestPath);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestBytes.toString("utf8")) as Manifest;
  } catch {
    return fail(`${MANIFEST_FILE} is not valid JSON`);
  }
  if (manifest.format !== PACKAGE_FORMAT || !Array.isArray(manifest.files)) {
    return fail(`${MANIFEST_FILE} is not a ${PACKAGE_FORMAT} manifest`);
  }
  const carried = manifest.signing_key?.public_key_pem;
  const keyPem = options.publicKeyPem ?? carried;
  let fingerprint: string | undefined;
  try {
    fingerprint = fingerprintOf(createPublicKey(keyPem ?? ""));
  } catch {
    return fail("no usable Ed25519 public key (give one with --key)");
  }
  if (manifest.signing_key?.fingerprint && manifest.signing_key.fingerprint !== fingerprint) {
    problems.push(
      options.publicKeyPem
        ? `the package names signing key ${manifest.signing_key.fingerprint}, not the key given (${fingerprint})`
        : "the manifest's key does not match its stated fingerprint",
    );
  }
  if (!verifySignature(keyPem as string, manifestBytes, readFileSync(sigPath, "utf8"))) {
    problems.push(
      "the signature over manifest.json does not verify (the manifest was changed, or another key signed it)",
    );
  }
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.name);
    if (!/^[A-Za-z0-9._-]+$/.test(f.name) || f.name.startsWith(".")) {
      problems.push(`the manifest lists an unsafe file name: ${f.name}`);
      continue;
    }
    const path = join(dir, f.name);
    if (!existsSync(path)) {
      problems.push(`${f.name} is missing`);
      continue;
    }
    const data = readFileSync(path);
    if (data.length !== f.bytes) problems.push(`${f.name} has ${data.length} bytes, the manifest says ${f.bytes}`);
    if (sha256Hex(data) !== f.sha256) problems.push(`${f.name} does not match its SHA-256 in the manifest (changed)`);
  }
  for (const name of readdirSync(dir)) {
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE) continue;
    if (!listed.has(name)) problems.push(`${name} is not in the manifest (added)`);
  }
  return { ok: problems.length === 0, problems, fingerprint, manifest, manifestSha256: sha256Hex(manifestBytes) };

  function fail(problem: string): PackageCheck {
    return { ok: false, problems: [problem], fingerprint: undefined, manifest: undefined, manifestSha256: undefined };
  }
}
