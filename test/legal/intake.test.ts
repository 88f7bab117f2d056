// Recording demands: the console form and `publius demand add` share one schema; malformed input
// gets field-level errors, oversized or foreign documents are refused, and a refused demand leaves
// nothing behind — no row, no event, no audit entry, no file.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { PubliusError } from "../../src/domain/errors.ts";
import { parseDemand } from "../../src/domain/legal/intake.ts";
import { person } from "../fixtures/accounts.ts";
import { demands as fixtures, pdf } from "../fixtures/demands.ts";
import { createTestContext, type TestContext } from "../helpers/context.ts";
import { pageText } from "../helpers/pages.ts";
import { snapshot } from "../helpers/snapshot.ts";
import { useSite } from "../helpers/web.ts";
import {
  cliEnv,
  consoleMember,
  demandJson,
  enrol,
  intakeFields,
  legalStaff,
  postMultipart,
  realCode,
} from "./helpers.ts";

function legalFiles(dataDir: string): string[] {
  const root = join(dataDir, "legal", "documents");
  return existsSync(root) ? readdirSync(root) : [];
}

describe("the demand schema", () => {
  test("every problem is reported under its field's path", () => {
    const result = parseDemand({
      process: "subpoena",
      agency: "",
      country: "USA",
      requester: { name: "", phone: "555" },
      authority: 42,
      received: "2017-02-30",
      due: "tomorrow",
      targets: ["@ALT_USCIS", "", 7, "alt_uscis"],
      requested: { verbatim: "everything", categories: ["contact", "ip_addresses"] },
      secrecy_requested: "yes",
      nondisclosure_order: { court: "N.D. Cal.", end_date: "soon" },
      target: "typo",
    });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.errors, {
      process:
        "Not a known process type: administrative_summons, grand_jury_subpoena, civil_subpoena, court_order_2703d, search_warrant, emergency_request, preservation_request, nondisclosure_order, foreign_request or content_removal.",
      target:
        'Unknown field "target". The fields are: process, agency, country, requester, authority, reference, received, due, targets, requested, document, secrecy_requested, nondisclosure_order, good_faith_statement.',
      agency: "Required.",
      country: "A two-letter country code (ISO 3166-1), e.g. US.",
      "requester.phone": 'Unknown field "phone" (name, contact).',
      "requester.name": "Required.",
      authority: "Must be text.",
      received: "A date as YYYY-MM-DD.",
      due: "A date as YYYY-MM-DD, or null.",
      "targets[1]": "Must be a handle, e.g. @ALT_USCIS.",
      "targets[2]": "Must be a handle, e.g. @ALT_USCIS.",
      "targets[3]": "@alt_uscis is named twice.",
      "requested.categories[1]": '"ip_addresses" is not a data category.',
      secrecy_requested: "Must be true or false.",
      "nondisclosure_order.docket": "Required.",
      "nondisclosure_order.end_date": "A date as YYYY-MM-DD, or null.",
    });
  });

  test("an emergency request needs its good-faith statement; the fixtures are valid", () => {
    const emergency = parseDemand(demandJson("warrantRogueNoaa", { process: "emergency_request" }));
    assert.match(!emergency.ok ? (emergency.errors.good_faith_statement ?? "") : "", /good-faith statement/);
    for (const name of Object.keys(fixtures) as (keyof typeof fixtures)[]) {
      assert.equal(parseDemand(demandJson(name)).ok, true, name);
    }
  });
});

