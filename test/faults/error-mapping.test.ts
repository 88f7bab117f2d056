// Issue 10, items 1 and 3: the one error handler's mapping of faults. A lost or stalled database is
// 503 (try again), a full disk 507; a socket error from anything but the database driver is not
// taken for a database outage.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DATABASE_UNAVAILABLE, DISK_FULL, toPublicError } from "../../src/http/errors.ts";
import { fromDatabase, isDatabaseUnavailable, isDiskFull } from "../../src/store/faults.ts";

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });

test("connection errors from the driver answer 503; the same code from elsewhere does not", () => {
  for (const e of [
    fromDatabase(errno("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")),
    fromDatabase(errno("ECONNRESET")),
    fromDatabase(Object.assign(new AggregateError([errno("ECONNREFUSED")], ""), {})),
    new Error("Connection terminated unexpectedly"),
    new Error("timeout exceeded when trying to connect"),
    new Error("Query read timeout"),
    errno("57P01", "terminating connection due to administrator command"),
    errno("08006", "connection failure"),
    errno("57014", "canceling statement due to statement timeout"),
  ]) {
    assert.ok(isDatabaseUnavailable(e), String(e));
    assert.deepEqual(toPublicError(e), { status: 503, message: DATABASE_UNAVAILABLE });
  }
  assert.equal(toPublicError(errno("ECONNREFUSED")).status, 500, "an outbound request's refusal is ours to fix");
  assert.equal(toPublicError(errno("23505", "duplicate key")).status, 500);
});

test("a full disk answers 507, from SQLite, the file system or PostgreSQL", () => {
  for (const e of [
    Object.assign(new Error("database or disk is full"), { code: "ERR_SQLITE_ERROR", errcode: 13 }),
    errno("ENOSPC", "ENOSPC: no space left on device, write"),
    errno("53100", "could not extend file: No space left on device"),
  ]) {
    assert.ok(isDiskFull(e));
    assert.deepEqual(toPublicError(e), { status: 507, message: DISK_FULL });
  }
});
