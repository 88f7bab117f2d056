// The `publius` command line, through runCli() with a data folder of its own. On the PostgreSQL run,
// migrate, staff and invite work in a schema of their own too; backup is SQLite's alone.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, test } from "node:test";
import pg from "pg";
import { runCli, UsageError } from "../../src/cli/main.ts";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { type AppContext, createContext } from "../../src/context.ts";
import { PubliusError } from "../../src/domain/errors.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { TEST_DATABASE_URL } from "../helpers/context.ts";

interface Cli {
  env: Record<string, string>;
  dataDir: string;
  /** Runs a command; returns its exit code and everything it printed. */
  run(...argv: string[]): Promise<{ code: number; out: string }>;
  /** Opens the command's database, as the server would, to look at what the command did. */
  inspect<T>(look: (ctx: AppContext) => Promise<T>): Promise<T>;
}

function cliOn(env: Record<string, string>, dataDir: string): Cli {
  return {
    env,
    dataDir,
    async run(...argv) {
      let out = "";
      const code = await runCli(argv, env, (s) => {
        out += s;
      });
      return { code, out };
    },
    async inspect(look) {
      const config = loadConfig(env);
      const store: Store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        return await look(createContext({ config, store }));
      } finally {
        await store.close();
      }
    },
  };
}

