// Graceful shutdown (SIGTERM, SIGINT): nothing the server accepted is dropped, and the process is
// gone within a bound an orchestrator's grace period can hold (docs/operating.md, "Shutdown").
//
//   0 s       the signal: every answer from now on carries `Connection: close`; the server keeps
//             listening for DRAIN_MS so connections already accepted (or queued in the kernel)
//             are answered instead of reset.
//   DRAIN_MS  streams end (WebSockets with 1001 "going away", event streams closed), the server
//             stops listening, connections with no request in progress are closed; requests in
//             progress finish and their connections close after the answer.
//   LIMIT_MS  whatever is still open (a client that never finishes sending its body) is cut.
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";

/** How long the server keeps accepting after the signal, answering with `Connection: close`. */
export const DRAIN_MS = 1000;
/** After this, connections still open are cut and the process goes on to exit. */
export const SHUTDOWN_LIMIT_MS = 10_000;
/** A connection with no request in progress for this long is closed once draining. */
const IDLE_CLOSE_MS = 250;

interface Tracked {
  active: number;
  idleSince: number;
}

export interface GracefulShutdown {
  /** Drains and closes the app (Fastify's onClose hooks included). Resolves with the connections cut at the limit. */
  shutdown(drainMs?: number): Promise<{ cut: number }>;
}

/** Call before listen(): tracks connections and marks answers while draining. */
export function installGracefulShutdown(app: FastifyInstance): GracefulShutdown {
  const sockets = new Map<Socket, Tracked>();
  let draining = false;

  app.server.on("connection", (socket: Socket) => {
    sockets.set(socket, { active: 0, idleSince: Date.now() });
    socket.once("close", () => sockets.delete(socket));
  });
  app.server.on("request", (request: { socket: Socket }, response: { once(e: string, f: () => void): void }) => {
    const tracked = sockets.get(request.socket);
    if (!tracked) return;
    tracked.active++;
    response.once("close", () => {
      tracked.active--;
      tracked.idleSince = Date.now();
    });
  });
  // An upgraded socket (WebSocket) is a stream: the streaming plugin closes it with a close frame.
  app.server.on("upgrade", (request: { socket: Socket }) => {
    const tracked = sockets.get(request.socket);
    if (tracked) tracked.active++;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (draining) reply.header("connection", "close");
  });

  let running: Promise<{ cut: number }> | undefined;
  const shutdown = (drainMs = DRAIN_MS) => {
    running ??= (async () => {
      draining = true;
      const started = Date.now();
      if (drainMs > 0) await sleep(drainMs);
      let cut = 0;
      const sweep = setInterval(() => {
        const now = Date.now();
        const late = now - started >= SHUTDOWN_LIMIT_MS;
        for (const [socket, t] of sockets) {
          if (late || (t.active <= 0 && now - t.idleSince >= IDLE_CLOSE_MS)) {
            if (late) cut++;
            socket.destroy();
            sockets.delete(socket);
          }
        }
      }, 50);
      try {
        // Runs the preClose hooks (streams end), stops listening, waits for every connection.
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      return { cut };
    })();
    return running;
  };
  return { shutdown };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
