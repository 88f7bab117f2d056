// Issue 13, item 4: the canary page's command names this server, and the wide tables (authorised
// apps, the staff log, the guidelines) reflow into one card per row on a phone: class="reflow" and
// every data cell labelled with its column (the CSS reads data-label; the browser test measures).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { registerTestApp } from "../helpers/api.ts";
import { pageText } from "../helpers/pages.ts";
import { useSite } from "../helpers/web.ts";

/** Every <td> in each reflowing table carries a data-label; returns the labels seen. */
function reflowLabels(body: string): string[] {
  const tables = [...body.matchAll(/<table\b[^>]*class="reflow"[^>]*>([\s\S]*?)<\/table>/g)].map((m) => m[1] ?? "");
  assert.ok(tables.length > 0, "a reflowing table");
  const labels: string[] = [];
  for (const t of tables) {
    const tbody = t.split("<tbody>")[1] ?? "";
    for (const td of tbody.matchAll(/<td\b([^>]*)>/g)) {
      const label = /data-label="([^"]+)"/.exec(td[1] ?? "")?.[1];
      const isAction = /<form /.test(tbody); // the action column has a button with its own name
      if (!label) assert.ok(isAction, `an unlabelled cell: <td${td[1]}>`);
      else labels.push(label);
    }
  }
  return labels;
}

describe("phone-friendly tables and the canary's command", () => {
  const site = useSite();

  test("the canary page's verify command names the configured public URL", async () => {
    const res = await site.web.client().get("/canary");
    const text = pageText(res);
    assert.doesNotMatch(res.body, /this-server/);
    assert.ok(
      text.includes(`publius canary verify ${site.ctx.config.publicUrl}/canary.json --key publius-signing-key.pem`),
      text,
    );
  });

  test("the guidelines' tables reflow", async () => {
    const res = await site.web.client().get("/legal/guidelines");
    const labels = new Set(reflowLabels(res.body));
    for (const l of ["What it is", "Tier", "Can be compelled by", "Reaches"]) assert.ok(labels.has(l), l);
  });

  test("the staff log reflows", async () => {
    const mod = await site.member("mod", { roles: ["moderator"] });
    const bob = await site.member("bob");
    await mod.client.post(`/staff/accounts/${bob.account.id}/suspend`, { reason: "test" });
    const res = await mod.client.get("/staff/log");
    const labels = new Set(reflowLabels(res.body));
    for (const l of ["When", "Who", "What", "About", "Reason"]) assert.ok(labels.has(l), l);
  });

  test("the authorised apps table reflows", async () => {
    const alice = await site.member("alice");
    const app = await registerTestApp(site.ctx);
    await site.ctx.services.oauth.issue(app.id, alice.account.id, ["read"]);
    const res = await alice.client.get("/settings/apps");
    assert.match(pageText(res), /Revoke access/);
    const labels = new Set(reflowLabels(res.body));
    for (const l of ["App", "What it may do", "First authorised"]) assert.ok(labels.has(l), l);
  });
});
