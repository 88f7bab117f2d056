// The legal-process matrix (default after the Stored Communications Act, replaceable by the
// operator), emergency disclosure under the same two-person rule, and the instance's signing key.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { assess, DEFAULT_MATRIX } from "../../src/domain/legal/matrix.ts";
import { KEY_FILE } from "../../src/services/legal/signing.ts";
import { person } from "../fixtures/accounts.ts";
import { useSite } from "../helpers/web.ts";
import { addDemand, legalStaff } from "./helpers.ts";

describe("the default matrix", () => {
  const can = (process: Parameters<typeof assess>[1], category: Parameters<typeof assess>[2][number]) =>
    assess(DEFAULT_MATRIX, process, [category]).categories[0]?.compellable;

  test("basic subscriber records by subpoena or summons; other non-content by 2703(d) order; content by warrant", () => {
    for (const p of ["administrative_summons", "grand_jury_subpoena", "civil_subpoena"] as const) {
      assert.equal(can(p, "account_login"), true, p);
      assert.equal(can(p, "network"), true, p);
      assert.equal(can(p, "social_graph"), false, p);
      assert.equal(can(p, "nonpublic_content"), false, p);
    }
    assert.equal(can("court_order_2703d", "social_graph"), true);
    assert.equal(can("court_order_2703d", "nonpublic_content"), false);
    assert.equal(can("search_warrant", "nonpublic_content"), true);
    assert.equal(can("search_warrant", "media"), true);
    for (const p of ["preservation_request", "nondisclosure_order", "foreign_request", "content_removal"] as const) {
      assert.equal(can(p, "public_profile"), false, p);
    }
    const emergency = assess(DEFAULT_MATRIX, "emergency_request", ["account_login"]).categories[0];
    assert.equal(emergency?.voluntary, true);
    assert.match(emergency?.flag ?? "", /only voluntarily, the narrowest data, with a good-faith statement/);
  });

  test("a summons asking for non-public content is flagged: it cannot compel it", () => {
    const a = assess(DEFAULT_MATRIX, "administrative_summons", ["nonpublic_content", "social_graph"]);
    assert.equal(a.overbroad, true);
    assert.deepEqual(
      a.categories.map((c) => c.flag),
      [
        "An administrative summons cannot compel non-public content (content); that takes a search warrant.",
        "An administrative summons cannot compel social graph (other non-content records); that takes a court order for records (18 U.S.C. § 2703(d)) or a search warrant.",
      ],
    );
  });
});

describe("an operator's matrix", () => {
  test("replaces the default where it says so, and a bad file stops the start with a clear message", () => {
    const dir = mkdtempSync(join(tmpdir(), "publius-matrix-"));
    try {
      const file = join(dir, "matrix.json");
      // E.g. a jurisdiction where a subpoena reaches nothing but public information.
      writeFileSync(file, JSON.stringify({ processes: { administrative_summons: { compels: ["public"] } } }));
      const config = loadConfig({ PUBLIUS_LEGAL_MATRIX: file });
      assert.equal(assess(config.legal.matrix, "administrative_summons", ["account_login"]).overbroad, true);
      assert.equal(assess(config.legal.matrix, "grand_jury_subpoena", ["account_login"]).overbroad, false);
      writeFileSync(file, JSON.stringify({ processes: { administrative_summons: { compels: ["everything"] } } }));
      assert.throws(
        () => loadConfig({ PUBLIUS_LEGAL_MATRIX: file }),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.match(
            e.message,
            /PUBLIUS_LEGAL_MATRIX: processes\.administrative_summons\.compels: "everything" is not a tier/,
          );
          return true;
        },
      );
      const help = loadConfig({
        PUBLIUS_LEGAL_HELP: JSON.stringify([{ name: "Local clinic", url: "https://clinic.example" }]),
      });
      assert.deepEqual(help.legal.help, [{ name: "Local clinic", url: "https://clinic.example" }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("emergency disclosure", () => {
  const site = useSite();

  test("voluntary, with the good-faith statement, and still two legal staff to release it", async () => {
    const noaa = await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    const erin = await legalStaff(site.ctx, "erin");
    const demand = await addDemand(site.ctx, cal.actor, "warrantRogueNoaa", {
      process: "emergency_request",
      requested: { verbatim: "recent posts", categories: ["nonpublic_content"] },
      good_faith_statement: "A named person is at imminent risk of serious physical injury; the posts say where.",
    });
    const { demands, productions } = site.ctx.services.legal;
    await demands.transition(cal.actor, demand.id, { to: "in_review", reason: "Emergency." });
    await demands.transition(cal.actor, demand.id, {
      to: "approved",
      reason: "Good-faith belief of danger; narrowest data.",
      targets: [noaa.account.id],
      categories: ["nonpublic_content"],
    });
    const p = await productions.prepare(cal.actor, demand.id);
    await productions.approve(cal.actor, demand.id, p.id, p.manifestSha256);
    assert.equal((await demands.review(cal.actor, demand.id)).demand.state, "approved");
    await productions.approve(erin.actor, demand.id, p.id, p.manifestSha256);
    assert.equal((await demands.review(cal.actor, demand.id)).demand.state, "produced");
  });
});

describe("the instance signing key", () => {
  const site = useSite();

  test("is made once, kept in the data folder readable by the owner only, and published with its fingerprint", async () => {
    const { key } = site.ctx.services.legal;
    assert.equal(key.ensure().created, true);
    assert.equal(key.ensure().created, false);
    assert.equal(statSync(join(site.ctx.dataDir, KEY_FILE)).mode & 0o777, 0o600);
    const json = (await site.web.client().get("/.well-known/publius-signing-key")).json();
    assert.equal(json.algorithm, "Ed25519");
    assert.match(json.fingerprint, /^sha256:[0-9a-f]{64}$/);
    assert.equal(json.fingerprint, key.info().fingerprint);
    const pem = await site.web.client().get("/.well-known/publius-signing-key.pem");
    assert.match(pem.body, /^-----BEGIN PUBLIC KEY-----/);
    const page = (await site.web.client().get("/audit-head")).body;
    assert.ok(page.includes(json.fingerprint));
  });
});
