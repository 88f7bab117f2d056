// Issue 9, finding 9 (a): behind the onion service (or a proxy's own address) every visitor arrives
// from one address, so a per-address bucket is everyone's. One visitor's failed sign-ins must not
// lock out every other visitor: there, failures cost per handle (the back-off that lets the right
// password in), and a solved proof of work is what a sign-up costs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SIGN_IN_LIMIT, SIGN_UP_LIMIT } from "../../src/http/rate-limit.ts";
import { solveChallenge } from "../../src/services/accounts/signup-challenge.ts";
import { PASSWORD } from "../fixtures/accounts.ts";
import { inputValue, pageText } from "../helpers/pages.ts";
import { useSite } from "../helpers/web.ts";

const ONION = "http://publiusexample2vx3h4n6k4wplx7jzq5lhcl7eqv5hfgvupw3xqbo5uxyd.onion";
const onion = { host: new URL(ONION).host };

describe("sign-ins through the onion service (finding 9a)", () => {
  const site = useSite({ env: { PUBLIUS_ONION_URL: ONION } });

  test("one visitor's failed sign-ins (more than the per-address limit) lock nobody else out", async () => {
    await site.member("alice");
    const attacker = site.web.client();
    const handles = ["bob", "carol", "dave", "erin", "frank", "grace", "nobody1", "nobody2"];
    const failures = SIGN_IN_LIMIT.max + 10;
    for (let i = 0; i < failures; i++) {
      // Spread over handles, each under the per-handle back-off: what only a per-address bucket caught.
      const res = await attacker.post(
        "/signin",
        { handle: handles[i % handles.length] as string, password: "wrong" },
        { headers: onion },
      );
      assert.equal(res.statusCode, 401, `attempt ${i + 1}: ${res.body.slice(0, 120)}`);
    }
    // Another visitor, from the same (Tor daemon's) address, signs in at once.
    const visitor = site.web.client();
    const res = await visitor.post("/signin", { handle: "alice", password: PASSWORD }, { headers: onion });
    assert.equal(res.statusCode, 303, res.body.slice(0, 200));
    // A typo there is an ordinary wrong password, not "too many from your network".
    const typo = await site.web.client().post("/signin", { handle: "alice", password: "wrnog" }, { headers: onion });
    assert.equal(typo.statusCode, 401);
  });

  test("failures still cost per handle there, and the right password still gets in", async () => {
    const bob = await site.member("bob");
    const attacker = site.web.client();
    let last = 0;
    for (let i = 0; i < 8; i++) {
      last = (await attacker.post("/signin", { handle: "bob", password: "wrong" }, { headers: onion })).statusCode;
    }
    assert.equal(last, 429, "wrong passwords for one handle slow down");
    const owner = await site.web
      .client()
      .post("/signin", { handle: bob.account.handle, password: PASSWORD }, { headers: onion });
    assert.equal(owner.statusCode, 303);
  });

  test("on the public host the per-address limit still applies", async () => {
    const attacker = site.web.client();
    let res = await attacker.post("/signin", { handle: "x", password: "wrong" });
    for (let i = 1; i <= SIGN_IN_LIMIT.max; i++)
      res = await attacker.post("/signin", { handle: `x${i}`, password: "y" });
    assert.equal(res.statusCode, 429);
    assert.match(pageText(res, 429), /from your network/);
  });
});

describe("a configured proxy's own address is shared too (finding 9a)", () => {
  const site = useSite({ env: { PUBLIUS_TRUSTED_PROXIES: "loopback" } });

  test("without X-Forwarded-For no per-address bucket; with it, the client's own", async () => {
    await site.member("alice");
    const viaProxy = site.web.client();
    for (let i = 0; i <= SIGN_IN_LIMIT.max + 2; i++) {
      const res = await viaProxy.post("/signin", { handle: `n${i}`, password: "wrong" });
      assert.equal(res.statusCode, 401, `attempt ${i + 1}`);
    }
    const forwarded = { "x-forwarded-for": "203.0.113.9" };
    let res = await viaProxy.post("/signin", { handle: "m", password: "wrong" }, { headers: forwarded });
    for (let i = 1; i <= SIGN_IN_LIMIT.max; i++) {
      res = await viaProxy.post("/signin", { handle: `m${i}`, password: "y" }, { headers: forwarded });
    }
    assert.equal(res.statusCode, 429, "a forwarded client address has its bucket");
  });
});

describe("sign-ups through the onion service (finding 9a)", () => {
  const BITS = 4;
  const site = useSite({ env: { PUBLIUS_ONION_URL: ONION, PUBLIUS_SIGNUP_POW_BITS: String(BITS) } });

  test("a solved proof of work is the cost: more sign-ups than the per-address limit all get in", async () => {
    for (let i = 0; i < SIGN_UP_LIMIT.max + 2; i++) {
      const client = site.web.client();
      const page = await client.get("/signup", onion);
      const challenge = inputValue(page.body, "pow_challenge") ?? "";
      const res = await client.post(
        "/signup",
        {
          handle: `onion_writer_${i}`,
          password: PASSWORD,
          password_confirmation: PASSWORD,
          pow_challenge: challenge,
          pow_counter: solveChallenge(challenge, BITS),
        },
        { headers: onion },
      );
      assert.equal(res.statusCode, 303, `sign-up ${i + 1}: ${res.body.slice(0, 200)}`);
    }
  });

  test("without a proof the shared bucket counts (applications cannot flood)", async () => {
    let res: Awaited<ReturnType<ReturnType<typeof site.web.client>["post"]>> | undefined;
    for (let i = 0; i <= SIGN_UP_LIMIT.max; i++) {
      res = await site.web
        .client()
        .post(
          "/signup",
          { handle: `applicant_${i}`, password: PASSWORD, password_confirmation: PASSWORD, reason: "hello" },
          { headers: onion },
        );
    }
    assert.equal(res?.statusCode, 429);
  });
});
