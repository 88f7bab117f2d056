// What Publius leaves out on purpose answers 422 with a message that says so, never a bare 404.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OMITTED } from "../../src/http/mastodon/omitted.ts";
import { useApiSite } from "../helpers/api.ts";
import { assertError } from "./shapes.ts";

describe("features left out on purpose", () => {
  const site = useApiSite();

  test("every listed call answers 422 with a sentence saying what is not available", async () => {
    const alice = await site.user("alice");
    for (const [method, url] of OMITTED) {
      const path = url.replace(/:[a-z_]+/g, "1").replace("*", "accounts");
      const res = await site.app.inject({
        method,
        url: path,
        headers: {
          authorization: `Bearer ${alice.token}`,
          ...(method === "GET" || method === "DELETE" ? {} : { "content-type": "application/json" }),
        },
        ...(method === "GET" || method === "DELETE" ? {} : { payload: "{}" }),
      });
      assertError(res, 422, /not available|no announcements/);
      assert.ok(!res.body.includes("Record not found"), `${method} ${path}`);
    }
  });

  test("posting a poll or a direct message is refused with the reason", async () => {
    const alice = await site.user("alice");
    assertError(
      await alice.api.post("/api/v1/statuses", { status: "vote", poll: { options: ["a", "b"], expires_in: 3600 } }),
      422,
      /Polls are not available/,
    );
    assertError(
      await alice.api.post("/api/v1/statuses", { status: "psst", visibility: "direct" }),
      422,
      /Direct messages are not available/,
    );
  });

  test("one's own domain blocks: an empty list, behind read:blocks", async () => {
    const alice = await site.user("alice");
    const res = await alice.api.get("/api/v1/domain_blocks");
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), []);
    assertError(await site.anonymous.get("/api/v1/domain_blocks"), 401);
  });
});
