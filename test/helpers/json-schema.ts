// A small JSON Schema validator: the subset the Mastodon entity schemas use (type, with "null" for
// nullable; properties and required; items; enum; pattern; format date-time | date | uri | email;
// minimum). Errors name the path, so a failure reads as "status.account.created_at: …".
export type JsonType = "string" | "integer" | "number" | "boolean" | "object" | "array" | "null";

export interface Schema {
  type?: JsonType | JsonType[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: readonly unknown[];
  pattern?: string;
  format?: "date-time" | "date" | "uri" | "email";
  minimum?: number;
  /** Any value (an object whose shape the docs leave open, e.g. MediaAttachment.meta). */
  anything?: true;
}

const FORMATS: Record<NonNullable<Schema["format"]>, (v: string) => boolean> = {
  "date-time": (v) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
  uri: (v) => {
    try {
      return /^[a-z][a-z0-9+.-]*:/i.test(v) && Boolean(new URL(v));
    } catch {
      return false;
    }
  },
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
};

function typeOf(v: unknown): JsonType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v as JsonType;
}

/** Every way the value breaks the schema, as "path: message"; empty when it conforms. */
export function validate(schema: Schema, value: unknown, path = "$"): string[] {
  if (schema.anything) return [];
  const errors: string[] = [];
  const actual = typeOf(value);
  if (schema.type) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const ok = allowed.includes(actual) || (actual === "integer" && allowed.includes("number"));
    if (!ok)
      return [`${path}: is ${actual} (${JSON.stringify(value)?.slice(0, 60)}), expected ${allowed.join(" or ")}`];
  }
  if (actual === "null") return errors;
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
  if (typeof value === "string") {
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      errors.push(`${path}: "${value}" does not match ${schema.pattern}`);
    if (schema.format && !FORMATS[schema.format](value)) errors.push(`${path}: "${value}" is not a ${schema.format}`);
  }
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) {
    errors.push(`${path}: ${value} is below ${schema.minimum}`);
  }
  if (actual === "object" && (schema.properties || schema.required)) {
    const o = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in o)) errors.push(`${path}.${key}: is missing`);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (key in o) errors.push(...validate(sub, o[key], `${path}.${key}`));
    }
  }
  if (actual === "array" && schema.items) {
    (value as unknown[]).forEach((item, i) => {
      errors.push(...validate(schema.items as Schema, item, `${path}[${i}]`));
    });
  }
  return errors;
}
