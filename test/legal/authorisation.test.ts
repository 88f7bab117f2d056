// Only legal-role staff who passed the second factor reach the legal console or its commands:
// every console route and every legal CLI command refuses plain users and other staff (admins
// included), and writes nothing when it does.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { PubliusError } from "../../src/domain/errors.ts";
import { person } from "../fixtures/accounts.ts";
import { demands as fixtures } from "../fixtures/demands.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { assertSignInRequired, pageText, routePatterns } from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { openSite, type Site } from "../helpers/web.ts";
import { addDemand, cliEnv, consoleMember, enrol, legalStaff, realCode } from "./helpers.ts";

describe("the legal console's door", () => {
  let site: Site & { close(): Promise<void> };
  const ids = { demand: "", production: "", preservation: "", order: "" };
  before(async () => {
    site = await openSite();
    const noaa = await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    const erin = await legalStaff(site.ctx, "erin");
    const d = await addDemand(site.ctx, cal.actor, "warrantRogueNoaa");
    const { demands, preservation, productions } = site.ctx.services.legal;
    await demands.addOrder(cal.actor, d.id, { court: "D. Md.", docket: "26-sc-1", endDay: null });
    await demands.transition(cal.actor, d.id, { to: "in_review", reason: "r" });
    await demands.transition(cal.actor, d.id, {
      to: "approved",
      reason: "r",
      targets: [noaa.account.id],
      categories: ["nonpublic_content"],
    });
    const [p] = await preservation.preserve(cal.actor, d.id, "r");
    const prod = await productions.prepare(cal.actor, d.id);
    await productions.approve(cal.actor, d.id, prod.id, prod.manifestSha256);
    await productions.approve(erin.actor, d.id, prod.id, prod.manifestSha256);
    const review = await demands.review(cal.actor, d.id);
    Object.assign(ids, {
      demand: d.id,
      production: prod.id,
      preservation: p?.id,
      order: String(review.demand.orders[0]?.id),
    });
  });
  after(() => site.close());

  const url = (pattern: string) =>
    pattern
      .replace(":id", ids.demand)
      .replace(":production", ids.production)
      .replace(":preservation", ids.preservation)
      .replace(":order", ids.order)
      .replace(":name", "production.json");

  const consoleRoutes = (method: "GET" | "POST") =>
    routePatterns(site.web.app, method).filter((p) => p.startsWith("/staff/legal"));

  test("the console has the routes this sweep expects", () => {
    assert.ok(consoleRoutes("GET").length >= 10, consoleRoutes("GET").join(", "));
    assert.ok(consoleRoutes("POST").length >= 16, consoleRoutes("POST").join(", "));
  });

  test("signed-out visitors are sent to sign in (GET) or refused (POST)", async () => {
    const visitor = site.web.client();
    for (const p of consoleRoutes("GET")) assertSignInRequired(await visitor.get(url(p)), url(p));
    for (const p of consoleRoutes("POST")) {
      assert.equal((await visitor.post(url(p), { reason: "x" })).statusCode, 401, p);
    }
  });

  test("plain users, moderators and admins without the legal role are refused everywhere, and nothing is written", async () => {
    const alice = await site.member("alice");
    const mod = await site.member("mod", { roles: ["moderator"] });
    const admin = await site.member("admin", { roles: ["admin", "moderator"] });
    const afterPeople = await snapshot(site.ctx);
    for (const who of [alice, mod, admin]) {
      for (const p of consoleRoutes("GET")) {
        assert.match(
          pageText(await who.client.get(url(p)), 403),
          /Your role does not allow this\./,
          `GET ${p} as @${who.account.handle}`,
        );
      }
      for (const p of consoleRoutes("POST")) {
        const res = await who.client.post(url(p), {
          reason: "x",
          text: "x",
          to: "closed",
          code: "123456",
          manifest_sha256: "0",
        });
        assert.match(pageText(res, 403), /Your role does not allow this\./, `POST ${p} as @${who.account.handle}`);
      }
      assert.ok(!(await who.client.get("/home")).body.includes('href="/staff/legal"'), "no Legal link");
    }
    const now = await snapshot(site.ctx);
    assert.deepEqual(now.legal_events, afterPeople.legal_events);
    assert.deepEqual(now.legal_audit_log, afterPeople.legal_audit_log);
    assert.deepEqual(now.legal_demands, afterPeople.legal_demands);
    assert.deepEqual(now.staff_second_factors, afterPeople.staff_second_factors);
  });

  test("legal staff without the second factor are sent to it (GET) or refused (POST)", async () => {
    const grace = await site.member("grace", { roles: ["legal"] });
    const audit = await snapshot(site.ctx);
    for (const p of consoleRoutes("GET")) {
      const res = await grace.client.get(url(p));
      if (p === "/staff/legal/second-factor") {
        assert.equal(res.statusCode, 200);
        continue;
      }
      assert.equal(res.statusCode, 303, p);
      assert.match(String(res.headers.location), /^\/staff\/legal\/second-factor\?next=/);
    }
    for (const p of consoleRoutes("POST")) {
      if (p.startsWith("/staff/legal/second-factor")) continue;
      const res = await grace.client.post(url(p), { reason: "x", text: "x", to: "closed" });
      assert.match(pageText(res, 403), /needs your second factor/, p);
    }
    const now = await snapshot(site.ctx);
    assert.deepEqual(now.legal_audit_log, audit.legal_audit_log);
    assert.ok((await grace.client.get("/home")).body.includes('href="/staff/legal"'), "a Legal link for legal staff");
  });

  test("legal staff with the second factor reach every page", async () => {
    const frank = await consoleMember(site, "frank");
    for (const p of consoleRoutes("GET")) {
      const res = await frank.client.get(url(p));
      const expected = p === "/staff/legal/second-factor" ? 303 : 200;
      assert.equal(res.statusCode, expected, `${p}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
  });

  test("one holder cannot read another's notice", async () => {
    const bob = await site.member("bob");
    const [n] = await site.ctx.store.db.selectFrom("legal_notices").select("id").execute();
    assert.equal((await bob.client.get(`/legal/notices/${n?.id}`)).statusCode, 404);
    assert.equal((await bob.client.post(`/legal/notices/${n?.id}/respond`, { body: "x" })).statusCode, 404);
  });
});

describe("the legal commands' door", () => {
  let ctx: TestContext;
  let env: Record<string, string>;
  let dir: string;
  let secret: string;
  before(async () => {
    ctx = await createTestContext({ sqliteFile: true });
    env = await cliEnv(ctx);
    dir = mkdtempSync(join(tmpdir(), "publius-legal-cli-"));
    writeFileSync(join(dir, "warrant.json"), JSON.stringify({ ...fixtures.warrantRogueNoaa, document: undefined }));
    await person(ctx, "rogueNoaa");
    await person(ctx, "alice");
    await person(ctx, "mod", { roles: ["moderator"] });
    await person(ctx, "admin", { roles: ["admin"] });
    const cal = await person(ctx, "counsel", { roles: ["legal"] });
    secret = await enrol(ctx, cal);
    await person(ctx, "grace", { roles: ["legal"] });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await ctx.destroy();
  });

  async function run(...argv: string[]) {
    let out = "";
    return { code: await runCli(argv, env, (s) => (out += s)), out: () => out };
  }

  const commands = () => [
    ["demand", "add", join(dir, "warrant.json")],
    ["demand", "list"],
    ["demand", "show", "100000000000000000"],
    ["production", "export", "100000000000000000", join(dir, "out")],
  ];

  test("plain users, moderators and admins are refused; nothing is written", async () => {
    const before = await snapshot(ctx);
    for (const argv of commands()) {
      for (const handle of ["alice", "mod_mia", "admin_ada"]) {
        await assert.rejects(run(...argv, "--as", handle, "--code", "123456"), (e: unknown) => {
          assert.ok(e instanceof PubliusError);
          assert.equal(e.publicMessage, "Your role does not allow this.", `${argv.join(" ")} as ${handle}`);
          return true;
        });
      }
    }
    assert.deepEqual(await snapshot(ctx), before);
  });

  test("no identity, no code, a wrong code, or no second factor: refused", async () => {
    const before = await snapshot(ctx);
    for (const argv of commands()) {
      await assert.rejects(run(...argv), /give --as <handle> and --code/);
      await assert.rejects(run(...argv, "--as", "counsel_cal"), /give --as <handle> and --code/);
      await assert.rejects(run(...argv, "--as", "counsel_cal", "--code", "000000"), /That code is not right/);
      await assert.rejects(run(...argv, "--as", "grace", "--code", "123456"), /has no second factor yet/);
    }
    // Nothing is written but the count of wrong codes (issue 9, finding 1): one per wrong code.
    const after = await snapshot(ctx);
    const counted = (rows: string[] | undefined) =>
      (rows ?? []).map((r) => JSON.parse(r) as Record<string, unknown>).map((r) => Number(r.failed_codes));
    assert.deepEqual(
      counted(after.staff_second_factors).map((n, i) => n - (counted(before.staff_second_factors)[i] ?? 0)),
      [commands().length],
    );
    const uncounted = (snap: Record<string, string[]>) => ({
      ...snap,
      staff_second_factors: (snap.staff_second_factors ?? []).map((r) =>
        JSON.stringify({ ...(JSON.parse(r) as Record<string, unknown>), failed_codes: "counted" }),
      ),
    });
    assert.deepEqual(uncounted(after), uncounted(before));
  });

  test("legal staff with a current code are let in", async () => {
    const add = await run(
      "demand",
      "add",
      join(dir, "warrant.json"),
      "--as",
      "counsel_cal",
      "--code",
      realCode(secret),
    );
    assert.equal(add.code, 0);
    assert.match(add.out(), /^Recorded demand \d{18}: a search warrant from Federal Bureau of Investigation\./);
    // Verification needs no identity: it reveals nothing, and anyone holding a package or a head may check.
    const verified = await run("audit", "verify");
    assert.equal(verified.code, 0, verified.out());
  });
});
