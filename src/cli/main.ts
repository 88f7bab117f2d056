// The `publius` command: serve, migrate, staff, invite, backup.
import { existsSync, renameSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { type Config, ConfigError, loadConfig } from "../config/config.ts";
import { createContext } from "../context.ts";
import { STAFF_ROLES } from "../domain/account.ts";
import { PubliusError } from "../domain/errors.ts";
import { randomToken } from "../domain/ids.ts";
import { serve } from "../main.ts";
import { isDatabaseUnavailable } from "../store/faults.ts";
import { migrate, openStore, secureDataDir } from "../store/store.ts";
import { CANARY_HELP, canaryCommand } from "./canary.ts";
import { LEGAL_HELP, legalCommand } from "./legal.ts";
import { REPORT_HELP, reportCommand } from "./report.ts";

const HELP = `publius — a microblogging server with nothing to unmask

Usage:
  publius serve                          start the server (migrates first)
  publius migrate                        apply database migrations and exit
  publius staff create <handle> --role admin|legal|moderator [--role …]
                                         grant staff roles; creates the account if it does not exist
                                         (its one-time password is printed once)
  publius invite create [--uses N|unlimited] [--days N]
                                         make an invite code (operator)
  publius backup <file> [--force]        consistent online copy of the SQLite database, holding
                                         nothing that was deleted (mode 0600)
${LEGAL_HELP}${REPORT_HELP}${CANARY_HELP}  publius --help                         this text

Configuration comes from the environment (PUBLIUS_PORT, PUBLIUS_HOST, PUBLIUS_DATA_DIR,
PUBLIUS_DATABASE_URL, PUBLIUS_PUBLIC_URL, PUBLIUS_REGISTRATION, …) or a JSON file named by
PUBLIUS_CONFIG. See README.md.
`;

const COMMANDS = [
  "serve",
  "migrate",
  "staff",
  "invite",
  "backup",
  "demand",
  "production",
  "audit",
  "second-factor",
  "canary",
  "report",
];

export class UsageError extends Error {
  override name = "UsageError";
}

export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (s: string) => void,
): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    out(HELP);
    return command ? 0 : 2;
  }
  const config = loadConfig(env);
  // Everything Publius writes (database, WAL, backups, media, keys, productions) is for the
  // server's user alone, whatever umask the shell or service manager gave.
  process.umask(0o077);
  // Only serve and migrate may start a data folder. Any other command run without the server's
  // PUBLIUS_DATA_DIR / PUBLIUS_CONFIG would otherwise make a new empty one (and a new database and
  // keys in it) and, say, grant a staff role there instead of in the server's.
  if (!COMMANDS.includes(command)) throw new UsageError(`Unknown command "${command}". Run publius --help.`);
  if (command !== "serve" && command !== "migrate" && !existsSync(config.dataDir)) {
    throw new UsageError(
      `there is no data folder at ${config.dataDir}, so "${command}" would start a new, empty server. ` +
        "Run it with the server's configuration (the same PUBLIUS_CONFIG or PUBLIUS_DATA_DIR and " +
        "PUBLIUS_DATABASE_URL as publius serve); nothing was created.",
    );
  }
  if (command !== "serve") {
    const { tightenedFrom } = secureDataDir(config.dataDir);
    if (tightenedFrom !== undefined) process.stderr.write(tighteningLine(config.dataDir, tightenedFrom));
  }
  switch (command) {
    case "serve": {
      noArgs(rest, "serve");
      await serve(config, { handleSignals: true });
      return -1; // keeps running
    }
    case "migrate": {
      noArgs(rest, "migrate");
      const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrate(store);
        out(applied.length ? `Applied: ${applied.join(", ")}\n` : "The database is up to date.\n");
      } finally {
        await store.close();
      }
      return 0;
    }
    case "staff":
      return staffCommand(config, rest, out);
    case "invite":
      return inviteCommand(config, rest, out);
    case "backup":
      return backupCommand(config, rest, out);
    case "demand":
    case "production":
    case "audit":
    case "second-factor":
      return legalCommand(config, command, rest, out);
    case "canary":
      return canaryCommand(config, rest, out);
    case "report":
      return reportCommand(config, rest, out);
    default:
      throw new UsageError(`Unknown command "${command}". Run publius --help.`);
  }
}

/** The one line said when an existing data folder was open to others and is no longer. */
export function tighteningLine(dir: string, from: number): string {
  return `publius: the data folder ${dir} was mode ${from.toString(8).padStart(4, "0")}; it is now 0700\n`;
}

function noArgs(rest: string[], command: string): void {
  if (rest.length) throw new UsageError(`"${command}" takes no arguments (got ${rest.join(" ")}).`);
}

async function withContext<T>(config: Config, run: (ctx: ReturnType<typeof createContext>) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(store);
    return await run(createContext({ config, store }));
  } finally {
    await store.close();
  }
}

