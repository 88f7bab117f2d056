// Names and links cannot pretend to be something else (issue 9 finding 16): bidirectional controls
// in a display name cannot flip the handle beside it (names are isolated in <bdi>, the controls
// dropped, handles always left to right), and a link whose host mixes scripts shows in punycode.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { withHonestHost } from "../../src/domain/text.ts";
import { personName, withoutBidiControls } from "../../src/present/web/format.ts";
import { useSite } from "../helpers/web.ts";

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe("bidirectional text and lookalike hosts on the pages", () => {
  const site = useSite();

  test("a right-to-left override in a display name cannot flip the handle", async () => {
    const dave = await site.member("dave");
    const saved = await dave.client.post("/settings/profile", { display_name: "\u202eyrollam\u2066", note: "" });
    assert.equal(saved.statusCode, 303, saved.body);
    await dave.client.publish("Trust me");
    const alice = await site.member("alice");
    for (const url of ["/@dave", "/local"]) {
      const res = await alice.client.get(url);
      assert.equal(res.statusCode, 200, url);
      assert.doesNotMatch(res.body, BIDI, `${url}: no bidi control reaches the page`);
      assert.match(res.body, /<bdi>yrollam<\/bdi>/, `${url}: the name is isolated`);
      assert.match(res.body, /<span class="handle" dir="ltr">@dave<\/span>/, `${url}: the handle is left to right`);
    }
  });

  test("a link whose host mixes scripts is shown, and linked, in punycode; one-script hosts as written", async () => {
    const alice = await site.member("alice");
    const id = await alice.client.publish(
      "Log in at https://pаypal.com/login or http://пример.рф/ or https://аррӏе.com",
    );
    const res = await alice.client.get(`/@alice/${id}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /href="https:\/\/xn--pypal-4ve\.com\/login"[^>]*>https:\/\/xn--pypal-4ve\.com\/login<\/a>/);
    assert.match(res.body, />https:\/\/xn--80ak6aa92e\.com<\/a>/);
    assert.match(res.body, />http:\/\/пример\.рф\/<\/a>/);
    const links = res.body.match(/<a [^>]*>[^<]*<\/a>/g) ?? [];
    assert.ok(!links.some((a) => a.includes("pаypal")), "no link shows the lookalike form");
  });
});

test("the helpers", () => {
  assert.equal(withoutBidiControls("a\u202eb\u200fc\u2067d"), "abcd");
  assert.equal(personName({ displayName: "\u202e", handle: "h" }).value, "<bdi>h</bdi>");
  assert.equal(withHonestHost("https://münchen.de/x"), "https://münchen.de/x");
  assert.equal(withHonestHost("https://例え.jp"), "https://例え.jp");
  assert.equal(withHonestHost("https://user@pаypal.com:8080/x"), "https://user@xn--pypal-4ve.com:8080/x");
  assert.equal(withHonestHost("example.com/a"), "example.com/a");
});
