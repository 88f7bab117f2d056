// A NUL is refused with a 400 wherever a client can put text — JSON, form and multipart bodies, the
// query string, the path — by one rule (src/http/nul.ts), before any handler: on PostgreSQL it used
// to be a server error, on SQLite it was stored (issue 10 finding 6).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { containsNul } from "../../src/http/nul.ts";
import { formBody, multipart, useApiSite } from "../helpers/api.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { useSite } from "../helpers/web.ts";

const NUL_MESSAGE = /^The request could not be read: it contains a NUL character\.$/;

describe("a NUL in an API request", () => {
  const site = useApiSite();

  test("JSON, form and multipart bodies with a NUL anywhere are a 400 and write nothing", async () => {
    const alice = await site.user("alice");
    const before = await snapshot(site.ctx);
    const json: [string, string, unknown][] = [
      ["POST", "/api/v1/statuses", { status: "a\u0000b" }],
      ["POST", "/api/v1/statuses", { status: "ok", spoiler_text: "cw\u0000" }],
      ["POST", "/api/v1/statuses", { status: "ok", in_reply_to_id: "1\u0000" }],
      ["POST", "/api/v1/statuses", { "sta\u0000tus": "a key with a NUL" }],
      ["POST", "/api/v1/statuses", { status: "ok", media_ids: ["1", ["\u0000"]] }],
      ["POST", "/api/v1/statuses", { status: "ok", poll: { options: ["a", "b\u0000"], expires_in: 300 } }],
      ["PATCH", "/api/v1/accounts/update_credentials", { display_name: "Mal\u0000lory" }],
      ["PATCH", "/api/v1/accounts/update_credentials", { note: "\u0000", source: { language: "e\u0000" } }],
      ["POST", "/api/v1/apps", { client_name: "App\u0000", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" }],
      ["POST", "/api/v1/markers", { home: { last_read_id: "1\u0000" } }],
    ];
    for (const [method, url, body] of json) {
      const res = await site.app.inject({
        method: method as "POST" | "PATCH",
        url,
        payload: JSON.stringify(body),
        headers: { "content-type": "application/json", authorization: `Bearer ${alice.token}` },
      });
      assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(body)}: ${res.statusCode} ${res.body}`);
      assert.match(res.json().error, NUL_MESSAGE);
    }
    const form = formBody({ status: "a\u0000b" });
    const viaForm = await alice.api.post("/api/v1/statuses", form.payload, { headers: form.headers });
    assert.equal(viaForm.statusCode, 400);
    const mp = multipart({ status: "a\u0000b" });
    const viaMultipart = await alice.api.post("/api/v1/statuses", mp.payload, { headers: mp.headers });
    assert.equal(viaMultipart.statusCode, 400, viaMultipart.body);
    assert.match(viaMultipart.json().error, NUL_MESSAGE);
    const mpName = multipart({ "display\u0000name": "x" });
    const viaName = await site.app.inject({
      method: "PATCH",
      url: "/api/v1/accounts/update_credentials",
      payload: mpName.payload,
      headers: { ...mpName.headers, authorization: `Bearer ${alice.token}` },
    });
    assert.equal(viaName.statusCode, 400);
    for (const url of ["/api/v1/timelines/public?max_id=%00", "/api/v2/search?q=a%00b", "/api/v1/accounts/1%00"]) {
      const res = await alice.api.get(url);
      assert.equal(res.statusCode, 400, url);
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

describe("a NUL in a web request", () => {
  const site = useSite();

  test("the compose form and the profile settings with a JSON body are a 400 page", async () => {
    const alice = await site.member("alice");
    await alice.client.get("/home");
    const before = await snapshot(site.ctx);
    for (const [url, body] of [
      ["/statuses", { csrf: alice.client.csrf, text: "a\u0000b", visibility: "public" }],
      ["/settings/profile", { csrf: alice.client.csrf, display_name: "Mal\u0000lory", note: "" }],
    ] as const) {
      const res = await alice.client.send("POST", url, JSON.stringify(body), { "content-type": "application/json" });
      assert.equal(res.statusCode, 400, `${url}: ${res.statusCode}`);
      assert.match(res.body, /it contains a NUL character/);
    }
    assert.deepEqual(await snapshot(site.ctx), before);
  });
});

test("containsNul looks at keys and values at any depth, without recursion", () => {
  assert.equal(containsNul({ a: [1, { b: "x" }] }), false);
  assert.equal(containsNul({ a: [1, { b: "x\u0000" }] }), true);
  assert.equal(containsNul({ "\u0000": 1 }), true);
  assert.equal(containsNul(Buffer.from([0])), false, "file contents are binary");
  let deep: unknown = "\u0000";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(containsNul(deep), true);
});