async function staffCommand(config: Config, args: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: "string", multiple: true } },
  });
  const [sub, handle, ...extra] = positionals;
  if (sub !== "create" || !handle || extra.length) {
    throw new UsageError("Usage: publius staff create <handle> --role admin|legal|moderator [--role …]");
  }
  const roles = values.role ?? [];
  if (roles.length === 0) throw new UsageError(`Give at least one --role (${STAFF_ROLES.join(", ")}).`);
  // Checked before anything is written: a refused role must not leave a new account behind.
  const unknown = roles.filter((r) => !(STAFF_ROLES as readonly string[]).includes(r));
  if (unknown.length) {
    throw new UsageError(`Unknown role ${unknown.join(", ")}: a role is one of ${STAFF_ROLES.join(", ")}.`);
  }
  return withContext(config, async (ctx) => {
    let password: string | undefined;
    if (!(await ctx.services.accounts.byHandle(handle))) {
      password = randomToken(18);
      await ctx.services.accounts.register({ handle, password }, { mode: "open", oneTimePassword: true });
    }
    const granted = await ctx.services.staff.grant(null, handle, roles);
    out(`@${handle} now holds: ${granted.join(", ")}\n`);
    if (password)
      out(
        `New account @${handle} — one-time password (shown once; the first sign-in asks for a new one):\n${password}\n`,
      );
    return 0;
  });
}

async function inviteCommand(config: Config, args: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { uses: { type: "string" }, days: { type: "string" } },
  });
  if (positionals.length !== 1 || positionals[0] !== "create") {
    throw new UsageError("Usage: publius invite create [--uses N|unlimited] [--days N]");
  }
  const uses = values.uses === undefined ? 1 : values.uses === "unlimited" ? null : Number(values.uses);
  const days = values.days === undefined ? null : Number(values.days);
  return withContext(config, async (ctx) => {
    const invite = await ctx.services.invites.create(null, { maxUses: uses, expiresInDays: days });
    out(`${invite.code}\n${config.publicUrl}/signup?invite=${invite.code}\n`);
    return 0;
  });
}

async function backupCommand(config: Config, args: string[], out: (s: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { force: { type: "boolean" } } });
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError("Usage: publius backup <file> [--force]");
  if (config.databaseUrl) {
    throw new UsageError(
      "backup copies the embedded SQLite database; for PostgreSQL use pg_dump (see docs/operating.md).",
    );
  }
  const target = resolve(file);
  if (existsSync(target) && !values.force)
    throw new UsageError(`${target} exists; choose another name or add --force.`);
  const live = resolve(config.dataDir, "publius.sqlite");
  if ([live, `${live}-wal`, `${live}-shm`].includes(target)) {
    throw new UsageError(`${target} is the live database itself; choose another name.`);
  }
  const store = await openStore({ dataDir: config.dataDir });
  // Written beside the target, then renamed over it: --force replaces whatever the file was (even
  // one that is not a database), and a failed backup leaves the old file as it was.
  const partial = `${target}.partial-${randomToken(6)}`;
  try {
    await migrate(store);
    if (!store.sqlite) throw new UsageError("no SQLite database open");
    // VACUUM INTO: a consistent copy even while the server is writing, built afresh from the live
    // rows, so free pages, the WAL's old page versions and anything deleted are not copied.
    store.sqlite.prepare("VACUUM INTO ?").run(partial);
    const pages = forgetInCopy(partial);
    renameSync(partial, target);
    out(`Backed up ${pages} pages to ${target}\n`);
  } finally {
    rmSync(partial, { force: true });
    await store.close();
  }
  return 0;
}

/**
 * The copy's full-text index merged into one segment (the live one may still hold the first letters
 * of a deleted word in its page index until housekeeping merges it), freed pages zeroed. Returns
 * the copy's size in pages.
 */
function forgetInCopy(file: string): number {
  const copy = new DatabaseSync(file);
  try {
    copy.exec("PRAGMA secure_delete = ON");
    copy.exec("INSERT INTO statuses_fts(statuses_fts) VALUES ('optimize')");
    copy.exec("VACUUM");
    return Number((copy.prepare("PRAGMA page_count").get() as { page_count: number }).page_count);
  } finally {
    copy.close();
  }
}

/** "cannot reach the PostgreSQL database (connect ECONNREFUSED 127.0.0.1:5432); …" — no user, no password. */
export function databaseUnreachableLine(error: unknown): string {
  const e = error as { message?: string; errors?: { message?: string }[] };
  const reason = (e?.message || e?.errors?.find((x) => x?.message)?.message || "no answer").split("\n")[0];
  return `cannot reach the PostgreSQL database (${reason}); check PUBLIUS_DATABASE_URL and that the database is running, then start again.`;
}

/** Runs the command line and sets the exit code; errors become one clear line on stderr. */
export function main(argv: string[]): void {
  runCli(argv, process.env, (s) => process.stdout.write(s)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (e) => {
      if (isDatabaseUnavailable(e)) {
        // One line an operator can act on, no stack trace (the URL's password is never printed).
        process.stderr.write(`publius: ${databaseUnreachableLine(e)}\n`);
        process.exitCode = 1;
      } else if (e instanceof ConfigError || e instanceof UsageError || e instanceof PubliusError) {
        process.stderr.write(`publius: ${e instanceof PubliusError ? e.publicMessage : e.message}\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`publius: ${(e as Error)?.stack ?? String(e)}\n`);
        process.exitCode = 1;
      }
    },
  );
}

// Run when executed directly (node src/cli/main.ts …); bin/publius.js calls main() itself.
if (import.meta.main) main(process.argv.slice(2));
