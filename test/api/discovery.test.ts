// Discovery: NodeInfo (megalodon's detector() must say "mastodon"), WebFinger for local accounts,
// host-meta, /health, and the one rounding rule for the counts the server publishes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { detector } from "megalodon";
import { loadConfig } from "../../src/config/config.ts";
import { coarseCount } from "../../src/domain/coarse-count.ts";
import { useApiSite } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import { readTarGz } from "../helpers/tar.ts";

describe("coarseCount", () => {
  test("zero stays zero; small counts round to tens and are never below ten; larger keep two figures", () => {
    assert.equal(coarseCount(0), 0);
    assert.equal(coarseCount(1), 10);
    assert.equal(coarseCount(2), 10);
    assert.equal(coarseCount(14), 10);
    assert.equal(coarseCount(15), 20);
    assert.equal(coarseCount(994), 990);
    assert.equal(coarseCount(1049), 1000);
    assert.equal(coarseCount(1050), 1100);
    assert.equal(coarseCount(123_456), 120_000);
  });

  test("one more account or post in a band does not move the figure", () => {
    let moved = 0;
    for (let n = 1; n < 5000; n++) if (coarseCount(n + 1) !== coarseCount(n)) moved++;
    // Moves only at band edges: about one in ten steps below 1,000, far fewer above.
    assert.ok(moved < 5000 / 9, `the figure moved ${moved} times in 5,000 joins`);
  });
});

