// Time comes from here so tests can hold it still. Helpers make the coarse forms Publius stores.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: Date | string = "2026-03-14T12:00:00.000Z") {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(to: Date | string): void {
    this.#now = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** "YYYY-MM-DD" in UTC: the only form in which Publius keeps when an account or a session began. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The start of the hour, ISO: the precision kept for activity that is not itself public. */
export function hourOf(date: Date): string {
  const d = new Date(date);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
