// The one multipart/form-data parser (RFC 7578), for every route that takes files (media, avatars,
// the legal console's documents) and for the small field-only bodies some clients send elsewhere.
//
// Memory is the thing to guard: a multipart body is read only after the route has said what it
// takes and the caller has been authenticated (the scope's content-type parser checks first), never
// beyond the route's limit, and only while the server-wide budget of buffered upload bytes allows.
// A body that is not well formed is the client's fault: 400 with a message, never a 500.
import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { PubliusError } from "../domain/errors.ts";

/** What a route that takes files accepts. Routes without it take small field-only bodies. */
export interface UploadRule {
  /** The scope a token needs (API routes); checked before a byte of the body is read. */
  scope?: string;
  /** How many file parts at most. */
  files: number;
}

declare module "fastify" {
  interface FastifyContextConfig {
    upload?: UploadRule;
  }
  interface FastifyRequest {
    uploadReservation: (() => void) | undefined;
  }
}

/** Non-file fields together: the same as a JSON or form body. */
export const FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 100;
const MAX_HEADER_BYTES = 2048;

export interface MultipartLimits {
  /** Largest file part. */
  fileBytes: number;
  /** How many file parts; 0 for a route that takes none. */
  files: number;
  /** The error for a file (or a body) over the limit. */
  tooLarge?: (limit: number) => PubliusError;
}

export interface MultipartFile {
  name: string;
  filename: string;
  mimetype: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: { name: string; value: string }[];
  files: MultipartFile[];
}

const malformed = (why: string) => new PubliusError(400, `The multipart body could not be read: ${why}.`);
const defaultTooLarge = () => new PubliusError(413, "That request is too large.");

/**
 * Bytes of upload bodies held in memory at once, across the whole server. A request that would go
 * over it is refused at once with 503 (try again shortly) instead of queueing in memory.
 */
export class UploadBudget {
  readonly capacity: number;
  #inFlight = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Takes `bytes` from the budget; false (and nothing taken) when it would go over. */
  take(bytes: number): boolean {
    if (this.#inFlight + bytes > this.capacity) return false;
    this.#inFlight += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - bytes);
  }
}

const busy = () =>
  new PubliusError(503, "The server is receiving too many uploads at once. Try again in a moment.", {
    headers: { "retry-after": "5" },
  });

/**
 * Reads a body of at most `limit` bytes into memory, taking what it holds from the budget (given
 * back by `release`, once the response is sent). A declared length over the limit or over the
 * budget is refused before anything is read.
 */
export function readLimited(
  payload: Readable,
  declared: number | undefined,
  limit: number,
  budget: UploadBudget,
  tooLarge: () => PubliusError,
): { body: Promise<Buffer>; release: () => void } {
  let held = 0;
  const release = () => {
    budget.give(held);
    held = 0;
  };
  const body = new Promise<Buffer>((resolve, reject) => {
    if (declared !== undefined && declared > limit) return reject(tooLarge());
    if (declared !== undefined && !budget.take(declared)) return reject(busy());
    if (declared !== undefined) held = declared;
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (error: Error | undefined) => {
      payload.removeListener("data", onData);
      payload.removeListener("end", onEnd);
      payload.removeListener("error", onError);
      payload.removeListener("aborted", onAborted);
      if (error) {
        // Fastify closes the connection after this answer: the rest of the body is never read.
        payload.pause();
        chunks.length = 0;
        release();
        reject(error);
      }
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return stop(tooLarge());
      if (declared === undefined) {
        if (!budget.take(chunk.length)) return stop(busy());
        held += chunk.length;
      } else if (received > declared) return stop(malformed("it is longer than its declared length"));
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop(undefined);
      if (declared !== undefined && received !== declared) {
        release();
        return reject(malformed("it ended early"));
      }
      resolve(Buffer.concat(chunks, received));
    };
    const onError = () => stop(malformed("the connection broke off"));
    const onAborted = () => stop(malformed("the connection broke off"));
    payload.on("data", onData);
    payload.on("end", onEnd);
    payload.on("error", onError);
    payload.on("aborted", onAborted);
  });
  return { body, release };
}

/** The boundary parameter of a multipart/form-data content type (RFC 2046 §5.1.1). */
export function boundaryOf(contentType: string | undefined): string {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType ?? "");
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw malformed("the content type names no boundary");
  return boundary;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function text(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw malformed(`${what} is not valid UTF-8`);
  }
}

/** `form-data; name="a"; filename="b"` -> its parameters (quoted strings with \" escapes). */
function dispositionOf(value: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const [kind, ...rest] = value.split(";");
  if (kind?.trim().toLowerCase() !== "form-data") throw malformed("a part is not form-data");
  const re = /\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))\s*(?:;|$)/gy;
  const params = rest.join(";");
  let i = 0;
  while (i < params.length) {
    re.lastIndex = i;
    const m = re.exec(params);
    if (!m) {
      if (params.slice(i).trim() === "") break;
      throw malformed("a part's Content-Disposition cannot be read");
    }
    const name = (m[1] as string).toLowerCase();
    out[name] = m[2] === undefined ? (m[3] as string) : m[2].replace(/\\(.)/g, "$1");
    i = re.lastIndex;
  }
  return out;
}

