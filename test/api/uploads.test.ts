// Multipart bodies cost memory, so they are read only where a route takes them, only from a caller
// who may use the route, never past the route's limit nor the server's budget of buffered upload
// bytes; a body that is not well formed is a 400 with a message (issue 9 finding 10, issue 10
// finding 4). Bodies are streamed lazily and the bytes the server pulled are counted.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.ts";
import { UploadBudget } from "../../src/http/multipart.ts";
import { multipart, useApiSite } from "../helpers/api.ts";
import { markedPng } from "../helpers/images.ts";
import { useSite } from "../helpers/web.ts";
import { consoleMember } from "../legal/helpers.ts";

const MB = 1024 * 1024;
const BOUNDARY = "----publiusfuzz";

/** A multipart body with one file part of `size` bytes, made only as the server reads it. */
function lazyUpload(size: number, field = "file") {
  let pulled = 0;
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  let sent = 0;
  let stage: "head" | "body" | "tail" | "done" = "head";
  const stream = new Readable({
    read() {
      if (stage === "head") {
        stage = "body";
        pulled += head.length;
        this.push(head);
      } else if (stage === "body") {
        const n = Math.min(64 * 1024, size - sent);
        sent += n;
        pulled += n;
        if (sent >= size) stage = "tail";
        this.push(Buffer.alloc(n, 0x61));
      } else if (stage === "tail") {
        stage = "done";
        pulled += tail.length;
        this.push(tail);
      } else this.push(null);
    },
  });
  return { stream, pulled: () => pulled, total: head.length + size + tail.length };
}

const multipartType = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };

async function send(
  app: FastifyInstance,
  method: "POST" | "PATCH",
  url: string,
  upload: ReturnType<typeof lazyUpload>,
  headers: Record<string, string> = {},
  declared = true,
) {
  return app.inject({
    method,
    url,
    payload: upload.stream,
    headers: {
      ...multipartType,
      ...(declared ? { "content-length": String(upload.total) } : { "transfer-encoding": "chunked" }),
      ...headers,
    },
  });
}

