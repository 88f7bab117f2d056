// What the server and its commands write is for the server's user alone (issue 9, finding 17):
// umask 077 whatever the shell gave, and an existing data folder left open (0755 by an older
// version or by hand) is tightened to 0700 at start, with one line in the log saying so.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli } from "../../src/cli/main.ts";
import { loadConfig } from "../../src/config/config.ts";
import { serve } from "../../src/main.ts";
import { TEST_ABUSE_DEFAULTS } from "../helpers/context.ts";
import { freePort } from "../helpers/server.ts";

const mode = (path: string) => statSync(path).mode & 0o777;

/** Every file and folder below `dir`, with its mode. */
function modesUnder(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push({ path, dir: entry.isDirectory(), mode: mode(path) });
    if (entry.isDirectory()) out.push(...modesUnder(path));
  }
  return out;
}

let root: string;
let previousUmask: number;
before(() => {
  root = mkdtempSync(join(tmpdir(), "publius-modes-"));
  // The common default: files 0644, folders 0755 unless the server says otherwise.
  previousUmask = process.umask(0o022);
});
after(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

// Both tests run the embedded SQLite database (no database URL in their environment): its files
// are the ones that matter.
test("serve tightens an existing 0755 data folder to 0700 and writes only 0600 files and 0700 folders", async () => {
  const dataDir = join(root, "serve-data");
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  const env = {
    PUBLIUS_DATA_DIR: dataDir,
    PUBLIUS_PORT: String(await freePort()),
    PUBLIUS_HOST: "127.0.0.1",
    PUBLIUS_PUBLIC_URL: "http://publius.test",
    PUBLIUS_LOG_LEVEL: "info",
    ...TEST_ABUSE_DEFAULTS,
  };
  const lines: string[] = [];
  const server = await serve(loadConfig(env), { writeLog: (l) => lines.push(l) });
  try {
    assert.equal(mode(dataDir), 0o700, "the data folder was tightened");
    const said = lines.filter((l) => l.includes("0755") && l.includes("0700"));
    assert.equal(said.length, 1, `one line says so: ${lines.join("")}`);
    const res = await fetch(`${server.url}/api/v1/instance`);
    assert.equal(res.status, 200);
  } finally {
    await server.close();
  }
  const written = modesUnder(dataDir);
  assert.ok(
    written.some((f) => f.path.endsWith("publius.sqlite")),
    `the database is there: ${written.map((f) => f.path)}`,
  );
  for (const f of written) {
    assert.equal(f.mode, f.dir ? 0o700 : 0o600, `${f.path} is ${f.mode.toString(8)}`);
  }

  // A backup, made with the shell's umask 022 again.
  process.umask(0o022);
  const target = join(root, "backup.sqlite");
  assert.equal(await runCli(["backup", target], env, () => {}), 0);
  assert.equal(mode(target), 0o600, "the backup is 0600");
});

test("a command (migrate) tightens the data folder too, and creates a new one 0700", async () => {
  const open = join(root, "cli-data");
  mkdirSync(open);
  chmodSync(open, 0o755);
  const env = {
    PUBLIUS_DATA_DIR: open,
    PUBLIUS_PUBLIC_URL: "http://publius.test",
    PUBLIUS_LOG_LEVEL: "silent",
    ...TEST_ABUSE_DEFAULTS,
  };
  process.umask(0o022);
  assert.equal(await runCli(["migrate"], env, () => {}), 0);
  assert.equal(mode(open), 0o700);
  for (const f of modesUnder(open)) assert.equal(f.mode, f.dir ? 0o700 : 0o600, f.path);
  const fresh = join(root, "new-data");
  process.umask(0o022);
  assert.equal(await runCli(["migrate"], { ...env, PUBLIUS_DATA_DIR: fresh }, () => {}), 0);
  assert.equal(mode(fresh), 0o700, "a new data folder is made 0700");
  for (const f of modesUnder(fresh)) assert.equal(f.mode, f.dir ? 0o700 : 0o600, f.path);
});