describe("publius demand add", () => {
  let ctx: TestContext;
  let env: Record<string, string>;
  let dir: string;
  let secret: string;
  before(async () => {
    ctx = await createTestContext({ sqliteFile: true, env: { PUBLIUS_LEGAL_MAX_DOCUMENT_MB: "0.01" } });
    env = await cliEnv(ctx, { PUBLIUS_LEGAL_MAX_DOCUMENT_MB: "0.01" });
    dir = mkdtempSync(join(tmpdir(), "publius-demand-files-"));
    await person(ctx, "altUscis");
    secret = await enrol(ctx, await person(ctx, "counsel", { roles: ["legal"] }));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await ctx.destroy();
  });
  const add = async (file: string) => {
    // Each command is a new process; a code works once in all of them (issue 9, finding 21), so
    // the steps used by earlier commands are forgotten here as if their 30 seconds had passed.
    await ctx.store.db.deleteFrom("staff_used_codes").execute();
    let out = "";
    const code = await runCli(["demand", "add", file, "--as", "counsel_cal", "--code", realCode(secret)], env, (s) => {
      out += s;
    });
    return { code, out };
  };
  const write = (name: string, content: unknown) => {
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return join(dir, name);
  };
  // The code's step is remembered even when the file is then refused: that is the code being used.
  const unused = async () => {
    const { staff_used_codes: _, ...rest } = await snapshot(ctx);
    return rest;
  };
  const refused = async (file: string, check: (e: PubliusError) => void) => {
    const before = await unused();
    await assert.rejects(add(file), (e: unknown) => {
      assert.ok(e instanceof PubliusError, String(e));
      check(e);
      return true;
    });
    assert.deepEqual(await unused(), before, "nothing was written");
    assert.deepEqual(legalFiles(ctx.dataDir), [], "no document was left behind");
  };

  test("the 2017 summons from a file: recorded, with its document hashed", async () => {
    writeFileSync(join(dir, "cbp-summons-2017.pdf"), pdf("CBP"));
    const ok = await add(write("cbp.json", { ...fixtures.cbpSummons2017, targets: ["@ALT_USCIS", "@ALT_CBP"] }));
    assert.equal(ok.code, 0, ok.out);
    assert.match(
      ok.out,
      /Recorded demand \d{18}: an administrative summons from U\.S\. Customs and Border Protection\./,
    );
    assert.match(ok.out, /@ALT_USCIS: account \d{18}/);
    assert.match(ok.out, /@ALT_CBP: UNKNOWN — no such account here \(kept on the record\)/);
    assert.match(ok.out, /document: application\/pdf, SHA-256 [0-9a-f]{64}/);
    assert.equal(legalFiles(ctx.dataDir).length, 1);
    // Cleared for the tests below, which expect an empty document folder.
    for (const f of legalFiles(ctx.dataDir)) rmSync(join(ctx.dataDir, "legal", "documents", f));
  });

  test("a file that is not JSON, or not a demand, is refused with field-level errors", async () => {
    await refused(write("broken.json", '{"process": "administrative_summons",'), (e) => {
      assert.match(
        e.publicMessage,
        /broken\.json: the demand was not recorded \(nothing was written\):\n {2}\(file\): not valid JSON/,
      );
    });
    await refused(
      write("fields.json", { ...fixtures.cbpSummons2017, document: undefined, received: "14/03/2017", targets: [] }),
      (e) => {
        assert.deepEqual(e.fields, { received: "A date as YYYY-MM-DD.", targets: "Name at least one account." });
        assert.match(e.publicMessage, / {2}received: A date as YYYY-MM-DD\.\n {2}targets: Name at least one account\./);
      },
    );
  });

  test("a missing, oversized or foreign document is refused", async () => {
    await refused(write("missing.json", { ...fixtures.cbpSummons2017, document: "nowhere.pdf" }), (e) => {
      assert.match(e.fields?.document ?? "", /no file at/);
    });
    writeFileSync(join(dir, "big.pdf"), pdf("big", 20_000));
    await refused(write("big.json", { ...fixtures.cbpSummons2017, document: "big.pdf" }), (e) => {
      assert.equal(e.status, 413);
      assert.equal(e.publicMessage, "The document is larger than 10 KB, the most this server accepts.");
    });
    writeFileSync(join(dir, "page.html"), "<html>not evidence</html>");
    await refused(write("html.json", { ...fixtures.cbpSummons2017, document: "page.html" }), (e) => {
      assert.equal(e.fields?.document, "The document must be a PDF or an image (PNG, JPEG, GIF, WebP or TIFF).");
    });
  });
});