describe("NodeInfo", () => {
  const site = useApiSite({ env: { PUBLIUS_INSTANCE_NAME: "Whistle" } });

  test("/.well-known/nodeinfo links 2.0 and 2.1 on this origin, readable from any origin", async () => {
    const res = await site.anonymous.get("/.well-known/nodeinfo", { headers: { origin: "https://whalebird.example" } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["access-control-allow-origin"], "*");
    const origin = site.ctx.config.publicUrl;
    assert.deepEqual(res.json().links, [
      { rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: `${origin}/nodeinfo/2.0` },
      { rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${origin}/nodeinfo/2.1` },
    ]);
  });

  test("the documents name publius, upstream mastodon, and give rounded counts", async () => {
    const alice = await site.user("alice");
    await site.user("bob");
    await site.ctx.services.posting.create(alice.viewer, { text: "hello", visibility: "public" });
    for (const v of ["2.0", "2.1"]) {
      const res = await site.anonymous.get(`/nodeinfo/${v}`);
      assert.equal(res.statusCode, 200);
      assert.match(
        String(res.headers["content-type"]),
        new RegExp(`profile="http://nodeinfo.diaspora.software/ns/schema/${v}#"`),
      );
      const n = res.json();
      assert.equal(n.version, v);
      assert.equal(n.software.name, "publius");
      assert.match(n.software.version, /^\d+\.\d+\.\d+/);
      assert.deepEqual(n.metadata.upstream, { name: "mastodon", version: "4.3.0" });
      assert.equal(n.metadata.nodeName, "Whistle");
      assert.deepEqual(n.protocols, []);
      assert.deepEqual(n.services, { outbound: [], inbound: [] });
      assert.equal(n.openRegistrations, true);
      // Two accounts, one post: published as 10, never as 2 and 1.
      assert.deepEqual(n.usage, { users: { total: 10, activeMonth: 10, activeHalfyear: 10 }, localPosts: 10 });
      if (v === "2.1") assert.equal(n.software.repository, `${site.ctx.config.publicUrl}/source.tar.gz`);
    }
  });
});

describe("WebFinger and host-meta", () => {
  const site = useApiSite();

  test("a local account by acct:, bare acct and profile URL", async () => {
    await site.user("alice");
    const origin = site.ctx.config.publicUrl;
    const host = new URL(origin).host;
    for (const resource of [`acct:alice@${host}`, `alice@${host}`, `${origin}/@alice`, `${origin}/users/alice`]) {
      const res = await site.anonymous.get(`/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
      assert.equal(res.statusCode, 200, resource);
      assert.match(String(res.headers["content-type"]), /^application\/jrd\+json/);
      assert.deepEqual(res.json(), {
        subject: `acct:alice@${host}`,
        aliases: [`${origin}/@alice`],
        links: [{ rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: `${origin}/@alice` }],
      });
    }
  });

  test("unknown, suspended and other servers' accounts → 404; a bad resource → 400 with a message", async () => {
    const host = new URL(site.ctx.config.publicUrl).host;
    const bob = await site.user("bob");
    await site.ctx.store.db.updateTable("accounts").set({ suspended: 1 }).where("id", "=", bob.account.id).execute();
    for (const resource of [
      `acct:nobody@${host}`,
      `acct:bob@${host}`,
      "acct:alice@elsewhere.example",
      "https://elsewhere.example/@alice",
    ]) {
      const res = await site.anonymous.get(`/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
      assert.equal(res.statusCode, 404, resource);
      assert.equal(res.json().error, "Record not found");
    }
    for (const q of ["", "?resource=", "?resource=alice", "?resource=acct%3A"]) {
      const res = await site.anonymous.get(`/.well-known/webfinger${q}`);
      assert.equal(res.statusCode, 400, q);
      assert.match(res.json().error, /resource/);
    }
  });

  test("host-meta as XRD, and as JSON on request", async () => {
    const origin = site.ctx.config.publicUrl;
    const xrd = await site.anonymous.get("/.well-known/host-meta");
    assert.equal(xrd.statusCode, 200);
    assert.match(String(xrd.headers["content-type"]), /^application\/xrd\+xml/);
    assert.ok(xrd.body.includes(`template="${origin}/.well-known/webfinger?resource={uri}"`));
    for (const r of [
      await site.anonymous.get("/.well-known/host-meta?format=json"),
      await site.anonymous.get("/.well-known/host-meta", { headers: { accept: "application/json" } }),
      await site.anonymous.get("/.well-known/host-meta.json"),
    ]) {
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json(), {
        links: [{ rel: "lrdd", template: `${origin}/.well-known/webfinger?resource={uri}` }],
      });
    }
  });
});

describe("the source offer (AGPL-3.0 §13)", () => {
  const site = useApiSite();

  test("source_url points at /source.tar.gz, which serves this code and nothing of the data", async () => {
    const i = (await site.anonymous.get("/api/v2/instance")).json();
    assert.equal(i.source_url, `${site.ctx.config.publicUrl}/source.tar.gz`);
    const res = await site.app.inject({ method: "GET", url: "/source.tar.gz" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "application/gzip");
    const names = readTarGz(res.rawPayload).map((m) => m.name);
    assert.ok(names.includes("publius/src/http/source.ts"));
    assert.ok(names.includes("publius/package.json"));
    assert.ok(!names.some((n) => n.includes("node_modules")), "no dependencies");
    assert.ok(!names.some((n) => n.startsWith("publius/data/") || n.includes("/.")), "no data folder, no dot-files");
  });

  test("PUBLIUS_SOURCE_URL overrides it; a non-URL is refused at start", () => {
    assert.equal(
      loadConfig({ PUBLIUS_SOURCE_URL: "https://code.example/publius" }).sourceUrl,
      "https://code.example/publius",
    );
    assert.throws(() => loadConfig({ PUBLIUS_SOURCE_URL: "nope" }), /PUBLIUS_SOURCE_URL/);
  });
});

describe("/health", () => {
  const site = useApiSite();

  test("200 OK while the database answers, 503 once it does not", async () => {
    const ok = await site.app.inject({ method: "GET", url: "/health" });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.body, "OK");
    assert.equal(ok.headers["access-control-allow-origin"], undefined);
    site.ctx.services.instance.healthy = async () => false;
    const down = await site.app.inject({ method: "GET", url: "/health" });
    assert.equal(down.statusCode, 503);
  });
});

test("megalodon's detector() says mastodon for a running Publius", { timeout: 30_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  assert.equal(await detector(server.origin), "mastodon");
});