describe("multipart bodies on the API", () => {
  const site = useApiSite();

  test("an anonymous multipart body on a route that takes no files is refused without being read", async () => {
    const before = process.memoryUsage().rss;
    for (const declared of [true, false]) {
      const upload = lazyUpload(64 * MB);
      const res = await send(site.app, "POST", "/api/v1/apps", upload, {}, declared);
      assert.equal(res.statusCode, 413, res.body);
      assert.match(res.json().error, /too large/);
      assert.ok(upload.pulled() < 1 * MB, `read ${upload.pulled()} bytes of ${upload.total} (declared: ${declared})`);
    }
    // Four at once, as in the finding: memory does not follow the bodies.
    const uploads = [1, 2, 3, 4].map(() => lazyUpload(16 * MB));
    const answers = await Promise.all(uploads.map((u) => send(site.app, "POST", "/api/v1/apps", u, {}, false)));
    assert.deepEqual(
      answers.map((r) => r.statusCode),
      [413, 413, 413, 413],
    );
    assert.ok(uploads.reduce((n, u) => n + u.pulled(), 0) < 4 * MB);
    assert.ok(process.memoryUsage().rss - before < 48 * MB, "the parts were not buffered");
  });

  test("a file on a route that takes none is a 400, small field-only bodies still work", async () => {
    const alice = await site.user("alice");
    const withFile = multipart({
      status: "hi",
      file: { filename: "a.png", contentType: "image/png", data: Buffer.alloc(10) },
    });
    const refused = await alice.api.post("/api/v1/statuses", withFile.payload, { headers: withFile.headers });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.json().error, /takes no files/);
    const fields = multipart({ status: "Sent as multipart fields" });
    const ok = await alice.api.post("/api/v1/statuses", fields.payload, { headers: fields.headers });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().content, "<p>Sent as multipart fields</p>");
  });

  test("file routes refuse a caller without the right token before reading the file", async () => {
    const reader = await site.user("bob", { scopes: "read" });
    for (const [label, headers, status] of [
      ["no token", {}, 401],
      ["a bad token", { authorization: "Bearer nope" }, 401],
      ["a token without write:media", { authorization: `Bearer ${reader.token}` }, 403],
    ] as const) {
      for (const url of ["/api/v2/media", "/api/v1/media"]) {
        const upload = lazyUpload(8 * MB);
        const res = await send(site.app, "POST", url, upload, headers);
        assert.equal(res.statusCode, status, `${label} ${url}: ${res.body}`);
        assert.ok(upload.pulled() < 1 * MB, `${label} ${url}: read ${upload.pulled()} bytes`);
      }
    }
    const upload = lazyUpload(8 * MB, "avatar");
    const res = await send(site.app, "PATCH", "/api/v1/accounts/update_credentials", upload, {
      authorization: `Bearer ${reader.token}`,
    });
    assert.equal(res.statusCode, 403);
    assert.ok(upload.pulled() < 1 * MB, `update_credentials: read ${upload.pulled()} bytes`);
  });

  test("a file over the limit is refused as soon as the limit is passed", async () => {
    const alice = await site.user("alice");
    const upload = lazyUpload(40 * MB);
    const res = await send(
      site.app,
      "POST",
      "/api/v2/media",
      upload,
      { authorization: `Bearer ${alice.token}` },
      false,
    );
    assert.equal(res.statusCode, 413);
    assert.ok(upload.pulled() < 18 * MB, `read ${upload.pulled()} bytes`);
  });

  test("malformed multipart bodies are a 400 with a message, on every kind of route", async () => {
    const alice = await site.user("alice");
    // Small enough for the routes that take only fields (which refuse its file part with a 400 too).
    const good = multipart({ file: { filename: "a.png", contentType: "image/png", data: Buffer.alloc(200, 1) } });
    const boundary = /boundary=(.*)$/.exec(good.headers["content-type"] as string)?.[1] as string;
    const cases: [string, Buffer | string, string][] = [
      ["a wrong boundary", good.payload, "multipart/form-data; boundary=somethingelse"],
      ["no boundary", good.payload, "multipart/form-data"],
      [
        "an unterminated part",
        good.payload.subarray(0, good.payload.length - 60),
        good.headers["content-type"] as string,
      ],
      ["a cut-off header", `--${boundary}\r\nContent-Disposition: form-da`, good.headers["content-type"] as string],
      [
        "a part without a name",
        `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${boundary}--\r\n`,
        good.headers["content-type"] as string,
      ],
      [
        "not form-data",
        `--${boundary}\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n--${boundary}--\r\n`,
        good.headers["content-type"] as string,
      ],
      ["garbage", "\u0001\u0002 nothing like multipart", good.headers["content-type"] as string],
      [
        "invalid UTF-8 in a field",
        Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="status"\r\n\r\n`),
          Buffer.from([0xc3, 0x28]),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
        good.headers["content-type"] as string,
      ],
    ];
    const routes: ["POST" | "PATCH", string][] = [
      ["POST", "/api/v2/media"],
      ["POST", "/api/v1/media"],
      ["PATCH", "/api/v1/accounts/update_credentials"],
      ["POST", "/api/v1/statuses"],
      ["POST", "/api/v1/apps"],
      ["POST", "/oauth/token"],
    ];
    for (const [method, url] of routes) {
      for (const [label, payload, type] of cases) {
        const res = await site.app.inject({
          method,
          url,
          payload,
          headers: { "content-type": type, authorization: `Bearer ${alice.token}` },
        });
        assert.equal(res.statusCode, 400, `${method} ${url}, ${label}: ${res.statusCode} ${res.body}`);
        assert.match(res.json().error, /^The multipart body could not be read: /, `${url}, ${label}`);
      }
    }
    // A well-formed body still works.
    const png = multipart({
      file: { filename: "a.png", contentType: "image/png", data: await markedPng() },
      description: "d",
    });
    const ok = await alice.api.post("/api/v2/media", png.payload, { headers: png.headers });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().description, "d");
  });
});

describe("the server-wide budget of buffered upload bytes", () => {
  const site = useApiSite();

  test("an upload that would go over the budget is refused at once with 503; the bytes come back", async () => {
    const uploads = new UploadBudget(2 * MB);
    const app = await buildApp(site.ctx, { uploads });
    try {
      const alice = await site.user("alice");
      const auth = { authorization: `Bearer ${alice.token}` };
      const declared = lazyUpload(3 * MB);
      const busy = await send(app, "POST", "/api/v2/media", declared, auth);
      assert.equal(busy.statusCode, 503, busy.body);
      assert.match(busy.json().error, /too many uploads/);
      assert.equal(busy.headers["retry-after"], "5");
      assert.ok(declared.pulled() < 1 * MB, `read ${declared.pulled()} bytes`);

      const chunked = lazyUpload(3 * MB);
      const cut = await send(app, "POST", "/api/v2/media", chunked, auth, false);
      assert.equal(cut.statusCode, 503);
      assert.ok(chunked.pulled() < 2.5 * MB, `read ${chunked.pulled()} bytes`);
      assert.equal(uploads.inFlight, 0, "nothing is held after a refusal");

      const png = await markedPng();
      const mp = multipart({ file: { filename: "a.png", contentType: "image/png", data: png } });
      const res = await app.inject({
        method: "POST",
        url: "/api/v2/media",
        payload: mp.payload,
        headers: { ...mp.headers, ...auth },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(uploads.inFlight, 0, "the budget is given back once the answer is sent");
    } finally {
      await app.close();
    }
  });
});

describe("the legal console's uploads", () => {
  const site = useSite();

  test("a document is not read before the session, the legal role and the second factor are checked", async () => {
    const member = await site.member("alice");
    const legalNoCode = await site.member("counsel", { roles: ["legal"] });
    const cookies = (c: { cookies: Map<string, string> }) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    for (const [label, cookie, status] of [
      ["signed out", "", 401],
      ["a member without the legal role", cookies(member.client), 403],
      ["legal staff without the second factor", cookies(legalNoCode.client), 403],
    ] as const) {
      for (const url of ["/staff/legal/demands", "/staff/legal/demands/1/court-order"]) {
        const upload = lazyUpload(8 * MB, "document");
        const res = await send(site.web.app, "POST", url, upload, cookie ? { cookie } : {});
        assert.equal(res.statusCode, status, `${label} ${url}: ${res.statusCode}`);
        assert.ok(upload.pulled() < 1 * MB, `${label} ${url}: read ${upload.pulled()} bytes`);
      }
    }
  });

  test("with the second factor, a malformed body is a 400 page and a document over the limit a 413", async () => {
    const cal = await consoleMember(site, "counsel");
    const cookie = [...cal.client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const broken = await site.web.app.inject({
      method: "POST",
      url: "/staff/legal/demands",
      payload: `--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${cal.client.csrf}`,
      headers: { "content-type": "multipart/form-data; boundary=x", cookie },
    });
    assert.equal(broken.statusCode, 400);
    assert.match(broken.body, /The multipart body could not be read: a part is not terminated\./);
    const limit = site.ctx.config.legal.maxDocumentBytes;
    const upload = lazyUpload(limit + 8 * MB, "document");
    const res = await send(site.web.app, "POST", "/staff/legal/demands", upload, { cookie }, false);
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /The document is larger than/);
    assert.ok(upload.pulled() < limit + 1 * MB, `read ${upload.pulled()} bytes`);
  });
});
