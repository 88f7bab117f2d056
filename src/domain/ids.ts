// Identifiers. Posts get time-sortable ids (their time is public), so `max_id`/`since_id` paging is a
// plain comparison; accounts, sessions and files get random ids that say nothing about when they
// were made. Rows of the social graph use database sequence numbers (order only, no time).
import { randomBytes, randomInt } from "node:crypto";
import type { Clock } from "./clock.ts";

const TIME_DIGITS = 14;
const SEQ_DIGITS = 4;
const SEQ_SPACE = 10 ** SEQ_DIGITS;

/**
 * 18 decimal digits: milliseconds since the epoch (14 digits) and a 4-digit sequence. Digits only and
 * fixed width, so text comparison orders them the same in SQLite and under any PostgreSQL collation.
 */
export class TimeIds {
  #lastMs = -1;
  #seq = 0;
  readonly #clock: Clock;
  constructor(clock: Clock) {
    this.#clock = clock;
  }
  next(at: Date = this.#clock.now()): string {
    let ms = at.getTime();
    if (ms <= this.#lastMs) {
      ms = this.#lastMs;
      this.#seq += 1;
      if (this.#seq >= SEQ_SPACE) {
        ms += 1;
        this.#seq = randomInt(SEQ_SPACE / 2);
      }
    } else {
      // A random start lowers the chance that two processes mint the same id in the same millisecond.
      this.#seq = randomInt(SEQ_SPACE / 2);
    }
    this.#lastMs = ms;
    return timeIdFor(ms, this.#seq);
  }
}

export function timeIdFor(ms: number, seq = 0): string {
  return String(ms).padStart(TIME_DIGITS, "0") + String(seq).padStart(SEQ_DIGITS, "0");
}

/** The lowest id that could have been minted at `date`: for turning a time into a paging bound. */
export function timeIdFloor(date: Date): string {
  return timeIdFor(date.getTime(), 0);
}

/** The millisecond a time id was minted at; undefined for anything that is not a time id. */
export function timeOfId(id: string): number | undefined {
  return /^\d{18}$/.test(id) ? Number(id.slice(0, TIME_DIGITS)) : undefined;
}

export function isTimeId(value: string): boolean {
  return /^\d{18}$/.test(value);
}

/** A random id of 18 digits (accounts, media): unguessable order, no time. */
export function randomId(): string {
  const bytes = randomBytes(8);
  const n = bytes.readBigUInt64BE() % 10n ** 17n;
  return `1${n.toString().padStart(17, "0")}`;
}

/**
 * A random integer key of 15 digits (tags, rows of the graph, likes, bookmarks, pins …): no time and
 * no order of insertion. Fixed width and below 2^53, so it is the same as text and as a JS number.
 */
export function randomSerial(): number {
  return 10 ** 14 + Number(randomBytes(8).readBigUInt64BE() % (9n * 10n ** 14n));
}

const HOUR_MS = 3_600_000;
const HOUR_SPREAD = 10 ** 9;

/**
 * A notification's key: the hour it was made (as the inventory keeps its time) and 9 random digits.
 * Ordering by it gives the hour and nothing finer: within an hour the order is random, so a like or
 * a follow cannot be placed between two posts of that hour. 15 digits until the year 2084.
 */
export function hourSerial(at: Date): number {
  return Math.floor(at.getTime() / HOUR_MS) * HOUR_SPREAD + randomInt(HOUR_SPREAD);
}

/** The lowest key hourSerial() could give in the hour of `key` (for "newer than" bounds). */
export function hourSerialFloor(key: number): number {
  return Math.floor(key / HOUR_SPREAD) * HOUR_SPREAD;
}

/** The hour (as a Date) of an hourSerial() key. */
export function hourOfSerial(key: number): Date {
  return new Date(Math.floor(key / HOUR_SPREAD) * HOUR_MS);
}

/** A random secret for cookies, tokens and codes: 32 bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * A database sequence number (reports, notifications, rows of the graph) from text, or undefined when
 * the text cannot be one: a look-up by it then finds nothing instead of failing in the database.
 */
export function parseSerial(value: string): number | undefined {
  return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/**
 * A paging bound (max_id, since_id, min_id) on a sequence number. Digits beyond any real value are
 * clamped rather than passed on, which PostgreSQL's bigint would refuse with an error.
 */
export function serialBound(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value), Number.MAX_SAFE_INTEGER);
}