/**
 * Parses a whole multipart body. Strict: a missing or wrong boundary, an unterminated part, a part
 * without a name, too many parts, invalid UTF-8 in a field are all 400; a file over the limit is 413.
 */
export function parseMultipart(body: Buffer, contentType: string | undefined, limits: MultipartLimits): MultipartBody {
  const boundary = boundaryOf(contentType);
  const tooLarge = limits.tooLarge ?? defaultTooLarge;
  const dash = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const out: MultipartBody = { fields: [], files: [] };

  // The first boundary, after an optional preamble.
  let at = body.subarray(0, dash.length).equals(dash) ? 0 : body.indexOf(delimiter);
  if (at === -1) throw malformed("the boundary does not occur in it");
  at += at === 0 && body[0] === 0x2d ? dash.length : delimiter.length;
  let fieldBytes = 0;

  for (;;) {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return out; // the closing "--"; the epilogue is ignored
    while (body[at] === 0x20 || body[at] === 0x09) at++; // transport padding
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) throw malformed("a boundary is not followed by a line break");
    at += 2;
    const end = body.indexOf(delimiter, at);
    if (end === -1) throw malformed("a part is not terminated");
    if (out.fields.length + out.files.length >= MAX_FIELDS + limits.files) throw malformed("it has too many parts");

    const part = body.subarray(at, end);
    const headEnd = part.indexOf("\r\n\r\n");
    const noHeaders = part[0] === 0x0d && part[1] === 0x0a;
    if (headEnd === -1 && !noHeaders) throw malformed("a part's headers are not terminated");
    const headBytes = noHeaders ? part.subarray(0, 0) : part.subarray(0, headEnd);
    if (headBytes.length > MAX_HEADER_BYTES) throw malformed("a part's headers are too long");
    const content = part.subarray(noHeaders ? 2 : headEnd + 4);

    let disposition: Record<string, string> | undefined;
    let type = "text/plain";
    for (const line of text(headBytes, "a part's headers").split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw malformed("a part's header cannot be read");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-disposition") disposition = dispositionOf(value);
      else if (name === "content-type") type = value;
    }
    const name = disposition?.name;
    if (name === undefined || name === "") throw malformed("a part has no name");

    if (disposition?.filename !== undefined) {
      // An empty file input still sends a part: it is no file.
      if (disposition.filename === "" && content.length === 0) {
        at = end + delimiter.length;
        continue;
      }
      if (out.files.length >= limits.files) {
        throw limits.files === 0 ? malformed("this address takes no files") : malformed("it has too many files");
      }
      if (content.length > limits.fileBytes) throw tooLarge(limits.fileBytes);
      out.files.push({ name, filename: disposition.filename, mimetype: type, data: content });
    } else {
      fieldBytes += content.length;
      if (fieldBytes > FIELD_BYTES) throw tooLarge(FIELD_BYTES);
      out.fields.push({ name, value: text(content, `the field ${name}`) });
    }
    at = end + delimiter.length;
  }
}

/** Fields as a record (a name given twice becomes a list), files through `asValue`. */
export function multipartRecord(
  parsed: MultipartBody,
  asValue: (f: MultipartFile) => unknown,
): Record<string, unknown> {
  const body: Record<string, unknown> = Object.create(null);
  const put = (key: string, value: unknown) => {
    const prev = body[key];
    if (prev === undefined) body[key] = value;
    else body[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  };
  for (const f of parsed.fields) put(f.name, f.value);
  for (const f of parsed.files) put(f.name, asValue(f));
  return body;
}

/**
 * Registers the multipart parser on a scope. `admit` runs before the body is read: it authenticates
 * and returns what the route takes (or throws). The bytes are held against the budget until the
 * response is sent.
 */
export function installMultipart(
  scope: FastifyInstance,
  budget: UploadBudget,
  admit: (request: FastifyRequest) => Promise<MultipartLimits>,
  asValue: (f: MultipartFile) => unknown,
): void {
  scope.decorateRequest("uploadReservation", undefined);
  const release = async (request: FastifyRequest) => {
    request.uploadReservation?.();
    request.uploadReservation = undefined;
  };
  scope.addHook("onResponse", release);
  scope.addHook("onRequestAbort", release);
  scope.addContentTypeParser("multipart/form-data", async (request: FastifyRequest, payload: Readable) => {
    const limits = await admit(request);
    const tooLarge = limits.tooLarge ?? defaultTooLarge;
    // Parts' own headers and boundaries fit in the field allowance.
    const limit = limits.files * limits.fileBytes + FIELD_BYTES;
    const length = request.headers["content-length"];
    const declared = length === undefined ? undefined : Number(length);
    const contentType = request.headers["content-type"];
    boundaryOf(contentType); // refused before reading
    const read = readLimited(payload, Number.isSafeInteger(declared) ? declared : undefined, limit, budget, () =>
      tooLarge(limits.files ? limits.fileBytes : FIELD_BYTES),
    );
    request.uploadReservation = read.release;
    const body = await read.body;
    return multipartRecord(parseMultipart(body, contentType, limits), asValue);
  });
}
