// Runs the whole suite on SQLite, then again on PostgreSQL when PUBLIUS_TEST_DATABASE_URL is set.
// In CI the PostgreSQL run is required: a missing URL fails instead of skipping.
// --test-force-exit: a test file whose tests have all finished exits even if a handle it leaked keeps
// its event loop alive (the PostgreSQL outage test did, and the run waited on it without end).
import { spawnSync } from "node:child_process";

const files = process.argv.slice(2);
const patterns = files.length > 0 ? files : ["test/**/*.test.ts"];
const pgUrl = process.env.PUBLIUS_TEST_DATABASE_URL;
const ci = process.env.CI === "true";

if (ci && !pgUrl) {
  console.error("CI=true but PUBLIUS_TEST_DATABASE_URL is not set: the PostgreSQL suite must run in CI.");
  process.exit(1);
}

function run(label: string, env: Record<string, string | undefined>): number {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(
    process.execPath,
    ["--test", "--test-concurrency=2", "--test-timeout=120000", "--test-force-exit", ...patterns],
    {
      stdio: "inherit",
      env: { ...process.env, ...env },
    },
  );
  return result.status ?? 1;
}

let failed = run("SQLite", { PUBLIUS_TEST_DATABASE_URL: "" });
if (pgUrl)
  failed ||= run(`PostgreSQL (${new URL(pgUrl).pathname.slice(1) || "default"})`, { PUBLIUS_TEST_DATABASE_URL: pgUrl });
else console.log("\nPUBLIUS_TEST_DATABASE_URL is not set: the PostgreSQL run was skipped (it is required in CI).");
process.exit(failed);
