// Form bodies (application/x-www-form-urlencoded), parsed strictly. The usual parser keeps a broken
// percent-escape as text; such a body is malformed, so it is refused with 400 before any handler
// sees it. A NUL is refused for every kind of body by one rule (http/nul.ts).
import { PubliusError } from "../domain/errors.ts";

const MALFORMED = "The form could not be read: it is not correctly encoded.";

function decode(part: string): string {
  let value: string;
  try {
    value = decodeURIComponent(part.replaceAll("+", " "));
  } catch {
    throw new PubliusError(400, MALFORMED);
  }
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
