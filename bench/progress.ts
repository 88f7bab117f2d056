// Progress on stderr: one line rewritten in place on a terminal, a line every few seconds otherwise
// (CI logs, pipes), so a long seed never looks hung.

const LOG_EVERY_MS = 5_000;
const REDRAW_EVERY_MS = 100;

export class Progress {
  readonly #tty: boolean;
  readonly #out: NodeJS.WriteStream;
  readonly #quiet: boolean;
  #label = "";
  #total = 0;
  #done = 0;
  #started = 0;
  #lastDraw = 0;

  constructor(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}) {
    this.#out = options.stream ?? process.stderr;
    this.#tty = this.#out.isTTY === true;
    this.#quiet = options.quiet === true;
  }

  start(label: string, total: number): void {
    this.#label = label;
    this.#total = total;
    this.#done = 0;
    this.#started = performance.now();
    this.#lastDraw = 0;
    this.#draw(true);
  }

  advance(n: number): void {
    this.#done += n;
    this.#draw(false);
  }

  /** Ends the current step; returns its duration in milliseconds. */
  finish(): number {
    const ms = performance.now() - this.#started;
    this.#done = this.#total;
    if (!this.#quiet) {
      const line = `${this.#label.padEnd(28)} ${formatCount(this.#total).padStart(10)}  done in ${(ms / 1000).toFixed(1)} s`;
      this.#out.write(this.#tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    }
    return ms;
  }

  /** A one-off message that does not disturb the progress line. */
  note(message: string): void {
    if (this.#quiet) return;
    this.#out.write(this.#tty ? `\r\x1b[2K${message}\n` : `${message}\n`);
  }

  #draw(force: boolean): void {
    if (this.#quiet) return;
    const now = performance.now();
    const every = this.#tty ? REDRAW_EVERY_MS : LOG_EVERY_MS;
    if (!force && now - this.#lastDraw < every) return;
    if (!this.#tty && force) return; // the first line in a log would only say 0 %
    this.#lastDraw = now;
    const elapsed = (now - this.#started) / 1000;
    const fraction = this.#total > 0 ? Math.min(1, this.#done / this.#total) : 0;
    const rate = elapsed > 0 ? this.#done / elapsed : 0;
    const eta = rate > 0 ? (this.#total - this.#done) / rate : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
    const line =
      `${this.#label.padEnd(28)} ${bar} ${(fraction * 100).toFixed(0).padStart(3)} %  ` +
      `${formatCount(this.#done)}/${formatCount(this.#total)}  ${formatCount(Math.round(rate))}/s  eta ${eta.toFixed(0)} s`;
    this.#out.write(this.#tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
