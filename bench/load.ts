// One load scenario through autocannon: fixed connections for a fixed time, each connection with its
// own headers (its own signed-in person), and a summary that counts only the expected answers.
import autocannon, { type Client, type Instance, type Result } from "autocannon";
import type { Cleanup } from "./processes.ts";

export interface LoadOptions {
  title: string;
  url: string;
  connections: number;
  durationSec: number;
  method?: "GET" | "POST";
  /** Headers and body for connection number i (0-based): each connection is one person. */
  setup?: (connection: number) => { headers: Record<string, string>; body?: string };
  /** Replace `[<id>]` in bodies with a fresh id on every request. */
  idReplacement?: boolean;
  expectStatus: number;
}

export interface LoadResult {
  title: string;
  connections: number;
  durationSec: number;
  /** Answers with the expected status, per second. */
  rps: number;
  requests: number;
  expected: number;
  unexpected: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyMs: { mean: number; p50: number; p90: number; p97_5: number; p99: number; p99_9: number; max: number };
}

export function runLoad(options: LoadOptions, cleanup: Cleanup): Promise<LoadResult> {
  let next = 0;
  const setup = options.setup;
  return new Promise((resolve, reject) => {
    let instance: Instance | undefined;
    const forget = cleanup.add(`stop load ${options.title}`, () => instance?.stop());
    instance = autocannon(
      {
        title: options.title,
        url: options.url,
        connections: options.connections,
        duration: options.durationSec,
        timeout: 10,
        method: options.method ?? "GET",
        idReplacement: options.idReplacement === true,
        ...(setup
          ? {
              setupClient: (client: Client) => {
                const { headers, body } = setup(next % options.connections);
                next++;
                if (body === undefined) client.setHeaders(headers);
                else client.setHeadersAndBody(headers, body);
              },
            }
          : {}),
      },
      (error, result) => {
        forget().catch(() => {});
        if (error) reject(error);
        else resolve(summarise(options, result));
      },
    );
  });
}

function summarise(options: LoadOptions, r: Result): LoadResult {
  const statusCodes: Record<string, number> = {};
  let requests = 0;
  for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
    statusCodes[code] = Number(count);
    requests += Number(count);
  }
  const expected = statusCodes[String(options.expectStatus)] ?? 0;
  const duration = r.duration > 0 ? r.duration : options.durationSec;
  return {
    title: options.title,
    connections: options.connections,
    durationSec: round(duration, 2),
    rps: round(expected / duration, 1),
    requests,
    expected,
    unexpected: requests - expected,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    latencyMs: {
      mean: round(r.latency.mean ?? r.latency.average, 2),
      p50: r.latency.p50,
      p90: r.latency.p90,
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      p99_9: r.latency.p99_9,
      max: r.latency.max,
    },
  };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
