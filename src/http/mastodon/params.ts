// Mastodon API parameters arrive as JSON, form fields, multipart fields or query strings, with
// arrays written `key[]`. They are flattened into one record here and read with typed accessors:
// unknown parameters are ignored; a parameter of the wrong type is a 422, never a 500.
import type { FastifyRequest } from "fastify";
import { unprocessable } from "../../domain/errors.ts";

export interface UploadedFile {
  kind: "file";
  filename: string;
  mimetype: string;
  data: Buffer;
}

export type ParamValue = string | number | boolean | null | UploadedFile | ParamValue[] | { [k: string]: ParamValue };
export type Params = Record<string, ParamValue | undefined>;

/** Normalises `a[]` keys to `a` and single values to what they are. */
export function normaliseParams(input: unknown): Params {
  const out: Params = {};
  if (!input || typeof input !== "object") return out;
  for (const [rawKey, value] of Object.entries(input as Record<string, unknown>)) {
    const isArray = rawKey.endsWith("[]");
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    const v = value as ParamValue;
    if (isArray && !Array.isArray(v)) out[key] = [v];
    else out[key] = v;
  }
  return out;
}

/** Query and body together; the body wins. */
export function paramsOf(request: FastifyRequest): Params {
  return { ...normaliseParams(request.query), ...normaliseParams(request.body) };
}

export function str(p: Params, key: string, options: { max?: number } = {}): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v !== "string") throw unprocessable(`${key} must be a string`);
  if (options.max !== undefined && v.length > options.max)
    throw unprocessable(`${key} is too long (at most ${options.max} characters)`);
  return v;
}

export function bool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1" || v === 1 || v === "on") return true;
  if (v === "false" || v === "0" || v === 0 || v === "off") return false;
  throw unprocessable(`${key} must be a boolean`);
}

export function int(p: Params, key: string, options: { min?: number; max?: number } = {}): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) throw unprocessable(`${key} must be an integer`);
  if (options.min !== undefined && n < options.min) return options.min;
  if (options.max !== undefined && n > options.max) return options.max;
  return n;
}

export function num(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw unprocessable(`${key} must be a number`);
  return n;
}

/** A list of strings; a single value counts as a list of one. */
export function strings(p: Params, key: string): string[] | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    if (typeof x === "string") return x;
    if (typeof x === "number") return String(x);
    throw unprocessable(`${key} must be a list of strings`);
  });
}

export function file(p: Params, key: string): UploadedFile | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "object" && !Array.isArray(v) && (v as UploadedFile).kind === "file") return v as UploadedFile;
  throw unprocessable(`${key} must be a file`);
}

const ID = /^\d{1,20}$/;

/** max_id / since_id / min_id / limit as Mastodon documents them (malformed ids are ignored). */
export function pageParams(p: Params, defaults: { limit: number; max: number }) {
  const id = (k: string) => {
    const v = p[k];
    return typeof v === "string" && ID.test(v) ? v : typeof v === "number" ? String(v) : undefined;
  };
  return {
    maxId: id("max_id"),
    sinceId: id("since_id"),
    minId: id("min_id"),
    limit: int(p, "limit", { min: 1, max: defaults.max }) ?? defaults.limit,
  };
}
