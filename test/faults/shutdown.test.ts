// Issue 10, items 2 and 5: SIGTERM finishes what was accepted and exits within the documented
// bound (src/http/shutdown.ts: SHUTDOWN_LIMIT_MS), with keep-alive, streaming and slow-body
// connections open; slow clients cannot hold the server's sockets. The real process, both databases.
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { test } from "node:test";
import WebSocket from "ws";
import { SHUTDOWN_LIMIT_MS } from "../../src/http/shutdown.ts";
import { percentile, signUp, sleep, startChild } from "../helpers/child-server.ts";

interface Answer {
  status: number | string;
  connection: string | undefined;
}

function call(
  agent: Agent,
  origin: string,
  method: string,
  path: string,
  token: string,
  body?: string,
): Promise<Answer> {
  const url = new URL(path, origin);
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        res.on("error", (e) => resolve({ status: `response: ${e.message}`, connection: undefined }));
      },
    );
    req.on("error", (e) =>
      resolve({ status: `network: ${(e as NodeJS.ErrnoException).code ?? e.message}`, connection: undefined }),
    );
    req.end(body);
  });
}

/** A raw connection that sent `head` (and maybe part of a body) and then goes quiet. */
function quietSocket(
  origin: string,
  head: string,
): Promise<{ socket: Socket; received: () => string; closedAt: Promise<number> }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    let received = "";
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      resolve({ socket, received: () => received, closedAt });
    });
    const closedAt = new Promise<number>((done) => socket.on("close", () => done(performance.now())));
    socket.on("data", (c: Buffer) => {
      received += c.toString();
    });
    socket.on("error", () => {});
  });
}

test("SIGTERM under load: every request in flight is answered, streams get 1001, the process exits in time", {
  timeout: 60_000,
}, async () => {
  for (const slowBody of [false, true]) {
    const server = await startChild();
    const { origin } = server;
    try {
      const token = await signUp(origin, "alice");
      // An open stream, an idle keep-alive connection and (second round) a body that never ends.
      const ws = new WebSocket(`${origin.replace("http", "ws")}/api/v1/streaming?stream=public&access_token=${token}`);
      await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
      const wsClosed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
      const idle = await quietSocket(
        origin,
        `GET /api/v1/timelines/public HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      );
      const slow = slowBody
        ? await quietSocket(
            origin,
            `POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"status":"`,
          )
        : undefined;

      const agent = new Agent({ keepAlive: true, maxSockets: 16 });
      let signalled = false;
      const answers: Answer[] = [];
      const worker = async (i: number) => {
        for (let n = 0; !signalled; n++) {
          answers.push(
            await (i % 2
              ? call(agent, origin, "GET", "/api/v1/timelines/public?local=true", token)
              : call(agent, origin, "POST", "/api/v1/statuses", token, JSON.stringify({ status: `w${i} n${n}` }))),
          );
        }
      };
      const workers = Array.from({ length: 16 }, (_, i) => worker(i));
      await sleep(1500);
      const before = answers.length;
      const at = performance.now();
      server.child.kill("SIGTERM");
      signalled = true;
      // Requests that arrive just after the signal are answered too, and told the connection closes.
      await sleep(200);
      const late = await Promise.all(
        Array.from({ length: 4 }, () =>
          call(new Agent({ keepAlive: true }), origin, "GET", "/api/v1/timelines/public", token),
        ),
      );
      await Promise.all(workers);
      const exit = await server.exited;
      const seconds = (exit.at - at) / 1000;
      agent.destroy();

      const failed = answers.filter((a) => a.status !== 200);
      assert.deepEqual(failed.slice(0, 5), [], `${failed.length} of ${answers.length} requests failed`);
      for (const a of late) {
        assert.equal(a.status, 200, "answered while draining");
        assert.equal(a.connection, "close");
      }
      assert.equal(await wsClosed, 1001, "the stream ends with 1001 going away");
      assert.equal(exit.code, 0, server.output().slice(-2000));
      assert.ok(seconds <= SHUTDOWN_LIMIT_MS / 1000 + 2, `exited after ${seconds.toFixed(1)} s`);
      if (!slowBody) assert.ok(seconds < 4, `nothing slow open: exits well before the bound (${seconds.toFixed(1)} s)`);
      await idle.closedAt;
      if (slow) await slow.closedAt;
      console.log(
        `# SIGTERM${slowBody ? " with a slow body open" : ""} (${server.dialect}): ${answers.length - before} requests in flight or started after the load ran, ${answers.length} in all, ${failed.length} failed; exit ${exit.code} after ${seconds.toFixed(2)} s`,
      );
    } finally {
      await server.destroy();
    }
  }
});

test("50 slow clients do not hold the server: others are answered, the slow ones get 408 or are closed in time", {
  timeout: 60_000,
}, async () => {
  const server = await startChild({ env: { PUBLIUS_REQUEST_TIMEOUT: "3" } });
  const { origin } = server;
  try {
    const token = await signUp(origin, "alice");
    const started = performance.now();
    const slow = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        quietSocket(
          origin,
          i % 2
            ? // A body that never arrives (declared larger than sent).
              `POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"status":"a`
            : // Headers that never end.
              `GET /local HTTP/1.1\r\nHost: x\r\nX-Slow: `,
        ),
      ),
    );
    const latencies: number[] = [];
    while (performance.now() - started < 5000) {
      const t0 = performance.now();
      const res = await fetch(`${origin}/api/v1/timelines/public`, { headers: { authorization: `Bearer ${token}` } });
      await res.text();
      assert.equal(res.status, 200);
      latencies.push(performance.now() - t0);
    }
    const closed = await Promise.all(
      slow.map((s) => Promise.race([s.closedAt, sleep(3000).then(() => Number.POSITIVE_INFINITY)])),
    );
    const late = closed.filter((t) => t - started > 3000 + 2500).length;
    assert.equal(late, 0, "every slow connection is closed within the timeout (plus Node's 1 s check)");
    const got408 = slow.filter((s) => s.received().startsWith("HTTP/1.1 408")).length;
    assert.ok(got408 >= 25, `most slow clients are told 408 (${got408} of 50)`);
    assert.ok(
      percentile(latencies, 99) < 500,
      `other requests are answered (p99 ${percentile(latencies, 99).toFixed(0)} ms)`,
    );
    console.log(
      `# 50 slow clients: ${got408} answered 408, all closed by ${((Math.max(...closed) - started) / 1000).toFixed(1)} s; ${latencies.length} other requests meanwhile, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
    );
    assert.equal(server.child.exitCode, null);
  } finally {
    await server.destroy();
  }
});
