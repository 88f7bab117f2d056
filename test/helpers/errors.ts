// Asserts that an action fails with Publius's one error type, a given status and (optionally) message.
import assert from "node:assert/strict";
import { PubliusError } from "../../src/domain/errors.ts";

export async function rejectsWith(
  action: Promise<unknown> | (() => Promise<unknown>),
  status: number,
  message?: RegExp,
): Promise<PubliusError> {
  let caught: unknown;
  try {
    await (typeof action === "function" ? action() : action);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected a ${status} error, but the action succeeded`);
  assert.ok(caught instanceof PubliusError, `expected a PubliusError, got ${String(caught)}`);
  assert.equal(caught.status, status, `expected status ${status}, got ${caught.status}: ${caught.publicMessage}`);
  if (message) assert.match(caught.publicMessage, message);
  return caught;
}
