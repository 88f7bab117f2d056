// The law-enforcement guidelines and the "about this server" page (issue 6). The guidelines are
// generated from the legal-process matrix and the data inventory: change either and the page
// changes. Every page of issue 6 carries the signing key's fingerprint and loads nothing from
// another origin.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CATEGORIES } from "../../src/domain/data-inventory.ts";
import { DEFAULT_MATRIX } from "../../src/domain/legal/matrix.ts";
import { guidelinesPage } from "../../src/present/web/legal-pages.ts";
import { assertSecurityHeaders, assertSelfContained, links } from "../helpers/pages.ts";
import { openSite } from "../helpers/web.ts";
import { legalStaff } from "../legal/helpers.ts";

const OWN = "http://publius.test";
type OpenSite = Awaited<ReturnType<typeof openSite>>;

/** The element with this id, as text (enough for the generated rows and lists). */
function byId(body: string, id: string): string {
  return rawById(body, id).replace(/<[^>]+>/g, "");
}

/** The markup of the element with this id, up to its first closing tag of the same kind. */
function rawById(body: string, id: string): string {
  const m = new RegExp(`<(\\w+)[^>]*id="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(body);
  assert.ok(m, `#${id} on the page`);
  return m[2] as string;
}

describe("the guidelines, canary and about pages", () => {
  let site: OpenSite;
  let changed: OpenSite;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "publius-guidelines-"));
    const matrix = join(dir, "matrix.json");
    // An operator whose counsel decided: a 2703(d) order reaches content too, and network data
    // (never collected anyway) is nobody's business.
    writeFileSync(
      matrix,
      JSON.stringify({
        tiers: { social_graph: "content" },
        processes: { court_order_2703d: { compels: ["public", "basic_subscriber", "non_content", "content"] } },
      }),
    );
    site = await openSite();
    changed = await openSite({
      env: { PUBLIUS_LEGAL_MATRIX: matrix, PUBLIUS_LEGAL_SERVICE_ADDRESS: "Legal Department\n1 Example Street" },
    });
  });
  after(async () => {
    await site.close();
    await changed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the guidelines change when the matrix changes", async () => {
    const a = await site.web.client().get("/legal/guidelines");
    const b = await changed.web.client().get("/legal/guidelines");
    assert.equal(a.statusCode, 200);
    assert.equal(b.statusCode, 200);
    assert.notEqual(a.body, b.body);
    const beforeRow = byId(a.body, "process-court_order_2703d");
    const afterRow = byId(b.body, "process-court_order_2703d");
    assert.doesNotMatch(beforeRow, /content;|; content/);
    assert.match(afterRow, /; content$/);
    // The category moved to another tier, and the processes that reach it with it.
    assert.match(byId(a.body, "held-social_graph"), /other non-content records/);
    assert.match(rawById(b.body, "held-social_graph"), /<td data-label="Tier">content<\/td>/);
    assert.doesNotMatch(byId(b.body, "held-social_graph"), /other non-content records/);
    assert.doesNotMatch(byId(b.body, "held-social_graph"), /administrative summons/);
    // The default's own rows come from the default matrix.
    for (const [process, rule] of Object.entries(DEFAULT_MATRIX.processes)) {
      if (rule.compels.length === 0) continue;
      assert.ok(byId(a.body, `process-${process}`).length > 0);
    }
  });

  test("the guidelines change when the inventory changes", async () => {
    const key = site.ctx.services.legal.key.info();
    const base = {
      instanceName: "Publius",
      publicUrl: OWN,
      matrix: DEFAULT_MATRIX,
      legal: site.ctx.config.legal,
      key,
    };
    const before = guidelinesPage(base).toString();
    const moved = CATEGORIES.map((c) => (c.id === "media" ? { ...c, notCollected: true } : c));
    const after = guidelinesPage({ ...base, categories: moved }).toString();
    assert.notEqual(before, after);
    assert.ok(!before.includes('id="never-media"'));
    assert.ok(after.includes('id="never-media"'));
    assert.ok(!after.includes('id="held-media"'));
  });

  test("the guidelines list every category Publius never collects, and the other promises", async () => {
    const res = await site.web.client().get("/legal/guidelines");
    const never = CATEGORIES.filter((c) => c.notCollected);
    assert.ok(never.length >= 2);
    for (const c of never) {
      assert.ok(res.body.includes(`id="never-${c.id}"`), c.id);
      assert.match(byId(res.body, `never-${c.id}`), new RegExp(c.title));
    }
    for (const c of CATEGORIES.filter((x) => !x.notCollected)) assert.ok(res.body.includes(`id="held-${c.id}"`), c.id);
    assert.match(res.body, /90 days/);
    assert.match(res.body, /once/);
    assert.match(res.body, /end date/);
    assert.match(res.body, /good faith/);
    assert.match(res.body, /manifest\.sig/);
    assert.match(byId(res.body, "service-address"), /has not published an address/);
    assert.match(
      byId((await changed.web.client().get("/legal/guidelines")).body, "service-address"),
      /Legal Department1 Example Street/,
    );
    assert.match((await changed.web.client().get("/legal/guidelines")).body, /Legal Department<br>1 Example Street/);
  });

  test("the about page lists the promises and links to the rest", async () => {
    const res = await site.web.client().get("/about");
    assert.equal(res.statusCode, 200);
    const promises = byId(res.body, "promises");
    for (const words of [/No e-mail, no phone number, no IP address/, /told/, /Two people/, /Signed productions/]) {
      assert.match(promises, words);
    }
    const hrefs = links(res.body);
    for (const href of ["/canary", "/transparency", "/legal/guidelines", "/privacy", "/audit-head"]) {
      assert.ok(hrefs.includes(href), href);
    }
  });

  test("every page shows the key's fingerprint, documents the well-known URL and loads nothing from elsewhere", async () => {
    const staff = await legalStaff(site.ctx, "counsel");
    const fingerprint = site.ctx.services.legal.key.info().fingerprint;
    const alice = await site.member("alice");
    for (const signed of [false, true]) {
      if (signed) await site.ctx.services.legal.canary.sign(staff.actor, {});
      for (const client of [site.web.client(), alice.client]) {
        for (const url of ["/about", "/canary", "/legal/guidelines"]) {
          const res = await client.get(url);
          assert.equal(res.statusCode, 200, url);
          assertSecurityHeaders(res, url);
          assertSelfContained(res, OWN, url);
          assert.ok(res.body.includes(fingerprint), `${url}: the fingerprint`);
          assert.ok(res.body.includes('href="/.well-known/publius-signing-key"'), `${url}: the key's address`);
          // Linked from the footer of every page.
          for (const href of ["/about", "/canary", "/legal/guidelines"]) assert.ok(links(res.body).includes(href));
        }
      }
    }
  });
});

test("the transparency report carries the signing key's fingerprint too", async () => {
  const site = await openSite();
  try {
    const res = await site.web.app.inject({ method: "GET", url: "/transparency" });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(site.ctx.services.legal.key.info().fingerprint));
    assert.match(res.body, /\/\.well-known\/publius-signing-key/);
  } finally {
    await site.close();
  }
});
