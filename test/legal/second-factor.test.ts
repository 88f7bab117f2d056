// The second factor for the legal console: RFC 6238 codes, enrolment with the secret shown as text
// and as an otpauth:// URI, a code per session, no replay, and a lapse after twelve hours or a restart.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildApp } from "../../src/app.ts";
import { createContext } from "../../src/context.ts";
import { HOUR } from "../../src/domain/clock.ts";
import { base32Encode, hotp, matchTotp, totp } from "../../src/domain/legal/totp.ts";
import { createLogger } from "../../src/http/logging.ts";
import { pageText } from "../helpers/pages.ts";
import { useSite } from "../helpers/web.ts";
import { consoleMember, nextCode } from "./helpers.ts";

describe("TOTP (RFC 6238, SHA-1)", () => {
  const secret = base32Encode(Buffer.from("12345678901234567890"));

  test("matches the RFC's test vectors (their last six digits)", () => {
    assert.equal(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    const vectors: [number, string][] = [
      [59, "94287082"],
      [1111111109, "07081804"],
      [1111111111, "14050471"],
      [1234567890, "89005924"],
      [2000000000, "69279037"],
      [20000000000, "65353130"],
    ];
    for (const [seconds, eight] of vectors) {
      assert.equal(totp(secret, new Date(seconds * 1000)), eight.slice(2), `T=${seconds}`);
      assert.equal(hotp(Buffer.from("12345678901234567890"), Math.floor(seconds / 30), 8), eight);
    }
  });

  test("accepts one step of drift either side, nothing further", () => {
    const at = new Date(1111111109 * 1000);
    const code = totp(secret, at);
    assert.ok(matchTotp(secret, code, new Date(at.getTime() + 30_000)) !== undefined);
    assert.ok(matchTotp(secret, code, new Date(at.getTime() - 30_000)) !== undefined);
    assert.equal(matchTotp(secret, code, new Date(at.getTime() + 90_000)), undefined);
    assert.equal(matchTotp(secret, "12345", at), undefined);
  });
});

describe("the console's second factor", () => {
  const site = useSite();

  test("enrolment shows the secret as text and an otpauth:// URI, never an outside image", async () => {
    const m = await site.member("counsel", { roles: ["legal"] });
    await m.client.post("/staff/legal/second-factor/enrol", { next: "/staff/legal" });
    const page = await m.client.get("/staff/legal/second-factor");
    const text = pageText(page);
    assert.match(text, /add an account with this secret key/);
    assert.match(page.body, /otpauth:\/\/totp\/Publius%3A%40counsel_cal\?secret=[A-Z2-7]{32}&amp;issuer=Publius/);
    assert.doesNotMatch(page.body, /<img/);
    // A wrong code is refused beside the field.
    const wrong = await m.client.post("/staff/legal/second-factor", { code: "000000", next: "/staff/legal" });
    assert.match(pageText(wrong, 422), /That code is not right/);
    assert.equal((await m.client.get("/staff/legal")).statusCode, 303);
  });

  test("a code opens the console for this session only; the same code cannot be used twice", async () => {
    const cal = await consoleMember(site, "counsel");
    assert.equal((await cal.client.get("/staff/legal")).statusCode, 200);
    // Another session of the same person must pass the second factor itself.
    const other = site.web.client();
    await other.signIn("counsel_cal");
    const res = await other.get("/staff/legal");
    assert.equal(res.statusCode, 303);
    const code = nextCode(site.ctx, cal.secret);
    assert.equal((await other.post("/staff/legal/second-factor", { code })).statusCode, 303);
    const third = site.web.client();
    await third.signIn("counsel_cal");
    assert.match(pageText(await third.post("/staff/legal/second-factor", { code }), 422), /used already/);
  });

  test("it lapses after twelve hours, and a restart of the server forgets it", async () => {
    const cal = await consoleMember(site, "counsel");
    site.ctx.clock.advance(11 * HOUR);
    assert.equal((await cal.client.get("/staff/legal")).statusCode, 200);
    site.ctx.clock.advance(1 * HOUR + 1000);
    assert.equal((await cal.client.get("/staff/legal")).statusCode, 303);
    // A new process on the same database: the session is still signed in, the second factor is not.
    const fresh = await consoleMember(site, "erin");
    const restarted = createContext({ config: site.ctx.config, store: site.ctx.store, clock: site.ctx.clock });
    const app = await buildApp(restarted, { logger: createLogger("silent") });
    try {
      const res = await app.inject({
        method: "GET",
        url: "/staff/legal",
        cookies: Object.fromEntries(fresh.client.cookies),
      });
      assert.equal(res.statusCode, 303);
      assert.match(String(res.headers.location), /^\/staff\/legal\/second-factor/);
    } finally {
      await app.close();
    }
  });

  test("a confirmed factor cannot be replaced from a session; the secret never shows on the holder's page", async () => {
    const cal = await consoleMember(site, "counsel");
    const again = await cal.client.post("/staff/legal/second-factor/enrol", { next: "/staff/legal" });
    assert.match(pageText(again, 409), /already set up\. The operator can reset it\./);
    const holdings = await site.ctx.services.holdings.forAccount(cal.account.id, { categories: ["account_login"] });
    const rows = holdings.categories[0]?.records.filter((r) => r.table === "staff_second_factors") ?? [];
    assert.equal(rows[0]?.fields.totp_secret, "(a secret: never shown)");
    assert.ok(!JSON.stringify(holdings).includes(cal.secret));
    // The operator resets it; the person enrols again.
    await site.ctx.services.legal.access.reset(null, "counsel_cal");
    assert.equal(await site.ctx.services.legal.access.status(cal.viewer), "none");
  });
});
