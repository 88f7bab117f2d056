// Form bodies (application/x-www-form-urlencoded), parsed strictly. The usual parser keeps a broken
// percent-escape or a NUL as text; such a body is malformed, so it is refused with 400 before any
// handler sees it (PostgreSQL would refuse a NUL in text with a server error).
import { PubliusError } from "../domain/errors.ts";

const MALFORMED = "The form could not be read: it is not correctly encoded.";

function decode(part: string): string {
  let value: string;
  try {
    value = decodeURIComponent(part.replaceAll("+", " "));
  } catch {
    throw new PubliusError(400, MALFORMED);
  }
  if (value.includes("\0")) throw new PubliusError(400, MALFORMED);
  return value;
}

/** name=value pairs; a name given twice becomes a list (handlers treat a list as missing). */
export function parseFormBody(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = decode(eq === -1 ? "" : pair.slice(eq + 1));
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** True when the address carries an encoded NUL, which no page or id can contain. */
export function hasEncodedNul(url: string): boolean {
  return /%00/.test(url);
}
