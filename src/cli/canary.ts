// The warrant canary at the command line:
//   publius canary sign [--statement-file <file>] [--days 90] --as <handle> --code <totp>
//   publius canary verify <url or file> [--key <public-key.pem>]
// Signing acts as a legal-role staff member with a current code, as the console does. Verifying
// needs no identity and no database: anyone holding the canary's JSON can check it.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Config } from "../config/config.ts";
import { createContext } from "../context.ts";
import { dayOf } from "../domain/clock.ts";
import { PubliusError } from "../domain/errors.ts";
import { checkCanary, DEFAULT_CANARY_DAYS, type PublishedCanary } from "../services/legal/canary.ts";
import { migrate, openStore } from "../store/store.ts";

export const CANARY_HELP = `  publius canary sign [--statement-file <file>] [--days ${DEFAULT_CANARY_DAYS}] --as <handle> --code <totp>
                                         sign and publish a new warrant canary (statements: one per line)
  publius canary verify <url or file> [--key <public-key.pem>]
                                         check a warrant canary's signature and whether it has expired
`;

type Out = (s: string) => void;

const usage = (message: string) => new PubliusError(400, message);

export async function canaryCommand(config: Config, args: string[], out: Out): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "sign") return sign(config, rest, out);
  if (sub === "verify") return verify(rest, out);
  throw usage(`Usage:\n${CANARY_HELP}`);
}

async function sign(config: Config, args: string[], out: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      "statement-file": { type: "string" },
      days: { type: "string" },
      as: { type: "string" },
      code: { type: "string" },
    },
  });
  if (positionals.length) throw usage(`Usage:\n${CANARY_HELP}`);
  if (!values.as || !values.code) {
    throw usage("Signing the canary acts as a legal-role staff member: give --as <handle> and --code <code>.");
  }
  let statements: string[] | undefined;
  if (values["statement-file"]) {
    try {
      statements = readFileSync(values["statement-file"], "utf8").split(/\r?\n/);
    } catch (e) {
      throw usage(`Cannot read ${values["statement-file"]}: ${(e as Error).message}`);
    }
  }
  const days = values.days === undefined ? undefined : Number(values.days);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(store);
    const ctx = createContext({ config, store });
    const actor = await ctx.services.legal.access.forCode(values.as, values.code);
    const published = await ctx.services.legal.canary.sign(actor, { statements, days });
    out(
      `Signed the warrant canary of ${published.canary.issued_day}; next renewal due by ${published.canary.next_renewal_day}.\nKey ${published.key_fingerprint}. Published at ${config.publicUrl}/canary\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

async function verify(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { key: { type: "string" } } });
  const [source, ...extra] = positionals;
  if (!source || extra.length) throw usage("Usage: publius canary verify <url or file> [--key <public-key.pem>]");
  let text: string;
  if (/^https?:\/\//i.test(source)) {
    const url = new URL(source);
    if (url.pathname.replace(/\/$/, "").endsWith("/canary")) url.pathname = `${url.pathname.replace(/\/$/, "")}.json`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: "application/json" }, redirect: "follow" });
    } catch (e) {
      throw usage(`Cannot fetch ${url}: ${(e as Error).message}`);
    }
    text = await res.text();
    if (!res.ok && res.status !== 404) throw usage(`Cannot fetch ${url}: HTTP ${res.status}`);
  } else {
    try {
      text = readFileSync(source, "utf8");
    } catch (e) {
      throw usage(`Cannot read ${source}: ${(e as Error).message}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usage(`${source} is not JSON (expected a warrant canary, as served at /canary.json).`);
  }
  let keyPem: string | undefined;
  if (values.key) {
    try {
      keyPem = readFileSync(values.key, "utf8");
    } catch (e) {
      throw usage(`Cannot read ${values.key}: ${(e as Error).message}`);
    }
  }
  const check = checkCanary(json, keyPem);
  if (!check.ok) {
    out(`NOT VERIFIED: ${check.problems.join("; ")}\n`);
    return 1;
  }
  const c = (json as PublishedCanary).canary;
  out(`Signature OK: signed ${c.issued_day} for ${c.instance} with key ${check.fingerprint}.\n`);
  if (!check.keyGiven) {
    out("The key came with the canary itself: compare its fingerprint with one you noted down, or give --key.\n");
  }
  const today = dayOf(new Date());
  if (check.expiredOn(today)) {
    out(`EXPIRED: it was due for renewal by ${c.next_renewal_day} (today is ${today}).\n`);
    return 3;
  }
  out(`Current: next renewal due by ${c.next_renewal_day}.\n`);
  for (const s of c.statements) out(`  - ${s}\n`);
  return 0;
}