/** A data folder, and on the PostgreSQL run a schema named in the database URL. */
function useCli(options: { sqliteOnly?: boolean } = {}): () => Cli {
  let cli: Cli | undefined;
  let schema: string | undefined;
  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "publius-cli-"));
    const env: Record<string, string> = {
      PUBLIUS_DATA_DIR: dataDir,
      PUBLIUS_PUBLIC_URL: "https://publius.example",
      PUBLIUS_LOG_LEVEL: "silent",
    };
    if (TEST_DATABASE_URL && !options.sqliteOnly) {
      schema = `cli_${randomBytes(6).toString("hex")}`;
      await adminQuery(`CREATE SCHEMA ${schema}`);
      const url = new URL(TEST_DATABASE_URL);
      url.searchParams.set("options", `-c search_path=${schema}`);
      env.PUBLIUS_DATABASE_URL = url.toString();
    }
    cli = cliOn(env, dataDir);
  });
  afterEach(async () => {
    if (cli) rmSync(cli.dataDir, { recursive: true, force: true });
    if (schema) await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
    cli = undefined;
    schema = undefined;
  });
  return () => {
    if (!cli) throw new Error("only inside a test");
    return cli;
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Rows from node:sqlite (null-prototype objects) as plain objects, for deepEqual. */
function plain(rows: unknown[]): unknown[] {
  return rows.map((r) => ({ ...(r as object) }));
}

async function rejects(action: Promise<unknown>, type: new (...args: never[]) => Error, message: RegExp) {
  await assert.rejects(action, (e: unknown) => {
    assert.ok(e instanceof type, `expected a ${type.name}, got ${String(e)}`);
    const text = e instanceof PubliusError ? e.publicMessage : (e as Error).message;
    assert.match(text, message);
    return true;
  });
}

describe("usage", () => {
  const cli = useCli({ sqliteOnly: true });

  test("--help prints every command and exits 0; no command prints it and exits 2", async () => {
    for (const flag of ["--help", "-h", "help"]) {
      const { code, out } = await cli().run(flag);
      assert.equal(code, 0, flag);
      assert.match(out, /^publius — /);
      for (const command of ["serve", "migrate", "staff create", "invite create", "backup <file>"]) {
        assert.ok(out.includes(`publius ${command}`), `${flag} mentions ${command}`);
      }
      assert.match(out, /PUBLIUS_DATA_DIR/);
    }
    const bare = await cli().run();
    assert.equal(bare.code, 2);
    assert.match(bare.out, /Usage:/);
    assert.ok(!existsSync(join(cli().dataDir, "publius.sqlite")), "help touches no database");
  });

  test("an unknown command or stray arguments are a UsageError", async () => {
    await rejects(cli().run("frobnicate"), UsageError, /Unknown command "frobnicate"\. Run publius --help\./);
    await rejects(cli().run("migrate", "now"), UsageError, /"migrate" takes no arguments \(got now\)/);
    await rejects(cli().run("staff", "delete", "alice", "--role", "admin"), UsageError, /Usage: publius staff create/);
    await rejects(cli().run("invite", "revoke"), UsageError, /Usage: publius invite create/);
    await rejects(cli().run("backup"), UsageError, /Usage: publius backup <file>/);
    await assert.rejects(cli().run("staff", "create", "alice", "--colour", "red"), /Unknown option '--colour'/);
  });

  test("bad configuration is a ConfigError before anything is opened", async () => {
    const { env } = cli();
    await rejects(
      runCli(["migrate"], { ...env, PUBLIUS_REGISTRATION: "sometimes" }, () => {}),
      ConfigError,
      /PUBLIUS_REGISTRATION must be open, approval or invite \(got "sometimes"\)/,
    );
    await rejects(
      runCli(["migrate"], { ...env, PUBLIUS_DATABASE_URL: "mysql://localhost/publius" }, () => {}),
      ConfigError,
      /PUBLIUS_DATABASE_URL must start with postgres:\/\//,
    );
    await rejects(
      runCli(["migrate"], { ...env, PUBLIUS_CONFIG: join(env.PUBLIUS_DATA_DIR as string, "missing.json") }, () => {}),
      ConfigError,
      /PUBLIUS_CONFIG: cannot read/,
    );
    const file = join(env.PUBLIUS_DATA_DIR as string, "config.json");
    writeFileSync(file, JSON.stringify({ PUBLIUS_PORT: "eighty" }));
    await rejects(
      runCli(["migrate"], { ...env, PUBLIUS_CONFIG: file }, () => {}),
      ConfigError,
      /PUBLIUS_PORT/,
    );
    assert.ok(!existsSync(join(env.PUBLIUS_DATA_DIR as string, "publius.sqlite")), "no database was made");
  });
});

describe("migrate", () => {
  const cli = useCli();

  test("applies every migration once, then says the database is up to date", async () => {
    const first = await cli().run("migrate");
    assert.equal(first.code, 0);
    assert.match(first.out, /^Applied: 001-core, /);
    if (!TEST_DATABASE_URL) assert.ok(existsSync(join(cli().dataDir, "publius.sqlite")));
    const again = await cli().run("migrate");
    assert.equal(again.code, 0);
    assert.equal(again.out, "The database is up to date.\n");
    const applied = await cli().inspect((ctx) =>
      ctx.store.db
        .selectFrom("publius_migrations" as "accounts")
        .selectAll()
        .execute(),
    );
    assert.equal(applied.length, first.out.split(",").length);
  });
});

describe("staff create", () => {
  const cli = useCli();

  test("creates the account with a one-time password printed once, and grants the roles", async () => {
    const { code, out } = await cli().run("staff", "create", "mod_mia", "--role", "moderator", "--role", "legal");
    assert.equal(code, 0);
    const lines = out.trimEnd().split("\n");
    assert.equal(lines[0], "@mod_mia now holds: legal, moderator");
    assert.match(
      lines[1] as string,
      /^New account @mod_mia — one-time password \(shown once; the first sign-in asks for a new one\):$/,
    );
    const password = lines[2] as string;
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    assert.equal(lines.length, 3);

    await cli().inspect(async (ctx) => {
      const account = await ctx.services.accounts.byHandle("mod_mia");
      assert.ok(account);
      assert.equal(account.state, "active");
      assert.deepEqual([...(await ctx.services.staff.roles(account.id))].sort(), ["legal", "moderator"]);
      // The printed password is the account's, and only it.
      const { account: signedIn } = await ctx.services.sessions.signIn("mod_mia", password);
      assert.equal(signedIn.id, account.id);
      await assert.rejects(ctx.services.sessions.signIn("mod_mia", `${password}x`));
      const row = await ctx.store.db
        .selectFrom("accounts")
        .select(["password_hash", "password_change_required"])
        .where("id", "=", account.id)
        .executeTakeFirstOrThrow();
      assert.ok(!row.password_hash.includes(password), "the password is stored hashed");
      // The one-time password must be replaced at the first sign-in (issue 13, item 8).
      assert.equal(row.password_change_required, 1);
    });
  });

  test("grants roles to an existing account without touching its password", async () => {
    await cli().run("migrate");
    await cli().inspect((ctx) =>
      ctx.services.accounts.register({ handle: "admin_ada", password: "an existing passphrase" }, { mode: "open" }),
    );
    const { code, out } = await cli().run("staff", "create", "ADMIN_ADA", "--role", "admin");
    assert.equal(code, 0);
    assert.equal(out, "@ADMIN_ADA now holds: admin\n");
    const again = await cli().run("staff", "create", "admin_ada", "--role", "admin", "--role", "moderator");
    assert.equal(again.out, "@admin_ada now holds: admin, moderator\n", "roles add up, none twice");
    await cli().inspect(async (ctx) => {
      const { account } = await ctx.services.sessions.signIn("admin_ada", "an existing passphrase");
      assert.deepEqual([...(await ctx.services.staff.roles(account.id))].sort(), ["admin", "moderator"]);
      assert.equal(
        await ctx.store.db
          .selectFrom("accounts")
          .select("id")
          .execute()
          .then((r) => r.length),
        1,
      );
    });
  });

  test("refuses unknown roles, or none, and writes nothing", async () => {
    await cli().run("migrate");
    await rejects(
      cli().run("staff", "create", "counsel_cal", "--role", "overlord"),
      UsageError,
      /admin, legal, moderator/,
    );
    await rejects(cli().run("staff", "create", "counsel_cal", "--role", "legal", "--role", "root"), UsageError, /root/);
    await rejects(cli().run("staff", "create", "counsel_cal"), UsageError, /Give at least one --role/);
    const counts = await cli().inspect(async (ctx) => ({
      accounts: (await ctx.store.db.selectFrom("accounts").select("id").execute()).length,
      roles: (await ctx.store.db.selectFrom("staff_roles").selectAll().execute()).length,
    }));
    assert.deepEqual(counts, { accounts: 0, roles: 0 });
  });

  test("refuses a handle that is not a valid handle", async () => {
    await rejects(cli().run("staff", "create", "bad handle!", "--role", "admin"), PubliusError, /A handle is 1 to 30/);
  });
});

describe("invite create", () => {
  const cli = useCli();

  test("prints a code and its sign-up link; the code admits once by default", async () => {
    const { code, out } = await cli().run("invite", "create");
    assert.equal(code, 0);
    const [invite, link, ...rest] = out.trimEnd().split("\n");
    assert.match(invite as string, /^[A-Za-z0-9_-]{16}$/);
    assert.equal(link, `https://publius.example/signup?invite=${invite}`);
    assert.deepEqual(rest, []);
    await cli().inspect(async (ctx) => {
      const row = await ctx.store.db
        .selectFrom("invites")
        .selectAll()
        .where("code", "=", invite as string)
        .executeTakeFirstOrThrow();
      assert.equal(row.max_uses, 1);
      assert.equal(row.expires_day, null);
      assert.equal(row.created_by, null, "made by the operator");
      await ctx.services.accounts.register(
        { handle: "erin", password: "a fine passphrase", inviteCode: invite },
        { mode: "invite" },
      );
      await assert.rejects(
        ctx.services.accounts.register(
          { handle: "frank", password: "a fine passphrase", inviteCode: invite },
          { mode: "invite" },
        ),
        /That invite code is not valid/,
      );
    });
  });

  test("--uses and --days shape the code; nonsense is refused", async () => {
    const { out } = await cli().run("invite", "create", "--uses", "unlimited", "--days", "30");
    const code = out.split("\n")[0] as string;
    await cli().inspect(async (ctx) => {
      const row = await ctx.store.db
        .selectFrom("invites")
        .selectAll()
        .where("code", "=", code)
        .executeTakeFirstOrThrow();
      assert.equal(row.max_uses, null);
      assert.match(String(row.expires_day), /^\d{4}-\d{2}-\d{2}$/);
    });
    await rejects(cli().run("invite", "create", "--uses", "0"), PubliusError, /Uses must be a whole number/);
    await rejects(cli().run("invite", "create", "--uses", "many"), PubliusError, /Uses must be a whole number/);
    await rejects(cli().run("invite", "create", "--days", "400"), PubliusError, /Expiry must be from 1 to 365 days/);
    const rows = await cli().inspect((ctx) => ctx.store.db.selectFrom("invites").selectAll().execute());
    assert.equal(rows.length, 1);
  });
});

describe("backup", () => {
  const cli = useCli({ sqliteOnly: true });

  test("makes a consistent SQLite copy that opens and holds the accounts", async () => {
    await cli().run("staff", "create", "admin_ada", "--role", "admin");
    const target = join(cli().dataDir, "backup.sqlite");
    const { code, out } = await cli().run("backup", target);
    assert.equal(code, 0);
    assert.match(out, new RegExp(`^Backed up \\d+ pages to ${target.replaceAll("/", "\\/")}\\n$`));
    const copy = new DatabaseSync(target, { readOnly: true });
    try {
      assert.deepEqual(plain(copy.prepare("PRAGMA integrity_check").all()), [{ integrity_check: "ok" }]);
      assert.deepEqual(plain(copy.prepare("SELECT handle FROM accounts").all()), [{ handle: "admin_ada" }]);
      assert.equal((copy.prepare("SELECT count(*) AS n FROM staff_roles").get() as { n: number }).n, 1);
    } finally {
      copy.close();
    }
  });

  test("copies only what is committed, while another connection is writing", async () => {
    await cli().run("staff", "create", "admin_ada", "--role", "admin");
    const live = new DatabaseSync(join(cli().dataDir, "publius.sqlite"));
    try {
      live.exec("BEGIN IMMEDIATE");
      live.exec(
        "INSERT INTO accounts (id, handle, handle_lower, password_hash, created_day) VALUES ('1', 'halfway', 'halfway', 'x', '2026-03-14')",
      );
      const target = join(cli().dataDir, "during-write.sqlite");
      assert.equal((await cli().run("backup", target)).code, 0);
      live.exec("ROLLBACK");
      const copy = new DatabaseSync(target, { readOnly: true });
      try {
        assert.deepEqual(plain(copy.prepare("SELECT handle FROM accounts ORDER BY handle").all()), [
          { handle: "admin_ada" },
        ]);
        assert.deepEqual(plain(copy.prepare("PRAGMA integrity_check").all()), [{ integrity_check: "ok" }]);
      } finally {
        copy.close();
      }
    } finally {
      live.close();
    }
  });

  test("refuses to overwrite a file without --force", async () => {
    await cli().run("migrate");
    const target = join(cli().dataDir, "keep.sqlite");
    writeFileSync(target, "precious");
    await rejects(cli().run("backup", target), UsageError, /exists; choose another name or add --force/);
    assert.equal(readFileSync(target, "utf8"), "precious");
    const { code } = await cli().run("backup", target, "--force");
    assert.equal(code, 0);
    assert.ok(statSync(target).size > "precious".length);
    // --force also replaces an older backup, which then holds what was added since.
    await cli().run("staff", "create", "mod_mia", "--role", "moderator");
    assert.equal((await cli().run("backup", target, "--force")).code, 0);
    const copy = new DatabaseSync(target, { readOnly: true });
    assert.deepEqual(plain(copy.prepare("SELECT handle FROM accounts").all()), [{ handle: "mod_mia" }]);
    copy.close();
    assert.deepEqual(
      readdirSync(cli().dataDir).filter((f) => f.includes(".partial-")),
      [],
      "no partial files are left behind",
    );
  });

  test("refuses to write over the live database, even with --force", async () => {
    await cli().run("staff", "create", "mod_mia", "--role", "moderator");
    const live = join(cli().dataDir, "publius.sqlite");
    await rejects(cli().run("backup", live, "--force"), UsageError, /is the live database itself/);
    const held = await cli().inspect((ctx) => ctx.services.accounts.byHandle("mod_mia"));
    assert.ok(held, "the database is intact");
  });

  test("refuses on a PostgreSQL configuration, and writes no file", async () => {
    const target = join(cli().dataDir, "pg.sqlite");
    await rejects(
      runCli(
        ["backup", target],
        { ...cli().env, PUBLIUS_DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
        () => {},
      ),
      UsageError,
      /for PostgreSQL use pg_dump/,
    );
    assert.ok(!existsSync(target));
  });
});
