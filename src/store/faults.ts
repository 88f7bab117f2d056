// Which database errors are faults of the moment rather than bugs: a connection to PostgreSQL that
// is lost, refused or stalled (answered 503: try again), and a full disk (answered 507). The one
// error handler (src/http/errors.ts) maps them; the store knows what the drivers throw.

/** Node socket errors and pg/pg-pool messages that mean "the database cannot be reached now". */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended|the database system is (starting up|shutting down|in recovery mode)|terminating connection/i;

const FROM_DATABASE = Symbol("publius.fromDatabase");

/** Marks an error thrown by the database driver, so that a socket error from elsewhere is not taken for one. */
export function fromDatabase<E>(error: E): E {
  if (error && typeof error === "object") {
    Object.defineProperty(error, FROM_DATABASE, { value: true, enumerable: false, configurable: true });
  }
  return error;
}

/** True when the error says the database is unreachable, lost or stalled (not a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const marked = !!(error && typeof error === "object" && FROM_DATABASE in error);
  for (const e of chain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      // Socket errors count only when the driver threw them (an outbound fetch's are not ours).
      if (marked && CONNECTION_CODES.has(code)) return true;
      // PostgreSQL SQLSTATE: class 08 connection exception, 57P01-03 shutdown/cannot connect now,
      // 57014 statement_timeout reached (a stalled or overloaded database).
      if (/^08...$/.test(code) || code === "57P01" || code === "57P02" || code === "57P03" || code === "57014") {
        return true;
      }
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && CONNECTION_MESSAGES.test(message)) return true;
  }
  return false;
}

/** True when the error is a full disk (SQLite's SQLITE_FULL, ENOSPC from the file system, PostgreSQL's 53100). */
export function isDiskFull(error: unknown): boolean {
  for (const e of chain(error)) {
    const { code, errcode, errstr, message } = e as {
      code?: unknown;
      errcode?: unknown;
      errstr?: unknown;
      message?: unknown;
    };
    if (code === "ENOSPC" || code === "EDQUOT" || code === "53100") return true;
    // node:sqlite: code ERR_SQLITE_ERROR, errcode 13 (SQLITE_FULL) or an extended code of it.
    if (typeof errcode === "number" && (errcode & 0xff) === 13) return true;
    if (typeof errstr === "string" && /database or disk is full/i.test(errstr)) return true;
    if (typeof message === "string" && /database or disk is full|no space left on device/i.test(message)) return true;
  }
  return false;
}

/** The error, its causes and, for an AggregateError (a host with several addresses), its parts. */
function* chain(error: unknown, depth = 0): Generator<object> {
  if (!error || typeof error !== "object" || depth > 5) return;
  yield error;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (cause) yield* chain(cause, depth + 1);
  if (Array.isArray(errors)) for (const e of errors) yield* chain(e, depth + 1);
}
