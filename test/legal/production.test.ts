// A search warrant for @RogueNOAA's followers-only posts: approved, packaged, signed. Two different
// legal staff must approve the exact package; one person — an admin included — cannot release it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { verifyPackage } from "../../src/services/legal/package.ts";
import { person } from "../fixtures/accounts.ts";
import { pageText } from "../helpers/pages.ts";
import { useSite } from "../helpers/web.ts";
import { addDemand, consoleMember, legalStaff, nextCode } from "./helpers.ts";

describe("a warrant for another account", () => {
  const site = useSite();

  async function approvedWarrant() {
    const noaa = await person(site.ctx, "rogueNoaa");
    await site.ctx.services.posting.create(noaa.viewer, { text: "Public: the data is the data." });
    await site.ctx.services.posting.create(noaa.viewer, {
      text: "Followers only: the briefing moved to Thursday.",
      visibility: "private",
    });
    const cal = await legalStaff(site.ctx, "counsel");
    const demand = await addDemand(site.ctx, cal.actor, "warrantRogueNoaa");
    const { demands } = site.ctx.services.legal;
    await demands.transition(cal.actor, demand.id, { to: "in_review", reason: "Reviewing the warrant." });
    await demands.transition(cal.actor, demand.id, {
      to: "approved",
      reason: "A warrant reaches content; the scope matches the warrant.",
      targets: [noaa.account.id],
      categories: ["nonpublic_content", "media"],
    });
    return { noaa, cal, demand };
  }

  test("two approvals release a signed package that verifies; the CLI verifies and exports it", async () => {
    const { noaa, cal, demand } = await approvedWarrant();
    const erin = await legalStaff(site.ctx, "erin");
    const { productions } = site.ctx.services.legal;
    const prepared = await productions.prepare(cal.actor, demand.id);
    const first = await productions.approve(cal.actor, demand.id, prepared.id, prepared.manifestSha256);
    assert.equal(first.releasedAt, null);
    await assert.rejects(
      productions.file(cal.actor, demand.id, prepared.id, "production.json"),
      /only after two legal staff/,
    );

    // The second approver sees the exact package, then approves its hash.
    const view = await productions.view(erin.actor, demand.id, prepared.id);
    assert.equal(view.intact, true);
    assert.match(view.data, /Followers only: the briefing moved to Thursday\./);
    assert.doesNotMatch(view.data, /Public: the data is the data\./, "only the approved categories");
    const released = await productions.approve(erin.actor, demand.id, prepared.id, view.manifestSha256);
    assert.ok(released.releasedAt);
    assert.deepEqual(
      released.approvals.map((a) => a.handle),
      ["counsel_cal", "erin"],
    );
    const after = await site.ctx.services.legal.demands.review(cal.actor, demand.id);
    assert.equal(after.demand.state, "produced");

    // The package on disk verifies against the key published at the well-known URL.
    const keyRes = await site.web.client().get("/.well-known/publius-signing-key");
    const key = keyRes.json() as { public_key_pem: string; fingerprint: string; algorithm: string };
    assert.equal(key.algorithm, "Ed25519");
    const dir = mkdtempSync(join(tmpdir(), "publius-production-"));
    try {
      const out = join(dir, "package");
      await productions.exportTo(cal.actor, demand.id, out);
      const check = verifyPackage(out, { publicKeyPem: key.public_key_pem });
      assert.deepEqual(check.problems, []);
      assert.equal(check.fingerprint, key.fingerprint);
      const data = JSON.parse(readFileSync(join(out, "production.json"), "utf8"));
      assert.deepEqual(
        data.targets[0].categories.map((c: { id: string; state: string }) => [c.id, c.state]),
        [
          ["nonpublic_content", "held"],
          ["media", "held"],
        ],
      );
      assert.equal(data.targets[0].account_id, noaa.account.id);
      assert.match(readFileSync(join(out, "report.html"), "utf8"), /Non-public content/);

      // The command line agrees, with and without the key given.
      writeFileSync(join(dir, "key.pem"), key.public_key_pem);
      const env = { PUBLIUS_DATA_DIR: site.ctx.dataDir, PUBLIUS_LOG_LEVEL: "silent" };
      let printed = "";
      const code = await runCli(["production", "verify", out, "--key", join(dir, "key.pem")], env, (s) => {
        printed += s;
      });
      assert.equal(code, 0, printed);
      assert.match(printed, /^OK: the signature and all 2 files verify\./);

      // Any change to a file, or to the manifest, is caught.
      writeFileSync(
        join(out, "production.json"),
        readFileSync(join(out, "production.json"), "utf8").replace("Thursday", "Friday"),
      );
      printed = "";
      assert.equal(await runCli(["production", "verify", out], env, (s) => (printed += s)), 1);
      assert.match(printed, /production\.json does not match its SHA-256 in the manifest/);
      const manifest = readFileSync(join(out, "manifest.json"), "utf8");
      writeFileSync(
        join(out, "manifest.json"),
        manifest.replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${"0".repeat(64)}"`),
      );
      assert.match(verifyPackage(out).problems.join("; "), /signature over manifest\.json does not verify/);
      writeFileSync(join(out, "extra.txt"), "slipped in");
      assert.match(verifyPackage(out).problems.join("; "), /extra\.txt is not in the manifest/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok((await site.ctx.services.legal.audit.verify()).ok);
  });

  test("one approver cannot release: a second approval by the same person is refused, an admin included", async () => {
    const { cal, demand } = await approvedWarrant();
    const ada = await legalStaff(site.ctx, "admin", ["admin", "legal"]);
    const { productions } = site.ctx.services.legal;
    const p = await productions.prepare(ada.actor, demand.id);
    await productions.approve(ada.actor, demand.id, p.id, p.manifestSha256);
    await assert.rejects(
      productions.approve(ada.actor, demand.id, p.id, p.manifestSha256),
      /A second, different member of the legal staff must approve it/,
    );
    // An actor made again from a new code is still the same person.
    const again = await site.ctx.services.legal.access.forCode(ada.account.handle, nextCode(site.ctx, ada.secret));
    await assert.rejects(
      productions.approve(again, demand.id, p.id, p.manifestSha256),
      /approved this package already/,
    );
    // An admin without the legal role is no approver at all.
    const mia = await person(site.ctx, "mod", { roles: ["admin"] });
    await assert.rejects(
      site.ctx.services.legal.access.forCode(mia.account.handle, "123456"),
      /Your role does not allow this/,
    );
    const review = await site.ctx.services.legal.demands.review(cal.actor, demand.id);
    assert.equal(review.demand.state, "approved", "not produced");
    assert.equal((await productions.list(cal.actor, demand.id))[0]?.releasedAt, null);
    // Nor can anyone export it.
    await assert.rejects(
      productions.exportTo(cal.actor, demand.id, join(tmpdir(), "never")),
      /no released production: two legal staff must approve one first/,
    );
    // Approving a hash other than the package's is refused (the approver must have seen this one).
    await assert.rejects(
      productions.approve(cal.actor, demand.id, p.id, "0".repeat(64)),
      /The package changed since you looked at it/,
    );
  });

  test("in the console, the second approver sees the package and its hash; the first cannot approve twice", async () => {
    const { demand } = await approvedWarrant();
    const erin = await consoleMember(site, "erin");
    const frank = await consoleMember(site, "frank");
    const prepared = await erin.client.post(`/staff/legal/demands/${demand.id}/productions`);
    assert.equal(prepared.statusCode, 303);
    const url = String(prepared.headers.location);
    const page = await erin.client.get(url);
    const hash = /name="manifest_sha256" value="([0-9a-f]{64})"/.exec(page.body)?.[1] as string;
    assert.ok(hash);
    assert.equal((await erin.client.post(`${url}/approve`, { manifest_sha256: hash })).statusCode, 303);
    const twice = await erin.client.post(`${url}/approve`, { manifest_sha256: hash });
    assert.match(pageText(twice, 409), /nobody can release a production alone/);
    const second = pageText(await frank.client.get(url));
    assert.match(second, /Followers only: the briefing moved to Thursday\./);
    assert.ok(second.includes(hash));
    assert.equal((await frank.client.post(`${url}/approve`, { manifest_sha256: hash })).statusCode, 303);
    const released = pageText(await frank.client.get(url));
    assert.match(released, /released/);
    const file = await frank.client.get(`${url}/files/production.json`);
    assert.equal(file.statusCode, 200);
    assert.match(String(file.headers["content-disposition"]), /attachment/);
    const actions = (await site.ctx.services.legal.audit.recent(500, demand.id)).map((e) => e.action);
    for (const a of [
      "demand.production_prepared",
      "demand.production_approved",
      "demand.produced",
      "view.production",
      "export.production_file",
    ]) {
      assert.ok(actions.includes(a), a);
    }
  });

  test("identifying data under a warrant still needs the gate: a recorded court order opens it", async () => {
    const noaa = await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    const demand = await addDemand(site.ctx, cal.actor, "warrantRogueNoaa", {
      requested: { verbatim: "subscriber records and posts", categories: ["account_login", "nonpublic_content"] },
    });
    const { demands } = site.ctx.services.legal;
    await demands.transition(cal.actor, demand.id, { to: "in_review", reason: "Reviewing." });
    const approve = () =>
      demands.transition(cal.actor, demand.id, {
        to: "approved",
        reason: "Warrant.",
        targets: [noaa.account.id],
        categories: ["account_login", "nonpublic_content"],
      });
    await assert.rejects(approve(), /The unmasking gate is closed/);
    const order = {
      court: "D. Md.",
      docket: "26-mj-42",
      judge: "Hon. A. Judge",
      signedDay: "2026-03-01",
      compels: "subscriber records",
    };
    await assert.rejects(demands.courtOrder(cal.actor, demand.id, order, null), /Attach the order itself/);
    const { pdf } = await import("../fixtures/demands.ts");
    // A file that starts with %PDF- and a docket are not enough: the order's details are required...
    await assert.rejects(
      demands.courtOrder(cal.actor, demand.id, { court: "D. Md.", docket: "26-mj-42" }, pdf("order")),
      /judge/,
    );
    await demands.courtOrder(cal.actor, demand.id, order, pdf("order"));
    // ...and a second legal reviewer's confirmation.
    await assert.rejects(approve(), /The unmasking gate is closed/);
    const sha = (await demands.review(cal.actor, demand.id)).gate.courtOrder?.documentSha256 as string;
    await assert.rejects(demands.confirmCourtOrder(cal.actor, demand.id, sha, "Checked."), /second, different/);
    const erin = await legalStaff(site.ctx, "erin");
    await demands.confirmCourtOrder(erin.actor, demand.id, sha, "Checked the docket on PACER.");
    const approved = await approve();
    assert.equal(approved.state, "approved");
  });
});
