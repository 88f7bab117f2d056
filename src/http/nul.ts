// No NUL anywhere a client can put text: PostgreSQL refuses it in a text column (a server error),
// SQLite would store it, and no handle, post or id contains one. The one rule, for every body
// (JSON, form, multipart fields), the query string and the path: 400 before any handler runs.
import type { FastifyInstance } from "fastify";
import { PubliusError } from "../domain/errors.ts";

const MESSAGE = "The request could not be read: it contains a NUL character.";

/** True when the address carries an encoded NUL, which no page or id can contain. */
export function hasEncodedNul(url: string): boolean {
  return /%00/.test(url);
}

/** True when any string in the value (keys included, at any depth) holds a NUL. */
export function containsNul(value: unknown): boolean {
  // Iterative: a deeply nested JSON body must not exhaust the stack.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === "string") {
      if (v.includes("\0")) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) pending.push(item);
    } else if (v !== null && typeof v === "object" && !Buffer.isBuffer(v)) {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes("\0")) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

/** Installs the rule on the root: the address first, then whatever the parsers made of the request. */
export function installNulRule(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    if (hasEncodedNul(request.url)) throw new PubliusError(400, "That address is not valid.");
  });
  app.addHook("preValidation", async (request) => {
    if (containsNul(request.query) || containsNul(request.params) || containsNul(request.body))
      throw new PubliusError(400, MESSAGE);
  });
}
