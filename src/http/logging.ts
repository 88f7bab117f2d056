// The request log: method, route pattern, status and duration. Never headers, addresses, agents,
// query strings or bodies (OAuth codes and tokens travel in query strings).
export type LogLevel = "info" | "warn" | "error" | "silent";

export interface RequestLogEntry {
  method: string;
  route: string;
  status: number;
  ms: number;
}

export interface Logger {
  request(entry: RequestLogEntry): void;
  /** A server-side failure: only the error's name, message and stack — never the request. */
  error(message: string, error?: unknown): void;
  info(message: string): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const rank = { info: 0, warn: 1, error: 2, silent: 3 }[level];
  const emit = (record: Record<string, unknown>) => write(`${JSON.stringify(record)}\n`);
  return {
    request(entry) {
      if (rank <= 0) emit({ level: "info", ...entry });
    },
    error(message, error) {
      if (rank > 2) return;
      const e = error as { name?: string; message?: string; stack?: string } | undefined;
      emit({ level: "error", message, error: e ? { name: e.name, message: e.message, stack: e.stack } : undefined });
    },
    info(message) {
      if (rank <= 0) emit({ level: "info", message });
    },
  };
}
