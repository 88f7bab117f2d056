// Every registered route (enumerated from Fastify as they are registered) gets a bounded,
// deterministic set of malformed requests — bad JSON, NUL bytes, wrong content types, broken
// multipart, huge and odd ids, wrong methods, odd query strings — signed out, with a bearer token and
// with a web session: none may answer 5xx (issue 10). The same run on SQLite and on PostgreSQL.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.ts";
import { createLogger } from "../../src/http/logging.ts";
import { RateLimiter } from "../../src/http/rate-limit.ts";
import { person } from "../fixtures/accounts.ts";
import { userToken } from "../helpers/api.ts";
import { createTestContext } from "../helpers/context.ts";
import { WebClient } from "../helpers/web.ts";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
interface Route {
  method: Method;
  url: string;
}

/** Streams that stay open until closed: with credentials they never answer, by design. */
const OPEN_STREAMS = /^\/api\/v1\/streaming(\/|$)/;

const ODD_IDS = ["99999999999999999999999999", "-1", "abc", "1.5", "0x10", "%F0%9F%98", "..", "1%2F2", "_"];
const ODD_QUERIES = [
  "limit=-1&max_id=99999999999999999999999&since_id=abc&min_id[]=1",
  "limit=9e999&offset=-5&q=%F0&type=nonsense&resolve=maybe",
  "types[]=x&exclude_types=1&local=2&only_media[a]=1&next=%2F%2Fevil.example",
  "q=#&q=@&account_id=0&stream=user&tag=" + "x".repeat(300),
  "a=%zz&b=%E2%82&c=%ED%A0%80",
];

const BOUNDARY = "fuzzboundary";
const BODIES: { label: string; type: string; payload: (csrf: string) => string | Buffer }[] = [
  { label: "bad JSON", type: "application/json", payload: (csrf) => `{"csrf":"${csrf}","status":` },
  {
    label: "JSON with NULs",
    type: "application/json",
    payload: (csrf) =>
      JSON.stringify({ csrf, status: "a\u0000b", text: "\u0000", display_name: "\u0000", id: "1\u0000" }),
  },
  {
    label: "JSON of the wrong types",
    type: "application/json",
    payload: (csrf) =>
      JSON.stringify({
        csrf,
        status: [{ a: 1 }],
        text: { $gt: "" },
        limit: "9e999",
        visibility: 7,
        media_ids: "1,2",
        poll: [],
        source: "x",
        scope: ["read"],
        redirect_uris: { a: 1 },
        code: 1,
        password: null,
        handle: true,
        follow: [null],
        constructor: { prototype: { polluted: 1 } },
        __proto__: { polluted: 1 },
      }),
  },
  { label: "a JSON array", type: "application/json", payload: () => JSON.stringify([[[["deep"]]]]) },
  { label: "a deeply nested JSON", type: "application/json", payload: () => `${"[".repeat(5000)}${"]".repeat(5000)}` },
  { label: "text/plain", type: "text/plain", payload: () => "hello" },
  {
    label: "a broken form",
    type: "application/x-www-form-urlencoded",
    payload: (csrf) => `csrf=${csrf}&text=%zz&a[]=1&a[]=2&visibility=%00`,
  },
  {
    label: "a form of odd values",
    type: "application/x-www-form-urlencoded",
    payload: (csrf) =>
      `csrf=${csrf}&text=${"x".repeat(2000)}&visibility=secret&id=99999999999999999999999&publish_at=yesterday&code=abc&redirect_uri=javascript:alert(1)&scope=admin&grant_type=password`,
  },
  {
    label: "multipart with a wrong boundary",
    type: "multipart/form-data; boundary=other",
    payload: (csrf) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--${BOUNDARY}--\r\n`,
  },
  {
    label: "an unterminated multipart part",
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    payload: (csrf) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\u0089PNG`,
  },
  {
    label: "multipart fields with NULs and odd names",
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    payload: (csrf) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="status"\r\n\r\na\u0000b\r\n--${BOUNDARY}--\r\n`,
  },
  {
    label: "multipart with a file that is no image",
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    payload: (csrf) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nnot a png\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="document"; filename="d.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 nothing\r\n--${BOUNDARY}--\r\n`,
  },
];

function fill(url: string, id: string): string {
  return url.replace(/:[A-Za-z_]+/g, id).replace(/\*/g, id);
}

