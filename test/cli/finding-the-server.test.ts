// Issue 13, item 9: the command line finds the server's configuration, refuses to start a new empty
// data folder next to a command that expects the server's, and an old Node.js hears what to install.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli, UsageError } from "../../src/cli/main.ts";

const BIN = new URL("../../bin/publius.js", import.meta.url).pathname;
const NODE20 = "/usr/bin/node";

describe("a command that expects the server's data folder", () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "publius-find-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const argv of [
    ["staff", "create", "ada", "--role", "admin"],
    ["invite", "create"],
    ["backup", "copy.sqlite"],
    ["demand", "add", "x.json", "--as", "ada", "--code", "123456"],
    ["audit", "verify"],
    ["report", "build", "--period", "2026-H1"],
    ["second-factor", "unlock", "ada"],
    ["canary", "sign", "--as", "ada", "--code", "123456"],
  ]) {
    test(`${argv[0]} refuses when there is no data folder, names it, and creates nothing`, async () => {
      const missing = join(root, "data");
      await assert.rejects(
        runCli(argv, { PUBLIUS_DATA_DIR: missing, PUBLIUS_LOG_LEVEL: "silent" }, () => {}),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, String(e));
          assert.match(e.message, new RegExp(`no data folder at ${missing.replace(/[/.]/g, "\\$&")}`));
          assert.match(e.message, /PUBLIUS_CONFIG/);
          assert.match(e.message, /nothing was created/);
          return true;
        },
      );
      assert.ok(!existsSync(missing), "no folder was made");
    });
  }

  test("through the real command: exit 2, one line on stderr, no ./data in the working folder", () => {
    const cwd = mkdtempSync(join(root, "cwd-"));
    const env = { PATH: process.env.PATH ?? "", PUBLIUS_LOG_LEVEL: "silent" };
    const r = spawnSync(process.execPath, [BIN, "staff", "create", "ada", "--role", "admin"], { cwd, env });
    assert.equal(r.status, 2, r.stderr.toString());
    assert.match(r.stderr.toString(), new RegExp(`^publius: there is no data folder at ${join(cwd, "data")}`));
    assert.ok(!existsSync(join(cwd, "data")));
  });

  test("the folder named in PUBLIUS_CONFIG is the one used, as serve would", async () => {
    const dataDir = mkdtempSync(join(root, "server-"));
    const file = join(root, "publius.json");
    writeFileSync(file, JSON.stringify({ PUBLIUS_DATA_DIR: dataDir, PUBLIUS_LOG_LEVEL: "silent" }));
    let out = "";
    const env = { PUBLIUS_CONFIG: file };
    assert.equal(
      await runCli(["staff", "create", "ada", "--role", "admin"], env, (s) => {
        out += s;
      }),
      0,
    );
    assert.match(out, /@ada now holds: admin/);
    assert.ok(existsSync(join(dataDir, "publius.sqlite")), "the server's database was used");
  });

  test("migrate may still start a new data folder", async () => {
    const fresh = join(root, "fresh");
    assert.equal(await runCli(["migrate"], { PUBLIUS_DATA_DIR: fresh, PUBLIUS_LOG_LEVEL: "silent" }, () => {}), 0);
    assert.ok(existsSync(join(fresh, "publius.sqlite")));
  });
});

describe("the Node.js version", () => {
  test("bin/publius.js on Node.js 20 says what is needed and what to install, loads no .ts", {
    skip: !existsSync(NODE20) && "no /usr/bin/node",
  }, () => {
    const version = spawnSync(NODE20, ["--version"]).stdout.toString().trim().replace(/^v/, "");
    if (Number(version.split(".")[0]) >= 24) return; // nothing older to try here
    const r = spawnSync(NODE20, [BIN, "serve"], { env: { PATH: "/usr/bin:/bin" } });
    assert.equal(r.status, 2);
    const err = r.stderr.toString();
    assert.match(
      err,
      new RegExp(
        `^Publius needs Node.js 24 or later; this is Node.js ${version.replace(/\./g, "\\.")}\\. Install it with`,
      ),
    );
    assert.match(err, /nodejs\.org/);
    assert.doesNotMatch(err, /ERR_UNKNOWN_FILE_EXTENSION/);
  });

  test("npm start goes through the same check", async () => {
    const pkg = JSON.parse(
      await import("node:fs").then((fs) => fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")),
    );
    assert.equal(pkg.scripts.start, "node bin/publius.js serve");
  });

  test("on Node.js 24 bin/publius.js runs the command", () => {
    const r = spawnSync(process.execPath, [BIN, "--help"]);
    assert.equal(r.status, 0, r.stderr.toString());
    assert.match(r.stdout.toString(), /publius serve/);
  });
});