describe("the console's intake form", () => {
  const site = useSite({ env: { PUBLIUS_LEGAL_MAX_DOCUMENT_MB: "0.01" } });

  test("field errors are shown beside their fields, the values kept, and nothing is written", async () => {
    await site.member("altUscis");
    const cal = await consoleMember(site, "counsel");
    const before = await snapshot(site.ctx);
    const fields = { ...intakeFields("cbpSummons2017"), received: "2017-02-30", country: "United States", process: "" };
    const res = await postMultipart(cal.client, "/staff/legal/demands", fields, {
      document: { filename: "s.pdf", type: "application/pdf", data: pdf("s") },
    });
    const text = pageText(res, 422);
    assert.match(
      text,
      /The demand was not recorded: 3 fields need attention\. Nothing was saved; attach the document again\./,
    );
    assert.match(res.body, /<p class="error" id="received-error">A date as YYYY-MM-DD\.<\/p>/);
    assert.match(
      res.body,
      /<p class="error" id="country-error">A two-letter country code \(ISO 3166-1\), e\.g\. US\.<\/p>/,
    );
    assert.match(res.body, /aria-invalid="true" aria-describedby="process-error"/);
    assert.ok(res.body.includes("User names, account login, phone numbers"), "the verbatim text is kept");
    assert.deepEqual(await snapshot(site.ctx), before);
    assert.deepEqual(legalFiles(site.ctx.dataDir), []);
  });

  test("an oversized document is refused before anything is written", async () => {
    const cal = await consoleMember(site, "counsel");
    const before = await snapshot(site.ctx);
    const res = await postMultipart(cal.client, "/staff/legal/demands", intakeFields("cbpSummons2017"), {
      document: { filename: "s.pdf", type: "application/pdf", data: pdf("s", 50_000) },
    });
    assert.match(pageText(res, 413), /The document is larger than 10 KB/);
    assert.deepEqual(await snapshot(site.ctx), before);
    assert.deepEqual(legalFiles(site.ctx.dataDir), []);
  });

  test("a failure inside the transaction removes the stored document again", async () => {
    await site.member("altUscis");
    const cal = await legalStaff(site.ctx, "counsel");
    const before = await snapshot(site.ctx);
    const notices = site.ctx.services.legal.notices;
    notices.planInTx = async () => {
      throw new Error("the database went away");
    };
    const parsed = parseDemand(demandJson("cbpSummons2017"));
    assert.ok(parsed.ok);
    await assert.rejects(site.ctx.services.legal.demands.add(cal.actor, parsed.value, pdf("s")), /database went away/);
    assert.deepEqual(await snapshot(site.ctx), before);
    assert.deepEqual(legalFiles(site.ctx.dataDir), []);
  });
});

describe("targets", () => {
  const site = useSite();

  test("a handle with this server's host names the local account; any other unknown handle is kept, not dropped", async () => {
    const noaa = await person(site.ctx, "rogueNoaa");
    const cal = await legalStaff(site.ctx, "counsel");
    const parsed = parseDemand(
      demandJson("warrantRogueNoaa", {
        targets: ["@RogueNOAA@publius.test", "RogueNOAA@elsewhere.example", "not a handle!"],
      }),
    );
    assert.ok(parsed.ok);
    const demand = await site.ctx.services.legal.demands.add(cal.actor, parsed.value, null);
    assert.deepEqual(
      demand.targets.map((t) => [t.handle, t.accountId]),
      [
        ["RogueNOAA@publius.test", noaa.account.id],
        ["RogueNOAA@elsewhere.example", null],
        ["not a handle!", null],
      ],
    );
    const review = await site.ctx.services.legal.demands.review(cal.actor, demand.id);
    assert.equal(review.targets.filter((t) => !t.account).length, 2);
  });
});