interface Case {
  method: Method;
  url: string;
  identity: number;
  body?: (typeof BODIES)[number];
}

/** A deterministic sample of cases for one route: same seed, same requests, every run. */
function casesFor(route: Route, index: number): Case[] {
  const idArb = fc.constantFrom(...ODD_IDS);
  const queryArb = fc.constantFrom(...ODD_QUERIES);
  const bodyArb = fc.constantFrom(...BODIES);
  const seed = 4242 + index;
  const ids = fc.sample(idArb, { seed, numRuns: 6 });
  const queries = fc.sample(queryArb, { seed, numRuns: 6 });
  const cases: Case[] = [];
  for (let i = 0; i < 6; i++) {
    cases.push({ method: route.method, url: `${fill(route.url, ids[i] as string)}?${queries[i]}`, identity: i % 3 });
  }
  if (route.method !== "GET") {
    const bodies = fc.sample(bodyArb, { seed, numRuns: 12 });
    bodies.forEach((body, i) => {
      cases.push({
        method: route.method,
        url: fill(route.url, i % 2 ? "1" : (ids[0] as string)),
        identity: i % 3,
        body,
      });
    });
  } else {
    // A GET route asked with a method it does not take, and a body it does not expect.
    cases.push({
      method: "POST",
      url: fill(route.url, "1"),
      identity: index % 3,
      body: BODIES[index % BODIES.length] as (typeof BODIES)[number],
    });
  }
  return cases;
}

test("no route answers a malformed request with a server error", { timeout: 120_000 }, async () => {
  const ctx = await createTestContext();
  const routes: Route[] = [];
  const log: string[] = [];
  // Limits would turn most of the run into 429s; every request must reach its handler instead.
  const limiter = new RateLimiter(ctx.clock, { hit: (_key, windowMs, now) => ({ count: 1, resetAt: now + windowMs }) });
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp(ctx, {
      logger: createLogger("info", (line) => log.push(line)),
      limiter,
      onRoute: (r) => {
        for (const m of [r.method].flat()) {
          if (m === "HEAD" || m === "OPTIONS") continue;
          routes.push({ method: m as Method, url: r.url });
        }
      },
    });
    await app.ready();
    assert.ok(routes.length > 150, `routes found: ${routes.length}`);

    const alice = await person(ctx, "alice", { roles: ["moderator", "admin", "legal"] });
    const token = await userToken(ctx, alice.account.id);
    const web = new WebClient(app);
    const signedIn = await web.signIn(alice.account.handle);
    assert.equal(signedIn.statusCode, 303);
    const cookie = [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const anonymous = new WebClient(app);
    await anonymous.get("/signin");
    const anonCookie = [...anonymous.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const identities = [
      { name: "signed out", headers: { cookie: anonCookie }, csrf: anonymous.csrf },
      { name: "token", headers: { authorization: `Bearer ${token}` }, csrf: "" },
      { name: "session", headers: { cookie }, csrf: web.csrf },
    ];

    const failures: string[] = [];
    let sent = 0;
    const statuses: Record<number, number> = {};
    for (const [index, route] of routes.entries()) {
      for (const c of casesFor(route, index)) {
        const who = identities[c.identity] as (typeof identities)[number];
        if (OPEN_STREAMS.test(c.url) && c.method === "GET" && c.identity !== 0) continue;
        const headers: Record<string, string> = { ...who.headers };
        let payload: string | Buffer | undefined;
        if (c.body) {
          headers["content-type"] = c.body.type;
          payload = c.body.payload(who.csrf);
        }
        const res = await app.inject({ method: c.method, url: c.url, headers, ...(payload ? { payload } : {}) });
        sent++;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 500) {
          failures.push(
            `${who.name} ${c.method} ${c.url} [${route.method} ${route.url}]${c.body ? ` with ${c.body.label}` : ""}: ${res.statusCode} ${res.body.slice(0, 120)}`,
          );
        }
      }
    }
    assert.ok(sent > 2000, `requests sent: ${sent} (${JSON.stringify(statuses)})`);
    assert.deepEqual(
      failures,
      [],
      `${failures.length} server errors:\n${failures.join("\n")}\n${log
        .filter((l) => l.includes('"error"'))
        .slice(0, 5)
        .join("\n")}`,
    );
  } finally {
    await app?.close();
    await ctx.destroy();
  }
});
