// Child processes and temporary data the benchmark owns, and the guarantee that they go away: on
// success, on failure, on Ctrl-C and on the watchdog. Only the processes started here are signalled,
// each by its own pid.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";

const KILL_GRACE_MS = 5_000;
const OUTPUT_KEPT = 8_000;

interface Owned {
  name: string;
  child: ChildProcess;
  output: string[];
}

/** Everything to undo at the end, in reverse order of creation. */
export class Cleanup {
  readonly #tasks: { name: string; run: () => Promise<void> | void; sync?: () => void }[] = [];
  readonly #children = new Set<Owned>();
  #running: Promise<void> | undefined;

  /** Registers an undo step; `sync` is the best effort used if the process must exit at once. */
  add(name: string, run: () => Promise<void> | void, sync?: () => void): () => Promise<void> {
    const task = { name, run, ...(sync ? { sync } : {}) };
    this.#tasks.push(task);
    return async () => {
      const i = this.#tasks.indexOf(task);
      if (i >= 0) this.#tasks.splice(i, 1);
      await run();
    };
  }

  removeDir(dir: string): () => Promise<void> {
    const rm = () => rmSync(dir, { recursive: true, force: true });
    return this.add(`remove ${dir}`, rm, rm);
  }

  /** Starts a child process (node running a script) that will be stopped on cleanup. */
  spawnNode(name: string, args: string[], env: Record<string, string | undefined>): RunningChild {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const owned: Owned = { name, child, output: [] };
    const keep = (chunk: Buffer) => {
      owned.output.push(chunk.toString("utf8"));
      let size = owned.output.reduce((n, s) => n + s.length, 0);
      while (size > OUTPUT_KEPT && owned.output.length > 1) size -= (owned.output.shift() as string).length;
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.#children.add(owned);
    const stop = this.add(
      `stop ${name}`,
      () => this.#stop(owned),
      () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      },
    );
    return {
      name,
      child,
      output: () => owned.output.join(""),
      stop,
      exited: () => child.exitCode !== null || child.signalCode !== null,
    };
  }

  /** Runs every step once (later calls wait for the first). */
  run(): Promise<void> {
    this.#running ??= (async () => {
      while (this.#tasks.length > 0) {
        const task = this.#tasks.pop();
        if (!task) break;
        try {
          await task.run();
        } catch (e) {
          process.stderr.write(`cleanup: ${task.name} failed: ${(e as Error).message}\n`);
        }
      }
    })();
    return this.#running;
  }

  /** Synchronous last resort (process 'exit'): kill children, remove folders. */
  runSync(): void {
    for (const task of this.#tasks.reverse()) {
      try {
        task.sync?.();
      } catch {
        // exiting anyway
      }
    }
    this.#tasks.length = 0;
  }

  async #stop(owned: Owned): Promise<void> {
    this.#children.delete(owned);
    const { child } = owned;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}

export interface RunningChild {
  name: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  exited(): boolean;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `url` answers with any HTTP status, the child exits, or the time is up. */
export async function waitForHttp(url: string, child: RunningChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited()) {
      throw new Error(`${child.name} exited (code ${child.child.exitCode}) before answering:\n${child.output()}`);
    }
    try {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${child.output()}`);
}
